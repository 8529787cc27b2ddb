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


def sign_out_from_the_desk(browser, live_server, username: str, screenshot=None) -> None:
    """The account's holder, at a desktop, signs out their other device (the phone) on /account/devices/."""
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    office = desk.new_page()
    _login(office, live_server, username)
    office.goto(f"{live_server.url}/account/devices/")
    office.locator(".devices li").filter(has_not_text="本设备").get_by_role("button", name="注销此设备").click()
    office.get_by_text("该设备已注销").wait_for()
    if screenshot:
        office.screenshot(path=str(screenshot), full_page=True)
    desk.close()
