from __future__ import annotations

import uuid

from .context_vars import RequestInfo, current_request


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
