"""`{% link_for "kind" obj as url %}`: the link another app registered for `kind` (core.navigation), for the
signed-in user; "" when there is none, so that the template shows no link."""

from __future__ import annotations

from django import template

from fangkong.core import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def link_for(context, kind: str, obj=None) -> str:
    return navigation.link_for(kind, obj, user=context.get("user"))
