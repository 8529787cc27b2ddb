"""Import jobs whose worker died: shown as failed, restartable while the file is kept, never run twice at once;
the uploaded file (names, ID numbers, phones in clear) gone whenever a job ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.conftest import make_id_number
from fangkong.core import clock
from fangkong.registry import importing
from fangkong.registry.models import ImportJob, Person
from fangkong.registry.tests.test_import import xlsx


def _roster(name: str = "陈一") -> bytes:
    return xlsx([[name, "", make_id_number("19850203"), "", "园丁社区", "", ""]])


def _queued(district, django_capture_on_commit_callbacks, content: bytes | None = None) -> ImportJob:
    """A job uploaded on the page whose worker never ran it (the process died after the commit)."""
    c = district.client(district.worker_a)
    with django_capture_on_commit_callbacks(execute=False):
        r = c.post("/people/import/", {"file": SimpleUploadedFile("r.xlsx", content or _roster())})
    assert r.status_code == 302
    return ImportJob.objects.get()


def _page(district, job):
    return district.client(district.worker_a).get(f"/people/import/{job.pk}/").content.decode()


def test_a_job_whose_worker_died_shows_as_failed_and_can_be_restarted(district, django_capture_on_commit_callbacks):
    job = _queued(district, django_capture_on_commit_callbacks)
    # Half-way through when the server restarted: running, its last heartbeat a while ago.
    ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=clock.now(), heartbeat_at=clock.now())
    page = _page(district, job)
    assert 'data-status="running"' in page and "hx-get" in page
    with clock.advanced(timedelta(minutes=11)):
        page = _page(district, job)
        assert 'data-status="failed"' in page and 'data-code="stopped"' in page and "hx-get" not in page
        assert "Restart the import" in page
        # Someone else's job: not theirs to see, nor to restart.
        outsider = district.client(district.worker_b)
        assert outsider.post(f"/people/import/{job.pk}/").status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            r = district.client(district.worker_a).post(f"/people/import/{job.pk}/")
        assert r.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.result["created"] == 1 and job.content == b""
    assert Person.objects.filter(name="陈一").count() == 1


def test_a_live_job_is_neither_restarted_nor_run_twice(district, django_capture_on_commit_callbacks):
    job = _queued(district, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=clock.now(), heartbeat_at=clock.now())
    r = district.client(district.worker_a).post(f"/people/import/{job.pk}/")
    assert r.status_code == 400 and 'data-code="not_stopped"' in r.content.decode()
    importing.import_job_run(job.pk)  # a second delivery of the same job while the first worker is alive
    job.refresh_from_db()
    assert job.status == "running" and not Person.objects.filter(name="陈一").exists()
    # Once that worker has been silent for long enough, a redelivery (Celery after a crash) takes the job.
    with clock.advanced(timedelta(minutes=11)):
        importing.import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.content == b""


def test_a_stopped_job_whose_file_is_gone_cannot_be_restarted(district, django_capture_on_commit_callbacks):
    job = _queued(district, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(content=b"")  # retention cleared it a day after the upload
    with clock.advanced(timedelta(days=1, minutes=1)):
        page = _page(district, job)
        assert 'data-code="stopped"' in page and "Restart the import" not in page
        r = district.client(district.worker_a).post(f"/people/import/{job.pk}/")
        assert r.status_code == 400 and 'data-code="expired"' in r.content.decode()
        importing.import_job_run(job.pk)
    assert ImportJob.objects.get().status == "pending" and not Person.objects.filter(name="陈一").exists()


def test_a_file_error_fails_the_job_and_drops_the_file(district, django_capture_on_commit_callbacks):
    wrong = xlsx([["陈一", "园丁社区"]], header=["姓名", "社区"])  # no document number column
    with django_capture_on_commit_callbacks(execute=True):
        district.client(district.worker_a).post("/people/import/", {"file": SimpleUploadedFile("r.xlsx", wrong)})
    job = ImportJob.objects.get()
    assert (job.status, job.error_code, job.content) == ("failed", "missing_column", b"")
    page = _page(district, job)
    assert 'data-status="failed"' in page and 'data-code="missing_column"' in page


def test_a_crash_fails_the_job_and_drops_the_file(district, django_capture_on_commit_callbacks, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importing, "people_import", crash)
    job = _queued(district, django_capture_on_commit_callbacks)
    with pytest.raises(RuntimeError):
        importing.import_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code, job.content) == ("failed", "internal", b"")
    assert job.finished_at is not None
    page = _page(district, job)
    assert 'data-code="internal"' in page and "the disk is full" not in page


def test_the_failure_is_shown_in_chinese(district, django_capture_on_commit_callbacks):
    job = _queued(district, django_capture_on_commit_callbacks)
    c = district.client(district.worker_a)
    with clock.advanced(timedelta(minutes=11)):
        page = c.get(f"/people/import/{job.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    section = page[page.index('id="import-progress"') :]
    assert 'data-status="failed"' in section and "<strong>失败</strong>" in section
    wrong = xlsx([["陈一", "园丁社区"]], header=["姓名", "社区"])
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/people/import/", {"file": SimpleUploadedFile("r.xlsx", wrong)}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = c.get(r["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<strong>失败</strong>" in page and "文件无法导入" in page
