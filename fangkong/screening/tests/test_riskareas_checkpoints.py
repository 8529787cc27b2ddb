from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest

from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden, NotFound
from fangkong.screening.checkpoints import pass_request_record, shift_create, shifts_now
from fangkong.screening.models import RiskArea
from fangkong.screening.riskareas import (
    risk_area_clean,
    risk_area_create,
    risk_area_end,
    risk_area_update,
    risk_areas_import,
)
from fangkong.screening.selectors import checkpoints_workable, pass_requests_visible, risk_areas


def test_hq_creates_updates_and_ends_areas_with_audit(district):
    area = risk_area_create(
        actor=district.hq, data=risk_area_clean(name="北京市朝阳区", level="中", valid_from="2022-05-01")
    )
    assert area.level == "medium" and area.valid_from.isoformat().startswith("2022-05-01")
    risk_area_update(
        actor=district.hq,
        area_id=area.pk,
        data=risk_area_clean(name="北京市朝阳区", level="high", valid_from="2022-05-01", notice="京防〔2022〕9号"),
    )
    ended = risk_area_end(actor=district.hq, area_id=area.pk)
    assert ended.valid_to is not None and ended not in risk_areas(user=district.worker_a, active_at=clock.now())
    update = AuditEvent.objects.get(action="risk_area.update", fields__has_key="level")
    assert update.fields["level"] == {"from": "medium", "to": "high"}


def test_only_hq_edits_areas(district, screening):
    for user in (district.street1, district.worker_a, screening.staff1):
        with pytest.raises(Forbidden):
            risk_area_create(actor=user, data=risk_area_clean(name="x市", level="low", valid_from="2022-05-01"))


def test_area_input_checked(district):
    cases = [
        ({"name": ""}, "name", "required"),
        ({"level": "extreme"}, "level", "unknown_choice"),
        ({"valid_from": "yesterday"}, "valid_from", "invalid"),
        ({"valid_to": "2022-04-01"}, "valid_to", "end_before_start"),
        ({"code": "31A"}, "code", "invalid"),
        ({"code": "3101150010011"}, "code", "too_long"),
    ]
    for overrides, field, code in cases:
        kw = {"name": "北京市", "level": "low", "valid_from": "2022-05-01", **overrides}
        with pytest.raises(FieldError) as exc:
            risk_area_clean(**kw)
        assert (exc.value.field, exc.value.code) == (field, code)


def test_area_code_digits(district):
    kw = {"name": "上海市浦东新区", "level": "high", "valid_from": "2022-05-01"}
    with pytest.raises(FieldError) as exc:
        risk_area_clean(**kw, code="٣١٠١١٥")  # stored so, it would never match a place typed 310115…
    assert (exc.value.field, exc.value.code) == ("code", "digits")
    assert risk_area_clean(**kw, code="３１０１１５").code == "310115"


def _sheet(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_is_all_or_nothing(district):
    header = ["地区", "区划代码", "风险等级", "开始时间", "结束时间", "通告"]
    good = [
        header,
        ["上海市浦东新区", "310115", "高", "2022-04-01", "", "沪1号"],
        ["吉林省长春市", "", "中风险", "2022-04-02", "2022-06-01", ""],
    ]
    bad = [*good, ["", "", "低", "2022-04-01", "", ""]]
    assert risk_areas_import(actor=district.hq, content=_sheet(bad)) == {
        "created": 0,
        "rejected": [
            {
                "row": 4,
                "field": "name",
                "message": "Name the region (e.g. 上海市浦东新区).",
                "code": "required",
                "label": "地区",  # the column as the sheet's header names it, for the page's "第 4 行 · 地区：…"
            }
        ],
    }
    assert RiskArea.objects.count() == 0
    assert risk_areas_import(actor=district.hq, content=_sheet(good))["created"] == 2
    assert set(RiskArea.objects.values_list("level", flat=True)) == {"high", "medium"}


def test_workable_checkpoints(district, screening):
    assert list(checkpoints_workable(user=screening.staff1)) == [screening.cp1]
    assert set(checkpoints_workable(user=district.hq)) == {screening.cp1, screening.cp2}
    assert list(checkpoints_workable(user=district.worker_a)) == []


def test_shifts_only_with_the_checkpoints_own_staff(district, screening):
    now = clock.now()
    shift = shift_create(
        actor=district.hq,
        checkpoint_id=screening.cp1.pk,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=7),
        leader="staff1",
        staff=["staff1"],
    )
    assert shifts_now(screening.cp1) == [shift]
    with pytest.raises(FieldError) as exc:
        shift_create(
            actor=district.hq,
            checkpoint_id=screening.cp1.pk,
            starts_at=now,
            ends_at=now + timedelta(hours=8),
            staff=["staff2"],
        )
    assert exc.value.field == "staff"
    with pytest.raises(FieldError) as exc:
        shift_create(actor=district.hq, checkpoint_id=screening.cp1.pk, starts_at=now, ends_at=now)
    assert (exc.value.field, exc.value.code) == ("ends_at", "end_before_start")
    with pytest.raises(NotFound):
        shift_create(
            actor=screening.staff1, checkpoint_id=screening.cp1.pk, starts_at=now, ends_at=now + timedelta(hours=1)
        )


def test_pass_requests_recorded_and_seen_by_discipline(district, screening):
    record = pass_request_record(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        requester_name="某科长",
        requester_unit_name="区住建局",
        requester_post="科长",
        plate="辽L 8888",
        outcome="refused",
    )
    assert record.requester_unit == screening.dept and record.plate == "辽L8888"
    assert list(pass_requests_visible(user=screening.inspector)) == [record]
    assert list(pass_requests_visible(user=district.hq)) == [record]
    assert list(pass_requests_visible(user=screening.staff1)) == [record]
    assert list(pass_requests_visible(user=screening.staff2)) == []
    assert list(pass_requests_visible(user=district.worker_a)) == []
    with pytest.raises(FieldError) as exc:
        pass_request_record(
            actor=screening.staff1,
            checkpoint_id=screening.cp1.pk,
            requester_name="",
            requester_unit_name="x",
            outcome="refused",
        )
    assert exc.value.field == "requester_name"
    with pytest.raises(NotFound):
        pass_request_record(
            actor=screening.staff2,
            checkpoint_id=screening.cp1.pk,
            requester_name="a",
            requester_unit_name="b",
            outcome="refused",
        )
