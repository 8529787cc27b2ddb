"""Reads of the portal's content for the public (what is online now) and for its editors."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from fangkong.core import clock
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, has_cap

from .content_models import Article, ArticleImage, ArticleVersion, Category


def search_public(q: str) -> QuerySet[Article]:
    """Online articles whose title or text contains every word of `q`."""
    qs = articles_public()
    for word in q.split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(body_html__icontains=word))
    return qs


def live_q(now: datetime | None = None) -> Q:
    """Online now: approved, its time come, not withdrawn, not expired — all read from the clock."""
    now = now or clock.now()
    return Q(published_version__isnull=False, published_at__lte=now, withdrawn_at__isnull=True) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def articles_public() -> QuerySet[Article]:
    return Article.objects.filter(live_q()).select_related("category").order_by("-pinned", "-published_at", "-pk")


def articles_for(*, user) -> QuerySet[Article]:
    """Everything, for editors and reviewers; the public's for anyone else."""
    if user is not None and user.is_authenticated and has_cap(user, Cap.PORTAL_EDIT):
        from django.db.models import OuterRef, Subquery

        latest = ArticleVersion.objects.filter(article=OuterRef("pk")).order_by("-number").values("title")[:1]
        return (
            Article.objects.select_related("category", "author")
            .annotate(latest_title=Subquery(latest))  # what the editors' list shows, without a query per row
            .order_by("-created_at", "-pk")
        )
    return articles_public()


def article_for_editor(*, user, article_id: int, for_update: bool = False) -> Article:
    """The one access path to an article as the newsroom sees it, with everything about it, for editors and
    reviewers (404 for anyone else); `for_update` locks its row (of self) for a decision or an edit."""
    if user is None or not user.is_authenticated or not has_cap(user, Cap.PORTAL_EDIT):
        raise NotFound
    qs = articles_for(user=user).select_related("published_version")
    article = (qs.select_for_update(of=("self",)) if for_update else qs).filter(pk=article_id).first()
    if article is None:
        raise NotFound
    return article


def image_for(*, user, name: str) -> tuple[ArticleImage, bool]:
    """An uploaded image and whether the public may have it: once the published version of an article online now
    shows it (a scheduled, withdrawn or expired one does not count). Before that — uploaded into a draft, in a text
    under review — the newsroom only, who see the drafts (NotFound for anyone else, as for a name never given).
    `user` is looked at only for an image not public: a public one is the same for everyone."""
    image = ArticleImage.objects.filter(name=name).first()
    if image is None:
        raise NotFound
    if Article.objects.filter(live_q(), published_version__image_uses__image=image).exists():
        return image, True
    if user is None or not user.is_authenticated or not has_cap(user, Cap.PORTAL_EDIT):
        raise NotFound
    return image, False


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """上一篇 / 下一篇: the previous (older) and next (newer) live article of the same category. Ties in the
    publication time (two notices scheduled for 08:00) are ordered by id; each side is asked as "same time, by id"
    and then "strictly before/after", two index range reads, rather than one OR that the planner cannot walk."""
    same = articles_public().filter(category_id=article.category_id).select_related("published_version")
    at = article.published_at
    older = (
        same.filter(published_at=at, pk__lt=article.pk).order_by("-pk").first()
        or same.filter(published_at__lt=at).order_by("-published_at", "-pk").first()
    )
    newer = (
        same.filter(published_at=at, pk__gt=article.pk).order_by("pk").first()
        or same.filter(published_at__gt=at).order_by("published_at", "pk").first()
    )
    return older, newer


def breadcrumb(category: Category) -> list[Category]:
    chain = [category]
    while chain[0].parent_id is not None and len(chain) < 8:
        chain.insert(0, chain[0].parent)  # type: ignore[arg-type]
    return chain


def category_ids(category: Category) -> list[int]:
    """A category and its sub-categories: what a category's page and list show."""
    return [category.pk, *Category.objects.filter(parent=category).values_list("pk", flat=True)]
