"""`{{ place|street_name }}`, `{{ place|community_name }}`: the street or community a place or jurisdiction lies in,
from the process's memo of the tree (no query per row) — the group a long list of choices is shown under."""

from __future__ import annotations

from django import template

from fangkong.registry.models import Jurisdiction, jurisdictions_by_id

register = template.Library()


def _ancestor(obj, level: str) -> str:
    by_id = jurisdictions_by_id()
    node = by_id.get(getattr(obj, "jurisdiction_id", None) or 0) if not isinstance(obj, Jurisdiction) else obj
    while node is not None:
        if node.level == level:
            return node.name
        node = by_id.get(node.parent_id or 0)
    return ""


@register.filter
def street_name(obj) -> str:
    return _ancestor(obj, Jurisdiction.Level.STREET)


@register.filter
def community_name(obj) -> str:
    return _ancestor(obj, Jurisdiction.Level.COMMUNITY)
