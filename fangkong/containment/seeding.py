"""The containment side of the demo district: a sealed compound in community A (proposed by hq_admin, approved by
hq_deputy, so its residents are red with the reason) and a controlled one awaiting the deputy's approval."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model

from fangkong.core import clock
from fangkong.registry.models import Place, RoleAssignment

from .models import Appeal, Case, CloseContact, IsolationSite, PersonStatus, StatusChange, Transfer, Zone
from .protocol import ensure_default_levels
from .zones import zone_approve, zone_request


def wipe() -> None:
    # The isolation sites are the demo's units' (registry), which a fresh seed deletes after this.
    Case.objects.update(source_case=None)  # a case protects the cases it infected: unlink before deleting
    for model in (PersonStatus, Appeal, StatusChange, Transfer, CloseContact, Case, Zone, IsolationSite):
        model.objects.all().delete()


def seed(*, progress=lambda message: None) -> dict:
    ensure_default_levels()
    User = get_user_model()
    hq, deputy = User.objects.filter(username="hq_admin").first(), User.objects.filter(username="hq_deputy").first()
    worker = RoleAssignment.objects.filter(user__username="grid_worker_a").select_related("jurisdiction").first()
    if hq is None or deputy is None or worker is None or worker.jurisdiction is None:
        return {"zones": 0}
    community = worker.jurisdiction
    compounds = list(
        Place.objects.filter(kind=Place.Kind.COMPOUND, jpath__startswith=community.path).order_by("pk")[:2]
    )
    if len(compounds) < 2 and community.parent is not None:
        # A small demo has one compound per community: the controlled zone goes to the street's next one.
        compounds += list(
            Place.objects.filter(kind=Place.Kind.COMPOUND, jpath__startswith=community.parent.path)
            .exclude(pk__in=[c.pk for c in compounds])
            .order_by("pk")[: 2 - len(compounds)]
        )
    if len(compounds) < 2:
        return {"zones": 0}
    sealed = zone_request(
        actor=hq,
        name=f"{compounds[0].name}封控区",
        level="sealed",
        basis="小区内发现确诊病例，经区疫情防控指挥部研判划为封控区",
        document_number="兴疫指〔2022〕12号",
        places=[compounds[0].pk],
    )
    zone_approve(actor=deputy, zone_id=sealed.pk, note="同意")
    zone_request(
        actor=hq,
        name=f"{compounds[1].name}管控区",
        level="controlled",
        basis="与封控区相邻，密接人员居住较多",
        document_number="兴疫指〔2022〕13号",
        places=[compounds[1].pk],
    )
    progress(f"zones: {compounds[0].name} sealed (approved), {compounds[1].name} controlled (awaiting approval)")
    return {"zones": 2, "contacts": _seed_case(hq, community, compounds[0], progress)}


def _seed_case(hq, community, compound: Place, progress) -> int:
    """A confirmed case living in the sealed compound, with two close contacts at home and one secondary contact
    at work, so that the case pages have something to show: each contact in their community's closed loop."""
    from fangkong.registry.models import Person

    from .cases import case_record, contact_add

    in_compound = Place.objects.filter(kind=Place.Kind.HOUSEHOLD, parent__parent_id=compound.pk).values("pk")
    people = list(
        Person.objects.filter(household_id__in=in_compound, community=community, cases__isnull=True).order_by("pk")[:4]
    )
    others = list(
        Person.objects.filter(community=community, cases__isnull=True)
        .exclude(pk__in=[p.pk for p in people])
        .order_by("pk")[:3]
    )
    people = (people + others)[:4]
    if len(people) < 4:
        return 0
    now = clock.now()
    case = case_record(
        actor=hq,
        person_id=people[0].pk,
        source=Case.Source.TESTING,
        reference="单管复核 T-0001",
        onset_date=clock.localdate(now - timedelta(days=1)),
    )
    for person, kind, exposure, hours in (
        (people[1], CloseContact.Kind.CLOSE, CloseContact.Exposure.HOUSEHOLD, 3),
        (people[2], CloseContact.Kind.CLOSE, CloseContact.Exposure.HOUSEHOLD, 3),
        (people[3], CloseContact.Kind.SECONDARY, CloseContact.Exposure.WORKPLACE, 30),
    ):
        contact_add(
            actor=hq,
            case_id=case.pk,
            person_id=person.pk,
            kind=kind,
            exposure=exposure,
            last_exposure_at=now - timedelta(hours=hours),
            note="流调核实",
        )
    progress(f"cases: №{case.pk} with two close contacts and one secondary contact")
    return 3
