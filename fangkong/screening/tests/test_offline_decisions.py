"""Decisions at the checkpoint offline (issue 22, point 4), the server's side: the rulebook the page decides with
(its version), the decision the page sends with a registration kept offline, checked again by the server, and a
difference told to the shift's leader — with an alert on the hall when the traveller was let go more mildly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.core.models import HallAlert, Notification
from fangkong.screening import offline
from fangkong.screening.models import Shift
from fangkong.screening.passages import PassageInput, passage_register
from fangkong.screening.protocol import protocol_update
from fangkong.screening.riskareas import risk_area_end
from fangkong.screening.tests.test_pages import form


def test_the_rulebook_names_its_version_and_changes_it_with_the_rules(district, screening):
    book = offline.rulebook()
    assert book["protocol"] == {"high": "central_isolation", "low": "register_notify", "medium": "register_notify"}
    assert {a["name"] for a in book["areas"]} == {"上海市浦东新区", "吉林省长春市", "沈阳市和平区"}
    assert offline.rulebook()["version"] == book["version"]  # read again: the same rules, the same version
    assert 0x660 in book["digit_zeros"] and 0xFF10 in book["digit_zeros"]  # Arabic-Indic, full-width digits
    assert book["status_key"]["url"] == "/containment/status-list.json" and book["status_key"]["public_key"]
    assert "%(where)s" in book["texts"]["risk_area_high"] and book["texts"]["status_listed"]

    protocol_update(
        actor=district.hq,
        level="medium",
        instruction="central_isolation",
        measure="home_isolation",
        days=7,
        test_days=[1, 3],
    )
    changed = offline.rulebook()
    assert changed["protocol"]["medium"] == "central_isolation" and changed["version"] != book["version"]

    risk_area_end(actor=district.hq, area_id=screening.low.pk)
    lifted = offline.rulebook()  # a lifted area decides nothing any more: not carried
    assert "沈阳市和平区" not in {a["name"] for a in lifted["areas"]} and lifted["version"] != changed["version"]


def _register(district, screening, **kw):
    data = PassageInput.from_form(form(district, occurred_at=(clock.now() - timedelta(minutes=30)).isoformat(), **kw))
    return passage_register(actor=screening.staff1, checkpoint_id=screening.cp1.pk, data=data).passage


def _on_duty(screening, leader, *, hours_ago: int = 2) -> Shift:
    now = clock.now()
    return Shift.objects.create(
        checkpoint=screening.cp1,
        starts_at=now - timedelta(hours=hours_ago),
        ends_at=now + timedelta(hours=1),
        leader=leader,
    )


def test_a_decision_offline_the_server_shares_is_kept_and_tells_no_one(district, screening):
    leader = make_user("cpleader", "checkpoint_staff", unit=screening.cp1.unit)
    _on_duty(screening, leader)
    passage = _register(
        district,
        screening,
        offline_instruction="central_isolation",
        offline_rule="risk_area_high",
        offline_basis="rules=abc123;list=2026-12-03T08:00:00Z",
    )
    assert passage.instruction == "central_isolation" and passage.offline_instruction == "central_isolation"
    assert not passage.offline_differs
    assert passage.offline_rule == "risk_area_high" and "abc123" in passage.offline_basis_text
    assert not Notification.objects.filter(user=leader).exists()
    assert not HallAlert.objects.filter(kind="screening.offline_difference").exists()


def test_a_milder_decision_offline_is_told_to_the_shift_leader_and_raised_on_the_hall(district, screening):
    """Offline the page let a traveller pass (no personal code scanned, no list); the server, with what it knows,
    says central isolation: the leader of the shift on duty when it happened is told, and the hall alerted."""
    leader, later = make_user("cpleader", "checkpoint_staff", unit=screening.cp1.unit), None
    _on_duty(screening, leader)
    later = make_user("nextleader", "checkpoint_staff", unit=screening.cp1.unit)
    Shift.objects.create(  # a shift that started after the passage: not theirs to answer for
        checkpoint=screening.cp1,
        starts_at=clock.now() - timedelta(minutes=5),
        ends_at=clock.now() + timedelta(hours=8),
        leader=later,
    )
    passage = _register(
        district, screening, offline_instruction="let_pass", offline_rule="no_risk", offline_basis="rules=abc123"
    )
    assert passage.instruction == "central_isolation" and passage.offline_differs
    told = Notification.objects.get(user=leader)
    assert "let pass" in told.texts["en"][0].lower() and "central isolation" in told.texts["en"][0].lower()
    assert told.link == f"/screening/passages/?checkpoint={screening.cp1.pk}&offline=differs"
    assert not Notification.objects.filter(user=later).exists()
    alert = HallAlert.objects.get(kind="screening.offline_difference")
    assert alert.ref == f"screening.passage-offline:{passage.pk}" and "居" not in alert.subject  # no name on the wall

    hq = district.client(district.hq)  # the link lists it, with both instructions
    page = hq.get(told.link).content.decode()
    assert "Told offline: Let pass" in page and "Send to central isolation" in page


def test_a_stricter_decision_offline_is_told_but_not_raised(district, screening):
    """The list marked the code (it may be yellow): held offline, registered and notified by the server — the
    leader is told (the traveller may be waiting), the hall is not alerted (nobody went through unchecked)."""
    leader = make_user("cpleader", "checkpoint_staff", unit=screening.cp1.unit)
    _on_duty(screening, leader, hours_ago=0)  # no shift at the passage's time: the leader on duty now
    passage = _register(
        district,
        screening,
        origin="吉林省长春市",
        offline_instruction="central_isolation",
        offline_rule="status_listed",
        offline_basis="rules=abc123;list=2026-12-03T08:00:00Z",
    )
    assert passage.instruction == "register_notify" and passage.offline_differs
    assert Notification.objects.filter(user=leader).count() == 1
    assert not HallAlert.objects.filter(kind="screening.offline_difference").exists()


@pytest.mark.parametrize(
    ("values", "kept"),
    [
        # A page of another release: an instruction or a rule this version does not know is left out, never the
        # passage (the traveller is through already).
        ({"offline_instruction": "wave_through", "offline_rule": "no_risk"}, ("", "", "")),
        ({"offline_instruction": "let_pass", "offline_rule": "because"}, ("let_pass", "", "")),
        # A basis not as the page writes it (it would be shown in the passages list): left out.
        (
            {"offline_instruction": "let_pass", "offline_rule": "no_risk", "offline_basis": "list=2026-12-03T08:00:00"},
            ("let_pass", "no_risk", ""),
        ),
        (
            {
                "offline_instruction": "let_pass",
                "offline_rule": "no_risk",
                "offline_basis": "rules=abc;list=9999-12-31T23:59:59Z",
            },
            ("let_pass", "no_risk", "rules=abc;list=9999-12-31T23:59:59Z"),
        ),
    ],
)
def test_an_offline_decision_this_version_does_not_read_is_left_out_not_the_passage(district, screening, values, kept):
    passage = _register(district, screening, **values)
    assert (passage.offline_instruction, passage.offline_rule, passage.offline_basis) == kept
    page = district.client(district.hq).get("/screening/passages/?offline=decided")  # shown without a fault
    assert page.status_code == 200


def test_an_offline_decision_on_a_registration_made_online_is_nobodys(district, screening):
    """Without the time it was kept (`occurred_at`), a registration was made online: an offline decision sent
    with it is ignored — it would raise the hall's alert at will."""
    data = PassageInput.from_form(
        form(district, origin="", offline_instruction="central_isolation", offline_rule="status_listed")
    )
    passage = passage_register(actor=screening.staff1, checkpoint_id=screening.cp1.pk, data=data).passage
    assert passage.offline_instruction == "" and not passage.offline_differs


def test_the_outbox_hears_the_servers_word_beside_the_one_given_offline(district, screening):
    c = district.client(screening.staff1)
    url = f"/screening/checkpoints/{screening.cp1.pk}/"
    data = form(
        district,
        key="off-9",
        origin="",
        destination_community=str(district.a.pk),
        occurred_at=(clock.now() - timedelta(minutes=5)).isoformat(),
        offline_instruction="central_isolation",
        offline_rule="status_listed",
        offline_basis="rules=abc123;list=2026-12-03T08:00:00Z",
    )
    reply = c.post(url, data, HTTP_X_FANGKONG_OUTBOX="1").json()
    assert reply["ok"] and reply["code"] == "let_pass"
    assert reply["attention"] is True  # let pass — but the staff were told otherwise: they act on it
    assert "Let pass" in reply["message"] and "(told offline: Send to central isolation)" in reply["message"]


def test_the_passage_list_filters_the_decisions_offline(district, screening):
    same = _register(district, screening, offline_instruction="central_isolation", offline_rule="risk_area_high")
    differs = _register(
        district,
        screening,
        origin="",
        offline_instruction="central_isolation",
        offline_rule="status_listed",
    )
    online = _register(district, screening)
    c = district.client(district.hq)

    def listed(query: str) -> set[int]:
        return {p.pk for p in c.get(f"/screening/passages/?{query}").context["page"].object_list}

    assert listed("offline=decided") == {same.pk, differs.pk}
    assert listed("offline=differs") == {differs.pk}
    assert listed(f"checkpoint={screening.cp2.pk}") == set()
    assert online.pk in listed(f"checkpoint={screening.cp1.pk}")


def test_the_checkpoint_page_carries_its_rulebook(district, screening):
    page = district.client(screening.staff1).get(f"/screening/checkpoints/{screening.cp1.pk}/").content.decode()
    assert 'id="rulebook"' in page and offline.rulebook()["version"] in page
    assert "fangkong/rules.js" in page and "fangkong/checkpoint.js" in page
    assert page.index("fangkong/checkpoint.js") < page.index("fangkong/outbox.js")  # its submit handler first


def test_the_status_list_for_a_field_page_is_a_scanners_and_limited(district, screening, settings):
    c = district.client(screening.staff1)
    assert c.get("/containment/status-list.json").json()["format"] == "h32-delta-leb128"
    assert district.client(screening.hr).get("/containment/status-list.json").status_code == 404  # not a scanner
    for _ in range(settings.FANGKONG["STATUS_LIST_RATE_PER_MINUTE"] - 1):
        assert c.get("/containment/status-list.json").status_code == 200
    limited = c.get("/containment/status-list.json")  # a page asks every few minutes: more is refused, not a 500
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited" and limited["Retry-After"]


def test_a_difference_with_no_leader_on_duty_goes_to_the_hall(district, screening):
    passage = _register(
        district,
        screening,
        origin="吉林省长春市",
        offline_instruction="central_isolation",
        offline_rule="status_listed",
        offline_basis="rules=abc123",
    )
    assert passage.offline_differs and not Notification.objects.exists()
    assert HallAlert.objects.filter(kind="screening.offline_difference").count() == 1
