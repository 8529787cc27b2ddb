"""Information reporting: templates as data, filing or zero-reporting once per period, completeness and
timeliness with the missing ones flagged (on a controllable clock)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from fangkong.command.models import ReportSubmission, ReportTemplate
from fangkong.command.reporting import completeness, report_submit, template_assign, template_create
from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.core.errors import FieldError

JSON = "application/json"
FIELDS = [
    {"key": "arrivals", "label": "返乡人数", "type": "number", "required": True},
    {"key": "note", "label": "其他情况", "type": "text"},
    {"key": "level", "label": "风险等级", "type": "choice", "choices": ["低", "中", "高"]},
]


def at(day: str, hour: int) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:00"), timezone.get_default_timezone())


@pytest.fixture
def daily(district):
    street2 = make_user("street2", "street_officer", jurisdiction=district.s2)
    with clock.frozen_at(at("2026-05-01", 9)):
        t = template_create(actor=district.hq, name="返乡人员日报", fields=FIELDS)
        a1, a2 = template_assign(actor=district.hq, template_id=t.pk, recipients=[district.s1.pk, district.s2.pk])
    return t, a1, a2, street2


def test_file_once_a_day_or_a_zero_report(district, daily):
    _t, a1, a2, street2 = daily
    with clock.frozen_at(at("2026-05-01", 15)):
        s = report_submit(actor=district.street1, assignment_id=a1.pk, values={"arrivals": "12", "level": "低"})
        assert s.values == {"arrivals": 12, "level": "低"} and s.submitted_at <= s.due_at
        with pytest.raises(FieldError) as exc:
            report_submit(actor=district.street1, assignment_id=a1.pk, values={"arrivals": 3})
        assert (exc.value.field, exc.value.code) == ("period", "duplicate")
        with pytest.raises(FieldError) as exc:  # a required field left out
            report_submit(actor=street2, assignment_id=a2.pk, values={"level": "低"})
        assert (exc.value.field, exc.value.code) == ("arrivals", "required")
        with pytest.raises(FieldError) as exc:  # a choice not offered, everything else in order
            report_submit(actor=street2, assignment_id=a2.pk, values={"arrivals": "2", "level": "紫"})
        assert (exc.value.field, exc.value.code) == ("level", "unknown_choice")
    with clock.frozen_at(at("2026-05-01", 18)):
        late = report_submit(actor=street2, assignment_id=a2.pk, zero=True)
        assert late.zero and late.submitted_at > late.due_at


def test_completeness_and_timeliness_with_the_missing_flagged(district, daily):
    t, a1, a2, street2 = daily
    for day in ("2026-05-01", "2026-05-02", "2026-05-03"):
        with clock.frozen_at(at(day, 10)):
            report_submit(actor=district.street1, assignment_id=a1.pk, zero=True)
    with clock.frozen_at(at("2026-05-02", 20)):
        report_submit(actor=street2, assignment_id=a2.pk, period=datetime(2026, 5, 2).date(), values={"arrivals": 1})
    with clock.frozen_at(at("2026-05-04", 12)):  # the 4th is not due yet at noon
        rows = {
            r.assignment.pk: r
            for r in completeness(
                user=district.hq, template_id=t.pk, since=datetime(2026, 5, 1).date(), until=datetime(2026, 5, 4).date()
            )
        }
    assert (rows[a1.pk].expected, rows[a1.pk].submitted, rows[a1.pk].on_time) == (3, 3, 3)
    assert (rows[a2.pk].expected, rows[a2.pk].submitted, rows[a2.pk].on_time) == (3, 1, 0)
    assert [d.isoformat() for d in rows[a2.pk].missing] == ["2026-05-03", "2026-05-01"]
    assert round(rows[a2.pk].completeness, 2) == 0.33 and rows[a2.pk].timeliness == 0


def test_api_flow_and_outsiders(client, district, api_token):
    hq = api_token(district.hq)
    t = client.post("/api/v1/report-templates", {"name": "物资日报", "fields": FIELDS}, content_type=JSON, **hq)
    assert t.status_code == 201
    tid = t.json()["id"]
    bad = client.post(
        "/api/v1/report-templates", {"name": "x", "fields": [{"key": "a b", "label": "x"}]}, content_type=JSON, **hq
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 0 and bad.json()["code"] == "invalid"
    twice_keyed = client.post(
        "/api/v1/report-templates",
        {"name": "x", "fields": [{"key": "a", "label": "甲"}, {"key": "a", "label": "乙"}]},
        content_type=JSON,
        **hq,
    )
    assert twice_keyed.json()["errors"][0]["row"] == 1 and twice_keyed.json()["code"] == "duplicate"
    assert client.post(
        f"/api/v1/report-templates/{tid}/assign", {"recipients": [district.s1.pk]}, content_type=JSON, **hq
    ).json() == {"assigned": 1}
    street = api_token(district.street1)
    due = client.get("/api/v1/reports/due", **street).json()
    assert len(due) == 1 and due[0]["filed"] is False
    r = client.post("/api/v1/reports", {"assignment_id": due[0]["id"], "zero": True}, content_type=JSON, **street)
    assert r.status_code == 201 and r.json()["zero"] is True
    twice = client.post("/api/v1/reports", {"assignment_id": due[0]["id"], "zero": True}, content_type=JSON, **street)
    assert twice.status_code == 400 and twice.json()["code"] == "duplicate"
    assert (
        client.post(
            "/api/v1/reports",
            {"assignment_id": due[0]["id"], "zero": True},
            content_type=JSON,
            **api_token(district.worker_b),
        ).status_code
        == 404
    )
    today = clock.localdate().isoformat()
    rows = client.get(f"/api/v1/reports/completeness?template_id={tid}&since={today}&until={today}", **hq).json()
    assert rows[0]["submitted"] == 1
    assert (
        client.get(
            f"/api/v1/reports/completeness?template_id={tid}&since={today}&until={today}",
            **api_token(district.worker_b),
        ).status_code
        == 404
    )
    assert ReportSubmission.objects.count() == 1


def test_report_pages(district):
    template = template_create(actor=district.hq, name="疫情日报", fields=FIELDS)
    template_assign(actor=district.hq, template_id=template.pk, recipients=[district.s1.pk])
    street = district.client(district.street1)
    page = street.get("/command/reports/").content.decode()
    assert "返乡人数" in page and "风险等级" in page
    assignment = template.assignments.get()
    missing = street.post("/command/reports/", {"assignment_id": assignment.pk, "values.level": "低"})
    assert missing.status_code == 400  # arrivals is required
    assert (missing.context["error"].field, missing.context["error"].code) == ("arrivals", "required")
    assert 'data-code="required"' in missing.content.decode()
    wrong = street.post(
        "/command/reports/", {"assignment_id": assignment.pk, "values.arrivals": "十二", "values.level": "低"}
    )
    assert (wrong.context["error"].field, wrong.context["error"].code) == ("arrivals", "invalid")
    assert street.post("/command/reports/", {"assignment_id": assignment.pk, "zero": "1"}).status_code == 302
    overview = district.client(district.hq).get(f"/command/reports/overview/?template={template.pk}")
    assert overview.status_code == 200 and "新工街道" in overview.content.decode()
    assert district.client(district.worker_b).get("/command/reports/").status_code == 404
    assert district.client(district.worker_b).get("/command/reports/overview/").status_code == 404


def test_a_template_made_on_its_page_from_rows_and_asked_of_communities(district):
    page = district.client(district.street1)
    assert page.get("/command/reports/templates/").status_code == 200
    form = {
        "action": "create",
        "name": "返乡人员日报",
        "schedule": "daily",
        "due_time": "17:00",
        "field_label_1": "返乡人数",
        "field_type_1": "number",
        "field_required_1": "on",
        "field_label_2": "风险等级",
        "field_type_2": "choice",
        "field_choices_2": "低/中、高",
        "field_label_3": "",  # a row without a label is not a field
        "field_type_3": "text",
    }
    no_choices = page.post("/command/reports/templates/", {**form, "field_choices_2": ""})
    error = no_choices.context["error"]
    assert no_choices.status_code == 400 and (error.field, error.row, error.code) == ("fields", 1, "required")
    made = page.post("/command/reports/templates/", form, follow=True)
    assert "now choose who files it" in made.content.decode()
    template = ReportTemplate.objects.get(name="返乡人员日报")
    assert template.due_time.hour == 17 and template.jpath == district.s1.path
    assert template.fields == [
        {"key": "f1", "label": "返乡人数", "type": "number", "choices": [], "required": True},
        {"key": "f2", "label": "风险等级", "type": "choice", "choices": ["低", "中", "高"], "required": False},
    ]
    text = page.get("/command/reports/templates/").content.decode()
    assert f'value="{district.a.pk}"' in text and f'value="{district.b.pk}"' not in text  # below the street only
    beyond = page.post(
        "/command/reports/templates/", {"action": "assign", "template": template.pk, "recipients": [district.b.pk]}
    )
    assert beyond.status_code == 400 and beyond.context["error"].code == "not_below"
    asked = page.post(
        "/command/reports/templates/",
        {"action": "assign", "template": template.pk, "recipients": [district.a.pk]},
        follow=True,
    )
    assert "1 reporters added" in asked.content.decode() and template.assignments.get().jurisdiction == district.a
    worker_page = district.client(district.worker_a).get("/command/reports/").content.decode()
    assert "返乡人数" in worker_page


def test_the_templates_page_is_for_who_issues_and_shows_only_ones_own(district):
    street2 = make_user("street2", "street_officer", jurisdiction=district.s2)
    theirs = template_create(actor=street2, name="二街日报", fields=FIELDS)
    page = district.client(district.street1)
    assert "二街日报" not in page.get("/command/reports/templates/").content.decode()
    other = page.post(
        "/command/reports/templates/", {"action": "assign", "template": theirs.pk, "recipients": [district.a.pk]}
    )
    assert other.status_code == 400 and other.context["error"].code == "not_found"
    assert not theirs.assignments.exists()
    assert district.client(district.worker_a).get("/command/reports/templates/").status_code == 404
