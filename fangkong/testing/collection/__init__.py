"""Collections in bulk: scans of (person, tube, site, time) from site phones and offline scanners.

Every scan is checked against the round, the person, the tube and the site; the valid ones are written in one
transaction and each rejected one is reported by its index with the reason. Pooling rules:
- a tube belongs to the round it was first used in, and closes when it holds its pool size: the round's, or the
  one HQ chose for the grid of the first resident in it (pool_choice);
- people under closed-loop management (screening) or tagged key population are tested alone (1-in-1);
- in the round's household compounds or buildings (sealed ones) a tube holds one household and nobody else,
  and closes when all of the household's residents are in it (or on demand);
- a person is sampled once per round.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fangkong.core import clock, daily
from fangkong.core.audit import audit_record
from fangkong.core.bulk import write_rows
from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for, unit_ids_for

from ..hall import SAMPLES
from ..models import Sample, Site, Tube
from ..pool_choice import pool_sizes_of, size_at
from .people import _ALONE, _HOUSEHOLD, _JPATH, _PK, _SAMPLED, _resolve_people
from .scan import CLOCK_SKEW, MAX_SCANS, Scan, clean_code, code_or_blank
from .tubes import _household_sizes, _refusal, _too_many, _Tube, _tubes_locked, _tubes_write

__all__ = [
    "CLOCK_SKEW",
    "MAX_SCANS",
    "Scan",
    "clean_code",
    "code_or_blank",
    "collections_ingest",
    "open_tube",
    "tube_close",
]


def _sites(actor, scans: list[Scan]) -> dict[int, Site]:
    ids = {s.site_id for s in scans if s.site_id}
    sites = {s.pk: s for s in Site.objects.filter(pk__in=ids, active=True)}
    units = unit_ids_for(actor, Cap.TESTING_SAMPLE)
    admin = scope_for(actor, Cap.TESTING_ADMIN)
    return {pk: s for pk, s in sites.items() if s.unit_id in units or admin.covers(s.jpath)}


def collections_ingest(*, actor, round_id: int, scans: list[Scan]) -> dict:
    """Write the valid scans of a batch and report the others by index (see the module's rules)."""
    for attempt in range(4):
        try:
            with transaction.atomic():
                # First pass: nobody of the batch is assumed sampled already — the unique index (round, person)
                # refuses a second sample as the rows go in, for the price of the insert it makes anyway, instead
                # of one more index probe per scan beforehand. A refusal rolls the batch back and the next pass
                # looks (and rejects those people by name).
                return _ingest(actor, round_id, scans, check_sampled=attempt > 0)
        except IntegrityError:
            # Someone of the batch was sampled already, or a concurrent batch created one of our tubes (or sampled
            # one of our people) between our read and our write: the next pass sees those rows and applies the rules.
            if attempt == 3:
                raise
    raise AssertionError("unreachable")


def _ingest(actor, round_id: int, scans: list[Scan], check_sampled: bool = True) -> dict:
    from ..selectors import round_get

    round_ = round_get(user=actor, round_id=round_id)
    if not unit_ids_for(actor, Cap.TESTING_SAMPLE) and scope_for(actor, Cap.TESTING_ADMIN).empty:
        raise Forbidden(Cap.TESTING_SAMPLE)
    if len(scans) > MAX_SCANS:
        raise _too_many()
    now = clock.now()
    latest, starts_at = now + CLOCK_SKEW, round_.starts_at
    rejected: dict[int, str] = {}
    sites = _sites(actor, scans)
    people = _resolve_people(round_, scans, rejected, check_sampled)
    scope = tuple(round_.scope.values_list("path", flat=True))
    # Tube codes cleaned once per distinct code (a batch holds a tenth as many tubes as scans), and the existing
    # tubes among them locked before the first is filled.
    clean = {raw: code_or_blank(raw) for raw in {s.tube_code for s in scans}}
    tubes = _tubes_locked({code for code in clean.values() if code})
    sizes = _household_sizes({p[_HOUSEHOLD] for p in people.values() if p[_HOUSEHOLD] and not p[_ALONE]})
    new_tubes: list[_Tube] = []
    touched: dict[str, _Tube] = {}
    accepted: list[tuple[_Tube, int, int | None, datetime, str]] = []
    seen: set[int] = set()
    pool_size, round_pk = round_.pool_size, round_.pk
    # HQ's size per grid (pool_choice), when it chose any: a new tube holds what the first resident's grid says.
    grid_sizes = pool_sizes_of(round_pk)
    # One pass, in the order scanned (a tube fills in that order). It runs ten thousand times a batch, so it is
    # written for speed: locals, tuples, no exceptions on the accepted path.
    for s in scans:
        i = s.index
        if i in rejected:
            continue
        code = clean[s.tube_code]
        site = sites.get(s.site_id)  # type: ignore[arg-type]
        at = s.collected_at
        person = people[i]
        if not code:
            rejected[i] = _("A tube code is 4 to 32 letters and digits.")
            continue
        if site is None:
            rejected[i] = _("Unknown sampling site, or not one of yours.")
            continue
        if at is None or at.tzinfo is None:
            rejected[i] = _("Give the collection time with its offset.")
            continue
        if at > latest:
            rejected[i] = _("The collection time is in the future.")
            continue
        if at < starts_at:
            rejected[i] = _("The collection time is before the round started.")
            continue
        if scope and not person[_JPATH].startswith(scope):
            rejected[i] = _("This person lives outside the round's scope.")
            continue
        pk = person[_PK]
        if person[_SAMPLED] or pk in seen:
            rejected[i] = _("This person was already sampled in this round.")
            continue
        single = person[_ALONE]
        household = None if single else person[_HOUSEHOLD]
        tube = tubes.get(code)
        if tube is None:
            if single:
                size = 1
            elif household:
                size = sizes[household]
            else:
                size = size_at(person[_JPATH], grid_sizes, pool_size) if grid_sizes else pool_size
            tube = tubes[code] = _Tube(None, code, round_pk, size, 0, None, household, site, at)
            new_tubes.append(tube)
        else:
            message = _refusal(tube, round_pk, single, household)
            if message:
                rejected[i] = message
                continue
            if tube.id is not None:
                touched[code] = tube
        tube.count += 1
        if tube.count >= tube.pool_size:
            tube.closed_at = at
        seen.add(pk)
        accepted.append((tube, pk, s.site_id, at, person[_JPATH]))
    _tubes_write(new_tubes, touched.values())
    # Ten thousand samples are rows, not model instances: building those would cost more than storing them.
    actor_pk = actor.pk
    write_rows(
        Sample._meta.db_table,
        ["round_id", "tube_id", "person_id", "site_id", "collected_at", "recorded_by_id", "retest", "jpath"],
        [(round_pk, tube.id, pk, site_pk, at, actor_pk, False, jpath) for tube, pk, site_pk, at, jpath in accepted],
    )
    # The hall's tests per day (core.daily): one statement for the batch's (day, grid) pairs.
    daily.add_many(SAMPLES, Counter((clock.localdate(at), jpath) for _, _, _, at, jpath in accepted), shard=actor_pk)
    audit_record(
        actor=actor,
        action="testing.collections",
        object_type="testing.round",
        object_id=round_.pk,
        object_repr=round_.name,
        fields={"accepted": len(accepted), "rejected": len(rejected), "new_tubes": len(new_tubes)},
    )
    return {"accepted": len(accepted), "rejected": [{"index": i, "message": m} for i, m in sorted(rejected.items())]}


def tube_close(*, actor, code: str) -> Tube:
    """Close a tube before it is full (end of the queue, end of the shift)."""
    from fangkong.core.scoping import NotFound

    tube = Tube.objects.filter(code=code_or_blank(code)).select_related("site").first()
    if (
        tube is None
        or tube.site is None
        or not (
            tube.site.unit_id in unit_ids_for(actor, Cap.TESTING_SAMPLE)
            or scope_for(actor, Cap.TESTING_ADMIN).covers(tube.jpath)
        )
    ):
        raise NotFound
    if tube.closed_at is None:
        if tube.count == 0:
            raise FieldError(
                "tube_code", _("An empty tube is not closed; use it or discard it."), code=Code.WRONG_STATE
            )
        tube.closed_at = clock.now()
        tube.save(update_fields=["closed_at"])
        audit_record(actor=actor, action="testing.tube_close", obj=tube, fields={"count": tube.count})
    return tube


def open_tube(*, actor, site_id: int) -> Tube | None:
    """The site's tube being filled now (for the site page's count)."""
    return (
        Tube.objects.filter(site_id=site_id, closed_at__isnull=True, retest=False)
        .filter(
            Q(site__unit_id__in=unit_ids_for(actor, Cap.TESTING_SAMPLE))
            | scope_for(actor, Cap.TESTING_ADMIN).q("jpath")
        )
        .order_by("-opened_at")
        .first()
    )
