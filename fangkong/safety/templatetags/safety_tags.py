"""Work safety's template words: the labels of its stored values (`{{ value|industry_label }}` …, from
safety.labels), and what the user may open in its tabs (`{% safety_may as may %}`), asked of the same checks the
pages and services make."""

from __future__ import annotations

from django import template

from .. import labels

register = template.Library()

register.filter("industry_label", labels.industry_label)
register.filter("size_label", labels.size_label)
register.filter("risk_label", labels.risk_label)
register.filter("assurance_label", labels.assurance_label)
register.filter("step_label", labels.step_label)


@register.filter
def risk_labels(keys) -> str:
    """An enterprise's special risks in a line, with the reader's list separator."""
    return labels.joined(labels.risk_label(k) for k in keys or [])


@register.simple_tag(takes_context=True)
def safety_may(context) -> dict[str, bool]:
    """The tabs past those every safety page's reader has: starting an inspection, the industry matrix, the
    checklists."""
    from ..checklists import can_read_checklists
    from ..enterprises import may_read_matrix
    from ..inspections import can_start_inspection

    user = context["request"].user
    return {
        "inspect": can_start_inspection(user),
        "industries": may_read_matrix(user),
        "checklists": can_read_checklists(user),
    }
