"""The audit trail in words: each action's label and each object type's name, as auditors read them.

An action is stored as a stable code (``zone.request``) — what filters and the chain's MAC rely on — and shown by
its label, translated at render time. Each app registers the labels of the actions it records (in its
``audit_actions.py``, from its AppConfig.ready); an action without a label shows as 其他操作 with its code, and a
test walks the source so that none goes unnamed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext as _

_LABELS: dict[str, str | Promise] = {}
_OBJECTS: dict[str, str | Promise] = {}
# Actions named from a part of their code (``passages.purge``: the kind of data): functions giving a label or None.
_FAMILIES: list[Callable[[str], str | None]] = []
_DEFAULT_REPR = re.compile(r"^\w+ object \(\d+\)$")


def register_actions(
    labels: Mapping[str, str | Promise],
    objects: Mapping[str, str | Promise] | None = None,
    family: Callable[[str], str | None] | None = None,
) -> None:
    _LABELS.update(labels)
    _OBJECTS.update(objects or {})
    if family is not None:
        _FAMILIES.append(family)


def registered() -> dict[str, str | Promise]:
    return dict(_LABELS)


def action_label(action: str) -> str:
    label = _LABELS.get(action)
    if label is not None:
        return str(label)
    for family in _FAMILIES:
        named = family(action)
        if named is not None:
            return named
    return _("Other action (%(code)s)") % {"code": action}


def is_named(action: str) -> bool:
    return action in _LABELS or any(family(action) is not None for family in _FAMILIES)


def object_label(object_type: str, object_id: str, object_repr: str) -> str:
    """ "管控区域 园丁小区封控区", or "危险隐患 #2" where the object has no name of its own."""
    name = str(_OBJECTS.get(object_type, ""))
    if not name and "." in object_type:
        try:
            meta = apps.get_model(object_type)._meta
        except LookupError:
            meta = None
        # Only a name the model was given: Django's default ("duty shift") is English made from the class name.
        name = str(meta.verbose_name) if meta is not None and "verbose_name" in meta.original_attrs else ""
    own = "" if _DEFAULT_REPR.match(object_repr or "") else (object_repr or "")
    if own:
        return f"{name} {own}".strip()
    if object_id:
        return f"{name} #{object_id}".strip()
    return name


def action_choices() -> list[tuple[str, str]]:
    """Every named action with its label, by label: the audit page's filter."""
    return sorted(((code, str(label)) for code, label in _LABELS.items()), key=lambda c: c[1])


def object_choices() -> list[tuple[str, str]]:
    """The kinds of object named here and the models that carry a name of their own (人员, 辖区, 单位 …)."""
    named = {code: str(label) for code, label in _OBJECTS.items()}
    for model in apps.get_models():
        meta = model._meta
        if model.__module__.startswith("fangkong.") and "verbose_name" in meta.original_attrs:
            named.setdefault(meta.label_lower, str(meta.verbose_name))
    return sorted(named.items(), key=lambda c: c[1])


def with_current(choices: list[tuple[str, str]], current: str, label: Callable[[str], str]) -> list[tuple[str, str]]:
    """The choices with the one asked for in the address kept (a family's code, a kind not listed): filtering
    again must not drop it."""
    if current and current not in {code for code, _label in choices}:
        return [(current, label(current)), *choices]
    return choices
