"""Who may fetch an article's image, and how long one nobody used is kept: the public has an image once an article
online shows it, the newsroom before; an image no version of any article shows is deleted a day after its upload,
one that any version shows never."""

from __future__ import annotations

import importlib
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.test import Client
from PIL import Image

from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.portal.articles import (
    article_approve,
    article_create,
    article_submit,
    article_update,
    article_withdraw,
)
from fangkong.portal.images import image_upload, images_purge
from fangkong.portal.models import ArticleImage, ArticleImageUse


def _image(editor, colour=(200, 30, 30)) -> ArticleImage:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return image_upload(actor=editor, upload=SimpleUploadedFile("photo.jpg", out.getvalue()))


def _body(*images: ArticleImage) -> str:
    return "<p>现场</p>" + "".join(f'<p><img src="/news/img/{i.name}" alt="现场照片"></p>' for i in images)


def _get(client: Client, image: ArticleImage):
    return client.get(f"/news/img/{image.name}")


def test_a_drafts_image_is_the_newsrooms_until_the_article_is_published(district, newsroom):
    editor, reviewer = newsroom["editor"], newsroom["reviewer"]
    image = _image(editor)
    anon = Client()
    newsroom_clients = [district.client(newsroom[who]) for who in ("editor", "editor2", "reviewer")]
    outsiders = [district.client(u) for u in (district.worker_b, district.worker_a, district.street1)]

    def public() -> bool:
        served = _get(anon, image)
        assert served.status_code in (200, 404)
        for outsider in outsiders:  # signed in, but not of the newsroom: as the public
            assert _get(outsider, image).status_code == served.status_code
        for insider in newsroom_clients:  # the newsroom sees it throughout, as it sees the drafts
            r = _get(insider, image)
            assert r.status_code == 200
            assert r["Cache-Control"] == ("public, max-age=31536000, immutable" if served.status_code == 200 else
                                          "private, no-store")  # fmt: skip
        return served.status_code == 200

    assert not public()  # uploaded, in no text yet
    a = article_create(actor=editor, title="会议现场", body_html=_body(image), category="兴隆要闻")
    assert not public()  # in a draft
    article_submit(actor=editor, article_id=a.pk)
    assert not public()  # under review
    article_approve(actor=reviewer, article_id=a.pk, publish_at=clock.now() + timedelta(hours=2))
    assert not public()  # approved for later
    with clock.advanced(timedelta(hours=3)):
        assert public()  # online
        served = _get(anon, image)
        assert served["Content-Type"] == "image/jpeg" and served["X-Content-Type-Options"] == "nosniff"
        article_withdraw(actor=reviewer, article_id=a.pk, note="照片有误，撤下")
        assert not public()  # offline again


def test_an_image_added_to_a_published_article_is_public_once_the_edit_is_approved(district, newsroom, publish):
    first, added = _image(newsroom["editor"]), _image(newsroom["editor"], (0, 0, 200))
    a = publish(title="会议现场", body=_body(first))
    anon = Client()
    assert _get(anon, first).status_code == 200
    article_update(actor=newsroom["editor"], article_id=a.pk, title="会议现场", body_html=_body(added))
    # The approved text stays online with its image until the edit is approved; the edit's image waits for it.
    assert (_get(anon, first).status_code, _get(anon, added).status_code) == (200, 404)
    assert _get(district.client(newsroom["editor"]), added).status_code == 200
    article_submit(actor=newsroom["editor"], article_id=a.pk)
    article_approve(actor=newsroom["reviewer"], article_id=a.pk)
    assert (_get(anon, first).status_code, _get(anon, added).status_code) == (404, 200)


def test_images_no_version_shows_are_deleted_a_day_after_their_upload(
    district, newsroom, django_capture_on_commit_callbacks
):
    from fangkong.dataprotection.housekeeping import housekeeping

    editor, reviewer = newsroom["editor"], newsroom["reviewer"]
    unused, drafted, pending, published, replaced, withdrawn = (_image(editor) for _ in range(6))
    article_create(actor=editor, title="草稿", body_html=_body(drafted), category="兴隆要闻")
    submitted = article_create(actor=editor, title="待审", body_html=_body(pending), category="兴隆要闻")
    article_submit(actor=editor, article_id=submitted.pk)
    online = article_create(actor=editor, title="已发布", body_html=_body(published, replaced), category="兴隆要闻")
    article_submit(actor=editor, article_id=online.pk)
    article_approve(actor=reviewer, article_id=online.pk)
    # A later version leaves `replaced` out: version 1 (the published one, and kept for ever) still shows it.
    article_update(actor=editor, article_id=online.pk, title="已发布", body_html=_body(published))
    archived = article_create(actor=editor, title="已撤下", body_html=_body(withdrawn), category="兴隆要闻")
    article_submit(actor=editor, article_id=archived.pk)
    article_approve(actor=reviewer, article_id=archived.pk)
    article_withdraw(actor=reviewer, article_id=archived.pk, note="活动取消，撤下")
    path = unused.file.name
    assert default_storage.exists(path)

    with clock.advanced(timedelta(hours=23)):
        recent = _image(editor)  # uploaded later: its day starts later
        assert images_purge() == 0  # within the day: the editor may still save the text it went into
    with clock.advanced(timedelta(hours=25)), django_capture_on_commit_callbacks(execute=True) as committed:
        assert images_purge() == 1
        assert default_storage.exists(path)  # the file waits for the commit: a rollback keeps the row and its file
    assert committed
    kept = set(ArticleImage.objects.values_list("name", flat=True))
    assert kept == {i.name for i in (drafted, pending, published, replaced, withdrawn, recent)}
    assert not default_storage.exists(path)  # the file too, once the deletion committed
    assert _get(district.client(editor), unused).status_code == 404
    event = AuditEvent.objects.get(action="portal.image_purge")
    assert (event.object_type, event.object_id, event.object_repr) == (
        "portal.articleimage",
        str(unused.pk),
        unused.name,
    )

    # `fangkong purge`'s housekeeping: `recent`, unused and a day old by then, goes the same way.
    with clock.advanced(timedelta(hours=48)):
        assert housekeeping()["article_images"] == 1
    assert not ArticleImage.objects.filter(pk=recent.pk).exists()
    assert ArticleImage.objects.count() == 5

    # Whatever deletes images, one a version shows is refused.
    with pytest.raises(ProtectedError):
        ArticleImage.objects.filter(pk=drafted.pk).delete()


def test_the_migration_records_the_images_versions_saved_before_it_show(district, newsroom):
    from django.apps import apps

    image, other = _image(newsroom["editor"]), _image(newsroom["editor"])
    a = article_create(actor=newsroom["editor"], title="旧稿", body_html=_body(image, image), category="兴隆要闻")
    article_create(actor=newsroom["editor"], title="无图", body_html="<p>正文</p>", category="兴隆要闻")
    ArticleImageUse.objects.all().delete()  # as before the release that records them

    migration = importlib.import_module("fangkong.portal.migrations.0008_article_image_uses")
    migration.record_uses(apps, None)
    assert list(ArticleImageUse.objects.values_list("version__article", "image")) == [(a.pk, image.pk)]
    assert not other.uses.exists()
