"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "portal.article_create": _("Article drafted"),
    "portal.article_update": _("Article changed"),
    "portal.article_submit": _("Article submitted"),
    "portal.article_approve": _("Article approved"),
    "portal.article_reject": _("Article sent back"),
    "portal.article_withdraw": _("Article withdrawn"),
    "portal.category_create": _("Section added"),
    "portal.article_import": _("Legacy page imported"),
    "portal.image_upload": _("Article image uploaded"),
    "portal.image_purge": _("Unused article image deleted"),
    "portal.content_restore": _("Altered page restored"),
    "portal.integrity_alarm": _("Altered page found"),
}
OBJECTS = {
    "portal.article": _("Article"),
    "portal.category": _("Section"),
    "portal.articleimage": _("Article image"),
}
