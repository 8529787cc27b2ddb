from __future__ import annotations

import json
from datetime import timedelta

import pytest

from fangkong.core import clock, events
from fangkong.core.errors import FieldError
from fangkong.core.scoping import Forbidden
from fangkong.testing.custody import bag_handover, bag_receive, bag_seal
from fangkong.testing.models import Recall, Tube
from fangkong.testing.results import ResultRow, recall_sample, results_ingest
from fangkong.testing.tests.conftest import collect, scan


@pytest.fixture
def received(district, testing):
    """A full 10-in-1 tube in a received bag, and a second 2-person tube closed by hand, also received."""
    collect(
        testing.sampler,
        testing.round,
        [scan(p, "POOL-A", testing.site, i) for i, p in enumerate(testing.people_a[:10])],
    )
    collect(
        testing.sampler,
        testing.round,
        [scan(p, "POOL-B", testing.site, i) for i, p in enumerate(testing.people_a[10:12])],
    )
    Tube.objects.filter(code="POOL-B").update(closed_at=Tube.objects.get(code="POOL-A").closed_at)
    bag_seal(actor=testing.sampler, seal_code="SEAL-1", tube_codes=["POOL-A", "pool-b"])
    bag_handover(actor=testing.sampler, seal_code="seal-1")
    bag_receive(actor=testing.lab, seal_code="SEAL-1", tube_codes=["POOL-A", "POOL-B"])


@pytest.fixture
def announced():
    seen: list[tuple[str, dict]] = []

    def pool(payload):
        seen.append(("pool_positive", payload))

    def case(payload):
        seen.append(("case_confirmed", payload))

    events.subscribe("testing.pool_positive", pool)
    events.subscribe("testing.case_confirmed", case)
    yield seen
    events.unsubscribe("testing.pool_positive", pool)
    events.unsubscribe("testing.case_confirmed", case)


def test_positive_pool_recalls_every_member_and_is_announced(
    district, testing, received, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = results_ingest(
            actor=testing.lab, rows=[ResultRow(0, "POOL-A", "positive", "31.5"), ResultRow(1, "POOL-B", "negative")]
        )
    assert (reply["accepted"], reply["rejected"], reply["negative"], reply["positive"]) == (2, [], 1, 1)
    # What it came to: the pool, its ten people recalled, and the community whose recall workers were told.
    assert reply["pools"] == [{"tube": "POOL-A", "people": 10, "told": [district.a.name]}]
    assert (reply["confirmed"], reply["released"]) == ([], 0)
    recalls = Recall.objects.filter(source_tube__code="POOL-A")
    assert recalls.count() == 10 and {r.state for r in recalls} == {"ordered"}
    assert {r.person_id for r in recalls} == {p.pk for p in testing.people_a[:10]}
    assert announced[0][0] == "pool_positive" and len(announced[0][1]["person_ids"]) == 10
    assert Tube.objects.get(code="POOL-A").ct == 31.5
    # Retests: one negative releases, one positive confirms a case.
    first, second = list(recalls.order_by("id")[:2])
    recall_sample(actor=testing.sampler, recall_id=first.pk, tube_code="RETEST-1")
    recall_sample(actor=district.worker_a, recall_id=second.pk, tube_code="RETEST-2")
    bag_seal(actor=testing.sampler, seal_code="SEAL-2", tube_codes=["RETEST-1", "RETEST-2"])
    bag_receive(actor=testing.lab, seal_code="SEAL-2")
    with django_capture_on_commit_callbacks(execute=True):
        retests = results_ingest(
            actor=testing.lab, rows=[ResultRow(0, "RETEST-1", "negative"), ResultRow(1, "RETEST-2", "positive")]
        )
    assert (retests["released"], retests["confirmed"], retests["pools"]) == (1, ["RETEST-2"], [])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("negative", "positive")
    assert announced[-1] == (
        "case_confirmed",
        {"person_id": second.person_id, "tube": "RETEST-2", "round_id": testing.round.pk},
    )


def test_results_rejected_by_row(district, testing, received):
    reply = results_ingest(
        actor=testing.lab,
        rows=[
            ResultRow(0, "POOL-A", "negative"),
            ResultRow(1, "NOPE-0001", "negative"),
            ResultRow(2, "POOL-A", "positive"),  # a second result for the same tube
            ResultRow(3, "POOL-B", "maybe"),
            ResultRow(4, "POOL-B", "negative", "high"),
        ],
    )
    assert reply["accepted"] == 1
    assert [(r["index"], r["message"][:20]) for r in reply["rejected"]] == [
        (1, "Unknown tube."),
        (2, "This tube has a resu"),
        (3, "The result is negati"),
        (4, "The Ct value is a nu"),
    ]
    # Each rejection names the field to correct, with a code.
    assert [(r["index"], r["field"], r["code"]) for r in reply["rejected"]] == [
        (1, "tube_code", "not_found"),
        (2, "tube_code", "duplicate"),
        (3, "result", "unknown_choice"),
        (4, "ct", "invalid"),
    ]
    assert not Recall.objects.exists()


def test_a_batch_without_results_is_refused(district, testing):
    with pytest.raises(FieldError) as exc:
        results_ingest(actor=testing.lab, rows=[])
    assert (exc.value.field, exc.value.code) == ("results", "required")


def test_result_before_receipt_is_refused(district, testing):
    collect(
        testing.sampler,
        testing.round,
        [scan(p, "EARLY-1", testing.site, i) for i, p in enumerate(testing.people_a[:10])],
    )
    reply = results_ingest(actor=testing.lab, rows=[ResultRow(0, "EARLY-1", "negative")])
    assert "not been received" in reply["rejected"][0]["message"]


def test_bag_rules(district, testing):
    collect(
        testing.sampler,
        testing.round,
        [scan(p, "FULL-1", testing.site, i) for i, p in enumerate(testing.people_a[:10])],
    )
    collect(testing.sampler, testing.round, [scan(testing.people_a[10], "OPEN-1", testing.site)])
    cases = [
        (["OPEN-1"], "still open", "wrong_state"),
        (["GHOST-1"], "Unknown tube", "not_found"),
        (["FULL-1", "FULL-1"], "twice", "duplicate"),
        ([], "at least", "required"),
    ]
    for codes, message, code in cases:
        with pytest.raises(FieldError, match=message) as exc:
            bag_seal(actor=testing.sampler, seal_code="BAG-X", tube_codes=codes)
        assert (exc.value.field, exc.value.code) == ("tube_codes", code)
    bag_seal(actor=testing.sampler, seal_code="BAG-1", tube_codes=["FULL-1"])
    with pytest.raises(FieldError, match="already used") as exc:
        bag_seal(actor=testing.sampler, seal_code="BAG-1", tube_codes=["FULL-1"])
    assert (exc.value.field, exc.value.code) == ("seal_code", "duplicate")
    with pytest.raises(Forbidden):
        bag_receive(actor=testing.sampler, seal_code="BAG-1")
    with pytest.raises(FieldError, match="do not match") as exc:
        bag_receive(actor=testing.lab, seal_code="BAG-1", tube_codes=["FULL-1", "OPEN-1"])
    assert (exc.value.field, exc.value.code) == ("tube_codes", "mismatch")
    bag = bag_receive(actor=testing.lab, seal_code="BAG-1", tube_codes=["FULL-1"])
    assert bag.received_at and bag.handed_over_at  # handed straight to the lab
    with pytest.raises(FieldError, match="received already") as exc:
        bag_receive(actor=testing.lab, seal_code="BAG-1")
    assert (exc.value.field, exc.value.code) == ("seal_code", "wrong_state")


def test_only_labs_report_results(district, testing):
    with pytest.raises(Forbidden):
        results_ingest(actor=testing.sampler, rows=[])


def test_a_rounds_deadline_given_as_a_day_lasts_to_its_end(district, client, api_token):
    from django.utils import timezone

    from fangkong.testing.models import Round

    r = client.post(
        "/api/v1/testing/rounds",
        {"name": "第四轮", "deadline": "2030-01-05"},
        content_type="application/json",
        **api_token(district.hq),
    )
    assert r.status_code == 201, r.content
    deadline = timezone.localtime(Round.objects.get(pk=r.json()["id"]).deadline)
    assert (deadline.date().isoformat(), deadline.hour, deadline.minute) == ("2030-01-05", 23, 59)


def test_api_contract(district, testing, client, api_token, received, django_capture_on_commit_callbacks):
    hq = api_token(district.hq)
    r = client.post(
        "/api/v1/testing/rounds", {"name": "第三轮", "pool_size": 10}, content_type="application/json", **hq
    )
    assert r.status_code == 201 and "id" in r.json()
    assert (
        client.post(
            "/api/v1/testing/rounds", {"name": "x", "pool_size": 7}, content_type="application/json", **hq
        ).json()["errors"][0]["field"]
        == "pool_size"
    )
    assert client.get("/api/v1/testing/sites", **api_token(testing.sampler)).json()["count"] == 1
    code = client.get(f"/api/v1/people/{testing.people_a[0].pk}/code", **api_token(district.worker_a)).json()["code"]
    assert (
        client.get(f"/api/v1/people/{testing.people_a[0].pk}/code", **api_token(district.worker_b)).status_code == 404
    )
    round3 = r.json()["id"]
    body = {
        "batch_id": "phone-7-0001",
        "scans": [
            {
                "person_code": code,
                "tube_code": "API-1",
                "site_id": testing.site.pk,
                "collected_at": "2030-01-01T00:00:00+08:00",
            },
            {
                "document_number": "110105194912310021",
                "tube_code": "API-1",
                "site_id": testing.site.pk,
                "collected_at": "2030-01-01T00:00:00+08:00",
            },
        ],
    }
    first = client.post(
        f"/api/v1/testing/rounds/{round3}/collections:bulk",
        json.dumps(body),
        content_type="application/json",
        **api_token(testing.sampler),
    )
    assert first.status_code == 200 and first.json()["accepted"] == 0  # collected "in the future"
    body["batch_id"] = "phone-7-0002"
    for s in body["scans"]:
        s["collected_at"] = "2020-01-01T00:00:00+08:00"
    from datetime import timedelta

    from fangkong.core import clock
    from fangkong.testing.models import Round

    Round.objects.filter(pk=round3).update(starts_at=clock.now() - timedelta(days=3650 * 2))
    second = client.post(
        f"/api/v1/testing/rounds/{round3}/collections:bulk",
        json.dumps(body),
        content_type="application/json",
        **api_token(testing.sampler),
    )
    assert second.json()["accepted"] == 1 and second.json()["rejected"][0]["index"] == 1
    replay = client.post(
        f"/api/v1/testing/rounds/{round3}/collections:bulk",
        json.dumps(body),
        content_type="application/json",
        **api_token(testing.sampler),
    )
    assert replay.status_code == 200 and replay.json() == second.json()
    assert Tube.objects.get(code="API-1").count == 1  # the replay wrote nothing
    with django_capture_on_commit_callbacks(execute=True):
        res = client.post(
            "/api/v1/testing/results:bulk",
            json.dumps({"batch_id": "lab-1", "results": [{"tube_code": "POOL-A", "result": "positive"}]}),
            content_type="application/json",
            **api_token(testing.lab),
        )
    assert res.json() == {
        "accepted": 1,
        "rejected": [],
        "negative": 0,
        "positive": 1,
        "invalid": 0,
        "pools": [{"tube": "POOL-A", "people": 10, "told": [district.a.name]}],
        "confirmed": [],
        "released": 0,
        "resample": 0,
    }
    recalls = client.get(f"/api/v1/testing/rounds/{testing.round.pk}/recalls", **api_token(district.worker_a)).json()
    assert recalls["count"] == 10
    item = recalls["items"][0]
    assert item["tube_code"] == "POOL-A" and item["state"] == "ordered" and "*" in item["person"]["document_number"]
    assert (
        client.get(f"/api/v1/testing/rounds/{testing.round.pk}/recalls", **api_token(district.worker_b)).json()["count"]
        == 0
    )
    bad_bag = client.post(
        "/api/v1/testing/bags",
        {"seal_code": "S-API", "tube_codes": ["API-1"]},
        content_type="application/json",
        **api_token(testing.sampler),
    )
    assert bad_bag.status_code == 400 and bad_bag.json()["errors"][0]["field"] == "tube_codes"


def test_bulk_results_name_each_malformed_item(district, testing, received, client, api_token):
    reply = client.post(
        "/api/v1/testing/results:bulk",
        json.dumps(
            {
                "batch_id": "lab-malformed",
                "results": [
                    "POOL-A negative",  # not an object
                    {"tube_code": "POOL-A", "result": "negative", "ct": "abc"},
                    {"tube_code": "POOL-A", "result": "negative", "ct": 1000},  # no PCR runs a thousand cycles
                    {"tube_code": "POOL-A", "result": 1},
                    {"result": "negative"},  # no tube
                    {"tube_code": "POOL-B", "result": "negative", "ct": 33.26},
                ],
            }
        ),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **api_token(testing.lab),
    )
    assert reply.status_code == 200
    body = reply.json()
    messages = {r["index"]: r["message"] for r in body["rejected"]}
    assert body["accepted"] == 1 and sorted(messages) == [0, 1, 2, 3, 4]
    assert [(r["field"], r["code"]) for r in body["rejected"]] == [
        ("tube_code", "required"),
        ("ct", "invalid"),
        ("ct", "invalid"),
        ("result", "unknown_choice"),
        ("tube_code", "required"),
    ]
    assert "tube code" in messages[0] and "tube code" in messages[4]
    assert "Ct value" in messages[1] and "Ct value" in messages[2]
    assert "negative, positive or invalid" in messages[3]
    pool_a, pool_b = Tube.objects.get(code="POOL-A"), Tube.objects.get(code="POOL-B")
    assert pool_a.result == "" and (pool_b.result, str(pool_b.ct)) == ("negative", "33.3")


def test_the_results_card_names_the_rounds_of_the_last_two_months(district, testing):
    """Read on every view of the resident's page: by person alone it would lock every partition. A round whose
    deadline is over 60 days past is not read (nor shown)."""
    from fangkong.testing.models import Round
    from fangkong.testing.selectors import RESULTS_DAYS, results_of

    person = testing.people_a[0]
    collect(testing.sampler, testing.round, [scan(person, "CARD-1", testing.site)])
    assert [r["round"] for r in results_of(person.pk)] == [testing.round.name]
    Round.objects.filter(pk=testing.round.pk).update(deadline=clock.now() - RESULTS_DAYS - timedelta(hours=1))
    assert results_of(person.pk) == []
