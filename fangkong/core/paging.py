from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_of(request, qs, size: int = 50) -> tuple[Page, str]:
    """The requested page of `qs`, and the query string without `page` for the pager's links (core/_pager.html)."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(qs, size).get_page(request.GET.get("page")), query.urlencode()
