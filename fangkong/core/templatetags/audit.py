"""`{{ event.action|action_label }}` and `{% object_label event %}`: the audit trail in words (core.audit_labels)."""

from __future__ import annotations

from django import template

from fangkong.core.audit_labels import action_label as _action_label
from fangkong.core.audit_labels import object_label as _object_label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return _action_label(action)


@register.simple_tag
def object_label(event) -> str:
    return _object_label(event.object_type, event.object_id, event.object_repr)


@register.filter
def actor_label(name: str) -> str:
    """Who acted: a user's name, or the platform itself ("system:purge") and a resident for themselves in words."""
    from django.utils.translation import gettext

    if name == "system" or name.startswith("system:"):
        return gettext("The platform")
    if name == "resident":
        return gettext("A resident (for themselves)")
    return name
