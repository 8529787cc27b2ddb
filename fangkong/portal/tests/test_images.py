"""Images in articles: uploaded by editors only, images only (JPEG, PNG, WebP, GIF), re-encoded without their
metadata and served under a name we made; an article keeps only our own images, and only with a description."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from fangkong.core.errors import Code
from fangkong.portal import errors
from fangkong.portal.models import Article, ArticleImage, ArticleVersion


def _picture(fmt: str = "JPEG", size=(64, 48), **save) -> bytes:
    out = io.BytesIO()
    mode = "P" if fmt == "GIF" else "RGB"
    Image.new(mode, size, color=1 if mode == "P" else (200, 30, 30)).save(out, fmt, **save)
    return out.getvalue()


def _with_metadata() -> bytes:
    """A phone's photo: the camera and where it was taken in its EXIF, and a comment."""
    img = Image.new("RGB", (80, 60), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhone"  # Make
    exif[0x0110] = "Model X"
    exif[0x0112] = 6  # Orientation: rotate 90° to view
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue()


def _mpo(size=(80, 60), orientation: int = 6) -> bytes:
    """A phone's photo as many phones save it: an MPO, the photo (red) then a second picture (a depth map, black,
    of another size), the EXIF's orientation on the first."""
    photo = Image.new("RGB", size, (200, 30, 30))
    depth = Image.new("RGB", (size[0] // 2, size[1] // 2), (0, 0, 0))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhone"
    exif[0x0112] = orientation
    out = io.BytesIO()
    photo.save(out, "MPO", save_all=True, append_images=[depth], exif=exif.tobytes())
    return out.getvalue()


def _upload(client, data: bytes, name: str = "photo.jpg"):
    return client.post("/news/manage/images/", {"file": SimpleUploadedFile(name, data)})


def test_an_editor_uploads_an_image_stripped_of_its_metadata(district, newsroom):
    ed = district.client(newsroom["editor"])
    raw = _with_metadata()
    assert b"SecretPhone" in raw and b"taken at home" in raw
    r = _upload(ed, raw)
    assert r.status_code == 201, r.content
    body = r.json()
    assert re.fullmatch(r"/news/img/[0-9a-f]{32}\.jpg", body["url"])
    assert (body["width"], body["height"]) == (60, 80)  # turned upright as the EXIF said, then the EXIF dropped
    served = ed.get(body["url"])  # in no article yet: the newsroom's (test_image_access)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    data = b"".join(served.streaming_content)
    assert b"SecretPhone" not in data and b"taken at home" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and img.size == (60, 80) and not img.getexif()
    stored = ArticleImage.objects.get(name=body["url"].rsplit("/", 1)[-1])
    assert stored.uploaded_by == newsroom["editor"] and stored.size == len(data)


@pytest.mark.parametrize(
    ("size", "stored"),
    [
        ((80, 60), (60, 80)),  # turned upright
        ((3000, 2000), (1600, 2400)),  # turned upright, then no side longer than MAX_SIDE
    ],
)
def test_a_phones_mpo_is_read_as_its_first_picture_upright_and_resized(district, newsroom, size, stored):
    raw = _mpo(size)
    with Image.open(io.BytesIO(raw)) as img:
        assert img.format == "MPO" and img.n_frames == 2  # what the phone sent really is an MPO
    ed = district.client(newsroom["editor"])
    r = _upload(ed, raw)
    assert r.status_code == 201, r.content
    assert (r.json()["width"], r.json()["height"]) == stored
    data = b"".join(ed.get(r.json()["url"]).streaming_content)
    assert b"SecretPhone" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and getattr(img, "n_frames", 1) == 1 and img.size == stored
        red, green, blue = img.convert("RGB").getpixel((img.width // 2, img.height // 2))
        assert red > 150 and green < 80 and blue < 80  # the photo, not the depth map


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")])
def test_png_webp_and_gif_are_taken(district, newsroom, fmt, ext):
    r = _upload(district.client(newsroom["editor"]), _picture(fmt), f"x.{ext}")
    assert r.status_code == 201, r.content
    assert r.json()["url"].endswith(f".{ext}")


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "report.pdf", Code.UNSUPPORTED_TYPE),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg", Code.UNSUPPORTED_TYPE),
        (b"just some text, named as a picture", "photo.png", Code.UNSUPPORTED_TYPE),
        (b"BM" + b"\0" * 60, "old.bmp", Code.UNSUPPORTED_TYPE),
        (_picture("JPEG"), "photo.pdf", Code.TYPE_MISMATCH),
        (_picture("PNG")[:40], "cut.png", Code.UNREADABLE),
        (b"", "empty.jpg", Code.REQUIRED),
    ],
)
def test_what_is_not_one_of_the_images_is_refused_with_a_code(district, newsroom, data, name, code):
    r = _upload(district.client(newsroom["editor"]), data, name)
    assert r.status_code == 400 and r.json()["code"] == code
    assert r.json()["errors"][0]["field"] == "file"
    assert not ArticleImage.objects.exists()


def test_size_and_pixels_are_bounded(district, newsroom, settings):
    ed = district.client(newsroom["editor"])
    settings.FANGKONG = {**settings.FANGKONG, "IMAGE_MAX_BYTES": 1000}
    assert _upload(ed, _picture("PNG", (400, 400), compress_level=0)).json()["code"] == Code.TOO_LARGE
    settings.FANGKONG = {**settings.FANGKONG, "IMAGE_MAX_BYTES": 10_000_000, "IMAGE_MAX_PIXELS": 1_000}
    assert _upload(ed, _picture("PNG", (100, 100))).json()["code"] == Code.TOO_LARGE


def test_only_editors_upload(client, district, newsroom, api_token):
    data = _picture()
    assert _upload(Client(), data).status_code == 302  # to the sign-in page
    for outsider in (district.worker_b, district.worker_a, district.street1):
        assert _upload(district.client(outsider), data).status_code == 404
        r = client.post("/api/v1/portal/images", {"file": SimpleUploadedFile("a.jpg", data)}, **api_token(outsider))
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert not ArticleImage.objects.exists()
    ed = api_token(newsroom["editor"])
    r = client.post("/api/v1/portal/images", {"file": SimpleUploadedFile("a.jpg", data)}, **ed)
    assert r.status_code == 201 and r.json()["url"].startswith("/news/img/")
    bad = client.post("/api/v1/portal/images", {"file": SimpleUploadedFile("a.gif", b"GIF89a broken")}, **ed)
    assert bad.status_code == 400 and bad.json()["code"] == Code.UNREADABLE


def test_an_image_without_a_description_is_refused_on_save(district, newsroom, client, api_token):
    ed = district.client(newsroom["editor"])
    url = _upload(ed, _picture()).json()["url"]
    for alt in ("", ' alt=""', ' alt="   "'):
        r = ed.post(
            "/news/manage/new/",
            {"title": "现场图片", "body_html": f'<p>会场</p><p><img src="{url}"{alt}></p>', "category": "兴隆要闻"},
        )
        assert r.status_code == 400
        assert (r.context["error"].field, r.context["error"].code) == ("body_html", errors.Code.ALT_REQUIRED)
    api = client.post(
        "/api/v1/portal/articles",
        {"title": "现场", "body_html": f'<p><img src="{url}"></p>', "category": "兴隆要闻"},
        content_type="application/json",
        **api_token(newsroom["editor"]),
    )
    assert api.status_code == 400 and api.json()["errors"][0] == {
        "field": "body_html",
        "message": api.json()["errors"][0]["message"],
        "code": "alt_required",
    }
    assert not Article.objects.exists()


def test_our_described_image_is_kept_and_a_foreign_one_dropped(district, newsroom, publish):
    ed = district.client(newsroom["editor"])
    url = _upload(ed, _picture()).json()["url"]
    body = (
        f'<p>会场<img src="{url}" alt=" 会议 现场 " width="640" height="x" onerror="alert(1)"></p>'
        '<p>外链<img src="https://evil.example/track.gif" alt="像素"><img src="/media/old.jpg" alt="旧图">'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="内嵌"></p>'
    )
    a = publish(title="会议现场", body=body)
    saved = a.body_html
    assert f'<img src="{url}" alt="会议 现场" width="640">' in saved
    assert "evil.example" not in saved and "/media/old.jpg" not in saved and "data:" not in saved
    assert "外链" in saved and "onerror" not in saved
    page = Client().get(f"/news/{a.pk}/").content.decode()
    assert f'src="{url}"' in page and 'alt="会议 现场"' in page


def test_the_preview_leaves_out_an_undescribed_image_saved_before_the_rule(district, newsroom):
    from fangkong.portal.articles import article_create

    a = article_create(actor=newsroom["editor"], title="旧稿", body_html="<p>正文</p>", category="兴隆要闻")
    old = f'<p>正文<img src="/news/img/{"ab" * 16}.png"><img src="https://evil.example/x.png" alt="x"></p>'
    ArticleVersion.objects.filter(article=a).update(body_html=old)  # as a version saved by an earlier release
    page = district.client(newsroom["editor"]).get(f"/news/manage/{a.pk}/").content.decode()
    preview = page[page.index("article-body") :]
    assert "<img" not in preview[: preview.index("</div>")] and "正文" in preview


def test_an_image_name_that_is_not_ours_is_not_served(district, newsroom):
    anon = Client()
    assert anon.get(f"/news/img/{'ab' * 16}.jpg").status_code == 404  # the shape, but no such upload
    assert anon.get("/news/img/..%2F..%2Fsettings.py").status_code == 404
    assert anon.get("/news/img/photo.jpg").status_code == 404


def test_the_editor_form_carries_the_visual_editor_and_the_plain_field(district, newsroom):
    page = district.client(newsroom["editor"]).get("/news/manage/new/").content.decode()
    assert 'data-editor-for="e-body"' in page and 'data-upload-url="/news/manage/images/"' in page
    assert '<textarea id="e-body" name="body_html"' in page  # what is posted, with or without JavaScript
    assert "vendor/pell/pell.min.js" in page and 'data-role="alt"' in page
    assert "style=" not in page and "<script>" not in page  # nothing inline: the CSP refuses it


FOREIGN = "https://evil.example/x.png"


def test_an_old_text_with_foreign_images_warns_before_saving_and_names_them_after(district, newsroom):
    from django.contrib import messages

    from fangkong.portal.articles import article_create

    a = article_create(actor=newsroom["editor"], title="旧稿", body_html="<p>正文</p>", category="兴隆要闻")
    inline = "data:image/png;base64," + "A" * 5000
    old = f'<p>正文<img src="{FOREIGN}" alt="x"><img src="{inline}" alt="内嵌"><img src="{FOREIGN}" alt="again"></p>'
    ArticleVersion.objects.filter(article=a).update(body_html=old)  # as a version saved by an earlier release
    ed = district.client(newsroom["editor"])
    page = ed.get(f"/news/manage/{a.pk}/")
    assert page.context["foreign_images"] == [FOREIGN, inline[:79] + "…"]  # each once, an inline one shortened
    assert 'id="foreign-images"' in page.content.decode() and FOREIGN in page.content.decode()

    r = ed.post(
        f"/news/manage/{a.pk}/",
        {"action": "save", "title": "旧稿", "body_html": old, "category": "兴隆要闻"},
        follow=True,
    )
    assert r.status_code == 200
    warnings = [m for m in r.context["messages"] if m.level == messages.WARNING]
    assert len(warnings) == 1 and FOREIGN in warnings[0].message and inline[:79] + "…" in warnings[0].message
    assert inline not in warnings[0].message
    assert "<img" not in ArticleVersion.objects.get(article=a, number=2).body_html
    assert "foreign_images" in r.context and not r.context["foreign_images"]  # saved: nothing left to warn about
    assert 'id="foreign-images"' not in r.content.decode()

    again = ed.post(
        f"/news/manage/{a.pk}/",
        {"action": "save", "title": "旧稿", "body_html": "<p>正文</p>", "category": "兴隆要闻"},
        follow=True,
    )
    assert [m.level for m in again.context["messages"]] == [messages.SUCCESS]  # nothing dropped, nothing said


def test_a_new_draft_names_the_foreign_images_it_lost(district, newsroom):
    from django.contrib import messages

    many = "".join(f'<img src="https://evil.example/{n}.png" alt="图{n}">' for n in range(7))
    r = district.client(newsroom["editor"]).post(
        "/news/manage/new/",
        {"title": "外链图片", "body_html": f"<p>正文{many}</p>", "category": "兴隆要闻"},
        follow=True,
    )
    assert r.status_code == 200
    (warning,) = [m for m in r.context["messages"] if m.level == messages.WARNING]
    assert "https://evil.example/4.png" in warning.message and "https://evil.example/5.png" not in warning.message
    assert "2" in warning.message.rsplit("/4.png", 1)[1]  # the two not named are counted
    assert Article.objects.count() == 1
