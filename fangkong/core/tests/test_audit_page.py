from __future__ import annotations

from fangkong.core.audit import audit_record


def test_hq_browses_and_filters_the_trail(district):
    audit_record(actor=district.hq, action="person.reveal", obj=district.person_a, reason="reason-one")
    audit_record(actor=district.worker_b, action="person.reveal", obj=district.person_b, reason="reason-two")
    c = district.client(district.hq)
    page = c.get("/audit/", {"actor": "worker_b"}).content.decode()
    # Reasons with a hyphen: a random CSRF token (letters and digits) can never contain them.
    assert "reason-two" in page and "reason-one" not in page
    page = c.get("/audit/", {"action": "person."}).content.decode()
    assert "reason-one" in page and "reason-two" in page


def test_workers_and_outsiders_cannot_open_the_trail(district):
    for user in (district.worker_a, district.street1, district.unit_staff):
        assert district.client(user).get("/audit/").status_code == 404


def test_anonymous_is_sent_to_login(district):
    from django.test import Client

    r = Client().get("/audit/")
    assert r.status_code == 302 and "/login/" in r["Location"]
