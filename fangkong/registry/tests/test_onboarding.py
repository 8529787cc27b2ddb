"""A district from nothing to its first registered passage with the shipped sample sheets (issue 17, point 8):
`fangkong setup`, then `fangkong setup-district docs/onboarding/sample` — no seed, no code."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from fangkong.registry.models import Jurisdiction, Person, Place, RoleAssignment, Unit
from fangkong.registry.onboarding import district_load, sheets_in
from fangkong.registry.setup import district_setup

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "onboarding" / "sample"


def test_the_sample_sheets_set_up_a_district_without_a_rejected_row(db):
    admin = district_setup(code="211103", name="兴隆台区", admin_username="xlt_admin").admin
    loaded = district_load(actor=admin, folder=SAMPLE)
    assert [step.key for step in loaded] == ["jurisdictions", "units", "places", "staff", "residents"]
    assert all(step.result["rejected"] == [] for step in loaded), [s.result["rejected"] for s in loaded]
    assert Jurisdiction.objects.filter(level="community").count() == 2
    assert Jurisdiction.objects.filter(level="grid").count() == 4
    assert Unit.objects.filter(kind="checkpoint").count() == 1
    staff = get_user_model().objects.exclude(username="xlt_admin")
    assert staff.count() == 10
    assert RoleAssignment.objects.filter(role="grid_worker").count() == 4
    assert Person.objects.filter(household__isnull=False).count() == 4
    assert Place.objects.filter(kind="household").count() == 6
    again = district_load(actor=admin, folder=SAMPLE)
    assert all(s.result["created"] == 0 and s.result["updated"] == 0 for s in again)


def test_the_command_loads_the_folder_and_prints_the_passwords_once(db):
    district_setup(code="211103", name="兴隆台区", admin_username="xlt_admin")
    out = io.StringIO()
    call_command("setup_district", str(SAMPLE), stdout=out)
    text = out.getvalue()
    assert "jurisdictions (1-jurisdictions.csv): 7 created" in text
    assert text.count("password for ") == 10


def test_the_command_refuses_a_folder_without_sheets_and_reports_rejected_rows(db, tmp_path):
    district_setup(code="211103", name="兴隆台区", admin_username="xlt_admin")
    with pytest.raises(CommandError):
        call_command("setup_district", str(tmp_path))
    (tmp_path / "jurisdictions.csv").write_text("编码,名称,层级,上级编码\nG1,网格,网格,211103\n", encoding="utf-8")
    assert [step.key for step, _ in sheets_in(tmp_path)] == ["jurisdictions"]
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 rows rejected"):
        call_command("setup_district", str(tmp_path), stdout=out)
    assert "row 2 level" in out.getvalue()
