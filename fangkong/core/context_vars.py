"""Who is acting and from where, for the audit trail, without passing the request through every service."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    request_id: str = ""
    client_addr: str = ""


current_request: contextvars.ContextVar[RequestInfo] = contextvars.ContextVar(
    "fangkong_request",
    default=RequestInfo(),  # noqa: B039 - frozen, immutable
)
