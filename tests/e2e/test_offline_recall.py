"""The recalls page offline (issue 22, point 1): a positive pool's member retested where the network dropped — the
retest kept on the phone with its key and time, recorded once when the network is back."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from fangkong.core import clock, pii
from fangkong.registry.models import RoleAssignment
from fangkong.site.demo import seed_demo
from fangkong.testing.collection import Scan, collections_ingest, tube_close
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Recall, Round, Sample, Site
from fangkong.testing.results import ResultRow, results_ingest

from .field import field_phone
from .residents import poolable

pytestmark = pytest.mark.browser


def test_a_retest_taken_offline_is_recorded_once_at_its_time(browser, live_server, transactional_db):
    seed_demo(people=300)
    users = get_user_model().objects
    site = Site.objects.get(jurisdiction=RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction)
    now = clock.now()
    round_ = Round.objects.filter(starts_at__lte=now, deadline__gt=now).order_by("pk").first()
    people = poolable(2)
    scans = [
        Scan(
            index=i, document_number=pii.decrypt(p.doc_cipher), tube_code="E2E-RC-01", site_id=site.pk, collected_at=now
        )
        for i, p in enumerate(people)
    ]
    collections_ingest(actor=users.get(username="sampler"), round_id=round_.pk, scans=scans)
    tube_close(actor=users.get(username="sampler"), code="E2E-RC-01")
    bag_seal(actor=users.get(username="sampler"), seal_code="E2E-RC-SEAL", tube_codes=["E2E-RC-01"])
    bag_receive(actor=users.get(username="lab_staff"), seal_code="E2E-RC-SEAL")
    results_ingest(actor=users.get(username="lab_staff"), rows=[ResultRow(0, "E2E-RC-01", "positive")])
    assert Recall.objects.filter(person__in=people, state="ordered").count() == 2

    phone, page, url = field_phone(browser, live_server, "grid_worker_a", "/testing/recalls/")
    page.goto(url)  # kept by the worker
    phone.set_offline(True)
    page.goto(url)
    taken = clock.now()
    page.get_by_label("复核管号").first.fill("E2E-RT-01")
    page.get_by_role("button", name="登记复核采样").first.click()
    page.wait_for_function(
        "() => (document.querySelector('#outbox [data-waiting]') || {}).textContent.indexOf('等待发送：1') === 0"
    )
    assert not Sample.objects.filter(tube__code="E2E-RT-01").exists()

    phone.set_offline(False)
    page.wait_for_function("() => document.querySelector('#outbox').hidden", timeout=30_000)
    sample = Sample.objects.get(tube__code="E2E-RT-01")  # exactly one
    assert sample.retest and abs((sample.collected_at - taken).total_seconds()) < 30
    assert Recall.objects.get(retest_tube__code="E2E-RT-01").state == "sampled"
    phone.close()
