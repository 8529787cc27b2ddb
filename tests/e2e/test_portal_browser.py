from __future__ import annotations

import re

import pytest
from PIL import Image

from fangkong.portal.models import Article, Category
from fangkong.site.demo import seed_demo

from .test_people_browser import _login

pytestmark = pytest.mark.browser


def _csp_watch(page, seen: list[str]) -> None:
    """Collects what the browser refused under the Content-Security-Policy (and any script error)."""
    page.on(
        "console", lambda m: seen.append(m.text) if m.type == "error" and "Content Security Policy" in m.text else None
    )
    page.on("pageerror", lambda e: seen.append(str(e)))


def test_editor_writes_reviewer_approves_public_reads_and_prints(
    browser, live_server, transactional_db, screenshot_dir, tmp_path
):
    seed_demo(people=200)
    notices = Category.objects.get(slug="epidemic-notices")
    refused: list[str] = []

    ed = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = ed.new_page()
    _csp_watch(page, refused)
    _login(page, live_server, "editor")
    page.goto(f"{live_server.url}/news/manage/new/")
    page.get_by_label("标题", exact=True).fill("关于做好“五一”期间疫情防控工作的通告")
    page.get_by_label("栏目", exact=True).select_option(str(notices.pk))
    # The visual editor (vendored pell) writes into the hidden textarea that the form posts.
    text = page.locator(".pell-content")
    text.click()
    page.keyboard.type("外防输入")
    page.keyboard.press("Enter")
    page.keyboard.type("内防反弹")
    page.keyboard.press("Control+a")
    page.locator("[data-action=ulist]").click()
    field = page.locator("#e-body")
    assert "<li>外防输入</li>" in field.input_value() and "<li>内防反弹</li>" in field.input_value()
    page.keyboard.press("End")
    # An image goes in only with its description (alt text).
    photo = tmp_path / "meeting.png"
    Image.new("RGB", (120, 80), (30, 90, 160)).save(photo)
    page.locator("[data-action=image]").click()
    page.locator("#e-image-file").set_input_files(str(photo))
    page.locator("[data-role=insert]").click()
    page.locator("#e-image [data-role=error]").wait_for()
    assert "<img" not in field.input_value()
    page.locator("#e-image-alt").fill("会场照片")
    page.locator("[data-role=insert]").click()
    text.locator("img[alt='会场照片']").wait_for()
    assert re.search(r'<img src="/news/img/[0-9a-f]{32}\.png" alt="会场照片">', field.input_value())
    page.screenshot(path=str(screenshot_dir / "portal-editor.png"), full_page=True)
    # The HTML itself is still there to edit; the server sanitises whatever arrives.
    page.locator("[data-action=source]").click()
    field.fill(
        field.input_value() + "<p>“五一”期间，请广大居民非必要不离盘。</p>"
        '<p onclick="alert(1)">确需离盘的，请提前报备。<script>alert(1)</script></p>'
    )
    page.get_by_label("类别", exact=True).select_option("notice")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_role("button", name="送审").click()
    page.get_by_text("等待其他审核人").wait_for()
    article = Article.objects.get(title="", versions__title__startswith="关于做好“五一”期间")
    saved = article.versions.get().body_html
    assert "<li>外防输入</li>" in saved and 'alt="会场照片"' in saved and "onclick" not in saved

    rev = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    rpage = rev.new_page()
    _csp_watch(rpage, refused)
    _login(rpage, live_server, "reviewer")
    rpage.goto(f"{live_server.url}/news/manage/{article.pk}/")
    rpage.get_by_role("button", name="审核通过并发布").click()
    rpage.get_by_text("已审核通过并发布").wait_for()

    public = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    ppage = public.new_page()
    _csp_watch(ppage, refused)
    ppage.goto(f"{live_server.url}/news/")
    ppage.get_by_role("link", name=re.compile("关于做好“五一”期间")).first.click()
    ppage.get_by_role("heading", name=re.compile("关于做好“五一”期间")).wait_for()
    body = ppage.content()
    assert "当前位置" in body and "通知公告" in body and "防控通告" in body
    assert "<script>alert" not in body and "onclick" not in body
    ppage.wait_for_function(
        "() => { const i = document.querySelector(\"article img[alt='会场照片']\");"
        " return i && i.complete && i.naturalWidth === 120; }"
    )  # served from /news/img/
    ppage.get_by_role("link", name=re.compile("关于进一步加强来")).click()  # 上一篇: the older notice
    ppage.get_by_role("heading", name=re.compile("关于进一步加强来")).wait_for()
    ppage.get_by_role("link", name=re.compile("关于做好“五一”期间")).click()  # 下一篇: back again
    ppage.get_by_role("heading", name=re.compile("关于做好“五一”期间")).wait_for()
    ppage.get_by_role("link", name="打印").click()
    ppage.wait_for_url(re.compile(r"/print/$"))
    ppage.get_by_role("button", name="打印").wait_for()
    ppage.emulate_media(media="print")
    ppage.screenshot(path=str(screenshot_dir / "portal-print-view.png"), full_page=True)
    assert not ppage.get_by_role("button", name="打印").is_visible()  # the print button does not print
    for ctx in (ed, rev, public):
        ctx.close()
    assert refused == [], refused  # no inline script or style anywhere, the editor's included
