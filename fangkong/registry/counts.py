"""Residents counted per jurisdiction, kept in step by the register's own writes (ResidentCount).

Every write that adds a resident, moves one to another jurisdiction or turns a visitor into a resident calls
`residents_add` in its transaction with the change per `jpath` (+1 where they arrive, -1 where they leave): the
registration page and API (services.person_create), the roster import (importing). Bulk loads that write rows
directly (the demo's seeding, a restore) call `residents_rebuild` after. A test compares the counts kept with a
rebuild after each kind of write.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Sum

from fangkong.core.bulk import count_add

from .models import Person, ResidentCount


def residents_add(changes: dict[str, int]) -> None:
    """Apply +n / -n per jpath, in a fixed order (two imports at once take the rows in the same order: no
    deadlock)."""
    for jpath in sorted(changes):
        if changes[jpath]:
            count_add(ResidentCount._meta.db_table, {"jpath": jpath}, changes[jpath])


def residents_moved(pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    """The changes for residents moved from one jpath to another."""
    out: dict[str, int] = {}
    for old, new in pairs:
        if old != new:
            out[old] = out.get(old, 0) - 1
            out[new] = out.get(new, 0) + 1
    return out


def residents_by_path(within: str) -> dict[str, int]:
    """{jpath: residents} under `within`."""
    return dict(
        ResidentCount.objects.filter(jpath__startswith=within, n__gt=0)
        .values_list("jpath")
        .annotate(total=Sum("n"))
        .order_by()
    )


@transaction.atomic
def residents_rebuild() -> int:
    """The counts recomputed from the register (one grouped query); returns the number of jurisdictions."""
    ResidentCount.objects.all().delete()
    rows = Person.objects.filter(is_resident=True).values_list("jpath").annotate(n=Count("*")).order_by()
    return len(ResidentCount.objects.bulk_create(ResidentCount(jpath=jpath, n=n) for jpath, n in rows))
