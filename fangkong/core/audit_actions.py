"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "auth.login": _("Signed in"),
    "auth.failed": _("Sign-in failed"),
    "auth.refused": _("Sign-in refused (account locked)"),
    "auth.password_change": _("Changed the password"),
    "auth.second_factor_set_up": _("Set up the second factor"),
    "auth.second_factor_reset": _("Reset the second factor"),
    "auth.token": _("API token issued"),
    "auth.tokens_revoke": _("API tokens revoked"),
    "device.sign_out": _("Signed a device out"),
    "device.sign_out_all": _("Signed all devices out"),
}
OBJECTS = {
    "auth.user": _("Account"),
    "core.apitoken": _("API token"),
    "export": _("Export"),
}
