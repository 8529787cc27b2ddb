"""The public news site and the editors' pages: breadcrumb, previous/next, print view, PDF, search, feeds,
caching (and publishing clearing it), the Content-Security-Policy; the editorial workflow on the pages."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from fangkong.core import clock
from fangkong.portal.models import Article


def test_article_page_breadcrumb_prev_next_print_pdf(district, newsroom, publish):
    first = publish(title="第一篇", body="<p>一</p>")
    with clock.advanced(timedelta(minutes=1)):
        second = publish(title="第二篇", body="<p>二</p>", department="区委宣传部")
    with clock.advanced(timedelta(minutes=2)):
        third = publish(title="第三篇", body="<p>三</p>")
        other = publish(title="别的栏目", body="<p>四</p>", category="防控通告")
        anon = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        page = anon.get(f"/news/{second.pk}/")
        body = page.content.decode()
        assert page.status_code == 200
        assert "当前位置" in body and "动态要闻" in body and "兴隆要闻" in body
        assert f'rel="prev" href="/news/{first.pk}/"' in body and f'rel="next" href="/news/{third.pk}/"' in body
        assert f"/news/{other.pk}/" not in body  # neighbours within the category
        assert "区委宣传部" in body and "打印" in body
        assert "default-src 'self'" in page["Content-Security-Policy"]
        assert "script-src 'self'" in page["Content-Security-Policy"]
        printed = anon.get(f"/news/{second.pk}/print/").content.decode()
        assert "print.css" in printed and "第二篇" in printed and "<nav" not in printed
        pdf = anon.get(f"/news/{second.pk}/pdf/")
        assert pdf.status_code in (200, 503)  # 503 only on a server without Pango
        if pdf.status_code == 200:
            assert pdf.content.startswith(b"%PDF")


def test_index_category_search_feeds_pinned_and_expiry(district, newsroom, publish):
    publish(title="普通新闻", body="<p>核酸检测演练</p>", category="街道动态")
    notice = publish(
        title="置顶通告", body="<p>来兴人员报备</p>", category="防控通告", kind="notice", pinned=True,
        expires_at=clock.now() + timedelta(days=2),
    )  # fmt: skip
    anon = Client(HTTP_ACCEPT_LANGUAGE="en")
    index = anon.get("/news/").content.decode()
    assert "置顶通告" in index and "普通新闻" in index and "Pinned" in index
    cat = anon.get("/news/c/news/").content.decode()
    assert "普通新闻" in cat and "置顶通告" not in cat  # the parent lists its children's articles
    assert "普通新闻" in anon.get("/news/search/?q=核酸").content.decode()
    assert "置顶通告" not in anon.get("/news/search/?q=核酸").content.decode()
    atom = anon.get("/news/feed/atom/")
    assert atom.status_code == 200 and "置顶通告" in atom.content.decode() and "<feed" in atom.content.decode()
    assert "<rss" in anon.get("/news/feed/rss/").content.decode()
    assert anon.get("/news/c/nope/").status_code == 404
    with clock.advanced(timedelta(days=3)):
        assert Client().get(f"/news/{notice.pk}/").status_code == 404  # expired
    assert Client().get("/api/v1/portal/categories").status_code == 200


def test_pages_are_cached_and_publishing_clears_them(district, newsroom, publish, django_assert_max_num_queries):
    publish(title="旧闻")
    anon = Client()
    anon.get("/news/")
    with django_assert_max_num_queries(0):
        assert "旧闻" in anon.get("/news/").content.decode()  # from the cache
    publish(title="新闻发布")
    assert "新闻发布" in anon.get("/news/").content.decode()  # publishing bumped the generation


def test_language_link(district, newsroom, publish):
    c = Client()
    r = c.get("/news/lang/en/?next=/news/")
    assert r.status_code == 302 and r["Location"] == "/news/"
    assert "Home" in c.get("/news/").content.decode()
    assert c.get("/news/lang/en/?next=https://evil.example/").headers["Location"] == "/news/"
    assert c.get("/news/lang/xx/").status_code == 404


def test_editor_writes_reviewer_publishes_on_the_pages(district, newsroom):
    ed = district.client(newsroom["editor"])
    assert ed.get("/news/manage/new/").status_code == 200
    bad = ed.post("/news/manage/new/", {"title": "", "body_html": "<p>x</p>", "category": "xinglong-news"})
    assert bad.status_code == 400
    assert (bad.context["error"].field, bad.context["error"].code) == ("title", "required")
    assert 'data-code="required"' in bad.content.decode()
    unread = ed.post(
        "/news/manage/new/",
        {"title": "通告", "body_html": "<p>x</p>", "category": "xinglong-news", "expires_at": "月底"},
    )
    assert (unread.context["error"].field, unread.context["error"].code) == ("expires_at", "invalid")
    from fangkong.portal.models import Category

    cat = Category.objects.get(slug="epidemic-notices")
    r = ed.post(
        "/news/manage/new/",
        {"title": "通告", "body_html": '<p onclick="x()">正文<script>1</script></p>', "category": cat.pk},
    )
    assert r.status_code == 302
    a = Article.objects.get()
    assert a.versions.get().body_html == "<p>正文</p>"
    url = r["Location"]
    ed.post(url, {"action": "save", "title": "通告（修改）", "body_html": "<p>正文二</p>", "category": cat.pk})
    diff = ed.get(f"/news/manage/{a.pk}/diff/?a=1&b=2").content.decode()
    assert 'diff_add">二' in diff
    ed.post(url, {"action": "submit"})
    own = ed.post(url, {"action": "approve"})
    assert own.status_code == 400  # an editor has no review power (shown as an error on the page)
    assert (own.context["error"].field, own.context["error"].code) == ("action", "forbidden")
    rev = district.client(newsroom["reviewer"])
    assert "Approve and publish" in rev.get(url).content.decode()
    when = rev.post(url, {"action": "approve", "publish_at": "明早"})
    assert when.status_code == 400
    assert (when.context["error"].field, when.context["error"].code) == ("publish_at", "invalid")
    bare = rev.post(url, {"action": "reject", "note": " "})
    assert (bare.context["error"].field, bare.context["error"].code) == ("note", "note_required")
    assert rev.post(url, {"action": "approve"}).status_code == 302
    assert "通告（修改）" in Client().get(f"/news/{a.pk}/").content.decode()
    listing = rev.get("/news/manage/?show=review")
    assert listing.status_code == 200
    outsider = district.client(district.worker_b)
    for path in ("/news/manage/", "/news/manage/new/", url, f"/news/manage/{a.pk}/diff/"):
        assert outsider.get(path).status_code == 404


def test_a_reviewer_cannot_approve_their_own_text_on_the_page(district, newsroom):
    from fangkong.portal.models import Category

    rev = district.client(newsroom["reviewer"])
    cat = Category.objects.get(slug="epidemic-notices")
    r = rev.post("/news/manage/new/", {"title": "通告", "body_html": "<p>正文</p>", "category": cat.pk, "pinned": "on"})
    a = Article.objects.get()
    assert a.pinned and a.kind == "news"  # the box ticked; the kind the form left out is the schema's default
    rev.post(r["Location"], {"action": "submit"})
    own = rev.post(r["Location"], {"action": "approve"})
    assert own.status_code == 400 and (own.context["error"].field, own.context["error"].code) == (
        "action",
        "own_request",
    )
