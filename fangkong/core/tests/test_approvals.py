"""One rule for every two-person decision (core.approvals), checked on each of them: a zone and its early lifting,
a manual status change and its revocation, an appeal, a supervision outcome, an article, an official's trip.

Whoever asked does not decide (either way); a rejection without a note is refused; the decision stamps who and
when and its audit event records the state it moved from and to; a decided item is not decided again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from fangkong.conftest import make_person, make_user
from fangkong.core import clock
from fangkong.core.approvals import NOT_PENDING, NOTE_REQUIRED, OWN_REQUEST, OwnRequest
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.registry.models import PersonTag, Unit

BASIS = "《传染病防治法》第三十九条；与病例同乘一车"


@dataclass
class Decision:
    requester: Any  # asked for it, and holds the power to decide such things
    decider: Any  # someone else who may decide it
    approve: Callable[[Any, str], Any]  # (actor, note)
    reject: Callable[[Any, str], Any]
    stamped: Callable[[], Any]  # the row that carries who and when, fresh from the database
    by: str  # its fields
    at: str
    actions: tuple[str, str]  # the audit actions of approving and of rejecting
    key: str  # the audit's name for the move
    moves: tuple[str, str]  # approved: from, to
    approve_again: str = NOT_PENDING  # the code of approving what is decided already


def _hq(name: str, district):
    return make_user(name, "hq_admin", jurisdiction=district.d)


def _zone_requested(district):
    from fangkong.containment.zones import zone_request

    return zone_request(
        actor=district.hq, name="第二网格", level="sealed", basis="确诊病例所在网格", jurisdictions=[district.a2.pk]
    )


def zone(district) -> Decision:
    from fangkong.containment.models import Zone
    from fangkong.containment.zones import zone_approve, zone_reject

    pk = _zone_requested(district).pk
    return Decision(
        requester=district.hq,
        decider=_hq("hq2", district),
        approve=lambda actor, note: zone_approve(actor=actor, zone_id=pk, note=note),
        reject=lambda actor, note: zone_reject(actor=actor, zone_id=pk, note=note),
        stamped=lambda: Zone.objects.get(pk=pk),
        by="decided_by",
        at="decided_at",
        actions=("zone.approve", "zone.reject"),
        key="state",
        moves=("pending", "active"),
    )


def zone_lift(district) -> Decision:
    from fangkong.containment.models import Zone
    from fangkong.containment.zones import zone_approve, zone_lift, zone_lift_reject

    pk, hq2 = _zone_requested(district).pk, _hq("hq2", district)
    zone_approve(actor=hq2, zone_id=pk)
    zone_lift(actor=district.hq, zone_id=pk, note="上级通知提前解封，风险评估通过", override=True)  # criteria unmet
    return Decision(
        requester=district.hq,
        decider=hq2,
        approve=lambda actor, note: zone_lift(actor=actor, zone_id=pk, note=note, override=True),
        reject=lambda actor, note: zone_lift_reject(actor=actor, zone_id=pk, note=note),
        stamped=lambda: Zone.objects.get(pk=pk),
        by="lifted_by",
        at="lifted_at",
        actions=("zone.lift", "zone.lift_reject"),
        key="state",
        moves=("active", "lifted"),
        approve_again="not_active",  # lifting asks for a zone in force first
    )


def _change_requested(district):
    from fangkong.containment.changes import status_change_request

    return status_change_request(
        actor=district.hq,
        person_id=district.person_a.pk,
        colour="yellow",
        basis=BASIS,
        expires_at=clock.now() + timedelta(days=7),
    )


def status_change(district) -> Decision:
    from fangkong.containment.changes import status_change_approve, status_change_reject
    from fangkong.containment.models import StatusChange

    pk = _change_requested(district).pk
    return Decision(
        requester=district.hq,
        decider=_hq("hq2", district),
        approve=lambda actor, note: status_change_approve(actor=actor, change_id=pk, note=note),
        reject=lambda actor, note: status_change_reject(actor=actor, change_id=pk, note=note),
        stamped=lambda: StatusChange.objects.get(pk=pk),
        by="decided_by",
        at="decided_at",
        actions=("status_change.approve", "status_change.reject"),
        key="state",
        moves=("pending", "applied"),
    )


def revocation(district) -> Decision:
    from fangkong.containment.changes import (
        status_change_approve,
        status_change_revoke,
        status_change_revoke_reject,
    )
    from fangkong.containment.models import StatusChange

    pk = _change_requested(district).pk
    status_change_approve(actor=_hq("hq2", district), change_id=pk)
    status_change_revoke(actor=district.hq, change_id=pk, note="复核：已解除密接判定")
    return Decision(
        requester=district.hq,
        decider=_hq("hq3", district),
        approve=lambda actor, note: status_change_revoke(actor=actor, change_id=pk, note=note),
        reject=lambda actor, note: status_change_revoke_reject(actor=actor, change_id=pk, note=note),
        stamped=lambda: StatusChange.objects.get(pk=pk),
        by="revoked_by",
        at="revoked_at",
        actions=("status_change.revoke", "status_change.revoke_reject"),
        key="state",
        moves=("applied", "revoked"),
        approve_again="not_applied",  # revoking asks for a change in force first
    )


def appeal(district) -> Decision:
    from fangkong.containment.changes import appeal_decide, appeal_file, status_change_approve
    from fangkong.containment.models import Appeal

    change = _change_requested(district)
    status_change_approve(actor=_hq("hq2", district), change_id=change.pk)
    filer = _hq("hq3", district)  # wrote it down for the person, and may decide appeals in general
    pk = appeal_file(actor=filer, change_id=change.pk, text="本人电话申诉，称从未去过该地").pk
    return Decision(
        requester=filer,
        decider=_hq("hq4", district),
        approve=lambda actor, note: appeal_decide(actor=actor, appeal_id=pk, upheld=True, note=note),
        reject=lambda actor, note: appeal_decide(actor=actor, appeal_id=pk, upheld=False, note=note),
        stamped=lambda: Appeal.objects.get(pk=pk),
        by="decided_by",
        at="decided_at",
        actions=("appeal.decide", "appeal.decide"),
        key="state",
        moves=("open", "upheld"),
    )


def outcome(district) -> Decision:
    from fangkong.command.models import Outcome
    from fangkong.command.supervision import finding_record, outcome_decide, outcome_propose

    finding = finding_record(actor=district.hq, target_kind="jurisdiction", target_id=district.a.pk, text="值班脱岗")
    proposer = _hq("hq2", district)
    pk = outcome_propose(actor=proposer, finding_id=finding.pk, kind="criticism").pk
    return Decision(
        requester=proposer,
        decider=district.hq,
        approve=lambda actor, note: outcome_decide(actor=actor, outcome_id=pk, approve=True, note=note),
        reject=lambda actor, note: outcome_decide(actor=actor, outcome_id=pk, approve=False, note=note),
        stamped=lambda: Outcome.objects.get(pk=pk),
        by="decided_by",
        at="decided_at",
        actions=("supervision.decide", "supervision.decide"),
        key="state",
        moves=("proposed", "approved"),
    )


def article(district) -> Decision:
    from fangkong.portal.articles import article_approve, article_create, article_reject, article_submit
    from fangkong.portal.models import ArticleVersion

    dept = Unit.objects.create(kind="department", name="宣传部", code="XCB", jurisdiction=district.d, jpath="211103/")
    author = make_user("reviewer", "portal_reviewer", unit=dept)  # a reviewer writes, too
    pk = article_create(actor=author, title="通知", body_html="<p>正文内容</p>", category="防控通告").pk
    article_submit(actor=author, article_id=pk)
    return Decision(
        requester=author,
        decider=make_user("reviewer2", "portal_reviewer", unit=dept),
        approve=lambda actor, note: article_approve(actor=actor, article_id=pk, note=note),
        reject=lambda actor, note: article_reject(actor=actor, article_id=pk, note=note),
        stamped=lambda: ArticleVersion.objects.get(article_id=pk),
        by="approved_by",
        at="approved_at",
        actions=("portal.article_approve", "portal.article_reject"),
        key="state",
        moves=("submitted", "published"),
    )


def trip(district) -> Decision:
    from fangkong.screening.models import TravelReport
    from fangkong.screening.travel import travel_report_decide, travel_report_file

    dept = Unit.objects.create(kind="department", name="区住建局", code="ZJ", jurisdiction=district.d, jpath="211103/")
    official = make_person(district.a, name="干部")
    official.unit = dept
    official.save()
    PersonTag.objects.create(person=official, tag=PersonTag.Tag.PUBLIC_OFFICIAL)
    leader = make_user("leader", "unit_leader", unit=dept)  # files for the unit's staff, and decides trips
    today = clock.localdate()
    pk = travel_report_file(
        actor=leader,
        person=official,
        destination="北京市",
        depart_on=today + timedelta(days=1),
        return_on=today + timedelta(days=3),
        reason="出差",
        transport="高铁",
    ).pk
    return Decision(
        requester=leader,
        decider=make_user("leader2", "unit_leader", unit=dept),
        approve=lambda actor, note: travel_report_decide(actor=actor, report_id=pk, approve=True, note=note),
        reject=lambda actor, note: travel_report_decide(actor=actor, report_id=pk, approve=False, note=note),
        stamped=lambda: TravelReport.objects.get(pk=pk),
        by="decided_by",
        at="decided_at",
        actions=("travel_report.decide", "travel_report.decide"),
        key="approval",
        moves=("pending", "approved"),
    )


DECISIONS = [zone, zone_lift, status_change, revocation, appeal, outcome, article, trip]


@pytest.mark.parametrize("make", DECISIONS, ids=[f.__name__ for f in DECISIONS])
def test_one_rule_for_every_two_person_decision(district, make):
    d = make(district)

    def events():
        return list(AuditEvent.objects.filter(action__in=d.actions).order_by("id"))

    # Whoever asked decides neither way (the refusal is a 403 with the rule's code).
    for decide in (d.approve, d.reject):
        with pytest.raises(OwnRequest) as own:
            decide(d.requester, "我自己决定")
        assert (own.value.code, own.value.field) == (OWN_REQUEST, "decided_by")
    # A rejection says why.
    with pytest.raises(FieldError) as exc:
        d.reject(d.decider, "  ")
    assert (exc.value.field, exc.value.code) == ("note", NOTE_REQUIRED)
    assert events() == []
    assert getattr(d.stamped(), d.by) is None
    # Decided: who and when on the row, old → new in the trail.
    before = clock.now()
    d.approve(d.decider, "核实无误，同意")
    row = d.stamped()
    assert getattr(row, d.by) == d.decider and before <= getattr(row, d.at) <= clock.now()
    [event] = events()
    assert event.action == d.actions[0] and event.actor_id == d.decider.pk
    assert event.fields[d.key] == {"from": d.moves[0], "to": d.moves[1]}
    # Not decided again, either way, by anyone.
    with pytest.raises(FieldError) as exc:
        d.reject(d.decider, "再议")
    assert exc.value.code == NOT_PENDING
    with pytest.raises(FieldError) as exc:
        d.approve(d.decider, "再次同意")
    assert exc.value.code == d.approve_again
    assert len(events()) == 1 and getattr(d.stamped(), d.by) == d.decider


def test_the_api_names_the_rule_that_refused(client, district, api_token):
    zone_id = _zone_requested(district).pk
    r = client.post(f"/api/v1/zones/{zone_id}/approve", {}, content_type="application/json", **api_token(district.hq))
    assert r.status_code == 403 and r.json()["code"] == OWN_REQUEST
