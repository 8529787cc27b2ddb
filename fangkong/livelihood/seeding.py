"""The demo's livelihood work: households of the sealed compound asking for supplies, a volunteer waiting for
their community, two price reports from the public — through the services."""

from __future__ import annotations

from .models import PriceReport, SupplyRequest, Volunteer


def wipe() -> None:
    for model in (SupplyRequest, Volunteer, PriceReport):
        model.objects.all().delete()


def seed(*, progress=lambda message: None) -> dict:
    from fangkong.containment.models import Zone
    from fangkong.containment.zones import people_in_zone_ids
    from fangkong.registry.models import Person

    from .services import price_report_submit, supply_request_file, volunteer_sign_up

    made = 0
    sealed = Zone.objects.filter(state=Zone.State.ACTIVE, level__colour="red").first()
    everyone_inside = people_in_zone_ids(sealed) if sealed else []
    inside = everyone_inside[:3]
    wishes = [("medicine", "降压药（硝苯地平缓释片）一盒", True), ("groceries", "大米10斤、鸡蛋、青菜", False)]
    for pid, (kind, items, urgent) in zip(inside, wishes, strict=False):
        supply_request_file(person_ids=[pid], person_id=pid, kind=kind, items=items, urgent=urgent)
        made += 1
    outside = (
        Person.objects.exclude(pk__in=everyone_inside)
        .filter(jpath__startswith=sealed.jpath if sealed else "")
        .order_by("pk")
        .first()
    )
    if outside is not None:
        volunteer_sign_up(
            person_ids=[outside.pk], person_id=outside.pk, skills=["delivery", "driving"], availability="周末全天"
        )
    price_report_submit(
        shop="某某平价超市", place="兴隆大街", goods="青菜", price="15元/斤", description="封控后蔬菜价格翻了三倍"
    )
    price_report_submit(
        shop="某药房", place="振兴街道", goods="退烧药", hoarding=True, description="店里有货，称已售罄", name="王先生",
        phone="13800001234",
    )  # fmt: skip
    progress(f"livelihood: {made} supply requests, a volunteer, 2 price reports")
    return {"supplies": made}
