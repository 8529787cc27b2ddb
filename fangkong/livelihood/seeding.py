"""The demo's livelihood work: households of the sealed compound asking for supplies (one delivery on its way), a
volunteer waiting for their community and one at work on shifts, gatherings for the weekend (one refused by the
sealed zone), logistics passes, schools' holiday plans, key places under inspection, two price reports from the
public, the district's goods in a warehouse and in the sealed community's station (one kind short), a week of
prices at watched markets with one case — through the services."""

from __future__ import annotations

from . import price_watch
from .models import (
    Delivery,
    Gathering,
    Goods,
    KeyPlace,
    LogisticsPass,
    PlaceInspection,
    PlaceRectification,
    PriceReport,
    SchoolHoliday,
    Shift,
    StockLevel,
    StockMovement,
    StockPoint,
    SupplyLine,
    SupplyRequest,
    Volunteer,
)

GOODS = [  # name, unit, category; in the warehouse, in the community's station, its threshold there
    ("大米", "袋", "staple", 800, 60, 20),
    ("食用油", "桶", "staple", 300, 25, 10),
    ("鸡蛋", "斤", "fresh", 500, 40, 20),
    ("青菜", "斤", "fresh", 1200, 30, 50),  # short at the station: below its threshold
    ("胰岛素", "支", "medicine", 200, 12, 5),
    ("婴儿奶粉", "罐", "infant", 120, 8, 4),
    ("口罩", "个", "daily", 20000, 500, 200),
]


def wipe() -> None:
    price_watch.wipe()  # its cases hold the public's reports: first
    for model in (
        PlaceRectification,
        PlaceInspection,
        KeyPlace,
        SchoolHoliday,
        LogisticsPass,
        Gathering,
        SupplyLine,
        SupplyRequest,  # its lines, then the requests, then the deliveries they were packed in
        Delivery,
        Shift,
        Volunteer,
        PriceReport,
        StockMovement,
        StockLevel,
        StockPoint,
        Goods,
    ):
        model.objects.all().delete()


def _community_path(sealed) -> str:
    """The path of the community the sealed zone lies in (the zone itself may be one grid of it): its volunteers
    live there, outside the zone."""
    parts = [p for p in sealed.jpath.split("/") if p]
    return "/".join(parts[:3]) + "/" if len(parts) >= 3 else sealed.jpath


def _stock(sealed, progress) -> None:
    """The district's warehouse stocked from suppliers, and the sealed community's station supplied from it."""
    from django.contrib.auth import get_user_model

    from fangkong.registry.models import Jurisdiction

    from . import stock

    hq = get_user_model().objects.filter(username="hq_admin").first()
    district = Jurisdiction.objects.filter(parent__isnull=True, retired_on__isnull=True).order_by("pk").first()
    if hq is None or district is None:
        return
    for name, unit, category, *_amounts in GOODS:
        stock.goods_create(actor=hq, name=name, unit=unit, category=category)
    warehouse = stock.stock_point_create(
        actor=hq, name="区应急物资储备库", kind="warehouse", jurisdiction_id=district.pk, address="兴隆台区物流园"
    )
    community = Jurisdiction.objects.filter(path=sealed.jpath).first() if sealed else None
    while community is not None and community.level != "community":
        community = community.parent
    station = None
    if community is not None:
        station = stock.stock_point_create(
            actor=hq, name=f"{community.name}物资站", kind="station", jurisdiction_id=community.pk
        )
    for name, _unit, _category, stored, sent, threshold in GOODS:
        stock.stock_move(actor=hq, point_id=warehouse.pk, item=name, quantity=stored, direction="in", source="粮油公司")
        if station is None:
            continue
        stock.stock_move(
            actor=hq, point_id=warehouse.pk, item=name, quantity=sent, direction="out", reason="transfer",
            source=station.name,
        )  # fmt: skip
        stock.stock_move(
            actor=hq, point_id=station.pk, item=name, quantity=sent, direction="in", reason="transfer",
            source=warehouse.name,
        )  # fmt: skip
        stock.stock_threshold_set(actor=hq, point_id=station.pk, item=name, threshold=threshold)
    progress(f"livelihood: {len(GOODS)} kinds of goods in {2 if station else 1} stock points")


def _volunteer_in(sealed, everyone_inside, **signing_up):
    """A resident of the sealed zone's community, outside it, signed up to volunteer: the first who may (someone red
    — a contact, a case — is told to wait, and the next is asked). A volunteer works from their phone (/me/): one
    without a phone on the register has the number they gave recorded, as the community does at sign-up."""
    from django.contrib.auth import get_user_model

    from fangkong.core.errors import FieldError
    from fangkong.registry.models import Person
    from fangkong.registry.people import PersonEditInput, person_update

    from .services import volunteer_sign_up

    if sealed is None:
        return None
    taken = Volunteer.objects.values("person_id")
    candidates = (
        Person.objects.exclude(pk__in=everyone_inside)
        .exclude(pk__in=taken)
        .filter(jpath__startswith=_community_path(sealed))
        .order_by("pk")[:20]
    )
    for person in sorted(candidates, key=lambda p: p.phone_cipher is None):
        try:
            volunteer = volunteer_sign_up(person_ids=[person.pk], person_id=person.pk, **signing_up)
        except FieldError:
            continue
        hq = get_user_model().objects.filter(username="hq_admin").first()
        if person.phone_cipher is None and hq is not None:
            person_update(actor=hq, person_id=person.pk, data=PersonEditInput(phone=f"1390001{person.pk % 10000:04d}"))
        return volunteer
    return None


def _volunteer_at_work(sealed, everyone_inside) -> None:
    """An accepted volunteer of the sealed compound's community with a week's shifts: yesterday's deliveries worked
    (checked in and out), today's sampling support under way, tomorrow's patrol planned."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from fangkong.core import clock

    from . import volunteering
    from .models import Shift
    from .services import volunteer_decide

    hq = get_user_model().objects.filter(username="hq_admin").first()
    if hq is None or sealed is None:
        return
    v = _volunteer_in(sealed, everyone_inside, skills=["delivery", "testing"], availability="工作日晚上、周末")
    if v is None:
        return
    volunteer_decide(actor=hq, volunteer_id=v.pk, accept=True)
    hour = clock.now().replace(minute=0, second=0, microsecond=0)
    yesterday = volunteering.shift_assign(
        actor=hq, volunteer_id=v.pk, starts_at=hour - timedelta(hours=26), ends_at=hour - timedelta(hours=22),
        task="delivery", place="封控小区 1—3 号楼",
    )  # fmt: skip
    Shift.objects.filter(pk=yesterday.pk).update(
        checked_in_at=yesterday.starts_at - timedelta(minutes=10), checked_out_at=yesterday.ends_at
    )
    today = volunteering.shift_assign(
        actor=hq, volunteer_id=v.pk, starts_at=hour - timedelta(hours=1), ends_at=hour + timedelta(hours=3),
        task="sampling", place="社区文化广场采样点",
    )  # fmt: skip
    volunteering.shift_check_in(actor=hq, shift_id=today.pk)
    volunteering.shift_assign(
        actor=hq, volunteer_id=v.pk, starts_at=hour + timedelta(hours=23), ends_at=hour + timedelta(hours=26),
        task="patrol", place="小区周边",
    )  # fmt: skip


def _gatherings(sealed) -> None:
    """Three gatherings registered for the weekend: a wedding within the limit, a market fair on conditions, and a
    funeral in the sealed compound's community — refused by the zone."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from fangkong.core import clock
    from fangkong.registry.models import Jurisdiction

    from .gatherings import gathering_register

    hq = get_user_model().objects.filter(username="hq_admin").first()
    communities = list(Jurisdiction.objects.filter(level="community", retired_on__isnull=True).order_by("path")[:8])
    if hq is None or len(communities) < 3:
        return
    inside = sealed.places.first() if sealed is not None else None
    day = clock.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=2)
    free = [c for c in communities if sealed is None or not sealed.jpath.startswith(c.path)]
    gathering_register(
        actor=hq, name="王家婚宴", kind="wedding", jurisdiction_id=free[-1].pk, starts_at=day, expected_size=40,
        address="兴隆大酒店", organiser="王先生",
    )  # fmt: skip
    gathering_register(
        actor=hq, name="周末农贸大集", kind="market", jurisdiction_id=free[-2].pk, starts_at=day - timedelta(hours=3),
        ends_at=day + timedelta(hours=2), expected_size=90, address="社区广场",
    )  # fmt: skip
    if inside is not None:
        gathering_register(
            actor=hq, name="李家丧事", kind="funeral", jurisdiction_id=inside.jurisdiction_id, place_id=inside.pk,
            starts_at=day + timedelta(days=1), expected_size=30, organiser="李女士",
        )  # fmt: skip


def _delivery_on_the_way() -> None:
    """The groceries request packed at the community's station and on its way with a worker; the medicine request
    waits, first in the list to pack."""
    from django.contrib.auth import get_user_model

    from .deliveries import delivery_dispatch, delivery_pack

    hq = get_user_model().objects.filter(username="hq_admin").first()
    station = StockPoint.objects.filter(kind=StockPoint.Kind.STATION).first()
    groceries = SupplyRequest.objects.filter(kind=SupplyRequest.Kind.GROCERIES, state="received").first()
    if hq is None or station is None or groceries is None:
        return
    lines = [
        {"request_id": groceries.pk, "item": "大米", "quantity": 1},
        {"request_id": groceries.pk, "item": "鸡蛋", "quantity": 2},
        {"request_id": groceries.pk, "item": "青菜", "quantity": 3},
    ]
    delivery = delivery_pack(actor=hq, point_id=station.pk, lines=lines, courier="网格员小刘")
    delivery_dispatch(actor=hq, delivery_id=delivery.pk)


def _logistics_passes() -> None:
    """Two carriers' applications: one approved by the transport department (辽L12345, shown at the checkpoints),
    one awaiting its decision."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from fangkong.core import clock

    from .logistics import logistics_pass_apply, logistics_pass_decide

    approver = get_user_model().objects.filter(username="transport_regulator").first()
    now = clock.now()
    fresh = logistics_pass_apply(
        plate="辽L12345", company="盘锦鲜达物流有限公司", goods="蔬菜、肉蛋奶", route="沈阳—兴隆台区各超市",
        driver_name="孙师傅", driver_phone="13912340001", valid_from=now, valid_until=now + timedelta(days=7),
        vehicle="冷藏车",
    )  # fmt: skip
    if approver is not None:
        logistics_pass_decide(actor=approver, pass_id=fresh.pk, approve=True)
    logistics_pass_apply(
        plate="辽LD6688", company="辽河医药配送中心", goods="药品、防疫物资", route="盘锦市区—兴隆台区各药店",
        driver_name="钱师傅", driver_phone="13912340002", valid_from=now, valid_until=now + timedelta(days=14),
    )  # fmt: skip


def _school_holidays() -> None:
    """The winter holiday of four schools grade by grade: most spread out, one day a peak (two schools' upper grades
    on the same day) for the district to move."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from fangkong.core import clock
    from fangkong.registry.models import Unit

    from .schools import school_holiday_create

    hq = get_user_model().objects.filter(username="hq_admin").first()
    units = list(Unit.objects.filter(kind=Unit.Kind.SCHOOL).order_by("code")[:4])
    if hq is None or not units:
        return
    start = clock.localdate() + timedelta(days=40)
    plans = [  # school, grade, students, days after the first
        (0, "一年级", 320, 0), (0, "二年级", 310, 1), (0, "三年级", 300, 2),
        (1, "初一", 480, 0), (1, "初二", 460, 3), (1, "初三", 450, 5),
        (2, "四年级", 290, 3), (2, "五年级", 280, 4), (3, "高一", 650, 5),
    ]  # fmt: skip
    for index, grade, students, offset in plans:
        school = units[index % len(units)]
        leaves = start + timedelta(days=offset)
        school_holiday_create(
            actor=hq, school_id=school.pk, grade=grade, students=students, leaves_on=leaves,
            returns_on=leaves + timedelta(days=35),
        )  # fmt: skip


def _key_places() -> None:
    """The district's supermarkets and markets as key places supervised by commerce: one failing twice this month
    with findings to put right, one limited by order, the rest inspected and passing."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from fangkong.core import clock
    from fangkong.registry.models import Unit

    from .places import place_inspect, place_order, place_register

    User = get_user_model()
    hq = User.objects.filter(username="hq_admin").first()
    inspector = User.objects.filter(username="place_inspector").first() or hq
    commerce = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, name="区商务局").first()
    venues = list(Unit.objects.filter(kind=Unit.Kind.VENUE).order_by("code")[:6])
    if hq is None or not venues:
        return
    passing = {c: "pass" for c in ("scan", "temperature", "ventilation", "distance", "masks")}
    for n, venue in enumerate(venues):
        kind = "supermarket" if "超市" in venue.name or "购物" in venue.name else "market"
        place = place_register(
            actor=hq, venue_id=venue.pk, kind=kind, operator=f"{venue.name}经营管理有限公司",
            supervisor_id=commerce.pk if commerce else None,
        )  # fmt: skip
        if n == 0:  # failing again and again
            place_inspect(
                actor=inspector,
                place_id=place.pk,
                results=passing | {"scan": "fail"},
                notes={"scan": "入口无人查验场所码"},
            )
            PlaceInspection.objects.filter(place=place).update(at=clock.now() - timedelta(days=6))
            PlaceRectification.objects.filter(place=place).update(deadline=clock.now() - timedelta(days=5))
            place_inspect(
                actor=inspector, place_id=place.pk, results=passing | {"scan": "fail", "masks": "fail"},
                notes={"scan": "仍未查验场所码", "masks": "多名摊主未戴口罩"},
            )  # fmt: skip
        elif n == 1:
            place_inspect(actor=inspector, place_id=place.pk, results=passing)
            place_order(
                actor=inspector, place_id=place.pk, state="limited", capacity=200, note="周末客流高峰，限流200人"
            )
        else:
            place_inspect(actor=inspector, place_id=place.pk, results=passing)


def seed(*, progress=lambda message: None) -> dict:
    from fangkong.containment.models import Zone
    from fangkong.containment.zones import people_in_zone_ids

    from .services import price_report_submit, supply_request_file

    made = 0
    sealed = Zone.objects.filter(state=Zone.State.ACTIVE, level__colour="red").first()
    everyone_inside = people_in_zone_ids(sealed) if sealed else []
    inside = everyone_inside[:3]
    wishes = [("medicine", "降压药（硝苯地平缓释片）一盒", True), ("groceries", "大米10斤、鸡蛋、青菜", False)]
    for pid, (kind, items, urgent) in zip(inside, wishes, strict=False):
        supply_request_file(person_ids=[pid], person_id=pid, kind=kind, items=items, urgent=urgent)
        made += 1
    _volunteer_in(sealed, everyone_inside, skills=["delivery", "driving"], availability="周末全天")
    price_report_submit(
        shop="某某平价超市", place="兴隆大街", goods="青菜", price="15元/斤", description="封控后蔬菜价格翻了三倍"
    )
    price_report_submit(
        shop="某药房", place="振兴街道", goods="退烧药", hoarding=True, description="店里有货，称已售罄", name="王先生",
        phone="13800001234",
    )  # fmt: skip
    _volunteer_at_work(sealed, everyone_inside)
    _gatherings(sealed)
    _logistics_passes()
    _school_holidays()
    _key_places()
    progress(f"livelihood: {made} supply requests, 2 volunteers (one at work), 3 gatherings, 2 passes, 2 price reports")
    _stock(sealed, progress)
    _delivery_on_the_way()
    price_watch.seed_demo(progress=progress)  # a week of prices at the markets; the public's report joins its case
    return {"supplies": made}
