"""Query budgets of the pages that list records (the `listing` lines of tests_authz/coverage.py, and the
district-wide lists): each page is read with ROWS more records of its kind than the authorization world holds, so
a query per row (an N+1) breaks its budget. A budget is what the page took when it was set, plus a little; the
comment says what it was. A page found with a query per row is an xfail (strict) until it is fixed.

The world (tests_authz/world.py: the personas, one object of each kind in A and B) is built once for the module
and grown here, inside a transaction rolled back at the module's end; each page is read with a cold memo and cache.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import Client, override_settings

from fangkong.conftest import make_id_number, make_jurisdiction, make_person
from fangkong.tests_authz.world import World, build

ROWS = 21  # records of each kind added to the world: more than 20, so a query per row cannot hide
MARK = "预算"  # in the text each added record shows, numbered: 预算人00 … 预算人20
_seq = itertools.count(1)


def marked(kind: str, i: int) -> str:
    return f"{MARK}{kind}{i:02d}"


# ---------------------------------------------------------------- growing the world


def _grow_registry(w: World) -> None:
    d = w.district
    for i in range(ROWS):
        make_jurisdiction(f"{i + 10:02d}", marked("网格", i), "grid", d.a)
        make_person(d.a, d.a2, name=marked("人", i))


def _grow_screening(w: World) -> None:
    from fangkong.core import clock, pii
    from fangkong.registry.models import Unit
    from fangkong.screening.checkpoints import pass_request_record, shift_create
    from fangkong.screening.models import Checkpoint, RiskArea
    from fangkong.screening.passages import PassageInput, passage_register
    from fangkong.screening.travel import travel_report_file

    d, scr = w.district, w.extra["screening"]
    staff1 = w.users["staff1"]
    now = clock.now()
    for i in range(ROWS):
        unit = Unit.objects.create(
            kind="checkpoint", name=marked("道口", i), code=f"BQ{i}", jurisdiction=d.s1, jpath=d.s1.path
        )
        Checkpoint.objects.create(
            unit=unit, name=marked("道口", i), responsible_unit=scr.cp1.responsible_unit, jurisdiction=d.s1,
            jpath=d.s1.path,
        )  # fmt: skip
        RiskArea.objects.create(name=marked("风险区", i), level="medium", valid_from=now - timedelta(days=1))
        # An arrival from a high-risk area: a passage and a closed-loop follow-up in A.
        data = PassageInput(
            direction="in", document_number=make_id_number(), name=marked("客", i), origin="上海市浦东新区",
            destination_community=d.a.pk, plate=f"辽L{i:05d}",
        )  # fmt: skip
        passage_register(actor=staff1, checkpoint_id=scr.cp1.pk, data=data)
        # Leaving without a registered arrival: a violation of a resident of A.
        leaver = make_person(d.a, d.a2, name=marked("离", i))
        out = PassageInput(direction="out", document_number=pii.decrypt(leaver.doc_cipher), name=leaver.name)
        passage_register(actor=staff1, checkpoint_id=scr.cp1.pk, data=out)
        travel_report_file(
            actor=d.worker_a, person=make_person(d.a, d.a2, name=marked("旅", i)), destination=marked("目的地", i),
            depart_on=clock.localdate() + timedelta(days=2), return_on=clock.localdate() + timedelta(days=4),
            reason="探亲", transport="自驾",
        )  # fmt: skip
        pass_request_record(
            actor=staff1, checkpoint_id=scr.cp1.pk, requester_name=marked("求", i), requester_unit_name="某局",
            plate="", outcome="refused",
        )  # fmt: skip
        start = now + timedelta(hours=8 * i + 1)
        shift_create(
            actor=d.street1, checkpoint_id=scr.cp1.pk, starts_at=start, ends_at=start + timedelta(hours=8),
            leader="staff1", staff=["staff1"],
        )  # fmt: skip


def _grow_testing(w: World) -> None:
    from django.test import TestCase

    from fangkong.testing.collection import tube_close
    from fangkong.testing.custody import bag_receive, bag_seal
    from fangkong.testing.results import ResultRow, results_ingest
    from fangkong.testing.rounds import round_create
    from fangkong.testing.tests.conftest import collect, scan

    d, tst = w.district, w.extra["testing"]
    for i in range(ROWS):
        round_create(actor=d.hq, name=marked("轮", i))
        pair = [make_person(d.a, d.a2, name=marked("检", 2 * i + k)) for k in range(2)]
        code = f"BT{i:04d}"
        collect(tst.sampler, tst.round, [scan(p, code, tst.site, k) for k, p in enumerate(pair)])
        tube_close(actor=tst.sampler, code=code)
        bag_seal(actor=tst.sampler, seal_code=f"BB{i:04d}", tube_codes=[code])
        bag_receive(actor=tst.lab, seal_code=f"BB{i:04d}")
    with TestCase.captureOnCommitCallbacks(execute=True):  # recalls are ordered after the results commit
        results_ingest(actor=tst.lab, rows=[ResultRow(i, f"BT{i:04d}", "positive", "30") for i in range(ROWS)])


def _grow_containment(w: World) -> None:
    from fangkong.containment.cases import case_confirm
    from fangkong.containment.changes import status_change_approve, status_change_request
    from fangkong.containment.models import IsolationSite
    from fangkong.containment.sentinels import Who, inpatient_admit, sentinel_report
    from fangkong.containment.transfers import transfer_dispatch
    from fangkong.containment.zones import zone_approve, zone_request
    from fangkong.core import clock, pii
    from fangkong.registry.models import Place

    d, hq, hq2 = w.district, w.district.hq, w.users["hq2"]
    doctor = w.users["doctor_a"]
    site = IsolationSite.objects.get(name="隔离点")
    IsolationSite.objects.filter(pk=site.pk).update(capacity=10 + ROWS)
    for i in range(ROWS):
        compound = Place.objects.create(kind="compound", name=marked("小区", i), jurisdiction=d.a, jpath=d.a.path)
        zone = zone_request(
            actor=hq, name=marked("区", i), level="sealed", basis="确诊病例居住小区", places=[compound.pk]
        )
        zone_approve(actor=hq2, zone_id=zone.pk)
        person = make_person(d.a, d.a2, name=marked("变", i))
        change = status_change_request(
            actor=hq, person_id=person.pk, colour="yellow", basis=marked("依据", i) + "：传染病防治法第三十九条",
            expires_at=clock.now() + timedelta(days=3),
        )  # fmt: skip
        status_change_approve(actor=hq2, change_id=change.pk)
        # A confirmed case: sent to isolation, then seen at A's clinic (an alert: recently positive) and admitted.
        case = make_person(d.a, d.a2, name=marked("例", i))
        case_confirm(actor=hq, person_id=case.pk, source="testing")
        transfer_dispatch(
            actor=hq, person_id=case.pk, destination_id=site.pk, pickup_address=marked("址", i), vehicle="辽L00000",
            crew="组",
        )  # fmt: skip
        who = Who(document_number=pii.decrypt(case.doc_cipher), name=case.name, phone="13800000000")
        sentinel_report(actor=doctor, kind="fever", who=who, temperature="38.5")
        inpatient_admit(actor=doctor, who=who, ward=marked("病区", i))


def _grow_command(w: World) -> None:
    from fangkong.command.directives import directive_issue
    from fangkong.command.duty import duty_assign, roster_generate
    from fangkong.command.models import SituationReport
    from fangkong.command.supervision import finding_record
    from fangkong.core import clock
    from fangkong.incidents.services import incident_report_initial

    d = w.district
    deadline = clock.now() + timedelta(days=2)
    known = clock.now() - timedelta(minutes=5)
    shifts = roster_generate(
        actor=d.street1, jurisdiction_id=d.a.pk, first=clock.localdate() + timedelta(days=1), days=ROWS, label="预算班"
    )
    for i in range(ROWS):
        directive_issue(actor=d.street1, title=marked("令", i), deadline=deadline, recipients=[d.a.pk])
        finding_record(actor=d.hq, target_kind="jurisdiction", target_id=d.a.pk, text=marked("发现", i))
        incident_report_initial(
            actor=d.street1, title=marked("事件", i), level="IV", occurred_at=known, known_at=known,
            jurisdiction_id=d.a.pk, text="已处置",
        )  # fmt: skip
        duty_assign(actor=d.street1, shift_id=shifts[i].pk, user_id=w.users["worker_a"].pk, role="officer")
        SituationReport.objects.create(day=date(2025, 1, 1) + timedelta(days=i), compiled_by=w.users["hq"])


def _grow_safety(w: World) -> None:
    from fangkong.core import clock
    from fangkong.registry.models import Unit
    from fangkong.safety.accidents import accident_report
    from fangkong.safety.escalation import escalate_hazards
    from fangkong.safety.hazards import hazard_create
    from fangkong.safety.models import EnterpriseProfile, Hazard
    from fangkong.safety.tips import tip_submit

    d, plant = w.district, w.extra["safety"]["plant"]
    deadline = clock.now() + timedelta(days=10)
    for i in range(ROWS):
        firm = Unit.objects.create(
            kind="enterprise", name=marked("企业", i), code=f"BE{i}", jurisdiction=d.a, jpath=d.a.path
        )
        EnterpriseProfile.objects.create(unit=firm, industry="食品")
        grade = "major" if i % 2 else "general"
        hazard = hazard_create(
            actor=d.hq, enterprise_id=plant.pk, grade=grade, description=marked("隐患", i), deadline=deadline
        )
        if i % 3 == 0:  # past its deadline: the overdue lists show it
            Hazard.objects.filter(pk=hazard.pk).update(deadline=clock.now() - timedelta(days=1))
        accident_report(
            actor=d.hq, enterprise_id=firm.pk, kind="fire", occurred_at=clock.now() - timedelta(hours=1),
            text=marked("事故", i),
        )  # fmt: skip
        tip_submit(enterprise_id=plant.pk, place="", description=marked("举报内容", i))
    # The overdue are flagged once (cron does it; so does the first page read after): the pages are then read as
    # they are most of the time, with nothing new to flag.
    escalate_hazards()


def _grow_livelihood(w: World) -> None:
    from fangkong.livelihood.services import price_report_submit, supply_request_file, volunteer_sign_up

    d = w.district
    for i in range(ROWS):
        home = make_person(d.a, d.a1, name=marked("需", i))  # grid A1 is sealed (the world's zone)
        supply_request_file(person_ids=[home.pk], person_id=home.pk, kind="medicine", items=marked("物资", i))
        helper = make_person(d.a, d.a2, name=marked("愿", i))
        volunteer_sign_up(person_ids=[helper.pk], person_id=helper.pk, skills=["testing"], availability="周末")
        price_report_submit(shop=marked("超市", i), place="兴隆大街", goods="鸡蛋", description="一斤二十元")


def _grow_portal(w: World) -> None:
    from fangkong.portal.articles import article_approve, article_create, article_submit

    editor, reviewer = w.users["editor"], w.users["reviewer"]
    for i in range(ROWS):
        article_create(actor=editor, title=marked("草稿", i), body_html="<p>草稿正文内容</p>", category="兴隆要闻")
        shown = article_create(
            actor=editor, title=marked("公开", i), body_html=f"<p>{MARK}公开正文内容</p>", category="兴隆要闻"
        )
        article_submit(actor=editor, article_id=shown.pk)
        article_approve(actor=reviewer, article_id=shown.pk)


def grow(w: World) -> None:
    for part in (
        _grow_registry,
        _grow_screening,
        _grow_testing,
        _grow_containment,
        _grow_command,
        _grow_safety,
        _grow_livelihood,
        _grow_portal,
    ):
        part(w)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """As tests_authz/conftest.py's world, grown by ROWS records of each listed kind."""
    from django.conf import settings
    from django.core.cache import cache

    from fangkong.core import memo

    overrides = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("budget-media"),
        FANGKONG={**settings.FANGKONG, "INLINE_JOBS_IN_THREAD": False},
        LANGUAGE_CODE="en",
    )
    with django_db_blocker.unblock(), overrides:
        memo.clear_all()
        cache.clear()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build()
            grow(w)
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            memo.clear_all()
            cache.clear()


# ---------------------------------------------------------------- the pages and their budgets


@dataclass(frozen=True)
class Page:
    url: str
    persona: str  # who reads it ("anon": nobody signed in)
    row: str  # text of each added row ("{i:02d}": its number, "{n:02d}": the number + 1; else counted as is)
    budget: int
    n_plus_one: str = ""  # a query per row found: the budget is what the page should take; xfail until fixed
    rows: int = 20  # rows it must show (a page that shows fewer by design says so)


_TIMES = "a query per row: with the world's one row it took {one}; with {rows} rows more it takes {today}"
# url name: the page, who reads it, what each row shows, the budget (what it took when set, in the comment).
PAGES: dict[str, Page] = {
    # The tree one level down (A's grids); its root lists the caller's roots only (same view and queries).
    "jurisdiction": Page("/registry/{a}/", "worker_a", "预算网格{i:02d}", 12),  # 10
    "people": Page("/people/", "worker_a", "预算人{i:02d}", 10),  # 8
    "screening:checkpoints": Page("/screening/checkpoints/", "hq", "预算道口{i:02d}", 8),  # 6
    "screening:passages": Page("/screening/passages/", "street1", "预算客{i:02d}", 9),  # 7
    "screening:followups": Page("/screening/followups/", "worker_a", "预算客{i:02d}", 13),  # 11
    "screening:violations": Page("/screening/violations/", "worker_a", "预算离{i:02d}", 11),  # 9
    "screening:travel": Page("/screening/travel/", "worker_a", "预算旅{i:02d}", 9),  # 7
    "screening:pass_requests": Page("/screening/pass-requests/", "hq", "预算求{i:02d}", 10),  # 8
    "screening:risk_areas": Page("/screening/risk-areas/", "hq", "预算风险区{i:02d}", 9),  # 7
    "screening:shifts": Page(
        "/screening/shifts/",
        "street1",
        "预算道口{i:02d}",
        10,  # 8 with one checkpoint
    ),
    "testing:rounds": Page("/testing/", "hq", "预算轮{i:02d}", 11),  # 9
    "testing:bags": Page("/testing/bags/", "sampler", "BB{i:04d}", 8),  # 6 (the latest 20 bags)
    "testing:recalls": Page("/testing/recalls/", "worker_a", "预算检{i:02d}", 9),  # 7
    "containment:zones": Page("/containment/zones/", "worker_a", "预算区{i:02d}", 9),  # 7
    "containment:changes": Page("/containment/changes/?state=applied", "hq", "预算依据{i:02d}", 10),  # 8
    "containment:alerts": Page("/containment/alerts/", "worker_a", "预算例{i:02d}", 9),  # 7
    "containment:transfers": Page("/containment/transfers/", "hq", "预算址{i:02d}", 10),  # 8
    "containment:inpatients": Page("/containment/inpatients/", "doctor_a", "预算病区{i:02d}", 9),  # 7
    "command:tasks": Page("/command/", "worker_a", "预算令{i:02d}", 10),  # 8
    "command:directives": Page("/command/directives/", "street1", "预算令{i:02d}", 11),  # 9
    "command:duty": Page(
        "/command/duty/",
        "worker_a",
        'value="log"',  # one log form per shift of the caller's
        10,  # 8 with one shift
    ),
    "command:supervision": Page("/command/supervision/", "hq", "预算发现{i:02d}", 11),  # 9
    "command:incidents": Page(
        "/command/incidents/",
        "street1",
        "预算事件{i:02d}",
        12,  # 10 with one incident
    ),
    "command:situations": Page("/command/situation/", "hq", "2025-01-{n:02d}", 8),  # 6
    "safety:hazards": Page("/safety/", "hq", "预算隐患{i:02d}", 14),  # 12
    "safety:review": Page("/safety/review/", "hq", "预算举报内容{i:02d}", 15),  # 13
    "safety:accidents": Page("/safety/accidents/", "hq", "预算企业{i:02d}", 12),  # 10
    "safety:inspection_new": Page("/safety/inspections/new/", "hq", "预算企业{i:02d}", 9),  # 7
    "livelihood:community": Page("/livelihood/", "worker_a", "预算物资{i:02d}", 9),  # 7
    "livelihood:prices": Page("/livelihood/prices/", "hq", "预算超市{i:02d}", 8),  # 6
    "news_manage:list": Page("/news/manage/", "editor", "预算草稿{i:02d}", 9),  # 7
    "news:index": Page("/news/", "anon", "预算公开{i:02d}", 8, rows=8),  # 6 (the latest 8 of each column)
    "news:category": Page("/news/c/xinglong-news/", "anon", "预算公开{i:02d}", 9),  # 7
    "news:search": Page("/news/search/?q=预算公开", "anon", "预算公开{i:02d}", 5),  # 3
    "news:rss": Page("/news/feed/rss/", "anon", "预算公开{i:02d}", 3),  # 1
    "news:atom": Page("/news/feed/atom/", "anon", "预算公开{i:02d}", 3),  # 1
    "audit": Page("/audit/", "hq", "<tr><td>", 9, rows=50),  # 7 (a page of 50 events; the world wrote hundreds)
}


def _client(w: World, persona: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona != "anon":
        c.force_login(w.users[persona])
    return c


def _params():
    for name, page in PAGES.items():
        marks = [pytest.mark.xfail(reason=page.n_plus_one, strict=True)] if page.n_plus_one else []
        yield pytest.param(name, page, id=name, marks=marks)


def _shown(page: Page, text: str) -> int:
    if "{" not in page.row:
        return text.count(page.row)
    return sum(page.row.format(i=i, n=i + 1) in text for i in range(ROWS))


@pytest.mark.parametrize(("name", "page"), list(_params()))
def test_a_list_page_keeps_its_query_budget(world, db, django_assert_max_num_queries, name, page):
    client = _client(world, page.persona)
    url = page.url.format(a=world.district.a.pk)
    with django_assert_max_num_queries(page.budget):
        r = client.get(url)
    assert r.status_code == 200, (name, r.status_code)
    shown = _shown(page, r.content.decode())
    assert shown >= page.rows, f"{name} shows {shown} of the rows added: the budget would not see a query per row"
