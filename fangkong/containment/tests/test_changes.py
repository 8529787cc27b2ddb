"""Manual changes: basis, second approver, expiry, notice, appeal; bulk only with a record per person."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.containment.cases import case_confirm
from fangkong.containment.changes import (
    BulkItem,
    appeal_decide,
    appeal_file,
    status_change_approve,
    status_change_request,
    status_changes_request_bulk,
)
from fangkong.containment.models import StatusChange
from fangkong.containment.status import status_of
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden, NotFound

BASIS = "《传染病防治法》第三十九条；与病例同乘一车"


def _request(district, person, **kw):
    data = {"colour": "yellow", "basis": BASIS, "expires_at": clock.now() + timedelta(days=7)} | kw
    return status_change_request(actor=district.hq, person_id=person.pk, **data)


def test_the_person_is_sent_the_notice(district, containment, django_capture_on_commit_callbacks):
    from fangkong.core.sms import LogChannel

    LogChannel.sent.clear()
    change = _request(district, district.person_a)
    with django_capture_on_commit_callbacks(execute=True):
        status_change_approve(actor=containment.hq2, change_id=change.pk)
    assert LogChannel.sent[-1][0] == "13912345678" and BASIS in LogChannel.sent[-1][1]


def test_a_change_applies_only_when_someone_else_approves(district, containment):
    change = _request(district, district.person_a)
    assert change.state == "pending" and status_of(district.person_a.pk).colour == "green"
    with pytest.raises(Forbidden):
        status_change_approve(actor=district.hq, change_id=change.pk)
    status_change_approve(actor=containment.hq2, change_id=change.pk)
    s = status_of(district.person_a.pk)
    assert s.colour == "yellow" and s.reasons[0]["kind"] == "change" and BASIS[:20] in s.reasons[0]["basis"]
    change.refresh_from_db()
    assert BASIS in change.notice and "appeal" in change.notice
    assert set(
        AuditEvent.objects.filter(object_id=str(change.pk), object_type="containment.statuschange").values_list(
            "action", flat=True
        )
    ) == {"status_change.request", "status_change.approve"}


def test_a_change_expires_by_itself(district, containment):
    change = _request(district, district.person_a, expires_at=clock.now() + timedelta(days=2))
    status_change_approve(actor=containment.hq2, change_id=change.pk)
    assert status_of(district.person_a.pk).colour == "yellow"
    with clock.advanced(timedelta(days=2, minutes=1)):
        assert status_of(district.person_a.pk).colour == "green"


@pytest.mark.parametrize(
    ("kw", "field", "code"),
    [
        ({"basis": "看着可疑"}, "basis", "too_short"),
        ({"expires_at": None}, "expires_at", "required"),
        ({"expires_at": clock.now() - timedelta(days=1)}, "expires_at", "out_of_range"),
        ({"expires_at": clock.now() + timedelta(days=31)}, "expires_at", "out_of_range"),
        ({"colour": "purple"}, "colour", "unknown_choice"),
    ],
)
def test_a_change_needs_basis_expiry_and_a_colour(district, kw, field, code):
    with pytest.raises(FieldError) as exc:
        _request(district, district.person_a, **kw)
    assert (exc.value.field, exc.value.code) == (field, code)
    assert not StatusChange.objects.exists()


def test_an_outsider_cannot_even_ask(district):
    from fangkong.conftest import make_user

    street2 = make_user("street2", "street_officer", jurisdiction=district.s2)
    with pytest.raises(NotFound):  # may ask, but not about community A
        status_change_request(
            actor=street2,
            person_id=district.person_a.pk,
            colour="red",
            basis=BASIS,
            expires_at=clock.now() + timedelta(days=1),
        )
    with pytest.raises(Forbidden):  # a grid worker sees statuses but does not ask for changes
        status_change_request(
            actor=district.worker_a,
            person_id=district.person_a.pk,
            colour="red",
            basis=BASIS,
            expires_at=clock.now() + timedelta(days=1),
        )


def test_bulk_changes_are_refused_unless_each_person_has_a_record(district, containment):
    case = case_confirm(actor=System("test"), person_id=containment.residents[0].pk, source="testing")
    from fangkong.containment.cases import contact_add

    contact = contact_add(
        actor=district.hq,
        case_id=case.pk,
        person_id=containment.residents[1].pk,
        last_contact_at=clock.now() - timedelta(hours=3),
    )
    with pytest.raises(FieldError) as own:
        contact_add(
            actor=district.hq,
            case_id=case.pk,
            person_id=case.person_id,
            last_contact_at=clock.now() - timedelta(hours=1),
        )
    assert (own.value.field, own.value.code) == ("person_id", "own_case")
    good = BulkItem(person_id=containment.residents[1].pk, basis=BASIS, record=f"contact:{contact.pk}")
    depositor = BulkItem(person_id=district.person_a.pk, basis=BASIS, record=f"contact:{contact.pk}")  # not theirs
    with pytest.raises(FieldError) as exc:
        status_changes_request_bulk(
            actor=district.hq, colour="red", expires_at=clock.now() + timedelta(days=3), items=[good, depositor]
        )
    assert (exc.value.field, exc.value.row) == ("record", 1)
    with pytest.raises(FieldError) as exc:
        status_changes_request_bulk(
            actor=district.hq,
            colour="red",
            expires_at=clock.now() + timedelta(days=3),
            items=[good, BulkItem(person_id=district.person_a.pk, basis="", record="")],
        )
    assert (exc.value.field, exc.value.row) == ("basis", 1)
    assert not StatusChange.objects.exists()
    made = status_changes_request_bulk(
        actor=district.hq, colour="red", expires_at=clock.now() + timedelta(days=3), items=[good]
    )
    assert [c.state for c in made] == ["pending"] and f"contact:{contact.pk}" in made[0].basis


def test_an_appeal_is_decided_by_someone_outside_the_change(district, containment):
    change = _request(district, district.person_a, colour="red")
    status_change_approve(actor=containment.hq2, change_id=change.pk)
    appeal = appeal_file(actor=district.worker_a, change_id=change.pk, text="我从未去过该地，有行程记录为证")
    with pytest.raises(FieldError) as exc:
        appeal_file(actor=district.worker_a, change_id=change.pk, text="再次申诉")
    assert (exc.value.field, exc.value.code) == ("change", "duplicate")
    for involved in (district.hq, containment.hq2):
        with pytest.raises(Forbidden):
            appeal_decide(actor=involved, appeal_id=appeal.pk, upheld=True, note="核实无误")
    from fangkong.conftest import make_user

    third = make_user("hq3", "hq_admin", jurisdiction=district.d)
    appeal_decide(actor=third, appeal_id=appeal.pk, upheld=True, note="行程核实：未到过风险地区")
    change.refresh_from_db()
    assert change.state == "revoked"
    assert status_of(district.person_a.pk).colour == "green"


def test_revoking_an_applied_change_needs_a_second_officer(district, containment):
    from fangkong.conftest import make_user
    from fangkong.containment.changes import status_change_revoke, status_change_revoke_reject

    change = _request(district, district.person_a, colour="red")
    status_change_approve(actor=containment.hq2, change_id=change.pk)
    with pytest.raises(FieldError) as exc:
        status_change_revoke(actor=district.hq, change_id=change.pk, note="")
    assert exc.value.code == "required"
    status_change_revoke(actor=district.hq, change_id=change.pk, note="复核：已解除密接判定")
    change.refresh_from_db()
    assert change.state == "applied" and change.revoke_requested_by_id == district.hq.pk
    assert status_of(district.person_a.pk).colour == "red"  # nothing changes on one officer's word
    with pytest.raises(Forbidden):
        status_change_revoke(actor=district.hq, change_id=change.pk, note="")
    # A second officer may decline (with a reason) …
    third = make_user("hq3", "hq_admin", jurisdiction=district.d)
    with pytest.raises(FieldError) as exc:
        status_change_revoke_reject(actor=third, change_id=change.pk, note="")
    assert (exc.value.field, exc.value.code) == ("note", "note_required")
    status_change_revoke_reject(actor=third, change_id=change.pk, note="密接判定仍成立")
    change.refresh_from_db()
    assert change.revoke_requested_by_id is None and change.state == "applied"
    # … or, asked again, confirm it.
    status_change_revoke(actor=third, change_id=change.pk, note="复核：流调排除密接")
    status_change_revoke(actor=containment.hq2, change_id=change.pk, note="")
    change.refresh_from_db()
    assert change.state == "revoked" and change.revoked_by_id == containment.hq2.pk
    assert status_of(district.person_a.pk).colour == "green"
    actions = list(
        AuditEvent.objects.filter(object_type="containment.statuschange", object_id=str(change.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "status_change.revoke_request",
        "status_change.revoke_reject",
        "status_change.revoke_request",
        "status_change.revoke",
    ]


def test_revocation_and_early_lift_over_the_api_and_pages(client, district, containment, api_token):
    change = _request(district, district.person_a, colour="red")
    status_change_approve(actor=containment.hq2, change_id=change.pk)
    first = client.post(
        f"/api/v1/status-changes/{change.pk}/revoke",
        {"note": "复核：已解除密接判定"},
        content_type="application/json",
        **api_token(district.hq),
    )
    assert first.status_code == 200 and first.json()["state"] == "applied"
    assert first.json()["revoke_requested_by"] == "hq"
    page = district.client(containment.hq2).get("/containment/changes/", {"state": "applied"}).content.decode()
    assert "Confirm: revoke the change" in page
    confirmed = district.client(containment.hq2).post(
        f"/containment/changes/{change.pk}/decide/", {"action": "revoke", "note": ""}, follow=True
    )
    assert "Change revoked" in confirmed.content.decode()
    change.refresh_from_db()
    assert change.state == "revoked"


def test_an_officer_who_filed_an_appeal_cannot_uphold_it(district, containment):
    """Otherwise one officer files an appeal 'for' the person, upholds it, and revokes the change alone."""
    from fangkong.conftest import make_user

    change = _request(district, district.person_a, colour="red")
    status_change_approve(actor=containment.hq2, change_id=change.pk)
    third = make_user("hq3", "hq_admin", jurisdiction=district.d)
    appeal = appeal_file(actor=third, change_id=change.pk, text="本人电话申诉，称从未去过该地")
    with pytest.raises(Forbidden):
        appeal_decide(actor=third, appeal_id=appeal.pk, upheld=True, note="核实无误")
    change.refresh_from_db()
    assert change.state == "applied"
    appeal_decide(
        actor=make_user("hq4", "hq_admin", jurisdiction=district.d), appeal_id=appeal.pk, upheld=True, note="行程核实"
    )
    change.refresh_from_db()
    assert change.state == "revoked"


def test_a_change_is_rejected_by_a_second_officer_with_the_reason(district, containment):
    from fangkong.containment.changes import status_change_reject
    from fangkong.core.approvals import OwnRequest

    change = _request(district, district.person_a, colour="red")
    with pytest.raises(OwnRequest) as own:
        status_change_reject(actor=district.hq, change_id=change.pk, note="撤回")
    assert own.value.code == "own_request"
    with pytest.raises(Forbidden):  # a street officer asks for changes but does not decide them
        status_change_reject(actor=district.street1, change_id=change.pk, note="不同意")
    with pytest.raises(FieldError) as exc:
        status_change_reject(actor=containment.hq2, change_id=change.pk, note="")
    assert (exc.value.field, exc.value.code) == ("note", "note_required")
    status_change_reject(actor=containment.hq2, change_id=change.pk, note="依据不足")
    change.refresh_from_db()
    assert (change.state, change.decided_by, change.decision_note) == ("rejected", containment.hq2, "依据不足")
    assert change.decided_at is not None and change.notice == ""
    assert status_of(district.person_a.pk).colour == "green"
    event = AuditEvent.objects.get(action="status_change.reject")
    assert event.actor_id == containment.hq2.pk and event.fields["state"] == {"from": "pending", "to": "rejected"}
    with pytest.raises(FieldError) as exc:
        status_change_approve(actor=containment.hq2, change_id=change.pk)
    assert (exc.value.field, exc.value.code) == ("state", "not_pending")
    with pytest.raises(FieldError) as exc:
        appeal_file(actor=district.worker_a, change_id=change.pk, text="从未去过该地")  # nothing in force
    assert exc.value.field == "change"


def test_revocation_codes_stamps_and_trail(district, containment):
    from fangkong.conftest import make_user
    from fangkong.containment.changes import status_change_revoke, status_change_revoke_reject
    from fangkong.core.approvals import OwnRequest

    change = _request(district, district.person_a, colour="red")
    with pytest.raises(FieldError) as exc:  # nothing applied yet
        status_change_revoke(actor=containment.hq2, change_id=change.pk, note="复核：已解除密接判定")
    assert (exc.value.field, exc.value.code) == ("state", "not_applied")
    status_change_approve(actor=containment.hq2, change_id=change.pk)
    with pytest.raises(FieldError) as exc:  # nothing asked yet
        status_change_revoke_reject(actor=containment.hq2, change_id=change.pk, note="密接判定仍成立")
    assert (exc.value.field, exc.value.code) == ("state", "not_pending")
    status_change_revoke(actor=district.hq, change_id=change.pk, note="复核：已解除密接判定")
    with pytest.raises(OwnRequest) as own:
        status_change_revoke(actor=district.hq, change_id=change.pk, note="")
    assert own.value.code == "own_request"
    with pytest.raises(OwnRequest):
        status_change_revoke_reject(actor=district.hq, change_id=change.pk, note="撤回")
    third = make_user("hq3", "hq_admin", jurisdiction=district.d)
    with pytest.raises(FieldError) as exc:
        status_change_revoke_reject(actor=third, change_id=change.pk, note=" ")
    assert (exc.value.field, exc.value.code) == ("note", "note_required")
    status_change_revoke(actor=third, change_id=change.pk, note="")
    change.refresh_from_db()
    assert (change.state, change.revoked_by) == ("revoked", third) and change.revoked_at is not None
    event = AuditEvent.objects.get(action="status_change.revoke")
    assert event.fields["state"] == {"from": "applied", "to": "revoked"}
    assert event.reason == "复核：已解除密接判定"  # the request's reason, confirmed without one of its own
    with pytest.raises(FieldError) as exc:
        status_change_revoke(actor=third, change_id=change.pk, note="再次撤销")
    assert (exc.value.field, exc.value.code) == ("state", "not_applied")
    with pytest.raises(FieldError) as exc:
        status_change_revoke_reject(actor=third, change_id=change.pk, note="再次")
    assert (exc.value.field, exc.value.code) == ("state", "not_pending")


def test_the_guards_of_an_appeal_decision(district, containment):
    from fangkong.conftest import make_user
    from fangkong.containment.changes import status_change_revoke
    from fangkong.containment.models import Appeal
    from fangkong.core.approvals import OwnRequest

    change = _request(district, district.person_a, colour="red")
    status_change_approve(actor=containment.hq2, change_id=change.pk)
    third = make_user("hq3", "hq_admin", jurisdiction=district.d)
    status_change_revoke(actor=third, change_id=change.pk, note="复核：已解除密接判定")  # asked, not confirmed
    filer = make_user("hq4", "hq_admin", jurisdiction=district.d)
    appeal = appeal_file(actor=filer, change_id=change.pk, text="本人电话申诉，称从未去过该地")
    judge = make_user("hq5", "hq_admin", jurisdiction=district.d)
    street2 = make_user("street2", "street_officer", jurisdiction=district.s2)
    with pytest.raises(Forbidden):  # sees statuses, does not decide appeals
        appeal_decide(actor=district.worker_a, appeal_id=appeal.pk, upheld=True, note="核实")
    with pytest.raises(Forbidden):  # a street officer does not either
        appeal_decide(actor=street2, appeal_id=appeal.pk, upheld=True, note="核实")
    with pytest.raises(NotFound):
        appeal_decide(actor=judge, appeal_id=appeal.pk + 1000, upheld=True, note="核实")
    # Who asked for the change, who approved it, who asked to revoke it, who filed the appeal: none decides it.
    for involved in (district.hq, containment.hq2, third, filer):
        for upheld in (True, False):
            with pytest.raises(OwnRequest) as own:
                appeal_decide(actor=involved, appeal_id=appeal.pk, upheld=upheld, note="核实")
            assert own.value.code == "own_request"
    for upheld in (True, False):  # reasons either way
        with pytest.raises(FieldError) as exc:
            appeal_decide(actor=judge, appeal_id=appeal.pk, upheld=upheld, note="")
        assert (exc.value.field, exc.value.code) == ("note", "note_required")
    appeal_decide(actor=judge, appeal_id=appeal.pk, upheld=False, note="密接判定有流调为据")
    appeal.refresh_from_db()
    assert (appeal.state, appeal.decided_by, appeal.decision_note) == ("dismissed", judge, "密接判定有流调为据")
    assert appeal.decided_at is not None
    change.refresh_from_db()
    assert change.state == "applied"  # dismissed: the change stands
    event = AuditEvent.objects.get(action="appeal.decide")
    assert event.fields["state"] == {"from": "open", "to": "dismissed"} and event.fields["upheld"] is False
    for upheld in (True, False):
        with pytest.raises(FieldError) as exc:
            appeal_decide(actor=judge, appeal_id=appeal.pk, upheld=upheld, note="再议")
        assert (exc.value.field, exc.value.code) == ("state", "not_pending")
    assert Appeal.objects.get().state == "dismissed"
