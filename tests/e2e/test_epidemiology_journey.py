"""Issue 19's journey in Chromium: a positive retest becomes a case, the case's home compound gets a drafted sealed
zone, the street's epidemiologist finds two co-presence candidates and confirms them as close contacts, their
community's worker sees them on the desk with their test days, and the chain page draws the case and its contacts.

Set up through the services on a freshly seeded demo (as the other journeys do): a pooled sample positive at the
laboratory, its single-tube retest positive (testing's real path to a case), and venue scans five days ago of the
case and of two residents of community A at the same supermarket within minutes. The epidemiologist (street_officer:
CASE_WORK and TRACE over 新工街道) sets the onset on the case page so that the co-presence window reaches back to
them; the contacts' worker is grid_worker_a. Every page visited is checked by axe-core (WCAG 2 A/AA) on the screen
it was opened on, and its main part for English words left untranslated; what the Content-Security-Policy refuses
and every script error fail the test; screenshots go to test-output/screenshots/epi-NN-<step>-<size>.png.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import translation

from fangkong.conftest import make_user
from fangkong.containment.models import Case, CloseContact, Zone
from fangkong.containment.status import status_of
from fangkong.containment.venues import venue_code, venue_scan
from fangkong.core import clock, pii
from fangkong.registry.codes import person_code
from fangkong.registry.models import Person, PersonTag, Place, RoleAssignment, Unit
from fangkong.screening.models import FollowUp
from fangkong.site.demo import seed_demo
from fangkong.testing.collection import Scan, collections_ingest
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Recall, Round, Site
from fangkong.testing.results import ResultRow, recall_sample, results_ingest

from .axe import describe, violations

pytestmark = pytest.mark.browser

SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desk": {"viewport": {"width": 1366, "height": 900}},
}
PASSWORD = "fangkong-demo"
PURPOSE = "病例流调：排查发病前到访超市的时空伴随人员"
TEST_DAYS = (1, 2, 3, 5, 7)
ENGLISH = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z]{3,}(?![A-Za-z0-9_-])")
NOT_ENGLISH = {"xlsx", "csv"}  # file types (the exports, the roster import)


@dataclass
class Scene:
    case: Case
    compound: Place
    contacts: list[Person]  # the two at the supermarket with the case
    exposed_on: date  # the day they were there together
    onset: date


def _user(username: str):
    return RoleAssignment.objects.select_related("user", "jurisdiction").get(user__username=username)


def _scene() -> Scene:
    """The demo plus: a resident of 新工街道 whose compound is in no zone, positive in a pool and again on retest;
    five days before, the case and two residents of community A scanned in at the street's supermarket."""
    street = _user("street_officer").jurisdiction
    community_a = _user("grid_worker_a").jurisdiction
    sampler, lab, officer = (_user(u).user for u in ("sampler", "lab_staff", "street_officer"))
    zoned = Zone.objects.filter(state__in=[Zone.State.PENDING, Zone.State.ACTIVE]).values("places")
    compound = (
        Place.objects.filter(kind=Place.Kind.COMPOUND, jpath__startswith=street.path)
        .exclude(pk__in=zoned)
        .exclude(jpath__startswith=community_a.path)
        .filter(children__children__members__doc_cipher__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    assert compound is not None, "the demo has no compound outside a zone in 新工街道"
    patient = (
        Person.objects.filter(household__parent__parent=compound, doc_cipher__isnull=False, cases__isnull=True)
        .order_by("pk")
        .first()
    )
    assert patient is not None
    followed = FollowUp.objects.filter(released_at__isnull=True).values("person_id")
    contacts = list(
        Person.objects.filter(community=community_a, doc_cipher__isnull=False, cases__isnull=True)
        .exclude(pk__in=followed)
        .exclude(pk__in=CloseContact.objects.values("person_id"))
        .order_by("pk")[:2]
    )
    assert len(contacts) == 2, "community A has no two residents free of cases and follow-ups"
    others = (
        Person.objects.filter(jpath__startswith=street.path, doc_cipher__isnull=False)
        .exclude(community=community_a)
        .exclude(pk=patient.pk)
        .exclude(pk__in=followed)  # tested alone: under closed-loop management, or key population
        .exclude(tags__tag=PersonTag.Tag.KEY_POPULATION)
        .order_by("-pk")
    )
    pool = [patient, *others[:9]]
    assert len(pool) == 10

    # Five days ago at noon: the case at the supermarket, the two contacts 10 and 20 minutes after.
    today = clock.localdate()
    exposed_on = today - timedelta(days=5)
    noon = clock.start_of_day(exposed_on) + timedelta(hours=12)
    venue = (
        Unit.objects.filter(kind=Unit.Kind.VENUE, jpath__startswith=street.path, name__endswith="超市")
        .order_by("pk")
        .first()
    )
    assert venue is not None
    door = make_user("e2e_supermarket_door", "venue_staff", unit=venue)
    code = venue_code(actor=officer, venue_id=venue.pk).code
    hq = _user("hq_admin").user
    for person, minutes in ((patient, 0), (contacts[0], 10), (contacts[1], 20)):
        with clock.frozen_at(noon + timedelta(minutes=minutes)):
            venue_scan(
                actor=door,
                venue_code=code,
                person_code=person_code(actor=hq, person_id=person.pk),
                device="e2e-door",
            )

    # Today: sampled in a pool of ten, the pool positive, the recalled single tube positive — a case.
    site = Site.objects.get(jurisdiction_id=patient.community_id)
    round_ = Round.objects.order_by("-starts_at").first()
    assert round_ is not None
    scans = [
        Scan(
            index=i,
            document_number=pii.decrypt(p.doc_cipher),
            tube_code="E2E-EPI-POOL",
            site_id=site.pk,
            collected_at=clock.now(),
        )
        for i, p in enumerate(pool)
    ]
    reply = collections_ingest(actor=sampler, round_id=round_.pk, scans=scans)
    assert reply["accepted"] == 10, reply
    bag_seal(actor=sampler, seal_code="E2E-EPI-SEAL1", tube_codes=["E2E-EPI-POOL"])
    bag_receive(actor=lab, seal_code="E2E-EPI-SEAL1")
    results_ingest(actor=lab, rows=[ResultRow(0, "E2E-EPI-POOL", "positive")])
    recall = Recall.objects.get(source_tube__code="E2E-EPI-POOL", person=patient)
    recall_sample(actor=sampler, recall_id=recall.pk, tube_code="E2E-EPI-RE1")
    bag_seal(actor=sampler, seal_code="E2E-EPI-SEAL2", tube_codes=["E2E-EPI-RE1"])
    bag_receive(actor=lab, seal_code="E2E-EPI-SEAL2")
    results_ingest(actor=lab, rows=[ResultRow(0, "E2E-EPI-RE1", "positive")])
    case = Case.objects.get(person=patient, released_at__isnull=True)
    assert case.source == Case.Source.TESTING and case.reference == "E2E-EPI-RE1"
    assert status_of(patient.pk).colour == "red"
    assert not CloseContact.objects.filter(case=case).exists()
    return Scene(
        case=case, compound=compound, contacts=contacts, exposed_on=exposed_on, onset=today - timedelta(days=3)
    )


class Journey:
    """The browser contexts (one per user and size, signed in once); what axe found, the English words left in the
    Chinese pages, and what the Content-Security-Policy refused or a script threw."""

    def __init__(self, browser, url: str, shots) -> None:
        self.browser, self.url, self.shots = browser, url, shots
        self.pages: dict[tuple[str, str], tuple[object, object]] = {}
        self.axe_found: list[str] = []
        self.refused: list[str] = []
        self.english: list[str] = []
        self.checked = 0

    def page(self, user: str, size: str):
        if (user, size) not in self.pages:
            context = self.browser.new_context(locale="zh-CN", **SIZES[size])
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on(
                "console",
                lambda m, page=page: (
                    self.refused.append(f"{page.url}: {m.text}")
                    if m.type == "error" and "Content Security Policy" in m.text
                    else None
                ),
            )
            page.on("pageerror", lambda e, page=page: self.refused.append(f"{page.url}: {e}"))
            page.goto(f"{self.url}/login/")
            page.get_by_label(re.compile("用户名")).fill(user)
            page.get_by_label(re.compile("^密码")).fill(PASSWORD)
            page.get_by_role("button", name=re.compile("^登录$")).click()
            page.wait_for_url(f"{self.url}/")
            self.pages[(user, size)] = (context, page)
        return self.pages[(user, size)][1]

    def open(self, user: str, size: str, path: str, *, what: str):
        page = self.page(user, size)
        response = page.goto(f"{self.url}{path}")
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        self.check(page, what=f"{what} ({user}, {size})")
        return page

    def check(self, page, *, what: str) -> None:
        """axe-core's WCAG 2 A/AA rules, and no English word left in the Chinese page's main part."""
        self.checked += 1
        words = set(ENGLISH.findall(page.locator("main").inner_text())) - NOT_ENGLISH
        if words:
            self.english.append(f"{what} ({page.url}): {sorted(words)}")
        found = violations(page)
        if found:
            self.axe_found.append(f"{what} ({page.url}):\n{describe(found)}")

    def shot(self, number: int, name: str, size: str, page) -> None:
        page.screenshot(path=str(self.shots / f"epi-{number:02d}-{name}-{size}.png"), full_page=True)

    def close(self) -> None:
        for context, _page in self.pages.values():
            context.close()


def _dates(day1: date) -> list[tuple[int, str]]:
    return [(d, (day1 + timedelta(days=d - 1)).isoformat()) for d in TEST_DAYS]


def test_a_retest_becomes_a_case_its_zone_its_contacts_and_their_chain(
    browser, live_server, transactional_db, screenshot_dir
):
    with translation.override("zh-hans"):  # as `fangkong seed-demo` does: the stored texts are Chinese
        seed_demo(people=2000)
        scene = _scene()
    for old in screenshot_dir.glob("epi-*.png"):
        old.unlink()
    case = scene.case
    journey = Journey(browser, live_server.url, screenshot_dir)
    try:
        _journey(journey, scene)
    finally:
        journey.close()
    assert journey.checked >= 12, journey.checked
    problems = []
    if journey.axe_found:
        problems.append("axe (WCAG 2 A/AA):\n" + "\n".join(journey.axe_found))
    if journey.english:
        problems.append("English words in the Chinese pages:\n  " + "\n  ".join(journey.english))
    if journey.refused:
        problems.append("refused by the Content-Security-Policy, or a script error:\n  " + "\n  ".join(journey.refused))
    assert not problems, f"case №{case.pk}:\n\n" + "\n\n".join(problems)


def _journey(j: Journey, scene: Scene) -> None:
    case, contacts = scene.case, scene.contacts
    worker_todo_before = FollowUp.objects.filter(
        community=contacts[0].community, released_at__isnull=True, contacted_at__isnull=True
    ).count()

    # 01 The case list: the new case, found by the positive retest. ---------------------------------------------
    for size in ("desk", "phone"):
        page = j.open("street_officer", size, "/containment/cases/", what="case list")
        card = page.locator("li.card", has=page.locator(f'a[href="/containment/cases/{case.pk}/"]'))
        assert card.count() == 1, f"case №{case.pk} is not on the case list"
        assert f"№{case.pk}" in card.inner_text()
        j.shot(1, "case-list", size, page)
    page = j.page("street_officer", "desk")
    page.locator(f'a[href="/containment/cases/{case.pk}/"]').click()
    page.wait_for_url(re.compile(rf"/containment/cases/{case.pk}/$"))
    j.check(page, what="case (street_officer, desk)")
    facts = page.locator("dl.facts").first.inner_text()
    assert "E2E-EPI-RE1" in facts and scene.compound.name in facts, facts

    # 02 The onset, so that co-presence looks back far enough. ---------------------------------------------------
    page.locator("#u-onset").fill(scene.onset.isoformat())
    page.locator("form", has=page.locator("#u-onset")).get_by_role("button").click()
    page.locator(".messages").get_by_text("病例信息已保存。").wait_for()
    case.refresh_from_db()
    assert case.onset_date == scene.onset
    j.check(page, what="case saved (street_officer, desk)")
    j.shot(2, "case-onset", "desk", page)

    # 03 The zone drafted over the case's home compound, waiting for an officer. ------------------------------
    zone = Zone.objects.get(drafted_for=case)
    assert zone.state == Zone.State.PENDING and zone.level.code == "sealed"
    assert list(zone.places.all()) == [scene.compound]
    page = j.open("street_officer", "desk", "/containment/zones/", what="zones")
    row = page.locator("table tbody tr", has=page.get_by_role("link", name=zone.name, exact=True))
    assert "封控区" in row.inner_text() and "待审批" in row.inner_text(), row.inner_text()
    j.shot(3, "zones", "desk", page)
    row.get_by_role("link", name=zone.name, exact=True).click()
    page.wait_for_url(re.compile(rf"/containment/zones/{zone.pk}/$"))
    j.check(page, what="drafted zone (street_officer, desk)")
    said = page.locator("main").inner_text()
    assert "系统（自动拟定）" in said and f"病例№{case.pk}" in said and scene.compound.name in said, said[:800]
    j.shot(3, "drafted-zone", "desk", page)
    phone = j.open("street_officer", "phone", f"/containment/zones/{zone.pk}/", what="drafted zone")
    assert f"病例№{case.pk}" in phone.locator("main").inner_text()
    j.shot(3, "drafted-zone", "phone", phone)

    # 04 Co-presence: a purpose, the candidates, two confirmed as close contacts. -----------------------------
    page = j.open("street_officer", "desk", f"/containment/cases/{case.pk}/", what="case")
    page.get_by_role("link", name="时空伴随排查").click()
    page.wait_for_url(re.compile(rf"/containment/cases/{case.pk}/copresence/$"))
    j.check(page, what="co-presence form (street_officer, desk)")
    page.get_by_label("查询目的").fill(PURPOSE)
    page.get_by_role("button", name="查找时空伴随者").click()
    page.wait_for_url(re.compile(r"/copresence/\?purpose="))
    table = page.locator("table")
    table.wait_for()
    j.check(page, what="co-presence candidates (street_officer, desk)")
    j.shot(4, "copresence-candidates", "desk", page)
    for person in contacts:
        row = page.locator("tbody tr", has=page.locator(f'input[name="person_id"][value="{person.pk}"]').first)
        assert row.count() == 1, f"{person.pk} is not among the candidates:\n{table.inner_text()}"
        assert "超市" in row.inner_text() and pii.mask_name(person.name) in row.inner_text(), row.inner_text()
        assert row.get_by_label("类别").input_value() == "close"
        row.get_by_role("button", name="确认为密接").click()
        page.locator(".messages").get_by_text(re.compile("已确认为密切接触者")).wait_for()
        said = page.locator(".messages").inner_text()
        assert "1、2、3、5、7" in said, said
        row = page.locator("tbody tr", has=page.locator(f'input[name="person_id"][value="{person.pk}"]').first)
        assert row.count() == 0  # reviewed: no form any more
    j.check(page, what="co-presence confirmed (street_officer, desk)")
    j.shot(4, "copresence-confirmed", "desk", page)
    confirmed = list(CloseContact.objects.filter(case=case).order_by("pk"))
    assert [c.person_id for c in confirmed] == [p.pk for p in contacts]
    assert {c.kind for c in confirmed} == {CloseContact.Kind.CLOSE}
    assert {c.exposure for c in confirmed} == {CloseContact.Exposure.COPRESENCE}

    # 05 Back to the case (the crumbs): it lists them with their test days. ---------------------------------
    page.locator("nav.crumbs").get_by_role("link", name=f"№{case.pk}", exact=True).click()
    page.wait_for_url(re.compile(rf"/containment/cases/{case.pk}/$"))
    for size in ("desk", "phone"):
        page = j.open("street_officer", size, f"/containment/cases/{case.pk}/", what="case with contacts")
        section = page.locator("section", has=page.get_by_role("heading", name="密接人员", exact=True))
        for person in contacts:
            item = section.locator("li.card", has_text=pii.mask_name(person.name)).filter(
                has_text="时空伴随（同时同地）"
            )
            assert item.count() >= 1, section.inner_text()
            text = item.first.inner_text()
            for d, when in _dates(scene.exposed_on):
                assert f"第{d}天 ({when})" in text, text
        j.shot(5, "case-contacts", size, page)

    # 06 Their community's worker: on the desk, then each one's follow-up with the test days. -----------------
    loops = {f.person_id: f for f in FollowUp.objects.filter(person__in=contacts, released_at__isnull=True)}
    assert set(loops) == {p.pk for p in contacts}
    for size in ("phone", "desk"):
        page = j.open("grid_worker_a", size, "/", what="grid worker's desk")
        item = page.locator('[data-kind="screening.contact"]')
        assert int(item.locator(".desk-count").inner_text()) == worker_todo_before + 2, item.inner_text()
        j.shot(6, "worker-desk", size, page)
        item.get_by_role("link").click()
        page.wait_for_url(re.compile(r"/screening/followups/\?state=active"))
        j.check(page, what=f"closed-loop cases (grid_worker_a, {size})")
        for person in contacts:
            page.locator(f'a[href="/screening/followups/{loops[person.pk].pk}/"]').wait_for()
        j.shot(6, "worker-followups", size, page)
        for n, person in enumerate(contacts):
            page.locator(f'a[href="/screening/followups/{loops[person.pk].pk}/"]').click()
            page.wait_for_url(re.compile(rf"/screening/followups/{loops[person.pk].pk}/$"))
            j.check(page, what=f"a contact's follow-up (grid_worker_a, {size})")
            card = page.locator("#case")
            text = card.inner_text()
            assert person.name in text and f"病例№{case.pk}" in text, text  # the reason: a contact of this case
            for d, when in _dates(scene.exposed_on):
                assert f"第 {d} 天 ({when})" in text, text
            if n == 0:
                j.shot(6, "worker-contact-followup", size, page)
            page.go_back()

    # 07 The chain: the case and both contacts drawn. -------------------------------------------------------------
    for size in ("desk", "phone"):
        page = j.open("street_officer", size, f"/containment/cases/{case.pk}/", what="case")
        page.get_by_role("link", name="传播链").click()
        page.wait_for_url(re.compile(rf"/containment/cases/{case.pk}/chain/$"))
        page.locator("#chain-graph canvas").first.wait_for()
        j.check(page, what=f"transmission chain (street_officer, {size})")
        drawing = json.loads(page.locator("#chain-data").text_content() or "{}")
        nodes = {n["id"]: n for n in drawing["nodes"]}
        assert nodes[str(case.pk)]["kind"] == "case" and nodes[str(case.pk)]["asked"], drawing
        for contact in confirmed:
            node = nodes[f"contact-{contact.pk}"]
            assert node["kind"] == "contact" and node["generation"] == nodes[str(case.pk)]["generation"] + 1, node
            assert {"from": str(case.pk), "to": f"contact-{contact.pk}", "dashed": True} in drawing["edges"]
        box = page.locator("#chain-graph").bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] >= 300, box
        listed = page.locator("main").inner_text()
        assert all(pii.mask_name(p.name) in listed for p in contacts), listed[:800]
        j.shot(7, "chain", size, page)
