"""A recall's single-tube retest: a negative one releases the person, a positive one confirms a case, and an invalid
one says nothing of the person — the recall is ordered again, the invalid tube named as the reason, and a new
retest can be taken (from the recalls page as from the API)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Recall, Round, Sample
from fangkong.testing.results import ResultRow, recall_sample, results_ingest
from fangkong.testing.retention import samples_purge
from fangkong.testing.selectors import open_recalls_of
from fangkong.testing.tests.conftest import collect, scan


@pytest.fixture
def recalled(district, testing) -> list[Recall]:
    """A positive 10-in-1 pool: its ten people recalled, three of them retested (RT-INV, RT-NEG, RT-POS) and the
    retest tubes received at the lab."""
    collect(
        testing.sampler,
        testing.round,
        [scan(p, "POOL-R", testing.site, i) for i, p in enumerate(testing.people_a[:10])],
    )
    bag_seal(actor=testing.sampler, seal_code="SEAL-P", tube_codes=["POOL-R"])
    bag_receive(actor=testing.lab, seal_code="SEAL-P")
    results_ingest(actor=testing.lab, rows=[ResultRow(0, "POOL-R", "positive")])
    recalls = list(Recall.objects.order_by("pk").select_related("person")[:3])
    for recall, code in zip(recalls, ("RT-INV", "RT-NEG", "RT-POS"), strict=True):
        recall_sample(actor=district.worker_a, recall_id=recall.pk, tube_code=code)
    bag_seal(actor=testing.sampler, seal_code="SEAL-RT", tube_codes=["RT-INV", "RT-NEG", "RT-POS"])
    bag_receive(actor=testing.lab, seal_code="SEAL-RT")
    return recalls


def _ingest(testing, *rows: tuple[str, str]) -> dict:
    return results_ingest(actor=testing.lab, rows=[ResultRow(i, code, result) for i, (code, result) in enumerate(rows)])


def test_an_invalid_retest_orders_the_recall_again_and_the_others_close_it(district, testing, recalled):
    invalid, negative, positive = recalled
    reply = _ingest(testing, ("RT-INV", "invalid"), ("RT-NEG", "negative"), ("RT-POS", "positive"))
    assert (reply["invalid"], reply["resample"], reply["released"], reply["confirmed"]) == (1, 1, 1, ["RT-POS"])
    for r in recalled:
        r.refresh_from_db()
    assert (invalid.state, negative.state, positive.state) == ("ordered", "negative", "positive")
    # Still under temporary control, the invalid tube kept as the reason, not resolved.
    assert invalid.retest_tube.code == "RT-INV" and invalid.resolved_at is None
    assert invalid.person_id in {pid for pid, _tube, _at in open_recalls_of([invalid.person_id])}
    # A new retest is taken as the first was, and its result closes the recall.
    again = recall_sample(actor=district.worker_a, recall_id=invalid.pk, tube_code="RT-INV-2")
    assert (again.state, again.retest_tube.code) == ("sampled", "RT-INV-2")
    assert Sample.objects.filter(person=invalid.person, retest=True).count() == 2
    audit = AuditEvent.objects.filter(action="testing.recall_sample", object_id=str(invalid.pk)).order_by("pk")
    assert [e.fields for e in audit] == [{"tube": "RT-INV"}, {"tube": "RT-INV-2", "replaces": "RT-INV"}]
    bag_seal(actor=testing.sampler, seal_code="SEAL-RT2", tube_codes=["RT-INV-2"])
    bag_receive(actor=testing.lab, seal_code="SEAL-RT2")
    assert _ingest(testing, ("RT-INV-2", "negative"))["released"] == 1
    again.refresh_from_db()
    assert again.state == "negative" and again.resolved_at is not None


def test_the_recalls_page_shows_why_a_recall_is_back_and_takes_a_new_retest(district, testing, recalled):
    invalid = recalled[0]
    form = {"action": "results", "batch_id": "page-inv", "tube_code": ["RT-INV"], "result": ["invalid"], "ct": [""]}
    lab = district.client(testing.lab).post("/testing/lab/", form)
    assert lab.context["result"]["resample"] == 1 and 'data-code="resample"' in lab.content.decode()
    worker = district.client(district.worker_a)
    page = worker.get("/testing/recalls/").content.decode()
    assert page.count('class="card recall"') == 8  # seven never sampled and the one whose retest was invalid
    assert page.count('data-code="retest_invalid"') == 1 and 'data-tube="RT-INV"' in page
    r = worker.post("/testing/recalls/", {"recall": invalid.pk, "tube_code": "RT-PAGE-2"})
    assert r.status_code == 302
    invalid.refresh_from_db()
    assert (invalid.state, invalid.retest_tube.code) == ("sampled", "RT-PAGE-2")
    assert 'data-code="retest_invalid"' not in worker.get("/testing/recalls/").content.decode()


def test_the_api_lists_the_invalid_retest_of_a_recall_ordered_again(district, testing, recalled, client, api_token):
    _ingest(testing, ("RT-INV", "invalid"), ("RT-NEG", "negative"))
    items = client.get(
        f"/api/v1/testing/rounds/{testing.round.pk}/recalls?state=ordered", **api_token(district.worker_a)
    ).json()["items"]
    back = [(i["retest_tube_code"], i["retest_result"]) for i in items if i["retest_tube_code"]]
    assert len(items) == 8 and back == [("RT-INV", "invalid")]


def test_an_invalid_retests_sample_is_anonymised_with_the_round(district, testing, recalled):
    invalid = recalled[0]
    _ingest(testing, ("RT-INV", "invalid"), ("RT-NEG", "negative"), ("RT-POS", "positive"))
    recall_sample(actor=district.worker_a, recall_id=invalid.pk, tube_code="RT-INV-2")
    Recall.objects.exclude(state=Recall.State.POSITIVE).update(state=Recall.State.NEGATIVE)  # all resolved
    Round.objects.update(deadline=clock.now() - timedelta(days=91))
    samples_purge(before=clock.now() - timedelta(days=90))
    # The invalid tube is no longer the recall's retest tube: its sample still loses its person.
    assert not Sample.objects.filter(tube__code__in=["RT-INV", "RT-INV-2"], person__isnull=False).exists()


def test_a_retest_kept_offline_counts_once_at_the_time_it_was_taken(district, testing, recalled):
    """The recalls page's outbox (issue 22): a retest kept on the phone is sent with its key and its time, by a
    phone whose clock runs ten minutes slow; sent again it gets the first reply; refused, it says why in JSON."""
    waiting = Recall.objects.filter(state="ordered").exclude(pk__in=[r.pk for r in recalled]).order_by("pk")
    recall, other = waiting[0], waiting[1]
    Recall.objects.filter(pk__in=[recall.pk, other.pk]).update(ordered_at=clock.now() - timedelta(hours=1))
    worker = district.client(district.worker_a)
    phone_now = clock.now() - timedelta(minutes=10)
    taken = phone_now - timedelta(minutes=15)  # fifteen minutes before sending: 15 minutes ago, whatever its clock

    def send(key: str, recall_id: int, tube: str):
        return worker.post(
            "/testing/recalls/",
            {"recall": recall_id, "tube_code": tube, "key": key, "at": taken.isoformat()},
            HTTP_X_FANGKONG_OUTBOX="1",
            HTTP_X_FANGKONG_SENT_AT=phone_now.isoformat(),
        ).json()

    first = send("rt-off-1", recall.pk, "RT-OFF-1")
    assert first["ok"] and first["code"] == "retest_sampled" and "RT-OFF-1" in first["message"]
    assert send("rt-off-1", recall.pk, "RT-OFF-1") == first  # sent again: the first reply, one retest
    sample = Sample.objects.get(tube__code="RT-OFF-1")
    assert abs(sample.collected_at - (clock.now() - timedelta(minutes=15))) < timedelta(seconds=5)
    refused = send("rt-off-2", other.pk, "RT-OFF-1")  # the tube used already
    assert refused["ok"] is False and refused["code"] == "duplicate" and refused["message"]
    early = worker.post(  # a time before the recall was ordered: refused naming the time
        "/testing/recalls/",
        {"recall": other.pk, "tube_code": "RT-OFF-3", "key": "rt-off-3", "at": clock.now() - timedelta(hours=3)},
        HTTP_X_FANGKONG_OUTBOX="1",
    ).json()
    assert early["ok"] is False and early["code"] == "out_of_range"
    stale = worker.post(  # kept longer than the server remembers keys: refused, it may have arrived before
        "/testing/recalls/",
        {"recall": other.pk, "tube_code": "RT-OFF-4", "key": "rt-off-4", "at": "2020-01-01T08:00:00+08:00"},
        HTTP_X_FANGKONG_OUTBOX="1",
    ).json()
    assert stale["ok"] is False and stale["code"] == "too_old"
    assert Sample.objects.filter(tube__code__startswith="RT-OFF").count() == 1


def test_the_recalls_page_is_an_outbox_page(district, testing, recalled):
    page = district.client(district.worker_a).get("/testing/recalls/").content.decode()
    assert 'id="outbox"' in page and "data-outbox" in page and 'name="key"' in page
