"""Rendered public pages, cached for anonymous readers (the portal's load is the public's). A generation number
in the shared cache is part of every key: publishing, withdrawing or restoring bumps it, so no page outlives the
change that made it stale; scheduled publication and expiry are bounded by the short lifetime."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

KEY = "portal:generation"


def generation() -> int:
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, 1, None)
        value = cache.get(KEY) or 1
    return int(value)


def bump() -> None:
    try:
        cache.incr(KEY)
    except ValueError:
        cache.set(KEY, 2, None)


def bump_now_and_on_commit() -> None:
    """Now (so this process's next read misses even inside the transaction) and after commit (so a page cached by
    another request in between, from the data before the commit, is not kept)."""
    from django.db import transaction

    bump()
    transaction.on_commit(bump)


def cached_page(view):
    """Cache a public page's HTML per path, query and language for anonymous GETs."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        anonymous = request.method == "GET" and not request.user.is_authenticated
        if not anonymous:
            return view(request, *args, **kwargs)
        key = f"portal:page:{generation()}:{translation.get_language()}:{request.get_full_path()}"[:240]
        hit = cache.get(key)
        if hit is not None:
            content, content_type, status = hit
            return HttpResponse(content, content_type=content_type, status=status)
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 404) and not response.streaming and not response.cookies:
            cache.set(
                key,
                (response.content, response["Content-Type"], response.status_code),
                settings.FANGKONG["PORTAL_PAGE_CACHE_SECONDS"],
            )
        return response

    return wrapper
