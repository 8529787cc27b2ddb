"""A reused Idempotency-Key: a retry of the same request replays, a different request is 409 (never a silent replay)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from fangkong.conftest import make_id_number
from fangkong.registry.models import Person
from fangkong.registry.tests.test_import import xlsx

JSON = "application/json"


def _roster(name: str) -> bytes:
    return xlsx([[name, "居民身份证", make_id_number(), "13800000009", "园丁社区", "", ""]])


def test_a_second_roster_with_the_same_key_is_refused_not_dropped(district, client, api_token):
    h = api_token(district.worker_a)
    first = client.post(
        "/api/v1/people/import", {"file": SimpleUploadedFile("a.xlsx", _roster("甲一"))}, HTTP_IDEMPOTENCY_KEY="k", **h
    )
    assert first.status_code == 200 and first.json()["created"] == 1
    second = client.post(
        "/api/v1/people/import", {"file": SimpleUploadedFile("b.xlsx", _roster("乙二"))}, HTTP_IDEMPOTENCY_KEY="k", **h
    )
    assert second.status_code == 409
    assert second.json()["code"] == "idempotency_key_reused"
    assert second.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Person.objects.filter(name="乙二").exists()


def test_a_multipart_retry_with_a_fresh_boundary_replays(district, client, api_token):
    h = api_token(district.worker_a)
    content = _roster("丙三")
    replies = []
    for boundary in (BOUNDARY, "another-boundary-1234"):
        body = encode_multipart(boundary, {"file": SimpleUploadedFile("a.xlsx", content)})
        replies.append(
            client.post(
                "/api/v1/people/import",
                body,
                content_type=f"multipart/form-data; boundary={boundary}",
                HTTP_IDEMPOTENCY_KEY="same",
                **h,
            )
        )
    assert MULTIPART_CONTENT.startswith("multipart/form-data")
    assert [r.status_code for r in replies] == [200, 200]
    assert replies[0].json() == replies[1].json()
    assert Person.objects.filter(name="丙三").count() == 1


def test_a_json_body_reused_with_another_key_is_refused(district, client, api_token):
    h = api_token(district.worker_a)
    body = {"name": "丁四", "document_number": make_id_number(), "community": district.a.pk}
    first = client.post("/api/v1/people", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="p", **h)
    again = client.post("/api/v1/people", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="p", **h)
    assert first.status_code == 201 and again.status_code == 201 and again.json() == first.json()
    other = client.post(
        "/api/v1/people",
        {**body, "name": "戊五", "document_number": make_id_number()},
        content_type=JSON,
        HTTP_IDEMPOTENCY_KEY="p",
        **h,
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert not Person.objects.filter(name="戊五").exists()
