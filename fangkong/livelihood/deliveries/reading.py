"""Reading deliveries: the requests waiting to be packed (who needs it most first), grouped by building; the
deliveries in reach; a request's steps as its household sees them at /me/; a volunteer courier's doors."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from fangkong.core import pii
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, one_in_reach, scope_for
from fangkong.registry.models import Place

from ..models import Delivery, SupplyRequest
from ..selectors import supply_requests_visible

OPEN = (SupplyRequest.State.RECEIVED, SupplyRequest.State.ACCEPTED)


def priority(qs: QuerySet[SupplyRequest]) -> QuerySet[SupplyRequest]:
    """Special needs first (medicine, infants, dialysis, the bedridden), then the urgent, then the oldest."""
    return qs.annotate(
        _first=Case(When(need="", then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("_first", "-urgent", "created_at")


def requests_to_pack(*, user) -> QuerySet[SupplyRequest]:
    """Open requests in reach not yet packed in a delivery."""
    qs = supply_requests_visible(user=user).filter(state__in=OPEN, delivery__isnull=True)
    return priority(qs.select_related("person__household__parent__parent"))


def building_of(request: SupplyRequest) -> Place | None:
    """The building of the request's home (the household's parent place), else the household, else none."""
    home = request.person.household
    if home is None:
        return None
    return home.parent or home


@dataclass
class BuildingBatch:
    building: Place | None
    requests: list[SupplyRequest]

    @property
    def first_need(self) -> bool:
        return any(r.need for r in self.requests)


def by_building(requests: list[SupplyRequest]) -> list[BuildingBatch]:
    """The requests grouped by building, the buildings in the order of their most pressing request."""
    groups: OrderedDict[int | None, BuildingBatch] = OrderedDict()
    for r in requests:
        b = building_of(r)
        key = b.pk if b is not None else None
        groups.setdefault(key, BuildingBatch(b, [])).requests.append(r)
    return list(groups.values())


def deliveries_visible(*, user) -> QuerySet[Delivery]:
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        return Delivery.objects.none()
    return Delivery.objects.filter(scope.q("jpath")).select_related("point", "building", "courier_volunteer__person")


def delivery_get(*, user, delivery_id: int, for_update: bool = False) -> Delivery:
    if scope_for(user, Cap.LIVELIHOOD_WORK).empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    return one_in_reach(deliveries_visible(user=user), delivery_id, for_update=for_update)


@dataclass(frozen=True)
class Step:
    label: object
    at: datetime | None
    done: bool


def steps_of(request: SupplyRequest) -> list[Step]:
    """What the household sees: received, packed (at which point), on the way, delivered — or cancelled."""
    d = request.delivery
    steps = [
        Step(_("Received by the community"), request.created_at, True),
        Step(_("Packed"), d.created_at if d else None, d is not None),
        Step(_("On the way"), d.out_at if d else None, d is not None and d.out_at is not None),
        Step(_("Delivered"), request.delivered_at, request.state == SupplyRequest.State.DELIVERED),
    ]
    if request.state == SupplyRequest.State.CANCELLED:
        steps = [s for s in steps if s.done] + [Step(_("Cancelled"), request.closed_at, True)]
    return steps


def door_code(request: SupplyRequest) -> str:
    """The code to tell the courier (the household's own page only), while the request waits for delivery."""
    if request.state != SupplyRequest.State.ACCEPTED or not request.door_code_cipher:
        return ""
    return pii.decrypt(request.door_code_cipher)


def courier_doors(person_ids: list[int]) -> list[SupplyRequest]:
    """A volunteer courier's doors: the requests of the deliveries on the way that they carry."""
    return list(
        SupplyRequest.objects.filter(
            delivery__courier_volunteer__person_id__in=person_ids,
            delivery__state=Delivery.State.OUT,
            state=SupplyRequest.State.ACCEPTED,
        )
        .select_related("person__household__parent", "delivery")
        .order_by("delivery_id", "person__household__name")
    )
