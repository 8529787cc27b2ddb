from __future__ import annotations

from fangkong.conftest import make_id_number
from fangkong.core import pii
from fangkong.core.models import AuditEvent
from fangkong.registry.models import Person


def _post(client, headers, body, **extra):
    return client.post(
        "/api/v1/people", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers, **extra
    )


def test_worker_registers_a_person_masked_and_audited(district, client, api_token):
    number = make_id_number("20200229")
    r = _post(
        client,
        api_token(district.worker_a),
        {
            "name": " 新 生儿 ",
            "document_number": number.lower(),
            "phone": "138 0013 8000",
            "community": district.a.pk,
            "grid": district.a2.pk,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "新 生儿"
    assert body["grid"]["id"] == district.a2.pk and body["birth_date"] == "2020-02-29"
    assert body["document_number"] == pii.mask_document(number) and body["phone"] == "138****8000"
    person = Person.objects.get(pk=body["id"])
    assert pii.decrypt(person.doc_cipher) == number and person.jpath == district.a2.path
    event = AuditEvent.objects.get(action="person.create")
    assert event.object_id == str(person.pk) and number not in str(event.fields)


def test_bad_fields_are_named(district, client, api_token):
    h = api_token(district.worker_a)
    cases = [
        ({"name": "", "document_number": make_id_number(), "community": district.a.pk}, "name"),
        ({"name": "甲", "document_number": "110105194912310021", "community": district.a.pk}, "document_number"),
        ({"name": "甲", "document_number": make_id_number(), "phone": "12", "community": district.a.pk}, "phone"),
        ({"name": "甲", "document_number": make_id_number(), "community": district.a1.pk}, "community"),
        (
            {"name": "甲", "document_number": make_id_number(), "community": district.a.pk, "document_type": "驾照"},
            "document_type",
        ),
        (
            {"name": "甲", "document_number": make_id_number(), "community": district.a.pk, "grid": district.b1.pk},
            None,
        ),  # a grid outside one's scope does not exist: 404
        ({"name": "甲", "document_number": make_id_number()}, "community"),
    ]
    for body, field in cases:
        r = _post(client, h, body)
        if field is None:
            assert r.status_code == 404
        else:
            assert r.status_code in (400, 422), (body, r.content)
            assert r.json()["errors"][0]["field"] == field, (body, r.json())
    assert Person.objects.count() == 2


def test_duplicate_document_is_refused(district, client, api_token):
    number = pii.decrypt(district.person_a.doc_cipher)
    r = _post(
        client, api_token(district.worker_a), {"name": "重复", "document_number": number, "community": district.a.pk}
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "document_number"


def test_retry_with_idempotency_key_replays(district, client, api_token):
    h = api_token(district.worker_a)
    body = {"name": "重试", "document_number": make_id_number(), "community": district.a.pk}
    first = _post(client, h, body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = _post(client, h, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Person.objects.filter(name="重试").count() == 1


def test_outsider_cannot_register_into_a_foreign_community(district, client, api_token):
    body = {"name": "外来", "document_number": make_id_number(), "community": district.a.pk}
    assert _post(client, api_token(district.worker_b), body).status_code == 404
    assert _post(client, api_token(district.unit_staff), body).status_code == 404
    assert not Person.objects.filter(name="外来").exists()


def test_a_number_held_elsewhere_is_recorded_for_confirmation_without_saying_where(district, client, api_token):
    """Community A registers person B's number: not "registered in another jurisdiction" (which confirmed that the
    number is in the register, and before that where) but "recorded for confirmation" — and B's community sees
    the request on its people page and decides."""
    number = pii.decrypt(district.person_b.doc_cipher)
    r = _post(
        client, api_token(district.worker_a), {"name": "王五", "document_number": number, "community": district.a.pk}
    )
    assert r.status_code == 202, r.content
    assert r.json()["state"] == "pending"
    text = r.content.decode()
    assert "王五" not in text and district.b.name not in text and str(district.person_b.pk) not in text
    assert Person.objects.filter(doc_hash=district.person_b.doc_hash).count() == 1
    district.person_b.refresh_from_db()
    assert district.person_b.community_id == district.b.pk  # not taken over
    event = AuditEvent.objects.get(action="person.transfer_request")
    assert event.object_id == str(district.person_b.pk) and event.jpath == district.person_b.jpath
    assert number not in str(event.fields) and event.fields["to"] == district.a.code
    page = district.client(district.worker_b).get("/people/").content.decode()
    assert "transfer-requests" in page and district.a.name in page
    assert "transfer-requests" not in district.client(district.worker_a).get("/people/").content.decode()


def test_a_number_in_ones_own_jurisdiction_is_a_plain_duplicate(district, client, api_token):
    number = pii.decrypt(district.person_a.doc_cipher)
    r = _post(
        client, api_token(district.worker_a), {"name": "李四", "document_number": number, "community": district.a.pk}
    )
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "duplicate"
    assert not AuditEvent.objects.filter(action="person.transfer_request").exists()
