from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.containment import models as cm
from fangkong.core import clock
from fangkong.core.models import AuditEvent, IdempotencyRecord
from fangkong.dataprotection.models import DailyCount
from fangkong.livelihood.models import PriceReport, SupplyRequest, Volunteer
from fangkong.livelihood.services import price_report_submit
from fangkong.registry.models import HouseholdCode, ImportJob, Person, PersonCode, PersonTag, Place, Unit
from fangkong.screening.models import FollowUp, FollowUpTest, Passage, TravelReport, Violation
from fangkong.screening.tests.test_passages import arrive
from fangkong.testing.models import Recall, Round, Sample, Tube
from fangkong.testing.tests.conftest import collect, scan

# What must be empty after the end of the emergency: every record of it that concerns a person.
DESTROYED = [
    Passage,
    FollowUp,
    FollowUpTest,
    TravelReport,
    Violation,
    Sample,
    Recall,
    PersonCode,
    HouseholdCode,
    cm.Case,
    cm.CloseContact,
    cm.StatusChange,
    cm.Appeal,
    cm.Transfer,
    cm.VenueScan,
    cm.SentinelReport,
    cm.SentinelAlert,
    cm.Inpatient,
    cm.Escort,
    cm.PersonStatus,
    SupplyRequest,
    Volunteer,
    IdempotencyRecord,
]


@pytest.fixture
def emergency(district, screening, testing):
    """A little of everything the emergency made, in every module."""
    d, a, hq = district.d, district.a, district.hq
    person, other = district.person_a, district.person_b
    # screening: arrivals (one opened a case, with a test), a trip, an unreported exit by a non-resident
    arrival = arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=a.pk)
    FollowUpTest.objects.create(followup=arrival.followup, day=1, result="negative", recorded_by=district.worker_a)
    arrive(screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_community=district.b.pk)
    today = clock.localdate()
    TravelReport.objects.create(
        person=person, destination="北京", depart_on=today, return_on=today, reason="探亲", transport="高铁",
        jpath=person.jpath, approval="not_required",
    )  # fmt: skip
    Violation.objects.create(person=other, at=clock.now(), jpath=other.jpath)
    # testing: samples, a recall, codes, a household tube
    reply = collect(
        testing.sampler, testing.round, [scan(p, "TUBE1", testing.site, i) for i, p in enumerate(testing.people_a[:5])]
    )
    assert not reply["rejected"], reply
    tube = Tube.objects.get(code="TUBE1")
    Recall.objects.create(round=testing.round, person=testing.people_a[0], source_tube=tube, jpath=person.jpath)
    PersonCode.objects.create(person=person)
    home = Place.objects.create(kind="household", name="101", jurisdiction=a, jpath=a.path)
    HouseholdCode.objects.create(household=home)
    Tube.objects.filter(pk=tube.pk).update(household=home)
    # containment: a case with a contact and a transfer, a manual change with an appeal, a venue scan, a sentinel
    # report with its alert, an inpatient with an escort, a stored status; and a zone (a place, not a person)
    case = cm.Case.objects.create(person=person, source="testing", reference="TUBE1", jpath=person.jpath)
    contact = cm.CloseContact.objects.create(
        case=case, person=other, last_contact_at=clock.now(), recorded_by=hq, jpath=other.jpath
    )
    site_unit = Unit.objects.create(kind="clinic", name="隔离点", code="ISO1", jurisdiction=d, jpath=d.path)
    site = cm.IsolationSite.objects.create(name="隔离点", kind="isolation", capacity=10, unit=site_unit, jpath=d.path)
    cm.Transfer.objects.create(
        person=other, contact=contact, pickup_address="园丁小区", destination=site, vehicle="辽L1", crew="王",
        dispatched_by=hq, jpath=other.jpath,
    )  # fmt: skip
    change = cm.StatusChange.objects.create(
        person=other, colour="yellow", basis="依据防控指挥部通告第五号", expires_at=clock.now() + timedelta(days=3),
        requested_by=hq, jpath=other.jpath,
    )  # fmt: skip
    cm.Appeal.objects.create(change=change, text="我没有去过风险地区")
    venue = Unit.objects.create(kind="venue", name="超市", code="V1", jurisdiction=a, jpath=a.path)
    cm.VenueScan.objects.create(venue=venue, person=person, at=clock.now(), colour="red", jpath=venue.jpath)
    clinic = Unit.objects.create(kind="clinic", name="诊所", code="C1", jurisdiction=a, jpath=a.path)
    report = cm.SentinelReport.objects.create(unit=clinic, kind="fever", person=other, reported_by=hq, jpath=a.path)
    cm.SentinelAlert.objects.create(report=report, person=other, reason="发热", jpath=other.jpath)
    patient = cm.Inpatient.objects.create(unit=clinic, person=person, ward="内科", recorded_by=hq, jpath=a.path)
    cm.Escort.objects.create(inpatient=patient, person=other)
    cm.PersonStatus.objects.create(person=person, colour="red", computed_at=clock.now(), jpath=person.jpath)
    zone = cm.Zone.objects.create(
        name="幸福里封控区", level=cm.ZoneLevel.objects.first(), basis="通告", starts_at=clock.now(), requested_by=hq,
        jpath=a.path, state="active",
    )  # fmt: skip
    # livelihood, registry, core
    SupplyRequest.objects.create(person=person, kind="medicine", items="降压药", jpath=person.jpath)
    Volunteer.objects.create(person=other, availability="周末", jpath=other.jpath)
    price_report_submit(
        shop="某超市", place="园丁", goods="大米", description="两百元一袋", name="孙八", phone="13600003333"
    )
    ImportJob.objects.create(user=hq, filename="roster.xlsx", content=b"rows", status="done")
    PersonTag.objects.create(person=person, tag=PersonTag.Tag.KEY_POPULATION)
    PersonTag.objects.create(person=person, tag=PersonTag.Tag.ELDERLY_ALONE)
    IdempotencyRecord.objects.create(user=hq, scope="passages", key="k1", status_code=201, body={"id": 1})
    return {"zone": zone, "round": testing.round, "tube": tube, "visitor": arrival.passage.person}


def _snapshot() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in DESTROYED}


def test_a_wrong_code_destroys_nothing(district, emergency):
    before = _snapshot()
    with pytest.raises(CommandError, match="mismatch"):
        call_command("purge", "--end-of-emergency", "--confirm", "110101")
    with pytest.raises(CommandError, match="mismatch"):
        call_command("purge", "--end-of-emergency")
    assert _snapshot() == before and not AuditEvent.objects.filter(action="emergency.end").exists()


def test_a_dry_run_lists_and_destroys_nothing(district, emergency, capsys):
    before = _snapshot()
    call_command("purge", "--end-of-emergency", "--dry-run")
    out = capsys.readouterr().out
    assert "would destroy" in out and "screening.passages: 2" in out and "containment.cases: 1" in out
    assert _snapshot() == before and not DailyCount.objects.exists()


def test_the_end_of_the_emergency_destroys_every_epidemic_record_of_a_person(district, emergency, tmp_path, capsys):
    assert all(_snapshot().values())  # the fixture made one of each at least
    report = tmp_path / "destroyed.json"
    call_command("purge", "--end-of-emergency", "--confirm", district.d.code, "--report", str(report))
    out = capsys.readouterr().out
    assert {name: n for name, n in _snapshot().items() if n} == {}
    assert "screening.passages: 2" in out and "testing.samples: 5" in out and "Total:" in out
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["district"] == district.d.code and not written["dry_run"]
    assert written["counts"]["containment"]["cases"] == 1 and written["counts"]["core"]["stored_api_replies"] == 1
    event = AuditEvent.objects.get(action="emergency.end")
    assert event.fields["destroyed"] == written["counts"] and event.fields["total"] == written["total"]
    # The non-resident met at the checkpoint goes; residents, their households and their other tags stay.
    assert not Person.objects.filter(pk=emergency["visitor"].pk).exists()
    assert Person.objects.filter(pk=district.person_a.pk).exists()
    assert list(PersonTag.objects.values_list("tag", flat=True)) == [PersonTag.Tag.ELDERLY_ALONE]
    # Reporters, files: erased; the reports and jobs themselves stay.
    price = PriceReport.objects.get()
    assert price.name_cipher is None and price.phone_cipher is None and price.goods == "大米"
    assert bytes(ImportJob.objects.get().content) == b""
    # What concerns places and the lab's work stays: zones, rounds, tubes (no longer any household's).
    assert cm.Zone.objects.filter(pk=emergency["zone"].pk).exists()
    assert Round.objects.filter(pk=emergency["round"].pk).exists()
    assert Tube.objects.get(pk=emergency["tube"].pk).household_id is None
    # And the counts: arrivals, samples per round and grid, cases — no person in them.
    assert DailyCount.objects.get(data_class="samples").what == f"round:{emergency['round'].pk}"
    assert DailyCount.objects.get(data_class="samples").count == 5
    assert set(DailyCount.objects.values_list("data_class", flat=True)) >= {"passages", "cases", "followups"}
    # The status of a person who was red is green again: nothing of the emergency is left to make it otherwise.
    from fangkong.containment.status import status_of

    assert status_of(district.person_a.pk).colour == "green"


def test_the_audit_trail_is_not_destroyed(district, emergency):
    events = AuditEvent.objects.count()
    call_command("purge", "--end-of-emergency", "--confirm", district.d.code)
    assert AuditEvent.objects.count() == events + 1  # its own event added, none taken away
