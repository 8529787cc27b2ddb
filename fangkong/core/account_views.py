"""Staff sign-in pages: the password (with attempt limits), the second factor (set up once, then a code at every
sign-in), and changing one's password."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_GET
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .auth import tokens_revoke
from .devices import device_rekey
from .errors import Code, FieldError
from .passwords import password_changed
from .ratelimit import RateLimited
from .signin import (
    check_second_factor,
    confirmed_device,
    needs_second_factor,
    signin_failed,
    signin_guard,
    signin_succeeded,
)

# Django 5.2 changed the msgid of its short-password message and its own Chinese catalog has not caught up: ours
# carries the translation (makemessages finds it here).
SHORT_PASSWORD = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    12,
)


def _locked(request, exc: RateLimited, template: str, context: dict):
    minutes = max(1, (exc.retry_after + 59) // 60)
    context["locked"] = _("Too many failed attempts. Try again in %(n)d minutes.") % {"n": minutes}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        try:
            signin_guard(request, username=username, via="page")
        except RateLimited as exc:
            return _locked(request, exc, self.template_name, self.get_context_data(form=self.get_form()))
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        signin_failed(self.request, username=self.request.POST.get("username", ""), via="page")
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        if not needs_second_factor(self.request.user):
            # With a second factor the failures stand until the code is right too: a right password alone must
            # not wipe the wrong codes before it (4 guesses, sign in again, 4 more …).
            signin_succeeded(username=self.request.user.get_username())
        audit_record(
            actor=self.request.user,
            action="auth.login",
            object_type="auth.user",
            object_id=self.request.user.pk,
            object_repr=self.request.user.get_username(),
        )
        return response


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@login_required
def second_factor(request):
    """The first time: a new authenticator key as a QR code, confirmed by its first code. After that: the code."""
    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return redirect(settings.LOGIN_REDIRECT_URL)
    device = confirmed_device(user)
    setting_up = device is None
    if setting_up:
        # One unconfirmed key per user, kept across reloads so the QR code scanned stays the one checked.
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
    context: dict = {"setting_up": setting_up}
    if setting_up:
        context["qr"] = _qr_svg(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    status = 200
    if request.method == "POST":
        token = "".join(request.POST.get("code", "").split())
        try:
            signin_guard(request, username=user.get_username(), via="second_factor")
            if setting_up:
                if not device.verify_token(token):
                    signin_failed(request, username=user.get_username(), via="page", why="second_factor")
                    raise FieldError(
                        "code", _("Wrong or expired code from the authenticator app."), code=Code.OTP_INVALID
                    )
                with transaction.atomic():
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit_record(actor=user, action="auth.second_factor_set_up", obj=user)
            else:
                device = check_second_factor(request, user=user, token=token, via="page")
            otp_login(request, device)
            signin_succeeded(username=user.get_username())
            messages.success(request, _("Signed in with the second factor."))
            target = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
            # Never off-site: a phishing page would ask again. The start page is the one the settings name.
            return redirect(target if target and safe else settings.LOGIN_REDIRECT_URL)
        except RateLimited as exc:
            return _locked(request, exc, "core/second_factor.html", context)
        except FieldError as exc:
            context["error"] = exc.message
            status = 400
    return render(request, "core/second_factor.html", context, status=status)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_url = "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        update_session_auth_hash(self.request, form.user)
        device_rekey(self.request)  # the session's key changed with the password: this device keeps its row
        password_changed(self.request, form.user)
        audit_record(actor=self.request.user, action="auth.password_change", obj=self.request.user)
        # A changed password (a suspected leak, often) ends the API tokens minted with the old one too.
        tokens_revoke(actor=self.request.user, user=self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return response


@login_required
def devices(request):
    """Where this account is signed in, each device signed out with a press (a phone lost or handed on: its
    outbox stops sending), or all but this one."""
    from django.contrib import messages
    from django.http import Http404

    from .devices import device_sign_out, devices_of, devices_sign_out
    from .params import param_id
    from .scoping import NotFound

    here = request.session.session_key
    if request.method == "POST":
        if request.POST.get("all"):
            n = devices_sign_out(actor=request.user, user=request.user, keep_key=here)
            messages.success(
                request,
                ngettext("Signed out on %(n)d other device.", "Signed out on %(n)d other devices.", n) % {"n": n},
            )
        else:
            try:
                device_sign_out(actor=request.user, device_id=param_id(request.POST, "device") or 0)
            except NotFound as exc:
                raise Http404 from exc
            messages.success(request, _("The device is signed out: its next page asks it to sign in."))
        return redirect("devices")
    return render(request, "core/devices.html", {"devices": devices_of(user=request.user, current_key=here)})


@require_GET
def signed_in(request):
    """Whether this browser is still signed in, and as whom: the field pages' outbox asks every minute, so that a
    phone signed out from elsewhere (or at its shift's end) clears the pages it kept at once, not at its next
    scan (outbox.js). Asking does not lengthen the session; nothing but the caller's own name is said."""
    user = request.user
    response = JsonResponse(
        {"user": user.get_username() if user.is_authenticated else None}, status=200 if user.is_authenticated else 401
    )
    patch_cache_control(response, no_store=True)
    return response
