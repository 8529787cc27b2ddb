from __future__ import annotations

import functools
import ipaddress
import uuid

from django.conf import settings
from django.http import Http404, QueryDict

from .context_vars import RequestInfo, current_request
from .text import clean_text, has_control


def client_address(request) -> str:
    """The address the request came from, as the audit trail and the sign-in limits record it.

    REMOTE_ADDR, unless it is one of FANGKONG_TRUSTED_PROXIES (nginx in front, a load balancer): then the nearest
    address in X-Forwarded-For that is not a trusted proxy, read from the right — each proxy appends the address it
    saw, so the right end is what our own proxies wrote and the left what the client may have forged."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _trusted_proxies()
    if not trusted or not _within(remote, trusted):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, trusted):
            return hop if _address(hop) is not None else remote
    return hops[0] if hops else remote


@functools.cache
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(s, strict=False) for s in spec)


def _trusted_proxies():
    return _networks(tuple(settings.FANGKONG["TRUSTED_PROXIES"]))


def _address(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _within(text: str, networks) -> bool:
    address = _address(text)
    return address is not None and any(address in net for net in networks)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Ours, always: an id the client sent would let it choose what the audit trail records (or make two
        # requests look like one). The reply carries ours, for the client to quote.
        request_id = uuid.uuid4().hex
        token = current_request.set(RequestInfo(request_id=request_id, client_addr=client_address(request)))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response


class CleanInputMiddleware:
    """Every string of the query string and of a posted form without control and bidirectional formatting
    characters, and empty when only invisible characters were sent (core.text.clean_text) — for pages and for the
    API's Query and Form parameters alike, which Ninja reads from request.GET and request.POST. (JSON bodies are
    cleaned by the API's parser.) A path with a control character names nothing: 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control(request.path_info):
            # Answered here with the site's own 404 (JSON under /api/), not by raising: in demo mode (DEBUG) a
            # raised Http404 would be Django's technical page, HTML even for the API.
            from .views import page_not_found

            return page_not_found(request, Http404())
        request.GET = _cleaned(request.GET)
        # The form is parsed when something first reads it, as before (an upload's size limits and parse errors
        # surface where they always did): the parse is wrapped, not run here.
        load = request._load_post_and_files

        def load_and_clean():
            load()
            request._post = _cleaned(request._post)

        request._load_post_and_files = load_and_clean
        return self.get_response(request)


def _cleaned(data: QueryDict) -> QueryDict:
    """`data` itself when nothing changes (nearly always), else a cleaned, immutable copy."""
    lists = [(key, values, clean_text(key), [clean_text(v) for v in values]) for key, values in data.lists()]
    if all(key == k and values == vs for key, values, k, vs in lists):
        return data
    out = QueryDict(mutable=True, encoding=data.encoding)
    for _key, _values, key, values in lists:
        for value in values:
            out.appendlist(key, value)
    out._mutable = False
    return out
