from __future__ import annotations

import uuid

from django.http import Http404, QueryDict

from .context_vars import RequestInfo, current_request
from .text import clean_text, has_control


def client_address(request) -> str:
    # Only REMOTE_ADDR: X-Forwarded-For is trivially forged unless a known proxy sets it, and the
    # audit trail must not record an address the client chose. Deployments behind a proxy set
    # the proxy to overwrite REMOTE_ADDR (e.g. nginx real_ip).
    return request.META.get("REMOTE_ADDR", "")


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
