from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_id_number, make_person
from fangkong.core import clock, pii
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import NotFound
from fangkong.registry.models import Person
from fangkong.screening.models import FollowUp, Passage, RiskProtocol, ScreeningSettings, Violation
from fangkong.screening.passages import PassageInput, passage_register
from fangkong.screening.travel import travel_report_file


def arrive(actor, checkpoint, **kw):
    base = {"direction": "in", "document_number": make_id_number(), "name": "来客", "destination_community": None}
    return passage_register(actor=actor, checkpoint_id=checkpoint.pk, data=PassageInput(**{**base, **kw}))


def test_arrival_from_high_risk_opens_a_case_for_the_destination(district, screening):
    r = arrive(
        screening.staff1,
        screening.cp1,
        origin="上海市浦东新区",
        destination_community=district.a.pk,
        phone="13800001111",
        plate="辽L·12345",
        temperature="36.6",
    )
    assert r.passage.instruction == "central_isolation" and r.passage.rule == "risk_area_high"
    assert "上海市浦东新区" in r.passage.rule_text and "沪防控" in r.passage.rule_text
    assert r.passage.plate == "辽L12345"
    f = r.followup
    assert r.new_followup and f.community == district.a and f.level == "high" and f.measure == "central_isolation"
    assert f.contact_due_at == r.passage.at + timedelta(hours=2)
    assert f.test_days == [1, 4, 7] and f.state == "open"
    person = r.passage.person
    assert not person.is_resident and person.community == district.a and person.name == "来客"
    assert AuditEvent.objects.filter(action="followup.open", object_id=str(f.pk)).exists()


def test_returning_resident_goes_home_and_lands_on_their_grid(district, screening):
    number = pii.decrypt(district.person_a.doc_cipher)
    r = arrive(
        screening.staff1,
        screening.cp1,
        document_number=number,
        origin="吉林省长春市",
        destination_community=district.a.pk,
    )
    assert r.passage.destination_community == district.a and r.passage.name == "来客"  # as typed
    assert r.followup.jurisdiction == district.a1 and r.followup.measure == "home_isolation"
    assert Person.objects.count() == 2 and Person.objects.get(pk=district.person_a.pk).name == "李四"  # nobody new


def test_the_name_and_the_destination_are_asked_of_everyone(district, screening):
    # Asking them only of numbers the register does not know would tell the staff which numbers it knows.
    for number in (pii.decrypt(district.person_a.doc_cipher), make_id_number()):
        for overrides, field in (({"name": " "}, "name"), ({"destination_community": None}, "destination_address")):
            with pytest.raises(FieldError) as exc:
                arrive(screening.staff1, screening.cp1, document_number=number, origin="吉林省长春市", **overrides)
            assert exc.value.field == field
    # What the one input schema cannot read is refused before the service, naming the field, on the page too.
    with pytest.raises(FieldError) as exc:
        PassageInput.from_form({"direction": "in", "document_number": "x", "temperature": "hot"})
    assert (exc.value.field, exc.value.code) == ("temperature", "invalid")
    assert Passage.objects.count() == 0 and Person.objects.count() == 2


def test_no_risk_lets_pass_without_a_case(district, screening):
    r = arrive(screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_community=district.b.pk)
    assert (r.passage.instruction, r.followup) == ("let_pass", None)


def test_one_active_case_per_person(district, screening):
    number = make_id_number()
    first = arrive(
        screening.staff1,
        screening.cp1,
        document_number=number,
        origin="吉林省长春市",
        destination_community=district.a.pk,
    )
    again = arrive(
        screening.staff1,
        screening.cp1,
        document_number=number,
        origin="上海市浦东新区",
        destination_community=district.b.pk,
    )
    assert again.followup.pk == first.followup.pk and not again.new_followup
    assert FollowUp.objects.count() == 1


def test_passing_through_to_outside_the_district(district, screening):
    r = arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_address="大连市中山区")
    assert r.followup is None  # no community of ours owns them; the instruction still stands
    assert r.passage.instruction == "central_isolation"
    person = r.passage.person
    assert person.community is None and person.jurisdiction == district.d
    assert r.passage.jpath == screening.cp1.jpath


def test_bad_input_names_the_field_and_writes_nothing(district, screening):
    cases = [
        ({"document_number": "110105194912310021"}, "document_number", "invalid"),
        ({"document_type": "驾照"}, "document_type", "unknown_choice"),
        ({"direction": "sideways"}, "direction", "unknown_choice"),
        ({"temperature": "45"}, "temperature", "out_of_range"),
        ({"status_code": "purple"}, "status_code", "unknown_choice"),
        ({"phone": "12"}, "phone", "invalid"),
        # a grid, not a community
        ({"destination_community": district.a1.pk}, "destination_community", "not_found"),
        ({"destination_community": None, "destination_address": ""}, "destination_address", "required"),
        ({"name": "", "destination_community": district.a.pk}, "name", "required"),  # unknown person, no name
        ({"visited": ["x"] * 21}, "visited", "too_long"),
        ({"occurred_at": clock.now() + timedelta(hours=1)}, "occurred_at", "in_future"),
        ({"occurred_at": clock.now() - timedelta(days=31)}, "occurred_at", "out_of_range"),
    ]
    for overrides, field, code in cases:
        kw = {"destination_community": district.a.pk, **overrides}
        with pytest.raises(FieldError) as exc:
            arrive(screening.staff1, screening.cp1, **kw)
        assert (exc.value.field, exc.value.code) == (field, code), overrides
    assert Passage.objects.count() == 0 and Person.objects.count() == 2


def test_offline_scan_keeps_its_time_and_its_deadline(district, screening):
    earlier = clock.now() - timedelta(hours=3)
    r = arrive(
        screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk, occurred_at=earlier
    )
    assert r.passage.at == earlier
    assert r.followup.state == "missed"  # synced after the two-hour limit: already overdue, truthfully


def test_staff_work_only_at_their_checkpoint(district, screening):
    with pytest.raises(NotFound):
        arrive(screening.staff1, screening.cp2, destination_community=district.a.pk)
    with pytest.raises(NotFound):
        arrive(district.worker_a, screening.cp1, destination_community=district.a.pk)
    arrive(district.hq, screening.cp2, destination_community=district.a.pk)  # HQ may work anywhere


def test_protocol_and_settings_are_data(district, screening):
    RiskProtocol.objects.filter(level="medium").update(instruction="central_isolation", days=14, test_days=[1, 7, 14])
    ScreeningSettings.objects.update(contact_limit_minutes=30)
    r = arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk)
    assert r.passage.instruction == "central_isolation"
    assert r.followup.test_days == [1, 7, 14]
    assert r.followup.contact_due_at == r.passage.at + timedelta(minutes=30)
    assert r.followup.measure_ends_at == r.passage.at + timedelta(days=14)


def test_unreported_exit_is_a_violation(district, screening):
    number = pii.decrypt(district.person_a.doc_cipher)
    r = passage_register(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        data=PassageInput(direction="out", document_number=number, name="出行人"),
    )
    assert r.passage.instruction == "let_pass"
    v = r.violation
    assert v.person == district.person_a and v.community == district.a and v.outcome == "open"


def test_reported_exit_is_not_a_violation(district, screening):
    today = clock.localdate()
    travel_report_file(
        actor=district.worker_a,
        person=district.person_a,
        destination="北京",
        depart_on=today,
        return_on=today + timedelta(days=3),
        reason="探亲",
        transport="高铁",
    )
    number = pii.decrypt(district.person_a.doc_cipher)
    r = passage_register(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        data=PassageInput(direction="out", document_number=number, name="出行人"),
    )
    assert r.violation is None and not Violation.objects.exists()


def test_non_residents_leaving_are_not_violations(district, screening):
    r = passage_register(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        data=PassageInput(direction="out", document_number=make_id_number(), name="过客", destination_address="大连"),
    )
    assert r.violation is None


def test_trip_destination_applies_on_return(district, screening):
    person = make_person(district.a, district.a1, name="出差")
    today = clock.localdate()
    travel_report_file(
        actor=district.worker_a,
        person=person,
        destination="上海市浦东新区",
        depart_on=today,
        return_on=today + timedelta(days=2),
        reason="出差",
        transport="飞机",
    )
    with clock.advanced(timedelta(days=3)):
        r = arrive(
            screening.staff1,
            screening.cp1,
            document_number=pii.decrypt(person.doc_cipher),
            origin="辽宁省盘锦市",
            destination_community=district.a.pk,
        )
    assert r.passage.rule == "risk_area_high" and r.followup.level == "high"
    # Staff learn that a reported trip decided, not where it went (that is the register's, not theirs).
    assert "上海" not in r.passage.rule_text and "reported" in r.passage.rule_text


def test_missing_protocol_rows_fall_back_to_the_defaults(district, screening):
    RiskProtocol.objects.all().delete()
    r = arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk)
    assert r.followup.measure == "home_isolation" and r.followup.test_days == [1, 4, 7]
    assert RiskProtocol.objects.count() == 0  # read, never written on the way: migrate writes defaults (core.defaults)


def test_a_document_in_another_scripts_digits_is_not_a_stranger(district, screening):
    # "١١٠١٠٥..." passed the checksum and registered a new visitor instead of the resident it names.
    number = pii.decrypt(district.person_a.doc_cipher)
    arabic = number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for overrides, field in (
        ({"document_number": arabic}, "document_number"),
        ({"document_number": number, "phone": "١٣٨٠٠٠٠١١١١"}, "phone"),
        ({"document_number": number, "plate": "辽L१२३४५"}, "plate"),
    ):
        with pytest.raises(FieldError) as exc:
            arrive(screening.staff1, screening.cp1, destination_community=district.a.pk, **overrides)
        assert (exc.value.field, exc.value.code) == (field, "digits")
    assert Passage.objects.count() == 0 and Person.objects.count() == 2
    r = arrive(
        screening.staff1,
        screening.cp1,
        document_number="".join(chr(ord(c) + 0xFEE0) for c in number),
        destination_community=district.a.pk,
    )
    assert r.passage.person == district.person_a  # full-width digits are the same person
