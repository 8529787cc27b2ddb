"""Hazard pages: record, work through the steps with the five assurances; outsiders refused."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.core import clock
from fangkong.safety.models import Hazard


def test_record_and_work_a_major_hazard_on_the_pages(district, safety):
    reg = district.client(safety["regulator"])
    deadline = timezone.localtime(clock.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    r = reg.post(
        "/safety/",
        {"enterprise": safety["plant"].pk, "grade": "major", "description": "配电箱无接地", "deadline": deadline},
    )
    hazard = Hazard.objects.get()
    assert r.status_code == 302
    reg.post(f"/safety/hazards/{hazard.pk}/", {"to": "registered"})
    reg.post(f"/safety/hazards/{hazard.pk}/", {"to": "ordered"})
    ent = district.client(safety["officer"])
    page = ent.get(f"/safety/hazards/{hazard.pk}/").content.decode()
    assert 'name="contingency"' in page
    refused = ent.post(f"/safety/hazards/{hazard.pk}/", {"to": "rectifying", "responsibility": "张某"})
    assert refused.status_code == 400 and "five assurances" in refused.content.decode()
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
