"""Each page offers an action only to whom its service accepts it from, in the state the record is in: what the
page shows is compared with what the service does when tried (in a savepoint, undone) — for the enterprise's
officer, its regulator, district HQ, a street officer who only oversees, and another enterprise's officer."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial

import pytest
from django.db import transaction

from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.scoping import Forbidden, NotFound
from fangkong.safety.accidents import accident_followup, accident_report
from fangkong.safety.checklists import ensure_checklist
from fangkong.safety.enterprises import licence_add, profile_update
from fangkong.safety.hazards import hazard_create, hazard_transition
from fangkong.safety.inspections import inspection_record, inspection_start
from fangkong.safety.models import Hazard
from fangkong.safety.selectors import enterprises_visible

FIVE = {"responsibility": "厂长", "measures": "更换", "funds": "1万元", "time_limit": "5天", "contingency": "预案"}
PERSONAS = ("officer", "regulator", "hq", "street1", "other_officer")
STATES = [s.value for s in Hazard.State]


class _Undo(Exception):
    pass


def accepts(call) -> bool:
    """Whether the service accepts the call: tried, and undone either way."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except (FieldError, Forbidden, NotFound):
        return False


def _users(district, safety) -> dict:
    return {
        "officer": safety["officer"],
        "regulator": safety["regulator"],
        "hq": district.hq,
        "street1": district.street1,
        "other_officer": safety["other_officer"],
    }


def _hazard_in(state: str, safety, *, major: bool) -> Hazard:
    """A major hazard the regulator found, or a general one of the enterprise's self-inspection, walked to `state`
    through the services."""
    reg, ent = safety["regulator"], safety["officer"]
    h = hazard_create(
        actor=reg if major else ent,
        enterprise_id=safety["plant"].pk,
        grade="major" if major else "general",
        description="储罐区泄漏报警器失效",
        deadline=clock.now() + timedelta(days=7),
    )
    path = [(reg, "registered"), (reg, "ordered"), (ent, "rectifying"), (ent, "applied"), (reg, "accepted")]
    for actor, to in [*path, (reg, "closed")][: STATES.index(state)]:
        hazard_transition(actor=actor, hazard_id=h.pk, to=to, assurances=FIVE if to == "rectifying" else None)
    h.refresh_from_db()
    assert h.state == state
    return h


@pytest.mark.parametrize("major", [True, False], ids=["major-by-regulator", "general-self-found"])
def test_a_hazard_page_offers_exactly_the_steps_the_service_accepts(district, safety, major):
    users = _users(district, safety)
    for state in STATES:
        hazard = _hazard_in(state, safety, major=major)
        for name in PERSONAS:
            user = users[name]
            page = district.client(user).get(f"/safety/hazards/{hazard.pk}/")
            shown = set(re.findall(r'name="to" value="([a-z]+)"', page.content.decode()))
            accepted = {
                to
                for to in STATES
                if accepts(
                    partial(
                        hazard_transition,
                        actor=user,
                        hazard_id=hazard.pk,
                        to=to,
                        assurances=FIVE if to == "rectifying" else None,
                    )
                )
            }
            assert shown == accepted, (state, name, shown, accepted)
            if name == "other_officer":
                assert page.status_code == 404 and not accepted
                continue
            assert page.status_code == 200
            # The five assurances are asked of whoever starts a major hazard's rectification after the order.
            asks = 'name="time_limit"' in page.content.decode()
            assert asks == (major and state == "ordered" and "rectifying" in accepted), (state, name)
        # Somebody can always take an open hazard on: the regulator or the enterprise.
        if state != "closed":
            assert any(
                re.search(r'name="to"', district.client(users[n]).get(f"/safety/hazards/{hazard.pk}/").content.decode())
                for n in ("officer", "regulator")
            ), state


def _options(html: str, select_id: str) -> set[int]:
    found = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    return {int(v) for v in re.findall(r'value="(\d+)"', found.group(1))} if found else set()


def test_forms_are_offered_to_whom_their_services_accept_them_from(district, safety):
    users = _users(district, safety)
    fire = ensure_checklist("fire-safety")
    accident = accident_report(
        actor=safety["officer"],
        enterprise_id=safety["plant"].pk,
        kind="fall",
        occurred_at=clock.now() - timedelta(hours=1),
        text="高处坠落一人",
    )
    walked = inspection_start(actor=safety["regulator"], enterprise_id=safety["plant"].pk, checklist_id=fire.pk)
    item = fire.items.first()
    assert item is not None
    now, deadline = clock.now(), clock.now() + timedelta(days=3)
    plant, dept = safety["plant"], safety["regulator"].roles.first().unit
    for name in PERSONAS:
        user, client = users[name], district.client(users[name])
        visible = list(enterprises_visible(user=user))
        # The hazards list's "record a hazard" and the accidents page's report: the enterprises each service takes.
        records = {
            e.pk
            for e in visible
            if accepts(
                partial(
                    hazard_create,
                    actor=user,
                    enterprise_id=e.pk,
                    grade="general",
                    description="消防通道堵塞",
                    deadline=deadline,
                )
            )
        }
        assert _options(client.get("/safety/").content.decode(), "n-ent") == records, name
        reports = {
            e.pk
            for e in visible
            if accepts(
                partial(accident_report, actor=user, enterprise_id=e.pk, kind="fire", occurred_at=now, text="起火")
            )
        }
        assert _options(client.get("/safety/accidents/").content.decode(), "a-ent") == reports, name
        follows = accepts(partial(accident_followup, actor=user, accident_id=accident.pk, text="伤者平稳"))
        page = client.get(f"/safety/accidents/{accident.pk}/").content.decode()
        assert ('name="final"' in page) == follows, name
        # An enterprise's page: the profile kept by its officer or regulator, a licence recorded by the regulator.
        page = client.get(f"/safety/enterprises/{plant.pk}/")
        keeps = accepts(partial(profile_update, actor=user, enterprise_id=plant.pk, principal="张某"))
        licences = accepts(
            partial(licence_add, actor=user, enterprise_id=plant.pk, kind="许可", approved_by_id=dept.pk)
        )
        text = page.content.decode()
        assert ('name="principal"' in text, 'value="licence"' in text) == (keeps, licences), name
        # Starting an inspection: the tab, the page and the button on the enterprise's page.
        starts = accepts(partial(inspection_start, actor=user, enterprise_id=plant.pk, checklist_id=fire.pk))
        assert (client.get("/safety/inspections/new/").status_code == 200) == starts, name
        tabs = client.get("/safety/enterprises/").content.decode()
        assert ("/safety/inspections/new/" in tabs) == starts, name
        assert (page.status_code == 200 and "/safety/inspections/new/?enterprise_id=" in text) == starts, name
        # The walk's controls: the inspector's alone, until signed.
        records_item = accepts(
            partial(inspection_record, actor=user, inspection_id=walked.pk, item_id=item.pk, passed=True)
        )
        walk = client.get(f"/safety/inspections/{walked.pk}/").content.decode()
        assert ('type="radio"' in walk and 'value="sign"' in walk) == records_item, name
        # The tabs to the matrix and the checklists: shown to those the pages open for.
        for path in ("/safety/industries/", "/safety/checklists/"):
            opens = client.get(path).status_code == 200
            assert (path in tabs) == opens, (name, path)
