"""Signing in to the API: bearer tokens — minted for a password (and the second factor where needed), revoked by
their holder (logout) or by an administrator, expired after TOKEN_LIFETIME and purged after that."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from . import clock
from .api import ErrorOut, forget_tokens
from .audit import audit_record
from .errors import Code, FieldError
from .models import ApiToken
from .passwords import must_change_password
from .roles import Cap
from .scoping import Forbidden, NotFound, scope_for
from .signin import api_signin

TOKEN_LIFETIME = timedelta(hours=12)
PURGE_AFTER = timedelta(days=7)  # an expired token's row is kept a week (the audit names it), then deleted

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""  # the authenticator app's code, for district HQ and administrators


class TokenOut(Schema):
    token: str
    expires_at: str


class RevokedOut(Schema):
    revoked: int


@router.post(
    "/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut}
)
def token_create(request, payload: TokenIn):
    """Exchange a username and password (and `otp`, the authenticator code, where a second factor is required)
    for a bearer token valid 12 hours. A refusal is 401 with its code (`invalid_credentials`, `otp_required`,
    `otp_setup_required`, `otp_invalid`); repeated failures lock the account, the address or the site for a while
    (429 with Retry-After). An account whose given password must first be changed (on the page) gets none: 403
    `password_change_required`."""
    try:
        user = api_signin(request, username=payload.username, password=payload.password, otp=payload.otp)
    except FieldError as exc:
        return Status(401, {"detail": exc.message, "code": exc.code, "errors": [exc.as_dict()]})
    if must_change_password(user):
        detail = _("Sign in on the site and choose your own password first.")
        return Status(403, {"detail": detail, "code": Code.PASSWORD_CHANGE_REQUIRED})
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


@transaction.atomic
def tokens_revoke(*, actor, user, token_id: int | None = None) -> int:
    """Revoke one of `user`'s tokens (`token_id`) or all of them. Every server process stops accepting them at
    once where a shared cache is configured (else within core.api.TOKEN_MEMO_SECONDS in the other processes)."""
    rows = ApiToken.objects.filter(user=user)
    if token_id is not None:
        rows = rows.filter(pk=token_id)
    ids = list(rows.values_list("pk", flat=True))
    ApiToken.objects.filter(pk__in=ids).delete()
    audit_record(
        actor=actor,
        action="auth.tokens_revoke",
        object_type="auth.user",
        object_id=user.pk,
        object_repr=user.get_username(),
        fields={"tokens": len(ids), "which": "one" if token_id is not None else "all"},
    )
    forget_tokens()  # this process at once; the others when the deletion is visible to them
    transaction.on_commit(forget_tokens)
    return len(ids)


def tokens_purge(*, now=None) -> int:
    deleted, _ = ApiToken.objects.filter(expires_at__lt=(now or clock.now()) - PURGE_AFTER).delete()
    return deleted


@router.post("/auth/logout", response={200: RevokedOut, 401: ErrorOut})
def logout(request):
    """Revoke the token this request carries, at once."""
    return {"revoked": tokens_revoke(actor=request.user, user=request.user, token_id=request.api_token_id)}


@router.post("/auth/tokens:revoke", response={200: RevokedOut, 401: ErrorOut})
def tokens_revoke_mine(request):
    """Revoke every token of the calling user (a lost phone, a scanner handed on): this one included."""
    return {"revoked": tokens_revoke(actor=request.user, user=request.user)}


@router.post("/users/{username}/tokens:revoke", response={200: RevokedOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def tokens_revoke_user(request, username: str):
    """A district administrator revokes every token of a user (a device lost or stolen, a person leaving). An
    administrator of part of the district deactivates or resets an account within reach instead
    (`/admin/users/{id}/…`), which ends its tokens too."""
    if not scope_for(request.user, Cap.ACCOUNTS_ADMIN).district_wide:
        raise Forbidden(Cap.ACCOUNTS_ADMIN)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("No such user."))
    return {"revoked": tokens_revoke(actor=request.user, user=user)}
