"""A field phone for the offline journeys (issue 22): a phone-sized Chromium context signed in, on its field page,
with the service worker running."""

from __future__ import annotations

from .test_people_browser import _login


def field_phone(browser, live_server, username: str, path: str):
    """(context, page, the page's address) — the address after any redirect (the checkpoints' list goes to its
    one checkpoint)."""
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server, username)
    page.goto(f"{live_server.url}{path}")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    return phone, page, page.url
