from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from fangkong.conftest import make_person
from fangkong.containment.models import Case, SentinelAlert, SentinelReport, VenueScan
from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.dataprotection.models import DailyCount, RetentionPeriod
from fangkong.dataprotection.services import purge_run
from fangkong.livelihood.models import PriceReport
from fangkong.livelihood.services import price_report_decide, price_report_submit, price_reporter_reveal
from fangkong.registry.models import ImportJob, Person, Unit
from fangkong.safety.models import PublicReport
from fangkong.safety.tips import tip_reject, tip_reveal, tip_submit
from fangkong.screening.followups import followup_contact
from fangkong.screening.models import FollowUp, FollowUpTest, Passage, RiskArea, TravelReport, Violation
from fangkong.screening.tests.test_passages import arrive
from fangkong.testing.models import Recall, Round, Sample, Tube
from fangkong.testing.monitoring import coverage, stage_timings
from fangkong.testing.tests.conftest import collect, scan


def purge(**kw) -> dict:
    return {r.key: r for r in purge_run(**kw)}


def counts(data_class: str) -> dict[tuple, int]:
    return {(c.day, c.jpath, c.what): c.count for c in DailyCount.objects.filter(data_class=data_class)}


# ---------------------------------------------------------------- passages


def test_passages_go_their_counts_stay_a_running_case_keeps_its_own(district, screening):
    old = clock.now() - timedelta(days=29)
    RiskArea.objects.filter(pk=screening.medium.pk).update(valid_from=old - timedelta(days=1))  # in force back then
    plain = [
        arrive(
            screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_community=district.a.pk, occurred_at=old
        )
        for _ in range(7)
    ]
    case = arrive(
        screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk, occurred_at=old
    ).followup
    recent = arrive(screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_community=district.b.pk)
    with clock.advanced(timedelta(days=2)):  # the old ones are now 31 days old; passages are kept 30
        dry = purge(dry_run=True, only=["passages"])
        assert dry["passages"].counts == {"deleted": 7} and Passage.objects.count() == 9
        assert not DailyCount.objects.exists() and not AuditEvent.objects.filter(action="passages.purge").exists()
        done = purge(only=["passages"])
    assert done["passages"].counts == {"deleted": 7}
    assert not Passage.objects.filter(pk__in=[r.passage.pk for r in plain]).exists()
    assert Passage.objects.filter(pk=case.passage_id).exists()  # the case still runs
    assert Passage.objects.filter(pk=recent.passage.pk).exists()
    # What the reconciliation counted stays: seven arrivals let pass, that day, in community A.
    assert counts("passages") == {(clock.localdate(old), district.a.path, "in:let_pass"): 7}
    event = AuditEvent.objects.get(action="passages.purge")
    assert event.fields["deleted"] == 7 and event.fields["retention_days"] == 30 and event.actor_id is None


# ---------------------------------------------------------------- venue scans


def test_venue_scans_go_after_28_days_except_an_open_cases(district):
    venue = Unit.objects.create(kind="venue", name="超市", code="V1", jurisdiction=district.a, jpath=district.a.path)
    ill = make_person(district.a, district.a1, name="病例")
    Case.objects.create(person=ill, source="clinic", jpath=ill.jpath)
    old = clock.now() - timedelta(days=29)
    for person in (district.person_a, district.person_b, district.person_a, ill):
        VenueScan.objects.create(venue=venue, person=person, at=old, colour="green", jpath=venue.jpath)
    VenueScan.objects.create(venue=venue, person=district.person_a, at=clock.now(), colour="green", jpath=venue.jpath)
    assert purge(only=["venue_scans"])["venue_scans"].counts == {"deleted": 3}
    assert sorted(VenueScan.objects.values_list("person__name", flat=True)) == ["李四", "病例"]
    assert counts("venue_scans") == {(clock.localdate(old), district.a.path, "green"): 3}


# ---------------------------------------------------------------- travel reports


def _trip(person, ends_days_ago: int) -> TravelReport:
    back = clock.localdate() - timedelta(days=ends_days_ago)
    return TravelReport.objects.create(
        person=person,
        destination="北京",
        depart_on=back - timedelta(days=3),
        return_on=back,
        reason="探亲",
        transport="高铁",
        jpath=person.jpath,
        approval=TravelReport.Approval.NOT_REQUIRED,
    )


def test_travel_reports_go_30_days_after_the_trip_unless_a_violation_is_open(district):
    gone, recent = _trip(district.person_a, 31), _trip(district.person_a, 29)
    judged = _trip(district.person_b, 40)
    Violation.objects.create(person=district.person_b, at=clock.now() - timedelta(days=41), jpath=district.b1.path)
    assert purge(only=["travel_reports"])["travel_reports"].counts == {"deleted": 1}
    assert set(TravelReport.objects.values_list("pk", flat=True)) == {recent.pk, judged.pk}
    assert counts("travel_reports") == {(gone.depart_on, district.a1.path, "not_required"): 1}
    Violation.objects.update(outcome=Violation.Outcome.WARNED)  # handled: the report may go
    assert purge(only=["travel_reports"])["travel_reports"].counts == {"deleted": 1}


# ---------------------------------------------------------------- samples and results


def test_samples_lose_their_person_coverage_and_timings_stay(district, testing):
    people = testing.people_a
    collect(testing.sampler, testing.round, [scan(p, "OLD-1", testing.site, i) for i, p in enumerate(people[:8])])
    tube = Tube.objects.get(code="OLD-1")
    Recall.objects.create(
        round=testing.round, person=people[0], source_tube=tube, state=Recall.State.NEGATIVE, jpath=people[0].jpath
    )
    ill = people[1]
    Case.objects.create(person=ill, source="testing", reference="OLD-1", jpath=ill.jpath)
    # Another round, as old, with a recall still to be resolved: it waits.
    waiting = Round.objects.create(
        name="第二轮", deadline=clock.now(), created_by=district.hq, starts_at=clock.now() - timedelta(hours=2)
    )
    collect(testing.sampler, waiting, [scan(p, "WAIT-1", testing.site, i) for i, p in enumerate(people[:3])])
    Recall.objects.create(
        round=waiting, person=people[2], source_tube=Tube.objects.get(code="WAIT-1"), jpath=people[2].jpath
    )
    before = coverage(user=district.hq, round_id=testing.round.pk, parent_id=district.a.pk)["rows"]
    timings = stage_timings(user=district.hq, round_id=testing.round.pk)
    Round.objects.update(deadline=clock.now() - timedelta(days=91))

    done = purge(only=["samples"])["samples"]
    assert done.counts == {"anonymised": 7, "recalls_deleted": 1}
    assert not Sample.objects.filter(round=testing.round, person__isnull=False).exclude(person=ill).exists()
    assert Sample.objects.get(round=testing.round, person=ill)  # the open case keeps its sample
    assert Sample.objects.filter(round=waiting, person__isnull=False).count() == 3
    assert not Recall.objects.filter(round=testing.round).exists() and Recall.objects.filter(round=waiting).exists()
    # The round's figures read the same: the samples still count by grid, the tubes still time the stages.
    after = coverage(user=district.hq, round_id=testing.round.pk, parent_id=district.a.pk)["rows"]
    assert [(r["jurisdiction"].pk, r["expected"], r["sampled"]) for r in after] == [
        (r["jurisdiction"].pk, r["expected"], r["sampled"]) for r in before
    ]
    assert stage_timings(user=district.hq, round_id=testing.round.pk)["sites"] == timings["sites"]
    assert counts("recalls") == {(clock.localdate(), people[0].jpath, "negative"): 1}
    # The next night the round is done and costs two index probes; the case's sample goes once it is released.
    assert purge(only=["samples"])["samples"].counts == {"anonymised": 0, "recalls_deleted": 0}
    Case.objects.update(released_at=clock.now())
    assert purge(only=["samples"])["samples"].counts == {"anonymised": 1, "recalls_deleted": 0}


# ---------------------------------------------------------------- closed-loop cases


def test_released_cases_go_with_their_tests_their_counts_stay(district, screening):
    arrivals = [
        arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk).followup
        for _ in range(4)
    ]
    for f in arrivals[:3]:
        followup_contact(actor=district.worker_a, followup_id=f.pk)
        FollowUpTest.objects.create(followup=f, day=1, result="negative", recorded_by=district.worker_a)
    FollowUp.objects.filter(pk__in=[f.pk for f in arrivals[:3]]).update(released_at=clock.now())
    with clock.advanced(timedelta(days=29)):
        assert purge(only=["followups"])["followups"].counts == {"deleted": 0}
    with clock.advanced(timedelta(days=31)):
        assert purge(only=["followups"])["followups"].counts == {"deleted": 3}
    assert list(FollowUp.objects.values_list("pk", flat=True)) == [arrivals[3].pk]  # not released: stays
    assert not FollowUpTest.objects.exists()
    assert counts("followups") == {(clock.localdate(), arrivals[0].jpath, "contacted_in_time"): 3}


# ---------------------------------------------------------------- sentinel reports


def test_sentinel_reports_go_with_handled_alerts_unhandled_ones_stay(district):
    clinic = Unit.objects.create(kind="clinic", name="诊所", code="C1", jurisdiction=district.a, jpath=district.a.path)
    old = clock.now() - timedelta(days=31)

    def report(person, alert: str = ""):
        r = SentinelReport.objects.create(
            unit=clinic, kind="fever", person=person, at=old, reported_by=district.hq, jpath=clinic.jpath
        )
        if alert:
            SentinelAlert.objects.create(
                report=r,
                person=person,
                reason="来自风险地区",
                jpath=person.jpath,
                handled_at=old if alert == "handled" else None,
            )
        return r

    report(district.person_a)
    report(district.person_a, "handled")
    waiting = report(district.person_b, "open")
    assert purge(only=["sentinel_reports"])["sentinel_reports"].counts == {"deleted": 2}
    assert list(SentinelReport.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert SentinelAlert.objects.count() == 1
    assert counts("sentinel_reports") == {(clock.localdate(old), district.a.path, "fever"): 2}


# ---------------------------------------------------------------- reporters' identities


def test_reporters_are_erased_a_year_after_the_report_closed(district):
    closed = tip_submit(
        enterprise_id=None, place="某化工厂", description="储罐泄漏无人处理", name="赵六", phone="13600001111"
    )
    open_ = tip_submit(enterprise_id=None, place="某仓库", description="消防通道堵塞", name="钱七", phone="13600002222")
    tip_reject(actor=district.hq, report_id=closed.pk, note="现场核查无此情况")
    price = price_report_submit(
        shop="某超市", place="园丁社区", goods="大米", description="一袋要价两百元", name="孙八", phone="13600003333"
    )
    price_report_decide(actor=district.hq, report_id=price.pk, confirmed=True, outcome="已立案查处")
    with clock.advanced(timedelta(days=364)):
        assert purge(only=["reporter_identities"])["reporter_identities"].counts == {"erased": 0}
    with clock.advanced(timedelta(days=366)):
        assert purge(only=["reporter_identities"])["reporter_identities"].counts == {"erased": 2}
    erased = PublicReport.objects.get(pk=closed.pk)
    assert erased.name_cipher is None and erased.phone_cipher is None and not erased.anonymous
    assert erased.description == "储罐泄漏无人处理"  # the report stays
    assert tip_reveal(actor=district.hq, report_id=open_.pk, reason="核实情况") == ("钱七", "13600002222")
    for reveal, report_id in ((tip_reveal, closed.pk), (price_reporter_reveal, price.pk)):
        with pytest.raises(FieldError) as exc:
            reveal(actor=district.hq, report_id=report_id, reason="发放奖励")
        assert (exc.value.field, exc.value.code) == ("report", "erased")
    assert PriceReport.objects.get(pk=price.pk).outcome == "已立案查处"


# ---------------------------------------------------------------- uploaded files, non-residents


def test_import_files_are_cleared_after_a_day(district):
    old = ImportJob.objects.create(user=district.hq, filename="a.xlsx", content=b"rows", status="failed")
    ImportJob.objects.filter(pk=old.pk).update(created_at=clock.now() - timedelta(days=2))
    new = ImportJob.objects.create(user=district.hq, filename="b.xlsx", content=b"rows", status="running")
    assert purge(only=["import_files"])["import_files"].counts == {"cleared": 1}
    assert bytes(ImportJob.objects.get(pk=old.pk).content) == b"" and ImportJob.objects.get(pk=old.pk).filename
    assert bytes(ImportJob.objects.get(pk=new.pk).content) == b"rows"


def test_non_residents_go_once_nothing_refers_to_them(district, screening):
    old = clock.now() - timedelta(days=29)
    passing = arrive(
        screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_address="大连市", occurred_at=old
    ).passage.person
    staying = arrive(
        screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_address="大连市"
    ).passage.person
    # Seen at a venue since: a relation without a reverse name nor a database constraint must count all the same.
    scanned = arrive(
        screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_address="大连市", occurred_at=old
    ).passage.person
    venue = Unit.objects.create(kind="venue", name="超市", code="V1", jurisdiction=district.a, jpath=district.a.path)
    VenueScan.objects.create(venue=venue, person=scanned, at=clock.now(), colour="green", jpath=venue.jpath)
    Person.objects.filter(pk__in=[passing.pk, staying.pk, scanned.pk]).update(created_at=old)
    assert not passing.is_resident and not staying.is_resident
    with clock.advanced(timedelta(days=2)):
        done = purge(only=["passages", "visitors"])
    assert done["passages"].counts == {"deleted": 2} and done["visitors"].counts == {"deleted": 1}
    assert not Person.objects.filter(pk=passing.pk).exists()
    assert Person.objects.filter(pk=staying.pk).exists()  # their passage is recent
    assert Person.objects.filter(pk=scanned.pk).exists()  # their venue scan is recent
    assert Person.objects.filter(pk=district.person_a.pk).exists()  # residents are never purged


# ---------------------------------------------------------------- the command


def test_purge_command_reports_each_class_and_its_dry_run_changes_nothing(district, capsys):
    RetentionPeriod.objects.filter(data_class="import_files").update(days=2)
    job = ImportJob.objects.create(user=district.hq, filename="a.xlsx", content=b"rows")
    ImportJob.objects.filter(pk=job.pk).update(created_at=clock.now() - timedelta(days=3))
    call_command("purge", "--dry-run")
    out = capsys.readouterr().out
    assert "import_files: 1 cleared (period 2 days" in out and "dry run" in out
    assert bytes(ImportJob.objects.get(pk=job.pk).content) == b"rows"
    call_command("purge")
    out = capsys.readouterr().out
    assert "import_files: 1 cleared" in out and "samples: 0 anonymised, 0 recalls_deleted" in out
    assert bytes(ImportJob.objects.get(pk=job.pk).content) == b""
    actions = set(AuditEvent.objects.filter(action__endswith=".purge").values_list("action", flat=True))
    assert actions == {f"{key}.purge" for key in RetentionPeriod.objects.values_list("data_class", flat=True)}
    page = district.client(district.hq).get("/dataprotection/retention/").content.decode()
    assert "cleared: 1" in page  # the last run, per class
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(district.hq)
    page = chinese.get("/dataprotection/retention/").content.decode()
    assert "已清除: 1" in page and "召回记录已删除: 0" in page and "recalls_deleted" not in page  # in words


def test_purge_command_refuses_an_unknown_class(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown_choice"):
        call_command("purge", "--only", "everything")


def test_purge_all_and_the_old_command_run_the_same_purge(district, capsys):
    from fangkong.core.models import IdempotencyRecord
    from fangkong.site.retention import purge_all

    old = IdempotencyRecord.objects.create(user=district.hq, scope="passages", key="k1", status_code=201, body={})
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=clock.now() - timedelta(days=3))
    IdempotencyRecord.objects.create(user=district.hq, scope="passages", key="k2", status_code=201, body={})
    done = purge_all()
    assert done["api_replies"] == 1 and set(done) >= {"passages", "samples", "reporter_identities", "visitors"}
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k2"]
    call_command("purge_expired")
    assert "api_replies: 0 deleted" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="api_replies.purge").count() == 2
