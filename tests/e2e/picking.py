"""What a person does with their hands on a page, shared by the journeys: choosing from a list (a long list is a
searchable picker, core/static/fangkong/picker.js — type, then tick; a short one stays the browser's own select)
and signing on the pad."""

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


def draw_signature(page) -> None:
    """A stroke across the signature pad, as a finger draws it."""
    pad = page.locator("canvas.signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for n in range(1, 12):
        page.mouse.move(box["x"] + 20 + n * 25, box["y"] + box["height"] * (0.3 if n % 2 else 0.7), steps=3)
    page.mouse.up()
