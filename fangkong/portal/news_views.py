"""The public news site: the front page (pinned notices, the latest of each category), category pages, article
pages with the breadcrumb and previous/next, a print view, PDF, search, Atom and RSS feeds. Anonymous pages are
cached (portal.cache); every article is checked against its approved version before it is shown."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from fangkong.core.paging import page_of

from . import integrity, selectors
from .cache import cached_page
from .content_models import Article, Category


def _live(article_id: int) -> tuple[Article, str, str]:
    article = selectors.articles_public().select_related("published_version").filter(pk=article_id).first()
    if article is None:
        raise Http404
    text = integrity.verified_text(article)
    if text is None:  # altered, and no intact approved text to show instead
        raise Http404
    return article, text[0], text[1]


def _verified(article: Article | None) -> Article | None:
    found = integrity.verified_list([article]) if article is not None else []
    return found[0] if found else None


def _nav() -> list[Category]:
    return list(Category.objects.filter(parent__isnull=True))


@cached_page
def index(request):
    public = selectors.articles_public().select_related("published_version")
    top = _nav()
    sections = []
    for cat in top:
        ids = selectors.category_ids(cat)
        sections.append((cat, integrity.verified_list(public.filter(category_id__in=ids)[:8])))
    pinned = integrity.verified_list(public.filter(pinned=True)[:5])
    return render(request, "portal/news/index.html", {"nav": top, "sections": sections, "pinned": pinned})


@cached_page
def category(request, slug: str):
    cat = Category.objects.filter(slug=slug).first()
    if cat is None:
        raise Http404
    ids = selectors.category_ids(cat)
    page, query = page_of(
        request, selectors.articles_public().select_related("published_version").filter(category_id__in=ids)
    )
    page.object_list = integrity.verified_list(page.object_list)
    return render(
        request,
        "portal/news/category.html",
        {
            "nav": _nav(),
            "category": cat,
            "crumbs": selectors.breadcrumb(cat),
            "children": cat.children.all(),
            "page": page,
            "query": query,
        },
    )


@cached_page
def article(request, article_id: int):
    a, title, body = _live(article_id)
    # The neighbours' titles are shown too: verified like the article's own.
    older, newer = (_verified(n) for n in selectors.neighbours(a))
    return render(
        request,
        "portal/news/article.html",
        {
            "nav": _nav(),
            "article": a,
            "title": title,
            "body": body,
            "crumbs": selectors.breadcrumb(a.category),
            "previous": older,
            "next": newer,
        },
    )


@cached_page
def article_print(request, article_id: int):
    a, title, body = _live(article_id)
    return render(
        request,
        "portal/news/print.html",
        {"article": a, "title": title, "body": body, "crumbs": selectors.breadcrumb(a.category)},
    )


def article_pdf(request, article_id: int):
    from weasyprint import HTML

    a, title, body = _live(article_id)
    html = render_to_string(
        "portal/news/pdf.html", {"article": a, "title": title, "body": body, "crumbs": selectors.breadcrumb(a.category)}
    )
    try:
        pdf = HTML(string=html).write_pdf()
    except OSError:  # WeasyPrint's system libraries (Pango) are missing on this server
        return HttpResponse(_("PDF export needs Pango on the server (apt-get install libpango-1.0-0)."), status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="article-{a.pk}.pdf"'
    return response


def image(request, name: str):
    """An image uploaded for articles (`images`): its name is a random one we gave it, and what it holds is pixels we
    encoded. The public has it once an article online shows it; before, only the newsroom (`selectors.image_for`),
    and no shared cache keeps that copy. A public image never changes under its name, so browsers and proxies may
    keep it."""
    from fangkong.core.scoping import NotFound

    from .sanitise import IMAGE_PATH, OWN_IMAGE

    if not OWN_IMAGE.fullmatch(IMAGE_PATH + name):
        raise Http404
    try:
        found, public = selectors.image_for(user=request.user, name=name)
    except NotFound as exc:
        raise Http404 from exc
    try:
        handle = found.file.open("rb")
    except OSError as exc:  # the row without its file (a restore that left the media behind)
        raise Http404 from exc
    response = FileResponse(handle, content_type=found.content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def search(request):
    from .selectors import search_public

    q = (request.GET.get("q") or "").strip()[:100]
    page, query = page_of(
        request, search_public(q).select_related("published_version") if q else Article.objects.none()
    )
    page.object_list = integrity.verified_list(page.object_list)
    return render(request, "portal/news/search.html", {"nav": _nav(), "q": q, "page": page, "query": query})


def set_language(request, code: str):
    """Switch the reading language from a link (public pages carry no forms, so they can be cached)."""
    from django.conf import settings

    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next") or "/news/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/news/"
    response = HttpResponseRedirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax")
    translation.activate(code)
    return response
