"""The objects the authorization checks look for: for each kind, one inside community A (or owned by A's units) and
one inside community B, made through the apps' services (the apps' own fixtures build the personas and units).

Every object of A carries a marker unique to it ("甲区标记" + kind) wherever the kind has a free text the lists
show, so a list, an export or a search can be searched for it; B's carries "乙区标记" + kind.

`build()` runs once per test module (conftest.world); the checks then only send requests.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fangkong.conftest import District, make_id_number, make_person, make_user

MARK_A = "甲区标记"
MARK_B = "乙区标记"


@dataclass
class Pair:
    """One object of a kind in A and one in B; `key` reads the value the URL carries (the id, a code)."""

    a: Any
    b: Any
    marker_a: str = ""
    marker_b: str = ""
    key: str = "pk"

    def ref(self, side: str) -> Any:
        obj = self.a if side == "a" else self.b
        return getattr(obj, self.key)


@dataclass
class World:
    district: District
    users: dict[str, Any]  # persona name → user
    kinds: dict[str, Pair] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # persona → bearer token


_codes = itertools.count(1)


def _unit(kind: str, name: str, j, **kw):
    from fangkong.registry.models import Unit

    return Unit.objects.create(kind=kind, name=name, code=f"AZ{next(_codes)}", jurisdiction=j, jpath=j.path, **kw)


def build() -> World:
    from fangkong import conftest as root
    from fangkong.containment.tests import conftest as cconf
    from fangkong.safety.tests import conftest as sconf
    from fangkong.screening.tests import conftest as scconf
    from fangkong.testing.tests import conftest as tconf

    d: District = root.district.__wrapped__(None)  # type: ignore[attr-defined]
    scr = scconf.screening.__wrapped__(d)  # type: ignore[attr-defined]
    # The screening and safety fixtures each name a unit "E1" (never together elsewhere).
    type(scr.employer).objects.filter(pk=scr.employer.pk).update(code="AZ-EMPLOYER")
    tst = tconf.testing.__wrapped__(d)  # type: ignore[attr-defined]
    con = cconf.containment.__wrapped__(d)  # type: ignore[attr-defined]
    saf = sconf.safety.__wrapped__(d)  # type: ignore[attr-defined]

    street2 = make_user("street2", "street_officer", jurisdiction=d.s2)
    users: dict[str, Any] = {
        "hq": d.hq,
        "hq2": con.hq2,
        "street1": d.street1,
        "street2": street2,
        "worker_a": d.worker_a,
        "worker_b": d.worker_b,
        "unit_staff": d.unit_staff,
        "staff1": scr.staff1,  # checkpoint cp1
        "staff2": scr.staff2,  # checkpoint cp2
        "sampler": tst.sampler,  # the team running A's site
        "other_sampler": tst.other_sampler,  # B's site
        "lab": tst.lab,
        "regulator": saf["regulator"],
        "officer": saf["officer"],  # the enterprise in A
        "other_officer": saf["other_officer"],  # the enterprise in B
        "inspector": scr.inspector,
        "hr": scr.hr,
        "leader": scr.leader,
        "scanner": con.scanner,
    }
    w = World(district=d, users=users)
    w.extra.update(screening=scr, testing=tst, containment=con, safety=saf)
    for build_kind in (
        _people,
        _jurisdictions,
        _staff,
        _screening,
        _testing,
        _containment,
        _command,
        _safety,
        _livelihood,
        _portal,
        _tokens,
    ):
        build_kind(w)
    return w


def _people(w: World) -> None:
    d = w.district
    a = make_person(d.a, d.a1, name=f"{MARK_A}人", phone="13911110001")
    b = make_person(d.b, d.b1, name=f"{MARK_B}人", phone="13911110002")
    w.kinds["person"] = Pair(a, b, f"{MARK_A}人", f"{MARK_B}人")
    from fangkong.registry.importing import import_job_start

    w.kinds["import_job"] = Pair(
        import_job_start(actor=d.worker_a, filename=f"{MARK_A}.csv", content=_roster_csv(d.a)),
        import_job_start(actor=d.worker_b, filename=f"{MARK_B}.csv", content=_roster_csv(d.b)),
        f"{MARK_A}.csv",
        f"{MARK_B}.csv",
    )


def _roster_csv(community) -> bytes:
    return f"姓名,证件号码,手机号码,社区\n测试,{make_id_number()},13800000000,{community.name}\n".encode()


def png_upload(name: str = "photo.png"):
    """A real (small) PNG, as a phone sends it."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (300, 120), "white")
    ImageDraw.Draw(img).line([(20, 80), (120, 30), (200, 90), (280, 40)], fill="black", width=4)
    out = BytesIO()
    img.save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _jurisdictions(w: World) -> None:
    d = w.district
    w.kinds["jurisdiction"] = Pair(d.a, d.b, d.a.name, d.b.name)


def _staff(w: World) -> None:
    from fangkong.registry.staff import role_grant, staff_create

    d = w.district
    made = {}
    for side, grid in (("a", d.a1), ("b", d.b1)):
        mark = MARK_A if side == "a" else MARK_B
        account = staff_create(actor=d.hq, username=f"acct_{side}", full_name=f"{mark}员工", jurisdiction_id=grid.pk)
        grant = role_grant(actor=d.hq, staff_id=account.user.pk, role="grid_worker", jurisdiction_id=grid.pk)
        made[side] = (account.user, grant)
    w.kinds["staff"] = Pair(made["a"][0], made["b"][0], f"{MARK_A}员工", f"{MARK_B}员工")
    # A unit in each community, as its administrators list them.
    ua, ub = _unit("school", f"{MARK_A}学校", d.a), _unit("school", f"{MARK_B}学校", d.b)
    w.kinds["unit_admin"] = Pair(ua, ub, f"{MARK_A}学校", f"{MARK_B}学校")
    w.kinds["staff_grant"] = Pair(made["a"][1], made["b"][1])


def _screening(w: World) -> None:
    from fangkong.screening.checkpoints import pass_request_record
    from fangkong.screening.models import Checkpoint
    from fangkong.screening.passages import PassageInput, passage_register
    from fangkong.screening.travel import travel_report_file

    d, scr = w.district, w.extra["screening"]
    police = scr.cp1.responsible_unit
    unit_b = _unit("checkpoint", f"{MARK_B}道口", d.s2)
    cp_b = Checkpoint.objects.create(
        unit=unit_b, name=f"{MARK_B}道口", responsible_unit=police, jurisdiction=d.s2, jpath=d.s2.path
    )
    staff_b = make_user("staff_b", "checkpoint_staff", unit=unit_b)
    w.users["staff_b"] = staff_b
    w.kinds["checkpoint"] = Pair(scr.cp1, cp_b, scr.cp1.name, f"{MARK_B}道口")

    def arrive(actor, cp, community, plate, name):
        data = PassageInput(
            direction="in",
            document_number=make_id_number(),
            name=name,
            origin="上海市浦东新区",
            destination_community=community.pk,
            plate=plate,
        )
        return passage_register(actor=actor, checkpoint_id=cp.pk, data=data)

    ra = arrive(scr.staff1, scr.cp1, d.a, "辽L甲1111", f"{MARK_A}客")
    rb = arrive(staff_b, cp_b, d.b, "辽L乙2222", f"{MARK_B}客")
    w.kinds["passage"] = Pair(ra.passage, rb.passage, f"{MARK_A}客", f"{MARK_B}客")
    w.kinds["followup"] = Pair(ra.followup, rb.followup, f"{MARK_A}客", f"{MARK_B}客")

    def leave(actor, cp, person):
        from fangkong.core import pii

        data = PassageInput(direction="out", document_number=pii.decrypt(person.doc_cipher), name=person.name)
        return passage_register(actor=actor, checkpoint_id=cp.pk, data=data).violation

    pa, pb = w.kinds["person"].a, w.kinds["person"].b
    w.kinds["violation"] = Pair(leave(scr.staff1, scr.cp1, pa), leave(staff_b, cp_b, pb), pa.name, pb.name)

    def trip(actor, person, where):
        return travel_report_file(
            actor=actor,
            person=person,
            destination=where,
            depart_on=date.today() + timedelta(days=2),
            return_on=date.today() + timedelta(days=4),
            reason="探亲",
            transport="自驾",
        )

    w.kinds["travel_report"] = Pair(
        trip(d.worker_a, pa, f"{MARK_A}旅"), trip(w.users["worker_b"], pb, f"{MARK_B}旅"), f"{MARK_A}旅", f"{MARK_B}旅"
    )

    def pass_request(actor, cp, who):
        return pass_request_record(
            actor=actor,
            checkpoint_id=cp.pk,
            requester_name=who,
            requester_unit_name="某局",
            plate="",
            outcome="refused",
        )

    w.kinds["pass_request"] = Pair(
        pass_request(scr.staff1, scr.cp1, f"{MARK_A}求"),
        pass_request(staff_b, cp_b, f"{MARK_B}求"),
        f"{MARK_A}求",
        f"{MARK_B}求",
    )


def _testing(w: World) -> None:
    from fangkong.testing.custody import bag_seal
    from fangkong.testing.tests.conftest import collect, scan

    d, tst = w.district, w.extra["testing"]
    w.kinds["round"] = Pair(tst.round, tst.round, tst.round.name, tst.round.name)  # district-wide: one round
    w.kinds["site"] = Pair(tst.site, tst.other_site, tst.site.name, tst.other_site.name)
    pb = make_person(d.b, d.b1, name="乙区受检")
    from fangkong.testing.collection import tube_close
    from fangkong.testing.models import Tube

    pa = tst.people_a
    # Two people in each pool: a positive pool then recalls them (a single tube would confirm a case instead).
    collect(tst.sampler, tst.round, [scan(pa[0], "TA0001", tst.site, 0), scan(pa[2], "TA0001", tst.site, 1)])
    collect(tst.sampler, tst.round, [scan(pa[1], "TA0002", tst.site, 0)])
    pb2 = make_person(d.b, d.b1, name="乙区受检二")
    collect(
        tst.other_sampler, tst.round, [scan(pb, "TB0001", tst.other_site, 0), scan(pb2, "TB0001", tst.other_site, 1)]
    )
    collect(tst.other_sampler, tst.round, [scan(make_person(d.b, d.b1), "TB0002", tst.other_site, 0)])
    # An open tube of each site (the close route), and a closed one sealed into a bag (the custody routes).
    w.kinds["tube"] = Pair(Tube.objects.get(code="TA0002"), Tube.objects.get(code="TB0002"), key="code")
    tube_close(actor=tst.sampler, code="TA0001")
    tube_close(actor=tst.other_sampler, code="TB0001")
    bag_a = bag_seal(actor=tst.sampler, seal_code="BAGA01", tube_codes=["TA0001"])
    bag_b = bag_seal(actor=tst.other_sampler, seal_code="BAGB01", tube_codes=["TB0001"])
    w.kinds["bag"] = Pair(bag_a, bag_b, "BAGA01", "BAGB01", key="seal_code")
    # Both bags received and their pools positive: each pool's people are recalled for a retest.
    from fangkong.testing.custody import bag_receive
    from fangkong.testing.results import ResultRow, results_ingest

    for seal in ("BAGA01", "BAGB01"):
        bag_receive(actor=tst.lab, seal_code=seal)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):  # recalls are ordered after the results commit
        rows = [ResultRow(0, "TA0001", "positive", "30"), ResultRow(1, "TB0001", "positive", "30")]
        results_ingest(actor=tst.lab, rows=rows)
    from fangkong.testing.models import Recall

    w.kinds["recall"] = Pair(Recall.objects.get(person=pa[0]), Recall.objects.get(person=pb), pa[0].name, pb.name)


def _containment(w: World) -> None:
    from fangkong.containment.cases import case_confirm
    from fangkong.containment.changes import appeal_file, status_change_approve, status_change_request
    from fangkong.containment.models import IsolationSite
    from fangkong.containment.sentinels import Who, inpatient_admit, sentinel_report
    from fangkong.containment.transfers import transfer_dispatch
    from fangkong.containment.zones import zone_approve, zone_request
    from fangkong.core import clock, pii
    from fangkong.core.actors import Resident

    d, con = w.district, w.extra["containment"]
    hq, hq2 = d.hq, con.hq2
    pa, pb = w.kinds["person"].a, w.kinds["person"].b

    def zone(j, name):
        z = zone_request(actor=hq, name=name, level="sealed", basis="确诊病例所在网格", jurisdictions=[j.pk])
        return zone_approve(actor=hq2, zone_id=z.pk)

    w.kinds["zone"] = Pair(zone(d.a1, f"{MARK_A}区"), zone(d.b1, f"{MARK_B}区"), f"{MARK_A}区", f"{MARK_B}区")
    from fangkong.core.models import HallAlert

    # The hall's alerts those zones raised (proposed, then in force), one in each community.
    w.kinds["hall_alert"] = Pair(
        HallAlert.objects.filter(jpath=d.a1.path).earliest("id"),
        HallAlert.objects.filter(jpath=d.b1.path).earliest("id"),
        f"{MARK_A}区",
        f"{MARK_B}区",
    )

    def change(person, basis):
        c = status_change_request(
            actor=hq, person_id=person.pk, colour="yellow", basis=basis,
            expires_at=clock.now() + timedelta(days=3),
        )  # fmt: skip
        return status_change_approve(actor=hq2, change_id=c.pk)

    ca, cb = change(pa, f"{MARK_A}依据：传染病防治法"), change(pb, f"{MARK_B}依据：传染病防治法")
    w.kinds["status_change"] = Pair(ca, cb, f"{MARK_A}依据", f"{MARK_B}依据")
    w.kinds["appeal"] = Pair(
        appeal_file(actor=Resident(pa.pk), change_id=ca.pk, text=f"{MARK_A}诉"),
        appeal_file(actor=Resident(pb.pk), change_id=cb.pk, text=f"{MARK_B}诉"),
        f"{MARK_A}诉",
        f"{MARK_B}诉",
    )
    case_people = (make_person(d.a, d.a1, name="甲区病例"), make_person(d.b, d.b1, name="乙区病例"))
    cases = [case_confirm(actor=hq, person_id=p.pk, source="testing") for p in case_people]
    w.kinds["case"] = Pair(cases[0], cases[1])
    from fangkong.containment.epi.clusters import cluster_create

    w.kinds["cluster"] = Pair(
        cluster_create(actor=hq, name=f"{MARK_A}聚集", case_ids=[cases[0].pk]),
        cluster_create(actor=hq, name=f"{MARK_B}聚集", case_ids=[cases[1].pk]),
        f"{MARK_A}聚集",
        f"{MARK_B}聚集",
    )
    iso_unit = _unit("clinic", "隔离酒店", d.d)
    site = IsolationSite.objects.create(name="隔离点", kind="isolation", capacity=10, unit=iso_unit, jpath=d.d.path)
    transfers = [
        transfer_dispatch(
            actor=hq, person_id=p.pk, destination_id=site.pk, pickup_address=addr, vehicle="辽L00000", crew="组"
        )
        for p, addr in zip(case_people, (f"{MARK_A}址", f"{MARK_B}址"), strict=True)
    ]
    w.kinds["transfer"] = Pair(transfers[0], transfers[1], f"{MARK_A}址", f"{MARK_B}址")
    venue_a = _unit("venue", f"{MARK_A}场所", d.a)
    venue_b = _unit("venue", f"{MARK_B}场所", d.b)
    w.kinds["venue"] = Pair(venue_a, venue_b, f"{MARK_A}场所", f"{MARK_B}场所")
    w.users.update(  # the venues' door staff (the door page on a phone)
        door_a=make_user("door_a", "venue_staff", unit=venue_a), door_b=make_user("door_b", "venue_staff", unit=venue_b)
    )
    clinic_a, clinic_b = _unit("clinic", "甲区诊所", d.a), _unit("clinic", "乙区诊所", d.b)
    doc_a = make_user("doctor_a", "clinic_staff", unit=clinic_a)
    doc_b = make_user("doctor_b", "clinic_staff", unit=clinic_b)
    w.users.update(doctor_a=doc_a, doctor_b=doc_b)

    def who(p):
        return Who(document_type="", document_number=pii.decrypt(p.doc_cipher), name=p.name, phone="13800000000")

    for doc, p in ((doc_a, case_people[0]), (doc_b, case_people[1])):
        sentinel_report(actor=doc, kind="fever", who=who(p), temperature="38.5")
    from fangkong.containment.models import SentinelAlert

    w.kinds["sentinel_alert"] = Pair(
        SentinelAlert.objects.get(person=case_people[0]),
        SentinelAlert.objects.get(person=case_people[1]),
        case_people[0].name,
        case_people[1].name,
    )
    w.kinds["inpatient"] = Pair(
        inpatient_admit(actor=doc_a, who=who(case_people[0]), ward=f"{MARK_A}病区"),
        inpatient_admit(actor=doc_b, who=who(case_people[1]), ward=f"{MARK_B}病区"),
        f"{MARK_A}病区",
        f"{MARK_B}病区",
    )


def _command(w: World) -> None:
    from fangkong.command.directives import directive_issue, task_report
    from fangkong.command.duty import duty_assign, duty_log, roster_generate
    from fangkong.command.models import Task
    from fangkong.command.reporting import template_assign, template_create
    from fangkong.command.supervision import finding_record, outcome_propose
    from fangkong.core import clock
    from fangkong.incidents.services import incident_report_initial

    d = w.district
    street2 = w.users["street2"]
    deadline = clock.now() + timedelta(days=2)
    da = directive_issue(actor=d.street1, title=f"{MARK_A}令", deadline=deadline, recipients=[d.a.pk])
    db = directive_issue(actor=street2, title=f"{MARK_B}令", deadline=deadline, recipients=[d.b.pk])
    w.kinds["directive"] = Pair(da, db, f"{MARK_A}令", f"{MARK_B}令")
    ta, tb = Task.objects.get(directive=da), Task.objects.get(directive=db)
    w.kinds["task"] = Pair(ta, tb, f"{MARK_A}令", f"{MARK_B}令")
    ua = task_report(actor=d.worker_a, task_id=ta.pk, text=f"{MARK_A}进展", attachment=png_upload())
    ub = task_report(actor=d.worker_b, task_id=tb.pk, text=f"{MARK_B}进展")
    w.kinds["task_update"] = Pair(ua, ub, f"{MARK_A}进展", f"{MARK_B}进展")
    today = clock.localdate()
    sa = roster_generate(actor=d.street1, jurisdiction_id=d.a.pk, first=today, days=1, label=f"{MARK_A}班")[0]
    sb = roster_generate(actor=street2, jurisdiction_id=d.b.pk, first=today, days=1, label=f"{MARK_B}班")[0]
    w.kinds["duty_shift"] = Pair(sa, sb, "worker_a", "worker_b")  # the board shows who is on duty
    duty_assign(actor=d.street1, shift_id=sa.pk, user_id=d.worker_a.pk, role="leader")  # type: ignore[attr-defined]
    duty_assign(actor=street2, shift_id=sb.pk, user_id=d.worker_b.pk, role="leader")  # type: ignore[attr-defined]
    w.kinds["duty_entry"] = Pair(
        duty_log(actor=d.worker_a, shift_id=sa.pk, text=f"{MARK_A}值班记录"),
        duty_log(actor=d.worker_b, shift_id=sb.pk, text=f"{MARK_B}值班记录"),
        f"{MARK_A}值班记录",
        f"{MARK_B}值班记录",
    )
    fields = [{"key": "n", "label": "人数", "type": "number"}]
    tpl = template_create(actor=d.hq, name="日报", fields=fields)
    aa, ab = template_assign(actor=d.hq, template_id=tpl.pk, recipients=[d.a.pk, d.b.pk])
    w.kinds["report_assignment"] = Pair(aa, ab)
    w.extra["template"] = tpl
    w.kinds["report_template"] = Pair(
        template_create(actor=d.street1, name=f"{MARK_A}报", fields=fields),
        template_create(actor=street2, name=f"{MARK_B}报", fields=fields),
        f"{MARK_A}报",
        f"{MARK_B}报",
    )
    fa = finding_record(actor=d.hq, target_kind="jurisdiction", target_id=d.a.pk, text=f"{MARK_A}发现")
    fb = finding_record(actor=d.hq, target_kind="jurisdiction", target_id=d.b.pk, text=f"{MARK_B}发现")
    w.kinds["finding"] = Pair(fa, fb, f"{MARK_A}发现", f"{MARK_B}发现")
    w.kinds["outcome"] = Pair(
        outcome_propose(actor=d.hq, finding_id=fa.pk, kind="criticism"),
        outcome_propose(actor=d.hq, finding_id=fb.pk, kind="criticism"),
    )
    known = clock.now() - timedelta(minutes=5)

    def incident(actor, j, title):
        return incident_report_initial(
            actor=actor, title=title, level="IV", occurred_at=known, known_at=known, jurisdiction_id=j.pk, text="已处置"
        )

    w.kinds["incident"] = Pair(
        incident(d.street1, d.a, f"{MARK_A}事件"),
        incident(street2, d.b, f"{MARK_B}事件"),
        f"{MARK_A}事件",
        f"{MARK_B}事件",
    )


def _safety(w: World) -> None:
    from fangkong.core import clock
    from fangkong.safety.accidents import accident_report
    from fangkong.safety.checklists import ensure_checklist
    from fangkong.safety.hazards import hazard_create
    from fangkong.safety.inspections import inspection_start
    from fangkong.safety.tips import tip_submit

    d, saf = w.district, w.extra["safety"]
    plant, other = saf["plant"], saf["other"]
    w.kinds["enterprise"] = Pair(plant, other, plant.name, other.name)
    deadline = clock.now() + timedelta(days=10)

    def hazard(e, text):
        return hazard_create(actor=d.hq, enterprise_id=e.pk, grade="general", description=text, deadline=deadline)

    w.kinds["hazard"] = Pair(
        hazard(plant, f"{MARK_A}隐患描述"), hazard(other, f"{MARK_B}隐患描述"), f"{MARK_A}隐患描述", f"{MARK_B}隐患描述"
    )
    from fangkong.safety.models import Hazard

    # A's hazard is past its deadline (as the clock would make it): the overdue lists show it.
    Hazard.objects.filter(pk=w.kinds["hazard"].a.pk).update(deadline=clock.now() - timedelta(days=1))
    checklist = ensure_checklist("fire-safety")  # an enterprise checklist: the 15 measures are for supervision
    w.extra["checklist"] = checklist
    w.kinds["inspection"] = Pair(
        inspection_start(actor=d.hq, enterprise_id=plant.pk, checklist_id=checklist.pk),
        inspection_start(actor=d.hq, enterprise_id=other.pk, checklist_id=checklist.pk),
    )
    from fangkong.safety.inspections import inspection_record, inspection_sign

    signed = w.kinds["inspection"].a
    for item in checklist.items.all():
        inspection_record(actor=d.hq, inspection_id=signed.pk, item_id=item.pk, passed=True)
    inspection_sign(actor=d.hq, inspection_id=signed.pk, signature=png_upload().read())
    occurred = clock.now() - timedelta(hours=1)
    w.kinds["accident"] = Pair(
        accident_report(actor=d.hq, enterprise_id=plant.pk, kind="fire", occurred_at=occurred, text=f"{MARK_A}事故"),
        accident_report(actor=d.hq, enterprise_id=other.pk, kind="fire", occurred_at=occurred, text=f"{MARK_B}事故"),
        plant.name,
        other.name,
    )
    w.kinds["public_report"] = Pair(
        tip_submit(enterprise_id=plant.pk, place="", description=f"{MARK_A}举报内容"),
        tip_submit(enterprise_id=other.pk, place="", description=f"{MARK_B}举报内容"),
        f"{MARK_A}举报内容",
        f"{MARK_B}举报内容",
    )


def _livelihood(w: World) -> None:
    from fangkong.livelihood.services import price_report_submit, supply_request_file, volunteer_sign_up

    pa, pb = w.kinds["person"].a, w.kinds["person"].b

    def supply(p, items):
        return supply_request_file(person_ids=[p.pk], person_id=p.pk, kind="medicine", items=items)

    w.kinds["supply_request"] = Pair(
        supply(pa, f"{MARK_A}物资"), supply(pb, f"{MARK_B}物资"), f"{MARK_A}物资", f"{MARK_B}物资"
    )

    def volunteer(p, when):
        return volunteer_sign_up(person_ids=[p.pk], person_id=p.pk, skills=["testing"], availability=when)

    d = w.district
    va, vb = make_person(d.a, d.a2, name="甲区志愿者"), make_person(d.b, None, name="乙区志愿者")  # outside the zones
    w.kinds["volunteer"] = Pair(
        volunteer(va, f"{MARK_A}周末"), volunteer(vb, f"{MARK_B}周末"), f"{MARK_A}周末", f"{MARK_B}周末"
    )
    w.kinds["price_report"] = Pair(
        price_report_submit(shop=f"{MARK_A}超市", place="兴隆大街", goods="鸡蛋", description="一斤二十元"),
        price_report_submit(shop=f"{MARK_B}超市", place="振兴大街", goods="鸡蛋", description="一斤二十元"),
        f"{MARK_A}超市",
        f"{MARK_B}超市",
    )
    from fangkong.core import clock
    from fangkong.livelihood.models import Shift, StockPoint

    def shift(v, marker):
        now = clock.now()
        return Shift.objects.create(
            volunteer=v, task="patrol", place=f"{marker}巡查", jpath=v.jpath, starts_at=now,
            ends_at=now + timedelta(hours=2), assigned_by=w.users["hq"],
        )  # fmt: skip

    from fangkong.livelihood.models import Gathering

    def gathering(j, marker):
        return Gathering.objects.create(
            name=f"{marker}婚宴", kind="wedding", jurisdiction=j, jpath=j.path,
            starts_at=clock.now() + timedelta(days=2), expected_size=30, state="approved", reason_code="within",
            limit_used=50, registered_by=w.users["hq"],
        )  # fmt: skip

    from fangkong.livelihood.models import SchoolHoliday
    from fangkong.registry.models import Unit

    def holiday(j, marker, code):
        school = Unit.objects.create(kind="school", name=f"{marker}小学", code=code, jurisdiction=j, jpath=j.path)
        today = clock.localdate()
        return SchoolHoliday.objects.create(
            school=school, grade=f"{marker}一年级", students=100, leaves_on=today + timedelta(days=20),
            returns_on=today + timedelta(days=50), jpath=j.path, created_by=w.users["hq"],
        )  # fmt: skip

    w.kinds["school_holiday"] = Pair(
        holiday(d.a, MARK_A, "AZS1"), holiday(d.b, MARK_B, "AZS2"), f"{MARK_A}一年级", f"{MARK_B}一年级"
    )
    from fangkong.livelihood.models import KeyPlace

    def key_place(j, marker, code):
        venue = Unit.objects.create(kind="venue", name=f"{marker}农贸市场", code=code, jurisdiction=j, jpath=j.path)
        return KeyPlace.objects.create(venue=venue, kind="market", jpath=j.path)

    w.kinds["key_place"] = Pair(
        key_place(d.a, MARK_A, "AZV1"), key_place(d.b, MARK_B, "AZV2"), f"{MARK_A}农贸市场", f"{MARK_B}农贸市场"
    )
    w.kinds["gathering"] = Pair(gathering(d.a, MARK_A), gathering(d.b, MARK_B), f"{MARK_A}婚宴", f"{MARK_B}婚宴")
    pv = w.kinds["volunteer"]
    w.kinds["shift"] = Pair(shift(pv.a, MARK_A), shift(pv.b, MARK_B), f"{MARK_A}巡查", f"{MARK_B}巡查")

    def point(j, marker):
        return StockPoint.objects.create(name=f"{marker}物资站", kind="station", jurisdiction=j, jpath=j.path)

    w.kinds["stock_point"] = Pair(point(d.a, MARK_A), point(d.b, MARK_B), f"{MARK_A}物资站", f"{MARK_B}物资站")
    from fangkong.livelihood.models import Delivery

    def delivery(p, marker):
        return Delivery.objects.create(point=p, jpath=p.jpath, courier=f"{marker}配送员", created_by=w.users["hq"])

    sp = w.kinds["stock_point"]
    w.kinds["delivery"] = Pair(delivery(sp.a, MARK_A), delivery(sp.b, MARK_B), f"{MARK_A}配送员", f"{MARK_B}配送员")


def _portal(w: World) -> None:
    from fangkong.portal.articles import article_approve, article_create, article_submit
    from fangkong.registry.models import Unit

    d = w.district
    dept = Unit.objects.create(kind="department", name="宣传部", code="AZXCB", jurisdiction=d.d, jpath=d.d.path)
    editor = make_user("editor", "portal_editor", unit=dept)
    reviewer = make_user("reviewer", "portal_reviewer", unit=dept)
    w.users.update(editor=editor, reviewer=reviewer)
    # A draft nobody approved: the public must not find it; editors (district-wide) do.
    draft = article_create(actor=editor, title=f"{MARK_A}草稿", body_html="<p>草稿正文内容</p>", category="兴隆要闻")
    w.kinds["article"] = Pair(draft, draft, f"{MARK_A}草稿", f"{MARK_A}草稿")
    shown = article_create(actor=editor, title=f"{MARK_A}公开", body_html="<p>公开正文内容</p>", category="兴隆要闻")
    article_submit(actor=editor, article_id=shown.pk)
    shown = article_approve(actor=reviewer, article_id=shown.pk)
    w.kinds["article_published"] = Pair(shown, shown, f"{MARK_A}公开", f"{MARK_A}公开")


def _tokens(w: World) -> None:
    import hashlib
    import secrets

    from fangkong.core import clock
    from fangkong.core.models import ApiToken

    for name, user in w.users.items():
        token = secrets.token_urlsafe(24)
        digest = hashlib.sha256(token.encode()).hexdigest()
        ApiToken.objects.create(user=user, digest=digest, expires_at=clock.now() + timedelta(hours=12))
        w.tokens[name] = token
