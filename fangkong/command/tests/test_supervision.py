"""Supervision: findings against tasks and units, outcomes approved by a second person, a unit's record with
screening's pass requests and violations; outsiders refused."""

from __future__ import annotations

from datetime import timedelta

from fangkong.command.directives import directive_issue
from fangkong.command.models import Finding
from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.registry.models import Unit
from fangkong.screening.tests.conftest import screening  # noqa: F401  (the fixture)

JSON = "application/json"


def test_finding_outcome_two_people_and_the_record(client, district, api_token):
    inspection = Unit.objects.create(
        kind="department", name="区纪委监委", code="DI", jurisdiction=district.d, jpath=district.d.path
    )
    inspector = make_user("insp", "discipline_inspector", unit=inspection)
    d = directive_issue(
        actor=district.hq, title="核酸点排查", deadline=clock.now() + timedelta(hours=1), recipients=[district.s1.pk]
    )
    task = d.tasks.get()
    token = api_token(inspector)
    f = client.post(
        "/api/v1/supervision/findings",
        {"target_kind": "task", "target_id": task.pk, "text": "逾期未完成，未报告原因"},
        content_type=JSON,
        **token,
    )
    assert f.status_code == 201 and f.json()["answerable"] == "新工街道"
    o = client.post(
        f"/api/v1/supervision/findings/{f.json()['id']}/outcomes", {"kind": "criticism"}, content_type=JSON, **token
    )
    assert o.status_code == 201 and o.json()["state"] == "proposed"
    own = client.post(
        f"/api/v1/supervision/outcomes/{o.json()['id']}/decide", {"approve": True}, content_type=JSON, **token
    )
    assert own.status_code == 403
    ok = client.post(
        f"/api/v1/supervision/outcomes/{o.json()['id']}/decide",
        {"approve": True, "note": "同意"},
        content_type=JSON,
        **api_token(district.hq),
    )
    assert ok.status_code == 200 and ok.json()["state"] == "approved" and ok.json()["decided_by"] == "hq"
    record = client.get(f"/api/v1/supervision/record?jurisdiction_id={district.s1.pk}", **api_token(district.hq))
    assert record.status_code == 200 and len(record.json()["findings"]) == 1
    assert AuditEvent.objects.filter(action__startswith="supervision.").count() == 3


def test_bad_findings_and_outsiders(client, district, api_token):
    hq = api_token(district.hq)
    bad = client.post(
        "/api/v1/supervision/findings",
        {"target_kind": "gossip", "target_id": 1, "text": "xxxx"},
        content_type=JSON,
        **hq,
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "target_kind"
    assert bad.json()["code"] == "unknown_choice"
    unknown = client.post(
        "/api/v1/supervision/findings",
        {"target_kind": "task", "target_id": 999, "text": "xxxx"},
        content_type=JSON,
        **hq,
    )
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "target_id"
    worker = api_token(district.worker_a)
    assert (
        client.post(
            "/api/v1/supervision/findings",
            {"target_kind": "jurisdiction", "target_id": district.a.pk, "text": "xxxx"},
            content_type=JSON,
            **worker,
        ).status_code
        == 403
    )
    assert client.get("/api/v1/supervision/findings", **worker).json() == []


def test_supervision_page(district):
    hq = district.client(district.hq)
    r = hq.post(
        "/command/supervision/",
        {"action": "finding", "target_kind": "jurisdiction", "target_id": district.a.pk, "text": "值班人员脱岗"},
    )
    assert r.status_code == 302
    page = hq.get(f"/command/supervision/?jurisdiction={district.a.pk}").content.decode()
    assert "值班人员脱岗" in page and "unreported exits" in page
    assert district.client(district.worker_a).get("/command/supervision/").status_code == 404
    # The page reads the finding through the API's schema: a number that is none, a finding too short to serve.
    bad = hq.post(
        "/command/supervision/",
        {"action": "finding", "target_kind": "jurisdiction", "target_id": "园丁", "text": "值班人员脱岗"},
    )
    assert bad.status_code == 400
    assert (bad.context["error"].field, bad.context["error"].code) == ("target_id", "invalid")
    assert 'data-code="invalid"' in bad.content.decode()
    short = hq.post(
        "/command/supervision/",
        {"action": "finding", "target_kind": "jurisdiction", "target_id": district.a.pk, "text": "脱岗"},
    )
    assert (short.context["error"].field, short.context["error"].code) == ("text", "too_short")
    finding = Finding.objects.get()
    kind = hq.post("/command/supervision/", {"action": "propose", "finding": finding.pk, "kind": "warning"})
    assert (kind.context["error"].field, kind.context["error"].code) == ("kind", "unknown_choice")


def test_the_record_lists_screenings_pass_requests_and_violations(client, district, screening, api_token):  # noqa: F811
    from fangkong.screening.models import PassRequest, Violation

    housing = Unit.objects.create(
        kind="department", name="区住建局", code="ZJ", jurisdiction=district.d, jpath=district.d.path
    )
    PassRequest.objects.create(
        checkpoint=screening.cp1,
        requester_name="某局长",
        requester_unit_name="区住建局",
        requester_unit=housing,
        outcome="refused",
        recorded_by=screening.staff1,
    )
    Violation.objects.create(person=district.person_a, at=clock.now(), unit=housing, jpath=district.a1.path)
    r = client.get(f"/api/v1/supervision/record?unit_id={housing.pk}", **api_token(district.hq)).json()
    assert (r["pass_requests"], r["violations"]) == (1, 1)
    assert r["pass_request_items"][0]["who"].startswith("某局长")
    assert r["violation_items"][0]["who"] == "李*"


def test_a_finding_outside_ones_reach_reads_like_one_about_nothing(client, district, api_token):
    """A supervisor bound to one street learns nothing about the other street's units or places by naming ids."""
    other = Unit.objects.create(
        kind="school", name="胜利小学", code="SCH-B", jurisdiction=district.b, jpath=district.b.path
    )
    street = api_token(make_user("hq_s1", "hq_admin", jurisdiction=district.s1))

    def record(kind: str, target: int):
        return client.post(
            "/api/v1/supervision/findings",
            {"target_kind": kind, "target_id": target, "text": "值班人员脱岗"},
            content_type=JSON,
            **street,
        )

    outside, nothing = record("unit", other.pk), record("unit", 999_999)
    assert outside.status_code == nothing.status_code == 400
    assert outside.json() == nothing.json() and outside.json()["errors"][0]["code"] == "not_found"
    assert record("jurisdiction", district.b.pk).json() == record("jurisdiction", 999_999).json()


def test_an_outcome_is_rejected_with_the_reason_and_decided_once(client, district, api_token):
    hq = api_token(district.hq)
    f = client.post(
        "/api/v1/supervision/findings",
        {"target_kind": "jurisdiction", "target_id": district.a.pk, "text": "值班人员脱岗"},
        content_type=JSON,
        **hq,
    ).json()
    proposer = make_user("hq_p", "hq_admin", jurisdiction=district.d)
    o = client.post(
        f"/api/v1/supervision/findings/{f['id']}/outcomes", {"kind": "reminder"}, content_type=JSON,
        **api_token(proposer),
    ).json()  # fmt: skip
    url = f"/api/v1/supervision/outcomes/{o['id']}/decide"
    bare = client.post(url, {"approve": False}, content_type=JSON, **hq)
    assert bare.status_code == 400 and bare.json()["errors"][0]["field"] == "note"
    assert bare.json()["code"] == "note_required"
    ok = client.post(url, {"approve": False, "note": "已当场整改"}, content_type=JSON, **hq)
    assert ok.status_code == 200 and ok.json()["state"] == "rejected" and ok.json()["decided_by"] == "hq"
    event = AuditEvent.objects.get(action="supervision.decide")
    assert event.fields["state"] == {"from": "proposed", "to": "rejected"} and event.reason == "已当场整改"
    for body in ({"approve": True}, {"approve": False, "note": "再议"}):
        again = client.post(url, body, content_type=JSON, **hq)
        assert again.status_code == 400 and again.json()["code"] == "not_pending"
    outsider = api_token(make_user("hq_s2", "hq_admin", jurisdiction=district.s2))
    assert client.post(url, {"approve": True}, content_type=JSON, **outsider).status_code == 404


def test_a_second_person_rejects_an_outcome_on_the_page_with_a_note(district):
    from fangkong.command.models import Finding, Outcome
    from fangkong.conftest import make_user

    hq = district.client(district.hq)
    hq.post(
        "/command/supervision/",
        {"action": "finding", "target_kind": "jurisdiction", "target_id": district.a.pk, "text": "值班人员脱岗"},
    )
    finding = Finding.objects.get()
    hq.post("/command/supervision/", {"action": "propose", "finding": finding.pk, "kind": "reminder", "note": "提醒"})
    outcome = Outcome.objects.get()
    other = district.client(make_user("hq2", "hq_admin", jurisdiction=district.d))
    page = other.get("/command/supervision/").content.decode()
    assert f'id="note-{outcome.pk}"' in page  # the Reject button has its note
    refused = other.post("/command/supervision/", {"action": "reject", "outcome": outcome.pk, "note": ""})
    assert refused.status_code == 400 and refused.context["error"].code == "note_required"
    own = hq.post("/command/supervision/", {"action": "approve", "outcome": outcome.pk})
    assert own.status_code == 400 and own.context["error"].code == "own_request"
    done = other.post(
        "/command/supervision/", {"action": "reject", "outcome": outcome.pk, "note": "情节轻微，批评教育"}
    )
    assert done.status_code == 302
    outcome.refresh_from_db()
    assert outcome.state == "rejected" and outcome.decision_note == "情节轻微，批评教育"
