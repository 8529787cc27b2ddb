"""Importing the defaced reference article and other legacy pages: clean drafts, nothing injected survives."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from fangkong.portal.legacy import clean
from fangkong.portal.models import Article, Category

REFERENCE = Path(__file__).resolve().parents[1] / "demo" / "meeting-article.txt"
TITLE = "我区召开疫情防控暨安全生产工作会议"


def test_the_reference_article_cleans_up():
    c = clean(REFERENCE.read_bytes())
    assert c.title == TITLE
    assert c.breadcrumb == ["动态要闻", "兴隆要闻"] and c.department == "宣传部" and c.simplified
    body = c.body_html
    assert "<dfn" not in body and "(dāng)" not in body and "dāng" not in body
    assert not any(ch in body for ch in "當區產會議") and "精品" not in body and "无码" not in body
    assert "上一篇" not in body and "打印" not in body and "当前位置" not in body
    assert len(c.paragraphs) == 4 and c.paragraphs[0].startswith("4月27日下午")
    assert c.paragraphs[-1].endswith("各街道班子成员在分会场参会。")  # "(宣传部)" moved to the department
    assert "非必要不离盘" in body and "106 个社区、13 个村" in body
    assert any("精品" in d for d in c.dropped)  # the editor is shown what was removed


def test_import_article_command_prints_the_draft(district, newsroom):
    out = StringIO()
    call_command("import_article", str(REFERENCE), stdout=out)
    line = json.loads(out.getvalue().strip())
    assert line["title"] == TITLE
    article = Article.objects.get(pk=line["id"])
    assert article.state == "draft" and article.published_version is None
    assert article.category.name == "兴隆要闻" and article.category.parent.name == "动态要闻"
    assert article.department == "宣传部"
    v = article.versions.get()
    assert "<dfn" not in v.body_html and "(dāng)" not in v.body_html and "精品" not in v.body_html
    with pytest.raises(CommandError):
        call_command("import_article", "/no/such/file", stdout=StringIO())


def test_keep_traditional_and_categories_from_breadcrumbs(district, newsroom):
    out = StringIO()
    call_command("import_article", str(REFERENCE), "--keep-traditional", "--as", "editor2", stdout=out)
    line = json.loads(out.getvalue())
    assert line["title"] == "我區召開疫情防控暨安全生產工作會議"
    # The traditional breadcrumb names a new branch of the tree; the simplified one found the existing one.
    assert Category.objects.filter(name="動態要聞").exists()


def test_html_page_gbk_with_hidden_spam_and_plain_pinyin():
    page = (
        "<html><head><title>旧站</title><style>.x{}</style></head><body>"
        "<div class='nav'>当前位置：首页 > 通知公告</div>"
        "<h1>关于开展安全生产大检查的通知</h1><p>发布时间：2022-04-28</p>"
        "<div style='display:none'>澳门博彩 娱乐城 在线开户</div>"
        "<p>各街道：现将有关事项通知(tōng zhī)如下。</p><p>请于5月5日前完成排查。<dfn>久久精品</dfn></p>"
        "<p>（区应急管理局）</p><p>上一篇：某某</p><script>document.write('x')</script></body></html>"
    )
    c = clean(page.encode("gb18030"))
    assert c.title == "关于开展安全生产大检查的通知"
    assert c.breadcrumb == ["通知公告"] and str(c.date) == "2022-04-28" and not c.simplified
    text = " ".join(c.paragraphs)
    assert "博彩" not in text and "久久" not in text and "document" not in text and "上一篇" not in text
    assert c.department == "区应急管理局"
    mangled = clean("标题\n\n會(huì)議(yì)召開(kāi)了(le)，要求(qiú)如下。")
    assert mangled.paragraphs == ["会议召开了，要求如下。"]


def test_import_page_upload_and_limits(district, newsroom):
    c = district.client(newsroom["editor"])
    page = c.get("/news/manage/import/")
    assert page.status_code == 200
    r = c.post("/news/manage/import/", {"file": SimpleUploadedFile("a.txt", REFERENCE.read_bytes())})
    assert r.status_code == 302
    assert Article.objects.get().versions.get().title == TITLE
    big = c.post("/news/manage/import/", {"file": SimpleUploadedFile("b.html", b"<p>x</p>" * 300_000)})
    assert big.status_code == 400 and 'data-code="too_large"' in big.content.decode()
    empty = c.post("/news/manage/import/", {"file": SimpleUploadedFile("c.txt", "打印\n关闭".encode())})
    assert empty.status_code == 400 and 'data-code="empty"' in empty.content.decode()
    lost = c.post(
        "/news/manage/import/", {"file": SimpleUploadedFile("d.txt", "会议通知\n\n请各社区准时参加。".encode())}
    )
    assert lost.status_code == 400 and (lost.context["error"].field, lost.context["error"].code) == (
        "category",
        "required",
    )  # no breadcrumb to take the category from, and none chosen
    assert Article.objects.count() == 1
    assert district.client(district.worker_b).get("/news/manage/import/").status_code == 404


def test_import_over_the_api(client, district, newsroom, api_token):
    ed = api_token(newsroom["editor"])
    r = client.post(
        "/api/v1/portal/articles:import", {"file": SimpleUploadedFile("page.txt", REFERENCE.read_bytes())}, **ed
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["title"] == TITLE and body["simplified"] and any("精品" in d for d in body["dropped"])
    draft = client.get(f"/api/v1/portal/articles/{body['id']}", **ed).json()
    assert draft["state"] == "draft" and "<dfn" not in draft["body_html"] and "(dāng)" not in draft["body_html"]
