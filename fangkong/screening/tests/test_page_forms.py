"""Each screening page that shares its write's input schema with the API (core.forms: `from_form`) refuses a bad
form the way the API refuses its body: the field named, with its code, the form kept."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.conftest import make_person
from fangkong.core import clock, pii
from fangkong.screening.models import PassRequest, RiskArea, Shift, TravelReport, Violation
from fangkong.screening.passages import PassageInput, passage_register
from fangkong.screening.tests.conftest import tag
from fangkong.screening.tests.test_passages import arrive
from fangkong.screening.travel import travel_report_file


def _refused(r, field: str, code: str, status: int = 400) -> None:
    error = r.context["error"]
    assert (r.status_code, error.field, error.code) == (status, field, code), r.content.decode()[:300]


def test_risk_area_form(district, screening):
    hq = district.client(district.hq)
    r = hq.post("/screening/risk-areas/", {"name": "大连市金州区", "level": "low", "valid_from": "someday"})
    _refused(r, "valid_from", "invalid")
    r = hq.post(
        "/screening/risk-areas/",
        {"name": "大连市金州区", "level": "low", "valid_from": "2022-05-03", "valid_to": "2022-05-01"},
    )
    _refused(r, "valid_to", "end_before_start")
    assert "大连市金州区" in r.content.decode() and not RiskArea.objects.filter(name="大连市金州区").exists()
    # A bare date closing the span is the end of that day, on the page as in the API.
    hq.post(
        "/screening/risk-areas/",
        {"name": "大连市金州区", "level": "low", "valid_from": "2022-05-01", "valid_to": "2022-05-01"},
    )
    area = RiskArea.objects.get(name="大连市金州区")
    assert timezone.localtime(area.valid_to).hour == 23


def test_protocol_and_settings_forms(district):
    hq = district.client(district.hq)
    level = {"level": "medium", "instruction": "register_notify", "measure": "home_isolation", "test_days": "1,5"}
    _refused(hq.post("/screening/protocol/", {**level, "days": ""}), "days", "required")
    _refused(hq.post("/screening/protocol/", {**level, "days": "ten"}), "days", "invalid")
    _refused(hq.post("/screening/protocol/", {**level, "days": "10", "test_days": "1,x"}), "test_days", "invalid")
    _refused(hq.post("/screening/protocol/", {**level, "days": "3"}), "test_days", "out_of_range")
    _refused(hq.post("/screening/protocol/", {"fever_threshold": "hot"}), "fever_threshold", "invalid")
    _refused(hq.post("/screening/protocol/", {"contact_limit_minutes": "2"}), "contact_limit_minutes", "out_of_range")


def test_shift_form(district, screening):
    c = district.client(district.street1)
    form = {"checkpoint": screening.cp1.pk, "starts_at": "2030-01-01T08:00", "ends_at": "2030-01-01T16:00"}
    _refused(c.post("/screening/shifts/", {**form, "starts_at": ""}), "starts_at", "required")
    _refused(c.post("/screening/shifts/", {**form, "ends_at": "2030-01-01T07:00"}), "ends_at", "end_before_start")
    _refused(c.post("/screening/shifts/", {**form, "staff": "staff1，staff2"}), "staff", "not_found")
    assert c.post("/screening/shifts/", {**form, "staff": "staff1， ", "leader": " staff1"}).status_code == 302
    shift = Shift.objects.get()
    assert [u.username for u in shift.staff.all()] == ["staff1"] and shift.leader == screening.staff1


def test_pass_request_form(district, screening):
    c = district.client(screening.staff1)
    url = f"/screening/checkpoints/{screening.cp1.pk}/pass-request/"
    form = {"requester_name": "某局长", "requester_unit_name": "区住建局"}
    _refused(c.post(url, {**form, "outcome": "waved"}), "outcome", "unknown_choice")
    _refused(c.post(url, {**form, "requester_name": " ", "outcome": "refused"}), "requester_name", "required")
    assert PassRequest.objects.count() == 0


def test_followup_forms(district, screening):
    f = arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk).followup
    c = district.client(district.worker_a)
    _refused(c.post(f"/screening/followups/{f.pk}/test", {"day": "one", "result": "negative"}), "day", "invalid")
    _refused(c.post(f"/screening/followups/{f.pk}/test", {"day": "2", "result": "negative"}), "day", "unknown_choice")
    _refused(c.post(f"/screening/followups/{f.pk}/test", {"day": "1", "result": "fine"}), "result", "unknown_choice")
    _refused(c.post(f"/screening/followups/{f.pk}/location", {"where": " "}), "where", "required")
    _refused(c.post(f"/screening/followups/{f.pk}/release", {"note": "期满"}), "state", "unmet")


def test_travel_forms(district, screening):
    c = district.client(district.worker_a)
    today = clock.localdate()
    form = {
        "document_number": pii.decrypt(district.person_a.doc_cipher),
        "destination": "北京",
        "depart_on": str(today),
        "return_on": str(today + timedelta(days=2)),
        "reason": "探亲",
        "transport": "高铁",
    }
    _refused(c.post("/screening/travel/", {**form, "depart_on": "someday"}), "depart_on", "invalid")
    _refused(c.post("/screening/travel/", {**form, "return_on": ""}), "return_on", "required")
    before = {**form, "return_on": str(today - timedelta(days=1))}
    _refused(c.post("/screening/travel/", before), "return_on", "end_before_start")
    other = {**form, "document_number": pii.decrypt(district.person_b.doc_cipher)}
    _refused(c.post("/screening/travel/", other), "document_number", "not_found")
    assert TravelReport.objects.count() == 0


def test_trip_decision_form(district, screening):
    official = make_person(district.a, name="干部")
    official.unit = screening.dept
    official.save()
    tag(official)
    today = clock.localdate()
    report = travel_report_file(
        actor=district.worker_a,
        person=official,
        destination="北京市",
        depart_on=today + timedelta(days=1),
        return_on=today + timedelta(days=4),
        reason="探亲",
        transport="高铁",
    )
    c = district.client(screening.leader)
    # The row is swapped in place (HTMX): the refusal comes back in it, with 200.
    _refused(c.post(f"/screening/travel/{report.pk}/reject", {"note": " "}), "note", "note_required", status=200)
    c.post(f"/screening/travel/{report.pk}/approve", {"note": ""})
    report.refresh_from_db()
    assert report.approval == "approved"


def test_violation_form(district, screening):
    passage_register(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        data=PassageInput(direction="out", document_number=pii.decrypt(district.person_a.doc_cipher), name="出行人"),
    )
    v = Violation.objects.get()
    c = district.client(district.worker_a)
    url = f"/screening/violations/{v.pk}/"
    _refused(c.post(url, {"explanation": " "}), "explanation", "required", status=200)
    _refused(c.post(url, {"explanation": "急诊陪护", "outcome": "forgiven"}), "outcome", "unknown_choice", status=200)
    c.post(url, {"outcome": "excused"})
    v.refresh_from_db()
    assert (v.explanation, v.outcome) == ("急诊陪护", "excused")
