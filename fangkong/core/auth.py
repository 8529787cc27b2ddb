"""Signing in to the API: bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from ninja import Router, Schema, Status

from . import clock
from .api import ErrorOut
from .audit import audit_record
from .models import ApiToken

TOKEN_LIFETIME = timedelta(hours=12)

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: str


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut})
def token_create(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (valid 12 hours)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return Status(401, {"detail": "Wrong username or password."})
    token = secrets.token_urlsafe(32)
    expires = clock.now() + TOKEN_LIFETIME
    row = ApiToken.objects.create(user=user, digest=hashlib.sha256(token.encode()).hexdigest(), expires_at=expires)
    audit_record(
        actor=user,
        action="auth.token",
        object_type="core.apitoken",
        object_id=row.pk,
        object_repr=user.get_username(),
        fields={"expires_at": expires.isoformat()},
    )
    return {"token": token, "expires_at": expires.isoformat()}
