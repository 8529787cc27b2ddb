"""Query budgets of the two bulk paths of a testing round: a sampling team's collections ingest (POST
/api/v1/testing/rounds/{id}/collections:bulk) and a lab's results upload (POST /api/v1/testing/results:upload).
A budget is what it took when set, plus a little; the comment says what it was. Each is for a call after the
device's first (its token read once and memoised, as all day at a site or a lab)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from fangkong.conftest import make_person
from fangkong.core import clock
from fangkong.registry.codes import person_code
from fangkong.testing.collection import tube_close
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Recall, Sample

from .conftest import collect, scan


@pytest.fixture
def ingest(district, testing, client, api_token):
    headers = {**api_token(testing.sampler), "HTTP_ACCEPT_LANGUAGE": "en"}
    batches = iter(range(1, 1000))

    def scans(people, tube_prefix: str) -> list[dict]:
        now = clock.now().isoformat()
        return [
            {
                "person_code": person_code(actor=district.hq, person_id=p.pk),
                "tube_code": f"{tube_prefix}{i // 10:03d}",  # ten to a tube, as the round pools them
                "site_id": testing.site.pk,
                "collected_at": now,
            }
            for i, p in enumerate(people)
        ]

    def post(scans: list[dict]) -> dict:
        r = client.post(
            f"/api/v1/testing/rounds/{testing.round.pk}/collections:bulk",
            json.dumps({"batch_id": f"budget-{next(batches)}", "scans": scans}),
            content_type="application/json",
            **headers,
        )
        assert r.status_code == 200, r.content
        return r.json()

    post(scans(testing.people_a[:10], "WARM"))  # the device's first call
    post.scans = scans  # type: ignore[attr-defined]
    return post


def test_a_batch_of_a_hundred_scans(district, testing, ingest, django_assert_max_num_queries):
    scans = ingest.scans([make_person(district.a, district.a2, name=f"受检{i}") for i in range(100)], "BUDGET")
    # PostgreSQL writes the batch's new tubes with one COPY: 12 queries, whatever the batch. SQLite inserts each
    # new tube on its own (core.bulk.insert_rows: it has no COPY): 14 + one per tube, 24 for these ten tubes.
    budget = 14 if connection.vendor == "postgresql" else 26
    with django_assert_max_num_queries(budget):
        reply = ingest(scans)
    assert reply == {"accepted": 100, "rejected": []}
    assert Sample.objects.filter(tube__code__startswith="BUDGET").count() == 100


@pytest.fixture
def upload(district, testing, client, api_token):
    """Thirty received tubes of two people each; upload(rows) sends a result sheet as the lab's device."""
    people = [make_person(district.a, district.a2, name=f"受检{i}") for i in range(60)]
    codes = []
    for t in range(30):
        code = f"RES{t:03d}"
        collect(testing.sampler, testing.round, [scan(people[2 * t + k], code, testing.site, k) for k in range(2)])
        tube_close(actor=testing.sampler, code=code)
        codes.append(code)
    bag_seal(actor=testing.sampler, seal_code="BUDGET-1", tube_codes=codes)
    bag_receive(actor=testing.lab, seal_code="BUDGET-1")
    headers = {**api_token(testing.lab), "HTTP_ACCEPT_LANGUAGE": "en"}
    keys = iter(range(1, 1000))

    def send(rows: list[tuple[str, str]]) -> dict:
        sheet = "管号,结果\r\n" + "".join(f"{code},{result}\r\n" for code, result in rows)
        file = SimpleUploadedFile("results.csv", sheet.encode(), content_type="text/csv")
        r = client.post(
            "/api/v1/testing/results:upload", {"file": file}, HTTP_IDEMPOTENCY_KEY=f"budget-{next(keys)}", **headers
        )
        assert r.status_code == 200, r.content
        return r.json()

    send([(codes[0], "阴性")])  # the device's first call
    send.codes = codes[1:]  # type: ignore[attr-defined]
    return send


def test_a_sheet_of_twenty_negative_tubes(upload, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):  # 9, whatever the number of tubes
        reply = upload([(code, "阴性") for code in upload.codes[:20]])
    assert (reply["accepted"], reply["negative"], reply["rejected"]) == (20, 20, [])


def test_a_sheet_with_five_positive_pools(upload, django_assert_max_num_queries):
    rows = [(code, "阴性") for code in upload.codes[:15]] + [(code, "阳性") for code in upload.codes[15:20]]
    # 18 (17 on PostgreSQL): 12 for the first positive pool, then one more per positive pool, the statuses of its
    # members expired in the transaction (testing.pool_positive: one event per pool, containment's handler), and
    # two for the hall's alerts (the sites' names, one insert for all the pools), and the community's workers told
    # (the posts, who works there, their inbox lines).
    with django_assert_max_num_queries(22):
        reply = upload(rows)
    assert (reply["accepted"], reply["negative"], reply["positive"], reply["rejected"]) == (20, 15, 5, [])
    assert sorted(p["tube"] for p in reply["pools"]) == sorted(upload.codes[15:20])
    assert Recall.objects.filter(source_tube__code__in=upload.codes[15:20]).count() == 10
