"""Every action on the testing pages says what happened and what follows (issue 18): asserted by the message's code
and the facts in it (tube and seal codes, counts, a masked name), never by its sentence."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from fangkong.core import clock, pii
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Recall, Tube
from fangkong.testing.results import ResultRow, results_ingest
from fangkong.testing.tests.conftest import collect, scan


def _scan(client, testing, person, tube: str):
    return client.post(
        f"/testing/sites/{testing.site.pk}/",
        {"round": testing.round.pk, "person": pii.decrypt(person.doc_cipher), "tube_code": tube},
    )


def test_the_scan_that_fills_a_tube_says_it_is_full_and_closed(district, testing):
    c = district.client(testing.sampler)
    for person in testing.people_a[:9]:
        said = _scan(c, testing, person, "FULL-10").context["said"]
        assert said.code == "sampled" and "FULL-10" in said.text
    assert "Tube FULL-10: 9 of 10." in said.text  # how full
    tenth = _scan(c, testing, testing.people_a[9], "FULL-10")
    said = tenth.context["said"]
    assert said.code == "tube_full" and "FULL-10" in said.text and "10/10" in said.text
    assert Tube.objects.get(code="FULL-10").closed_at is not None
    assert tenth.context["tube"] is None  # the next scan starts a new tube: none is offered
    assert 'data-code="tube_full"' in tenth.content.decode()


def test_closing_a_tube_by_hand_says_how_full_it_was(district, testing):
    c = district.client(testing.sampler)
    _scan(c, testing, testing.people_a[0], "HALF-1")
    r = c.post(f"/testing/sites/{testing.site.pk}/", {"round": testing.round.pk, "close": "HALF-1"})
    said = r.context["said"]
    assert said.code == "tube_closed" and "Tube HALF-1 closed with 1 of 10" in said.text


def test_recording_a_retest_confirms_who_into_which_tube(district, testing):
    collect(
        testing.sampler, testing.round, [scan(p, "RC-F", testing.site, i) for i, p in enumerate(testing.people_a[:10])]
    )
    bag_seal(actor=testing.sampler, seal_code="SEAL-RF", tube_codes=["RC-F"])
    bag_receive(actor=testing.lab, seal_code="SEAL-RF")
    results_ingest(actor=testing.lab, rows=[ResultRow(0, "RC-F", "positive")])
    recall = Recall.objects.select_related("person").first()
    worker = district.client(district.worker_a)
    r = worker.post("/testing/recalls/?state=ordered", {"recall": recall.pk, "tube_code": "RT-F1"}, follow=True)
    said = [(m.extra_tags, str(m)) for m in r.context["messages"]]
    assert len(said) == 1 and said[0][0] == "retest_sampled"
    text = said[0][1]
    assert pii.mask_name(recall.person.name) in text and "RT-F1" in text
    assert recall.person.name not in text  # masked
    assert r.redirect_chain[-1][0] == "/testing/recalls/?state=ordered"  # back where the worker was


def test_starting_a_round_says_so(district, testing):
    hq = district.client(district.hq)
    r = hq.post("/testing/", {"name": "第二轮", "pool_size": "20"}, follow=True)
    said = [(m.extra_tags, str(m)) for m in r.context["messages"]]
    assert len(said) == 1 and said[0][0] == "round_started" and "第二轮" in said[0][1] and "20" in said[0][1]


def test_receiving_a_bag_says_how_many_tubes_await_results(district, testing):
    collect(
        testing.sampler, testing.round, [scan(p, "RCV-1", testing.site, i) for i, p in enumerate(testing.people_a[:10])]
    )
    bag_seal(actor=testing.sampler, seal_code="SEAL-RCV", tube_codes=["RCV-1"])
    r = district.client(testing.lab).post("/testing/lab/", {"action": "receive", "seal_code": "SEAL-RCV"})
    said = r.context["said"]
    assert said.code == "bag_received" and "SEAL-RCV" in said.text and "1 tube in it" in said.text


def test_the_report_stage_is_not_travel_reporting():
    """The 报 of 采送检报 is the lab's result report: its label has a context of its own, apart from "Report"
    (报备, a resident's travel report) — in Chinese the two must differ."""
    from django.utils.translation import gettext

    from fangkong.testing.monitoring import Stage

    with translation.override("zh-hans"):
        assert str(Stage.REPORT.label) != gettext("Report")
    assert [s.value for s in Stage] == ["collect", "deliver", "test", "report"]


def test_the_round_page_shows_stage_and_reason_labels_not_codes(district, testing):
    from datetime import timedelta

    collect(
        testing.sampler,
        testing.round,
        [scan(testing.people_a[0], "SLOW-9", testing.site, collected_at=clock.now())],
    )
    Tube.objects.filter(code="SLOW-9").update(opened_at=clock.now() - timedelta(hours=30))
    page = district.client(district.hq).get(f"/testing/rounds/{testing.round.pk}/").content.decode()
    late = re.search(r'<h3 id="late">.*?</ul>', page, re.S)
    assert late and "SLOW-9" in late.group(0)
    assert "Collect" in late.group(0) and "collect" not in late.group(0).replace("Collect", "")
    assert "🧪" not in page
    worker = district.client(district.worker_a)
    missing = worker.get(f"/testing/rounds/{testing.round.pk}/?missing={district.a.pk}").content.decode()
    assert "not yet" in missing and "not_yet" not in missing


PHONE = "13912345678"  # district.person_a's


@pytest.fixture
def resident(district):
    from fangkong.conftest import sign_in_resident

    return sign_in_resident(PHONE)


def _my_results(resident) -> list[str]:
    return re.findall(r'data-result="([a-z_]+)"', resident.get("/me/").content.decode())


def test_a_resident_in_a_positive_pool_reads_abnormal_not_positive(district, testing, resident):
    """混检异常，待复核: a pooled tube's positive says nothing yet of each person in it; their own retest may."""
    people = [district.person_a, *testing.people_a[:9]]
    collect(testing.sampler, testing.round, [scan(p, "MINE-1", testing.site, i) for i, p in enumerate(people)])
    assert _my_results(resident) == ["pending"]
    bag_seal(actor=testing.sampler, seal_code="SEAL-M", tube_codes=["MINE-1"])
    bag_receive(actor=testing.lab, seal_code="SEAL-M")
    results_ingest(actor=testing.lab, rows=[ResultRow(0, "MINE-1", "positive")])
    assert _my_results(resident) == ["pool_abnormal"]
    # The status card above the results says the same, in Chinese as the resident reads it: not 阳性.
    status = resident.get("/me/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "临时管控：混检异常，待单管复核" in status and "混管阳性" not in status
    mine = Recall.objects.get(person=district.person_a)
    from fangkong.testing.results import recall_sample

    recall_sample(actor=district.worker_a, recall_id=mine.pk, tube_code="MINE-RT")
    bag_seal(actor=testing.sampler, seal_code="SEAL-MR", tube_codes=["MINE-RT"])
    bag_receive(actor=testing.lab, seal_code="SEAL-MR")
    assert _my_results(resident) == ["pending", "pool_abnormal"]
    results_ingest(actor=testing.lab, rows=[ResultRow(0, "MINE-RT", "positive")])
    assert _my_results(resident) == ["positive", "pool_retested"]  # their own single tube


def test_a_round_is_started_even_when_its_partitions_cannot_be_made_then(
    district, testing, monkeypatch, django_capture_on_commit_callbacks
):
    """After the round's commit the samples' coming partitions are asked for; a database error there (a lock not
    granted, a connection lost) is left to the hourly job, not turned into an error page for a round that exists."""
    from django.db import DatabaseError

    from fangkong.core import partitions
    from fangkong.testing.models import Round

    def refuse(**kwargs):
        raise DatabaseError("lock timeout")

    monkeypatch.setattr(partitions, "ensure", refuse)
    hq = district.client(district.hq)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = hq.post("/testing/", {"name": "第三轮", "pool_size": "10"}, follow=True)
    assert callbacks and r.status_code == 200
    assert Round.objects.filter(name="第三轮").exists()
