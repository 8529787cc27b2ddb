"""Sanitising on save: script and event-handler injection, javascript: links, hidden elements and their content,
off-site links, styles; what an editor legitimately writes survives."""

from __future__ import annotations

import pytest

from fangkong.portal.sanitise import plain_text, sanitise

PHOTO = "/news/img/" + "0123456789abcdef" * 2 + ".jpg"  # an uploaded image's URL (portal.images)

PAYLOADS = [
    "<script>alert(1)</script><p>ok</p>",
    '<p onclick="alert(1)" onmouseover="x()">ok</p>',
    "<img src=x onerror=alert(1)><p>ok</p>",
    '<a href="javascript:alert(1)">ok</a>',
    '<a href="JaVaScRiPt:alert(1)">ok</a>',
    '<a href="&#106;avascript:alert(1)">ok</a>',
    '<a href=" javascript:alert(1)">ok</a>',
    '<a href="vbscript:msgbox(1)">ok</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">ok</a>',
    '<iframe src="https://evil.example/"></iframe><p>ok</p>',
    '<object data="x.swf"></object><embed src="x.swf"><p>ok</p>',
    "<svg onload=alert(1)><p>ok</p></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math><p>ok</p>",
    "<style>body{display:none}</style><p>ok</p>",
    '<p style="background:url(javascript:alert(1))">ok</p>',
    '<form action="https://evil.example"><input name=x><button>go</button></form><p>ok</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example"><p>ok</p>',
    '<base href="https://evil.example/"><p>ok</p>',
    "<p>ok<!-- <script>alert(1)</script> --></p>",
    "<scr<script>ipt>alert(1)</scr</script>ipt><p>ok</p>",
    "<details open ontoggle=alert(1)><p>ok</p></details>",
    '<a href="https://evil.example/casino">ok</a>',
    '<table background="javascript:alert(1)"><tr><td>ok</td></tr></table>',
    # Browsers read a backslash as a slash and drop tabs and newlines: these are other hosts or javascript: links.
    '<a href="/\\evil.example/">ok</a>',
    '<a href="\\\\evil.example/">ok</a>',
    '<a href="/\t/evil.example/">ok</a>',
    '<a href="\n//evil.example/">ok</a>',
    '<a href="java\tscript:alert(1)">ok</a>',
    '<a href="https:\\\\evil.example/">ok</a>',
    '<img src="/\\evil.example/x.png"><p>ok</p>',
    '<a href="\x01//evil.example/">ok</a>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_payloads_are_neutralised(payload, settings):
    out = sanitise(payload).lower()
    for bad in ("<script", "javascript:", "vbscript:", "onerror", "onclick", "onload", "ontoggle", "onmouseover",
                "<iframe", "<object", "<embed", "<svg", "<style", "<form", "<input", "<meta", "<base", "style=",
                "evil.example", "data:", "alert(1)</"):  # fmt: skip
        assert bad not in out, (payload, out)
    assert "ok" in out


@pytest.mark.parametrize(
    "hidden",
    [
        '<div style="display:none">精品国产无码</div>',
        '<div style="DISPLAY: NONE;">精品国产无码</div>',
        '<span style="visibility:hidden">精品国产无码</span>',
        '<span style="font-size:0">精品国产无码</span>',
        '<span style="font-size: 0px">精品国产无码</span>',
        '<div style="position:absolute;left:-9999px">精品国产无码</div>',
        "<div hidden>精品国产无码</div>",
        '<div class="hidden">精品国产无码</div>',
        '<dfn id="8iawn">精品国产无码</dfn>',
        "<noscript>精品国产无码</noscript>",
    ],
)
def test_hidden_elements_go_with_their_content(hidden):
    out = sanitise(f"<div>会议召开{hidden}。</div>")
    assert "精品" not in out and plain_text(out).replace(" ", "") == "会议召开。", out


def test_what_editors_write_survives(settings):
    html = (
        '<h2>一、总体要求</h2><p>要<strong>压实</strong>“四方”责任，见<a href="/news/3/">通知</a>和'
        '<a href="https://www.gov.cn/zhengce/">国务院文件</a>。</p><ul><li>外防输入</li></ul>'
        '<table><tr><th scope="col">街道</th></tr><tr><td colspan="2">新工</td></tr></table>'
        f'<p><img src="{PHOTO}" alt="会场" width="600"></p><p style="font-size: 14px">正文</p>'
    )
    out = sanitise(html)
    assert '<a href="/news/3/" rel="noopener noreferrer">通知</a>' in out
    assert 'href="https://www.gov.cn/zhengce/"' in out  # an allowed domain (and its subdomains)
    assert "<strong>压实</strong>" in out and "<li>外防输入</li>" in out and 'colspan="2"' in out
    assert f'<img src="{PHOTO}" alt="会场" width="600">' in out  # one of our uploads, described
    assert "<p>正文</p>" in out  # the style goes, the text stays
    settings.FANGKONG = {**settings.FANGKONG, "PORTAL_LINK_DOMAINS": []}
    assert "href" not in sanitise('<a href="https://www.gov.cn/">x</a>')


def test_plain_text():
    assert plain_text("<p>会议 &amp; 部署</p><p>第二段</p>") == "会议 & 部署 第二段"


def test_the_reference_article_as_rich_text_keeps_no_injected_markup():
    from pathlib import Path

    raw = (Path(__file__).resolve().parents[1] / "demo" / "meeting-article.txt").read_text()
    out = sanitise(raw)
    assert "<dfn" not in out and "8iawn" not in out and "會議" in out  # sanitising keeps words, drops the markup


def test_text_that_names_a_file_is_text(tmp_path):
    # The parser once took a short string naming an existing file for that file's path, and failed on a long
    # paragraph with no slash in it (a path component too long to look up).
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    assert "SECRET" not in sanitise(str(secret)) and str(secret) in sanitise(str(secret))
    long = "<p>" + "会议强调要压实四方责任" * 12 + "</p>"  # 132 hanzi, 396 bytes before the first slash
    assert sanitise(long) == long
