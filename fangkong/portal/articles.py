"""The editorial workflow: an editor drafts (every save a new version, sanitised), submits; a reviewer who did not
write that version approves — publishing at once or at a set time — or returns it; a published article can be
edited again (its approved version stays online until the new one is approved) and withdrawn.

Publishing copies the approved version into the served copy together with its keyed hash; `integrity.py` checks
the two still agree."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import approvals, clock
from fangkong.core.audit import audit_record
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import EndMoment, FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap, in_force
from fangkong.core.text import ascii_digits

from . import cache as page_cache
from . import errors
from .content_models import Article, ArticleImage, ArticleImageUse, ArticleVersion, Category, ImportFinding
from .sanitise import MAX_HTML, OWN_IMAGE, Removed, sanitise
from .selectors import article_for_editor

S = Article.State


def content_mac(title: str, body_html: str) -> str:
    """The keyed hash of a text (HMAC-SHA256 with the server's secret key): someone who can write to the database
    but does not hold the key cannot make a defaced text look approved."""
    return salted_hmac("fangkong.portal.content", f"{title}\x00{body_html}", algorithm="sha256").hexdigest()


def approval_mac(article_id: int, number: int, title: str, body_html: str) -> str:
    """The keyed hash that makes a text publishable: this article, this version, this text, approved."""
    value = f"{article_id}\x00{number}\x00{title}\x00{body_html}"
    return salted_hmac("fangkong.portal.approved", value, algorithm="sha256").hexdigest()


def category_resolve(value: int | str | None) -> Category:
    """A category by id, slug, name or path ("动态要闻 › 兴隆要闻")."""
    if value in (None, ""):
        raise FieldError("category", _("Choose a category."), code=Code.REQUIRED)
    if isinstance(value, int) or (isinstance(value, str) and ascii_digits(value)):
        found = Category.objects.filter(pk=int(value)).first()
    else:
        text = str(value).strip()
        found = Category.objects.filter(slug=text).first()
        if found is None:
            parts = [p.strip() for p in text.replace(">", "›").split("›") if p.strip()]
            parent = None
            for part in parts:
                found = Category.objects.filter(parent=parent, name=part).first()
                if found is None:
                    break
                parent = found
            if found is None and len(parts) == 1:
                found = Category.objects.filter(name=parts[0]).order_by("pk").first()
    if found is None:
        raise FieldError("category", _("Unknown category."), code=Code.NOT_FOUND)
    return found


def _clean(title: str, body_html: str, removed: Removed | None = None) -> tuple[str, str]:
    """The title and the sanitised text; `removed`, when given, is told which images sanitising took out (the
    page says which foreign ones went: the editor opening an old text would not see them missing)."""
    title = " ".join((title or "").split())
    if not title:
        raise FieldError("title", _("Give the article a title."), code=Code.REQUIRED)
    if len(title) > 200:
        raise FieldError("title", _("A title of at most 200 characters."), code=Code.TOO_LONG)
    if len(body_html or "") > MAX_HTML:
        raise FieldError("body_html", _("The text is too long (at most 200,000 characters)."), code=Code.TOO_LONG)
    body_html = body_html or ""
    if "<" not in body_html:
        # Plain text pasted in (from a document or a chat): each line a paragraph.
        import html

        body_html = "".join(f"<p>{html.escape(line.strip())}</p>" for line in body_html.splitlines() if line.strip())
    removed = removed if removed is not None else Removed()
    body = sanitise(body_html, removed)
    if removed.images_without_alt:
        # Refused, not dropped: the editor put the image there and would not notice it gone from the saved text.
        raise FieldError(
            "body_html",
            _("Describe every image in a few words (its alt text); missing for %(images)s.")
            % {"images": ", ".join(src.rsplit("/", 1)[-1] for src in removed.images_without_alt)},
            code=errors.Code.ALT_REQUIRED,
        )
    if not body:
        raise FieldError("body_html", _("Write the article."), code=Code.REQUIRED)
    return title, body


def _new_version(article: Article, *, actor, title: str, body: str, note: str = "") -> ArticleVersion:
    number = (article.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ArticleVersion.objects.create(
        article=article,
        number=number,
        title=title,
        body_html=body,
        created_by=actor,
        note=(note or "").strip()[:300],
        mac=content_mac(title, body),
    )
    _record_images(version)
    return version


def _record_images(version: ArticleVersion) -> None:
    """Which of our images the version shows (its text is sanitised: each is `src="/news/img/<name>"`). The rows
    are locked, in the order the purge locks them, so an image the purge is deleting is either gone before this
    version names it or kept because this version does (images.images_purge looks again once it holds them)."""
    names = {src.rsplit("/", 1)[-1] for src in OWN_IMAGE.findall(version.body_html)}
    if not names:
        return
    found = ArticleImage.objects.select_for_update().filter(name__in=names).order_by("pk").values_list("pk", flat=True)
    ArticleImageUse.objects.bulk_create([ArticleImageUse(version=version, image_id=pk) for pk in found])


class ArticleCreateInput(FormInput):
    """A draft, from the API's body or the newsroom's form. An expiry given as a bare date means the end of
    that day."""

    title: str
    body_html: str
    category: int | str  # id, slug, or path "动态要闻 › 兴隆要闻"
    kind: str = "news"  # news | notice
    department: str = ""  # the editor's unit unless given
    pinned: bool = False
    expires_at: EndMoment | None = None


@transaction.atomic
def article_create(
    *,
    actor,
    title: str,
    body_html: str,
    category: int | str,
    kind: str = Article.Kind.NEWS,
    department: str = "",
    pinned: bool = False,
    expires_at: datetime | None = None,
    source: str = "",
    removed: Removed | None = None,
) -> Article:
    """A draft, its text sanitised; `removed`, when given, is told which images that took out."""
    if not has_cap(actor, Cap.PORTAL_EDIT):
        raise Forbidden(Cap.PORTAL_EDIT)
    if kind not in Article.Kind.values:
        raise FieldError("kind", _("News or a notice."), code=Code.UNKNOWN_CHOICE)
    cat = category_resolve(category)
    title, body = _clean(title, body_html, removed)
    if expires_at is not None and expires_at <= clock.now():
        raise FieldError("expires_at", _("An expiry in the future."), code=Code.OUT_OF_RANGE)
    article = Article.objects.create(
        category=cat,
        kind=kind,
        department=(department or _department_of(actor)).strip()[:60],
        author=actor,
        pinned=bool(pinned),
        expires_at=expires_at,
        source=(source or "")[:300],
    )
    version = _new_version(article, actor=actor, title=title, body=body)
    audit_record(actor=actor, action="portal.article_create", obj=article, fields={"version": version.number})
    return article


def _department_of(user) -> str:
    from fangkong.registry.models import RoleAssignment

    a = RoleAssignment.objects.filter(in_force(), user=user, unit__isnull=False).select_related("unit").first()
    return a.unit.name if a and a.unit else ""


def _editable(actor, article_id: int) -> Article:
    return article_for_editor(user=actor, article_id=article_id, for_update=True)


class ArticleUpdateInput(FormInput):
    """A new version, from the API's body or the article's page. A category, pin or expiry left out stays as
    it is (the page's unticked pin box unpins)."""

    title: str
    body_html: str
    note: str = ""  # what changed, for the reviewer
    category: int | str | None = None
    pinned: bool | None = None
    expires_at: EndMoment | None = None
    dated: date | None = None  # the article's own date, until it is first published (an import's guessed year)


@transaction.atomic
def article_update(
    *,
    actor,
    article_id: int,
    title: str,
    body_html: str,
    note: str = "",
    category: int | str | None = None,
    pinned: bool | None = None,
    expires_at: datetime | None = None,
    dated: date | None = None,
    removed: Removed | None = None,
) -> ArticleVersion:
    """A new version (the earlier ones stay). A submitted text goes back to draft: what is reviewed is what was
    submitted. `dated` changes the date of an article not yet published (approval keeps a date in the past as its
    publication date); the editor who changes it has settled a year the import guessed. `removed`, when given, is
    told which images sanitising took out."""
    article = _editable(actor, article_id)
    if article.state == S.WITHDRAWN:
        raise FieldError("state", _("A withdrawn article is not edited; write a new one."), code=Code.WRONG_STATE)
    title, body = _clean(title, body_html, removed)
    redated = dated is not None and (article.published_at is None or clock.localdate(article.published_at) != dated)
    if redated:
        if article.published_version_id is not None:
            raise FieldError("dated", _("A published article keeps its date."), code=Code.WRONG_STATE)
        if dated > clock.localdate():  # type: ignore[operator]
            raise FieldError("dated", _("A date not after today; to publish later, the reviewer sets the time."),
                             code=Code.IN_FUTURE)  # fmt: skip
        article.published_at = clock.start_of_day(dated)  # type: ignore[arg-type]
        article.import_findings.filter(kind=ImportFinding.Kind.DATE_GUESSED).delete()
    if category not in (None, ""):
        article.category = category_resolve(category)
    if pinned is not None:
        article.pinned = pinned
    if expires_at is not None:
        article.expires_at = expires_at
    version = _new_version(article, actor=actor, title=title, body=body, note=note)
    article.state = S.DRAFT
    article.save(update_fields=["category", "pinned", "expires_at", "state", "published_at"])
    changed: dict = {"version": version.number}
    if redated:
        changed["dated"] = str(dated)
    audit_record(actor=actor, action="portal.article_update", obj=article, fields=changed)
    return version


def latest_version(article: Article) -> ArticleVersion:
    return article.versions.order_by("-number").first()  # type: ignore[return-value]


@transaction.atomic
def article_submit(*, actor, article_id: int) -> Article:
    article = _editable(actor, article_id)
    if article.state not in (S.DRAFT, S.REJECTED):
        raise FieldError("state", _("Only a draft is submitted for review."), code=Code.WRONG_STATE)
    article.state = S.SUBMITTED
    article.save(update_fields=["state"])
    audit_record(actor=actor, action="portal.article_submit", obj=article)
    _tell_reviewers(article, actor)
    return article


def _tell_reviewers(article: Article, actor) -> None:
    from fangkong.core.inbox import notify, words
    from fangkong.registry.selectors import users_holding

    reviewers = [u for u in users_holding(Cap.PORTAL_REVIEW) if u.pk != actor.pk]
    notify(
        reviewers,
        title=words(gettext_lazy("To review: %(t)s"), t=latest_version(article).title),
        link=f"/news/manage/{article.pk}/",
    )


def _article_decision(actor, article: Article, version: ArticleVersion, *, approve: bool, note: str):
    """The reviewer's decision on the submitted version: never by its author (nor the article's)."""
    not_pending = _("Only a submitted article is approved.") if approve else _("Only a submitted article is returned.")
    return approvals.check(
        actor=actor,
        requested_by=(version.created_by_id, article.author_id),
        pending=article.state == S.SUBMITTED,
        old=article.state,
        new=S.PUBLISHED if approve else S.REJECTED,
        approve=approve,
        note=note,
        own=_("The author does not approve their own text; another reviewer does."),
        not_pending=not_pending,
        note_missing=_("Say what to change."),
    )


class ArticleApproveInput(FormInput):
    """A reviewer's approval, from the API's (optional) body or the article's page: publish now, or at
    `publish_at`."""

    note: str = ""
    publish_at: Moment | None = None


@transaction.atomic
def article_approve(*, actor, article_id: int, publish_at: datetime | None = None, note: str = "") -> Article:
    """Approve the submitted version and publish it (now, or at `publish_at`). Never by its author."""
    article = _reviewed(actor, article_id)
    version = latest_version(article)
    decision = _article_decision(actor, article, version, approve=True, note=note)
    if version.mac != content_mac(version.title, version.body_html):
        raise FieldError(
            "state",
            _("This version was altered after it was written; it cannot be approved."),
            code=errors.Code.VERSION_ALTERED,
        )
    now = decision.at
    if publish_at is not None and publish_at < now:
        publish_at = now
    fields = decision.stamp(version, by="approved_by", at="approved_at", note=None)
    version.approved_mac = approval_mac(article.pk, version.number, version.title, version.body_html)
    version.save(update_fields=[*fields, "approved_mac"])
    article.title, article.body_html = version.title, version.body_html
    article.content_mac = version.approved_mac
    article.published_version = version
    # Republishing an edit keeps the first publication date (readers and the archive order by it).
    if article.published_at is None or article.published_at > now or publish_at is not None:
        article.published_at = publish_at or now
    article.state = decision.new
    article.withdrawn_at = None
    article.save()
    decision.audit(
        action="portal.article_approve",
        obj=article,
        fields={"version": version.number, "publish_at": article.published_at.isoformat()},
    )
    page_cache.bump_now_and_on_commit()
    return article


def _reviewed(actor, article_id: int) -> Article:
    """The article, locked (its row only), for a reviewer's decision."""
    if not has_cap(actor, Cap.PORTAL_REVIEW):
        raise Forbidden(Cap.PORTAL_REVIEW)
    return article_for_editor(user=actor, article_id=article_id, for_update=True)


@transaction.atomic
def article_reject(*, actor, article_id: int, note: str) -> Article:
    """Return the submitted version to its editor, saying what to change (the returning reviewer is in the
    audit trail: the article keeps no column for it)."""
    article = _reviewed(actor, article_id)
    version = latest_version(article)
    decision = _article_decision(actor, article, version, approve=False, note=note)
    article.state = decision.new
    article.save(update_fields=["state"])
    decision.audit(action="portal.article_reject", obj=article, fields={"version": version.number})
    from fangkong.core.inbox import notify, words

    notify(
        [version.created_by],
        title=words(gettext_lazy("Returned: %(t)s"), t=version.title),
        body=decision.note,
        link=f"/news/manage/{article.pk}/",
    )
    return article


@transaction.atomic
def article_withdraw(*, actor, article_id: int, note: str) -> Article:
    """Take an article off the site (kept with its versions)."""
    article = _reviewed(actor, article_id)
    if not (note or "").strip():
        raise FieldError("note", _("Give the reason for withdrawing it."), code=Code.REASON_REQUIRED)
    article.state, article.withdrawn_at = S.WITHDRAWN, clock.now()
    article.save(update_fields=["state", "withdrawn_at"])
    audit_record(actor=actor, action="portal.article_withdraw", obj=article, reason=note.strip()[:300])
    page_cache.bump_now_and_on_commit()
    return article
