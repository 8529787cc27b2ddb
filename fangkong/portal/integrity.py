"""Content integrity: every published article's served copy must hash (keyed) to its approved version, and that
version to its own stored hash. Pages check on rendering (falling back to the approved text and raising the
alarm); `fangkong check-content` checks them all and, with --restore, puts the approved text back — or, when the
approved version itself was altered, the newest earlier approved version that is intact, or takes the article
offline when none is."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy

from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.registry.selectors import district_path

from . import cache as page_cache
from .articles import approval_mac
from .content_models import Article, ArticleVersion
from .events import INTEGRITY_ALERT

SYSTEM = System("portal.integrity")  # `fangkong check-content` and the page check: the platform itself


@dataclass
class Finding:
    article_id: int
    title: str
    problem: str  # "defaced": the served copy differs | "version_altered": the approved version itself was changed
    restored: str = ""  # after --restore: "version N" | "offline"


def _version_ok(v: ArticleVersion | None) -> bool:
    """An approved version, unchanged since its approval."""
    return (
        v is not None
        and bool(v.approved_mac)
        and v.approved_mac == approval_mac(v.article_id, v.number, v.title, v.body_html)
    )


def served_ok(article: Article) -> bool:
    """The served copy is the approved text of its published version, of this article."""
    v = article.published_version
    return (
        v is not None
        and article.content_mac == v.approved_mac
        and approval_mac(article.pk, v.number, article.title, article.body_html) == v.approved_mac
        and _version_ok(v)
    )


def verified_text(article: Article) -> tuple[str, str] | None:
    """What a page may show: the served copy when intact, else the approved version when that is intact (and the
    alarm is raised), else nothing."""
    if served_ok(article):
        return article.title, article.body_html
    alarm(article)
    v = article.published_version
    if _version_ok(v):
        assert v is not None
        return v.title, v.body_html
    return None


def verified_list(articles) -> list[Article]:
    """Articles for a list, feed or search result: each with its verified title and text (an altered one shows
    its approved version, one with nothing intact is left out)."""
    out = []
    for article in articles:
        text = verified_text(article)
        if text is None:
            continue
        article.title, article.body_html = text
        out.append(article)
    return out


def alarm(article: Article) -> None:
    """Once an hour per article: an audit event and a message to the reviewers."""
    if not cache.add(f"portal:alarm:{article.pk}", 1, 3600):
        return
    from fangkong.core.inbox import notify, words
    from fangkong.core.roles import Cap
    from fangkong.registry.selectors import users_holding

    with transaction.atomic():
        audit_record(actor=SYSTEM, action="portal.integrity_alarm", obj=article)
        notify(
            users_holding(Cap.PORTAL_REVIEW),
            title=words(gettext_lazy("Published page altered: %(t)s"), t=article.title[:80]),
            body=gettext_lazy(
                "Its stored text no longer matches the approved version. Run `fangkong check-content --restore`."
            ),
            link=f"/news/manage/{article.pk}/",
        )
        raise_alert(
            kind=INTEGRITY_ALERT,
            subject=article.title[:80],
            jpath=district_path(),
            link=f"/news/manage/{article.pk}/",
            ref=f"portal.article:{article.pk}",
        )


def check(*, restore: bool = False, actor: object = SYSTEM) -> list[Finding]:
    findings = []
    qs = Article.objects.filter(published_version__isnull=False).select_related("published_version")
    for article in qs.iterator(chunk_size=500):
        if served_ok(article):
            continue
        problem = "defaced" if _version_ok(article.published_version) else "version_altered"
        finding = Finding(article.pk, article.title, problem)
        if restore:
            finding.restored = restore_article(article_id=article.pk, actor=actor)
        findings.append(finding)
    return findings


@transaction.atomic
def restore_article(*, article_id: int, actor: object = SYSTEM) -> str:
    article = Article.objects.select_for_update().get(pk=article_id)
    candidates = [article.published_version] if article.published_version else []
    candidates += list(
        article.versions.filter(approved_at__isnull=False)
        .exclude(pk=article.published_version_id or 0)
        .order_by("-number")
    )
    good = next((v for v in candidates if _version_ok(v)), None)
    if good is None:
        article.withdrawn_at = clock.now()
        article.state = Article.State.WITHDRAWN
        article.save(update_fields=["withdrawn_at", "state"])
        outcome = "offline"
    else:
        article.title, article.body_html, article.content_mac = good.title, good.body_html, good.approved_mac
        article.published_version = good
        article.save(update_fields=["title", "body_html", "content_mac", "published_version"])
        outcome = f"version {good.number}"
    audit_record(actor=actor, action="portal.content_restore", obj=article, fields={"outcome": outcome})
    page_cache.bump_now_and_on_commit()
    return outcome
