"""Rows of tabs say which one is open (issue 18: the safety tabs did not mark the current page)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A row of links to other pages, none of which is the one shown, says so in a comment the test reads.
NONE_CURRENT = "{# tabs: none is this page #}"


def test_every_row_of_tabs_can_say_which_tab_is_open():
    # A row of tabs that never marks the open one leaves the reader guessing where they are (issue 18).
    unmarked = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.html")
        if 'class="tabs"' in (text := path.read_text(encoding="utf-8"))
        and "aria-current" not in text
        and NONE_CURRENT not in text
    ]
    assert not unmarked, unmarked
