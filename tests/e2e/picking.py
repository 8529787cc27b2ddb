"""Choosing from a list as a person does: a long list is a searchable picker (core/static/fangkong/picker.js) —
type, then tick; a short one stays the browser's own select."""

from __future__ import annotations

import re


def pick(page, label, *names: str) -> None:
    """Choose the options named `names` in the field labelled `label` (a picker's search box, or a select)."""
    field = page.get_by_label(label)
    if field.evaluate("el => el.tagName") == "SELECT":
        field.select_option(label=list(names) if len(names) > 1 else names[0])
        return
    picker = field.locator("xpath=ancestor::div[contains(@class, 'picker')][1]")
    for name in names:
        field.fill(name)
        option = picker.locator(".picker-option:not([hidden])").filter(
            has_text=re.compile(rf"^\s*{re.escape(name)}(\s|$)")
        )
        option.first.locator("input").check()
    field.fill("")
