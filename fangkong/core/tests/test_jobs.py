from __future__ import annotations

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.core import jobs
from fangkong.registry.models import ImportJob, Person
from fangkong.registry.tests.test_import import xlsx

REDIS = os.environ.get("FANGKONG_TEST_REDIS", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_unregistered_functions_cannot_be_queued(db):
    def stray():
        pass

    with pytest.raises(ValueError, match="not registered"):
        jobs.run_after_commit(stray)
    with pytest.raises(ValueError, match="unknown job"):
        jobs.run_registered("os.system", ["true"])


@pytest.mark.django_db(transaction=True)
def test_import_job_runs_on_a_celery_worker_through_redis(district, settings):
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not answering at {REDIS}; .ci/run starts it")
        pytest.skip("no Redis on this machine")
    from celery.contrib.testing.worker import start_worker

    from fangkong.core.celery_app import app

    settings.CELERY_BROKER_URL = REDIS
    app.conf.broker_url = REDIS
    queue = f"fangkong-test-{os.getpid()}"
    app.conf.task_default_queue = queue  # not a queue some other worker drains
    c = district.client(district.worker_a)
    from fangkong.conftest import make_id_number

    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        r = c.post(
            "/people/import/",
            {"file": SimpleUploadedFile("r.xlsx", xlsx([["队列", "", make_id_number(), "", "园丁社区", "", ""]]))},
        )
        assert r.status_code == 302
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            job = ImportJob.objects.get()
            if job.status in ("done", "failed"):
                break
            time.sleep(0.2)
    import redis

    broker = redis.Redis.from_url(REDIS)
    for key in broker.scan_iter(f"*{queue}*"):
        broker.delete(key)
    assert job.status == "done", (job.status, job.error)
    assert job.result["created"] == 1
    assert Person.objects.filter(name="队列").exists()


def test_a_job_queued_under_its_old_name_still_runs(district, mailoutbox):
    # Queued by a server before the inbox moved from command to core, run by a worker after the upgrade.
    district.hq.email = "hq@example.org"
    district.hq.save(update_fields=["email"])
    jobs.run_registered("fangkong.command.notifications.send_messages", [[district.hq.pk], "标题", "正文", ""])
    assert [m.subject for m in mailoutbox] == ["标题"]
