"""`fangkong reset-second-factor USERNAME`: a lost or replaced phone — the user's authenticator key is deleted and
their next sign-in sets up a new one. Run by an administrator on the server; audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.core.audit import audit_record


class Command(BaseCommand):
    help = "Delete a user's authenticator key (lost phone); the next sign-in sets up a new one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="why (recorded in the audit trail)")

    def handle(self, *args, username: str, reason: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        with transaction.atomic():
            deleted, _ = TOTPDevice.objects.filter(user=user).delete()
            audit_record(actor=None, action="auth.second_factor_reset", obj=user, reason=reason.strip()[:300])
        self.stdout.write(f"{username}: {deleted} authenticator key(s) deleted; the next sign-in sets up a new one")
