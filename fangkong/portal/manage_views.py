"""The editors' pages: articles to write and to review, one article with its versions (diffable) and the workflow
actions, the legacy import, the integrity check."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.approvals import OwnRequest
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import NoteInput
from fangkong.core.paging import page_of
from fangkong.core.params import param_int
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap

from . import articles, integrity, selectors
from .content_models import Article, ArticleVersion, Category, ImportFinding
from .sanitise import Removed, plain_text, sanitise

SHOWN_SOURCES = 5  # foreign images named in a message (the message travels in a cookie; the rest are counted)
SHOWN_SOURCE_CHARS = 80  # of each address (an inline data: image is thousands of characters)


def _editor(request) -> None:
    if not has_cap(request.user, Cap.PORTAL_EDIT):
        raise NotFound


def _foreign_sources(removed: Removed) -> list[str]:
    """The addresses of the foreign images sanitising took out, each once and shortened, for the editor to find
    them (an image with no address at all showed nothing: not named)."""
    sources = dict.fromkeys(src for src in removed.foreign_images if src)
    return [src if len(src) <= SHOWN_SOURCE_CHARS else src[: SHOWN_SOURCE_CHARS - 1] + "…" for src in sources]


def _tell_foreign_images(request, removed: Removed) -> None:
    """After a save: the images from elsewhere that the saved text no longer shows. Dropped, not refused (an old
    article keeps being editable), but said: the editor saw them in the editor and would not notice them gone."""
    sources = _foreign_sources(removed)
    if not sources:
        return
    named = ", ".join(sources[:SHOWN_SOURCES])
    if len(sources) > SHOWN_SOURCES:
        named += " " + _("(and %(n)s more)") % {"n": len(sources) - SHOWN_SOURCES}
    messages.warning(
        request,
        _(
            "Images from other sites were removed from the text: %(images)s. To show one, upload it with the editor's "
            "image button."
        )
        % {"images": named},
    )


def _categories() -> list[tuple[int, str]]:
    out = []
    for c in Category.objects.select_related("parent").order_by("parent_id", "order", "pk"):
        out.append((c.pk, f"{c.parent.name} › {c.name}" if c.parent else c.name))
    return sorted(out, key=lambda x: x[1])


@scoped
def manage_list(request):
    _editor(request)
    qs = selectors.articles_for(user=request.user)
    which = request.GET.get("show", "")
    if which == "review":
        qs = qs.filter(state=Article.State.SUBMITTED)
    elif which == "mine":
        qs = qs.filter(author=request.user)
    page, query = page_of(request, qs)
    return render(
        request,
        "portal/manage/list.html",
        {"page": page, "query": query, "show": which, "reviewer": has_cap(request.user, Cap.PORTAL_REVIEW)},
    )


@scoped
def manage_new(request):
    _editor(request)
    error = None
    if request.method == "POST":
        try:
            data = articles.ArticleCreateInput.from_form(request.POST)
            removed = Removed()
            a = articles.article_create(actor=request.user, removed=removed, **data.dict())
            messages.success(request, _("Draft saved."))
            _tell_foreign_images(request, removed)
            return redirect("news_manage:article", a.pk)
        except FieldError as exc:
            error = exc
    return render(
        request,
        "portal/manage/edit.html",
        {"categories": _categories(), "form": request.POST, "error": error, "kinds": Article.Kind.choices},
        status=400 if error else 200,
    )


@scoped
def manage_article(request, article_id: int):
    article = selectors.article_for_editor(user=request.user, article_id=article_id)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "save":
                edit = articles.ArticleUpdateInput.from_form(request.POST)
                removed = Removed()
                articles.article_update(actor=request.user, article_id=article.pk, removed=removed, **edit.dict())
                messages.success(request, _("Saved as a new version."))
                _tell_foreign_images(request, removed)
            elif action == "submit":
                articles.article_submit(actor=request.user, article_id=article.pk)
                messages.success(request, _("Submitted for review."))
            elif action == "approve":
                approval = articles.ArticleApproveInput.from_form(request.POST)
                articles.article_approve(actor=request.user, article_id=article.pk, **approval.dict())
                messages.success(request, _("Approved and published."))
            elif action == "reject":
                note = NoteInput.from_form(request.POST).note
                articles.article_reject(actor=request.user, article_id=article.pk, note=note)
                messages.success(request, _("Returned to the editor."))
            elif action == "withdraw":
                note = NoteInput.from_form(request.POST).note
                articles.article_withdraw(actor=request.user, article_id=article.pk, note=note)
                messages.success(request, _("Withdrawn from the site."))
            else:
                raise FieldError("action", _("Unknown action."), code=Code.UNKNOWN_CHOICE)
            return redirect("news_manage:article", article.pk)
        except OwnRequest as exc:
            error = FieldError("action", exc.message, code=exc.code)
        except Forbidden as exc:
            error = FieldError("action", exc.reason or _("You may not take this decision."), code=Code.FORBIDDEN)
        except FieldError as exc:
            error = exc
    versions = list(article.versions.select_related("created_by", "approved_by").order_by("-number"))
    latest = versions[0]
    findings = list(article.import_findings.all())
    # Sanitised again as it is shown: a version saved before today's rules (an image without its description, a
    # foreign one) is previewed as it would be saved now, and the foreign images it would lose are named.
    removed = Removed()
    preview = sanitise(latest.body_html, removed)
    return render(
        request,
        "portal/manage/article.html",
        {
            "article": article,
            "versions": versions,
            "latest": latest,
            "preview": preview,
            "foreign_images": _foreign_sources(removed),
            "repairs": [f for f in findings if f.kind == ImportFinding.Kind.REPAIRED],
            "suspicions": [f for f in findings if f.kind == ImportFinding.Kind.SUSPICIOUS],
            "date_guessed": any(f.kind == ImportFinding.Kind.DATE_GUESSED for f in findings),
            "categories": _categories(),
            "error": error,
            "reviewer": has_cap(request.user, Cap.PORTAL_REVIEW),
            "own": latest.created_by_id == request.user.pk or article.author_id == request.user.pk,
            "intact": integrity.served_ok(article) if article.published_version_id else None,
        },
        status=400 if error else 200,
    )


def _lines(v: ArticleVersion) -> list[str]:
    text = v.title + "\n" + v.body_html.replace("</p>", "</p>\n").replace("<br>", "<br>\n")
    return [plain_text(line) or "" for line in text.split("\n") if plain_text(line)]


@scoped
def manage_diff(request, article_id: int):
    """Two versions side by side, changes marked (the words, not the markup)."""
    article = selectors.article_for_editor(user=request.user, article_id=article_id)
    versions = {v.number: v for v in article.versions.all()}
    a, b = param_int(request.GET, "a", 0), param_int(request.GET, "b", 0)
    if a not in versions or b not in versions:
        b = max(versions)
        a = max(1, b - 1)
    table = difflib.HtmlDiff(wrapcolumn=60).make_table(
        _lines(versions[a]), _lines(versions[b]), fromdesc=_("Version %(n)s") % {"n": a},
        todesc=_("Version %(n)s") % {"n": b}, context=False,
    )  # fmt: skip
    return render(
        request,
        "portal/manage/diff.html",
        {"article": article, "table": table, "a": a, "b": b, "numbers": sorted(versions)},
    )


@scoped
def manage_import(request):
    """Upload an old site's page (HTML or text): a cleaned draft, with what was dropped listed for the editor."""
    from fangkong.core.uploads import text_upload

    from .legacy import MAX_IMPORT_BYTES, article_import

    _editor(request)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise FieldError("file", _("Choose the file to import."), code=Code.REQUIRED)
            raw = text_upload(upload, max_bytes=MAX_IMPORT_BYTES)
            choice = request.POST.get("convert", "auto")
            article, cleaned = article_import(
                actor=request.user,
                raw=raw,
                source=upload.name or "",
                category=request.POST.get("category") or None,
                simplify={"auto": None, "yes": True, "no": False}.get(choice),
            )
            messages.success(
                request,
                _(
                    "Imported as a draft; %(n)s lines dropped (navigation, spam), %(r)s garbled passages repaired, "
                    "%(s)s left for you to check."
                )
                % {"n": len(cleaned.dropped), "r": len(cleaned.repairs), "s": len(cleaned.suspicions)},
            )
            return redirect("news_manage:article", article.pk)
        except FieldError as exc:
            error = exc
    return render(
        request,
        "portal/manage/import.html",
        {"categories": _categories(), "error": error},
        status=400 if error else 200,
    )


@scoped
@require_POST
def manage_image(request):
    """The editor's image upload (editor.js sends it, the page's session and CSRF token with it): JSON with the
    image's URL, or the API's error shape {detail, code, errors}."""
    from .images import image_upload, image_url

    _editor(request)
    try:
        image = image_upload(actor=request.user, upload=request.FILES.get("file"))
    except FieldError as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code, "errors": [exc.as_dict()]}, status=400)
    body = {"url": image_url(image), "name": image.name, "width": image.width, "height": image.height}
    return JsonResponse(body, status=201)


@scoped
def manage_integrity(request):
    _editor(request)
    restore = request.method == "POST" and has_cap(request.user, Cap.PORTAL_REVIEW)
    findings = integrity.check(restore=restore, actor=request.user if restore else None)
    if restore:
        messages.success(request, _("%(n)s article(s) restored.") % {"n": len(findings)})
        return redirect("news_manage:integrity")
    return render(
        request,
        "portal/manage/integrity.html",
        {"findings": findings, "reviewer": has_cap(request.user, Cap.PORTAL_REVIEW)},
    )
