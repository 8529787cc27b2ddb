"""Hazard pages: record, work through the steps with the five assurances; outsiders refused."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.core import clock
from fangkong.safety.models import Hazard


def test_record_and_work_a_major_hazard_on_the_pages(district, safety):
    reg = district.client(safety["regulator"])
    deadline = timezone.localtime(clock.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    form = {"enterprise_id": safety["plant"].pk, "grade": "major", "description": "配电箱无接地"}
    bad = reg.post("/safety/", {**form, "deadline": "next week"})
    assert (bad.status_code, bad.context["error"].field, bad.context["error"].code) == (400, "deadline", "invalid")
    past = reg.post("/safety/", {**form, "deadline": "2020-01-01"})
    assert (past.status_code, past.context["error"].field, past.context["error"].code) == (
        400,
        "deadline",
        "out_of_range",
    )
    assert not Hazard.objects.exists()
    r = reg.post("/safety/", {**form, "deadline": deadline})
    hazard = Hazard.objects.get()
    assert r.status_code == 302
    reg.post(f"/safety/hazards/{hazard.pk}/", {"to": "registered"})
    reg.post(f"/safety/hazards/{hazard.pk}/", {"to": "ordered"})
    ent = district.client(safety["officer"])
    page = ent.get(f"/safety/hazards/{hazard.pk}/").content.decode()
    assert 'name="contingency"' in page
    refused = ent.post(f"/safety/hazards/{hazard.pk}/", {"to": "rectifying", "responsibility": "张某"})
    assert refused.status_code == 400 and "five assurances" in refused.content.decode()
    assert (refused.context["error"].field, refused.context["error"].code) == ("assurances", "required")
    assert 'name="responsibility" value="张某"' in refused.content.decode()  # what was typed is kept
    unknown = ent.post(f"/safety/hazards/{hazard.pk}/", {"to": "fixed"})
    assert (unknown.status_code, unknown.context["error"].field, unknown.context["error"].code) == (
        400,
        "to",
        "unknown_choice",
    )
    five = {
        "responsibility": "张某",
        "measures": "加装接地",
        "funds": "2千元",
        "time_limit": "3天",
        "contingency": "断电预案",
    }
    assert ent.post(f"/safety/hazards/{hazard.pk}/", {"to": "rectifying", **five}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == "rectifying"
    listing = reg.get("/safety/").content.decode()
    assert "配电箱无接地" in listing
    assert district.client(district.worker_b).get(f"/safety/hazards/{hazard.pk}/").status_code == 404
    assert district.client(district.worker_b).get("/safety/").status_code == 404
