from __future__ import annotations

import json

from fangkong.core import clock
from fangkong.registry.codes import person_code
from fangkong.testing.models import Sample, Tube


def _post(client, token, round_id: int, scans, batch_id: str = "b1"):
    return client.post(
        f"/api/v1/testing/rounds/{round_id}/collections:bulk",
        json.dumps({"batch_id": batch_id, "scans": scans}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **token,
    )


def test_malformed_scans_are_named_by_index_and_the_rest_written(district, testing, client, api_token):
    people = testing.people_a
    codes = [person_code(actor=district.worker_a, person_id=p.pk) for p in people[:4]]
    now = clock.now().isoformat()
    scan = {"tube_code": "API-M1", "site_id": testing.site.pk, "collected_at": now}
    reply = _post(
        client,
        api_token(testing.sampler),
        testing.round.pk,
        [
            {**scan, "person_code": codes[0]},  # fine
            "P12345678901",  # not an object
            {**scan, "person_code": codes[1], "site_id": str(testing.site.pk)},  # the site as text
            {**scan, "person_code": codes[1], "site_id": True},  # …or as a boolean
            {**scan, "person_code": codes[2], "collected_at": "yesterday"},
            {**scan, "person_code": codes[2], "collected_at": "2030-01-01T08:00:00"},  # no offset
            {**scan, "person_code": codes[0]},  # the same person again in this batch
            {**scan, "person_code": "PNOSUCHCODE1"},
            {**scan, "person_code": "PNOSUCHCODE1"},  # an unknown code twice
            {**scan, "person_code": codes[3], "tube_code": "  api-m1 "},  # typed: cleaned to the same tube
        ],
    )
    assert reply.status_code == 200
    body = reply.json()
    messages = {r["index"]: r["message"] for r in body["rejected"]}
    assert body["accepted"] == 2 and sorted(messages) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert "code or document number" in messages[1]
    assert "site" in messages[2] and "site" in messages[3]
    assert "offset" in messages[4] and "offset" in messages[5]
    assert "already sampled" in messages[6]
    assert "Unknown personal code" in messages[7] and "Unknown personal code" in messages[8]
    tube = Tube.objects.get(code="API-M1")
    assert tube.count == 2
    assert set(Sample.objects.filter(tube=tube).values_list("person_id", flat=True)) == {people[0].pk, people[3].pk}


def test_a_body_that_is_not_json_is_refused(testing, client, api_token):
    r = client.post(
        f"/api/v1/testing/rounds/{testing.round.pk}/collections:bulk",
        b'{"batch_id": "x", "scans": [',
        content_type="application/json",
        **api_token(testing.sampler),
    )
    assert r.status_code == 400
    assert not Tube.objects.exists()


def test_an_outsider_is_refused(district, testing, client, api_token):
    code = person_code(actor=district.worker_a, person_id=testing.people_a[0].pk)
    scan = {
        "person_code": code,
        "tube_code": "API-X",
        "site_id": testing.site.pk,
        "collected_at": clock.now().isoformat(),
    }
    r = _post(client, api_token(district.worker_b), testing.round.pk, [scan])
    assert r.status_code == 403  # a community worker never samples: the capability is missing, not the scope
    assert not Sample.objects.exists()
