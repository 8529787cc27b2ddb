"""`{% link_for "kind" obj as url %}`: the link another app registered for `kind` (core.navigation), for the
signed-in user; "" when there is none, so that the template shows no link. `{% without_jurisdiction %}`: this
page without its `?jurisdiction=` narrowing."""

from __future__ import annotations

from django import template

from fangkong.core import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def link_for(context, kind: str, obj=None) -> str:
    return navigation.link_for(kind, obj, user=context.get("user"))


@register.simple_tag(takes_context=True)
def without_jurisdiction(context) -> str:
    """This page's URL with its other filters but not `?jurisdiction=` (core/_within.html: "all of my
    jurisdiction")."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("jurisdiction", None)
    query.pop("page", None)
    return request.path + (f"?{query.urlencode()}" if query else "")
