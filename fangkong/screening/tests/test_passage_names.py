"""Checkpoint staff confirm the person in front of them with a masked name (data-protection.md); the register's
name does not come back to them in a passage's reply, its listing or its export (issue 14)."""

from __future__ import annotations

import json

from fangkong.core import pii


def _register(client, headers, checkpoint, person, key):
    body = {"direction": "in", "document_number": pii.decrypt(person.doc_cipher), "name": "随便写的"}
    return client.post(
        f"/api/v1/checkpoints/{checkpoint.pk}/passages",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


def test_checkpoint_staff_read_a_masked_name_jurisdiction_staff_the_full_one(client, district, screening, api_token):
    staff = api_token(screening.staff1)
    r = _register(client, staff, screening.cp1, district.person_a, "n1")
    assert r.status_code == 201, r.content
    assert r.json()["person"]["name"] == "李*" and "李四" not in r.content.decode()
    listed = client.get("/api/v1/passages", **staff).json()["items"]
    assert [p["person"]["name"] for p in listed] == ["李*"]
    page = district.client(screening.staff1).get("/screening/passages/")
    assert page.status_code == 200 and "李*" in page.content.decode() and "李四" not in page.content.decode()
    # The destination community (person A's own) follows the arrival up: it reads the name.
    worker = client.get("/api/v1/passages", **api_token(district.worker_a)).json()["items"]
    assert [p["person"]["name"] for p in worker] == ["李四"]
