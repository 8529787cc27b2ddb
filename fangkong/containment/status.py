"""The personal status: derived from its sources, never typed in.

Sources, each a reason with a colour and a since: the zone the person lives in (its level's colour), a confirmed
case (red), a closed-loop case of screening (central isolation red, home isolation or tests yellow), a pool
recall of testing awaiting its retest (yellow, "temporary control"), an applied manual change (its colour, until
it expires). The status is the strictest colour; every reason is kept and shown.

`PersonStatus` keeps the result so that a scanner reads one row. Whoever changes a source calls
`status_refresh` in the same transaction: it locks the people's rows first and reads the sources after, so two
concurrent changes for one person cannot leave the row computed without either. A row is recomputed on reading
when it has been invalidated (`status_invalidate`), has expired (a manual change ran out, a zone's start came) or
the person moved house.

The stored colour never claims what is not known: an invalidated row holds no colour (NULL) until a reader or a
writer recomputes it, so that a report or SQL counting the table directly sees "unknown", not a stale green, for
a person whose pool just came back positive. A row that lapsed by time keeps the colour that held until
`valid_until`; a direct reader honours that column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from fangkong.core import clock, memo
from fangkong.core.bulk import in_list, select_rows, upsert_rows
from fangkong.registry.models import Person, Place

from .models import SEVERITY, Case, CloseContact, Colour, PersonStatus, StatusChange, Transfer, Zone
from .models.zones import zone_levels_by_code


@dataclass
class Status:
    person_id: int
    colour: str = Colour.GREEN
    since: datetime | None = None
    reasons: list[dict[str, Any]] = field(default_factory=list)
    valid_until: datetime | None = None
    household_id: int | None = None
    jpath: str = ""

    @property
    def action(self) -> str:
        return ACTIONS[self.colour]

    @property
    def colour_label(self) -> str:
        return str(Colour(self.colour).label)

    def reasons_shown(self) -> list[ShownReason]:
        """The reasons as a page shows them: in the reader's language, each since when as an aware time (the
        page shows it in the district's time zone, like every other time)."""
        return [ShownReason(r["colour"], reason_text(r), _since(r.get("since"))) for r in self.reasons]


@dataclass(frozen=True)
class ShownReason:
    colour: str
    text: str
    since: datetime | None


def _since(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# What a checkpoint or venue scanner does for each colour.
ACTIONS: dict[str, str] = {Colour.GREEN: "pass", Colour.YELLOW: "check", Colour.RED: "stop"}


def reason_text(reason: dict[str, Any]) -> str:
    """A stored reason in the reader's language (stored as facts, so that a resident in English reads English)."""
    kind = reason["kind"]
    if kind == "zone":
        return _("Lives in %(level)s “%(zone)s”") % {"level": _level_shown(reason), "zone": reason["zone"]}
    if kind == "zone_soon":
        return _("%(level)s “%(zone)s” starts %(at)s") % {
            "level": _level_shown(reason),
            "zone": reason["zone"],
            "at": clock.localtime(datetime.fromisoformat(reason["at"])),
        }
    if kind == "case":
        return _("Confirmed positive")
    if kind == "followup":
        return {
            "central_isolation": _("Closed-loop management: central isolation"),
            "home_isolation": _("Closed-loop management: home isolation"),
        }.get(reason["measure"], _("Closed-loop management: tests due"))
    if kind == "contact":
        return _contact_text(reason)
    if kind == "isolation":
        return _("In isolation: %(site)s") % {"site": reason["site"]}
    if kind == "recall":
        return _("Temporary control: a pooled tube was positive, single-tube retest pending")
    if kind == "change":
        return _("Manual change (approved): %(basis)s — until %(until)s") % {
            "basis": reason["basis"],
            "until": clock.localtime(datetime.fromisoformat(reason["until"])),
        }
    return kind


def _contact_text(reason: dict[str, Any]) -> str:
    words = {
        "case": reason["case"],
        "until": clock.localtime(datetime.fromisoformat(reason["until"])),
    }
    close = reason.get("contact_kind") == "close"
    if reason["phase"] == "central":
        return _("Close contact of case №%(case)s: central isolation until %(until)s") % words
    if reason["phase"] == "home":
        if close:
            return _("Close contact of case №%(case)s: home health monitoring until %(until)s") % words
        return _("Secondary contact of case №%(case)s: home isolation until %(until)s") % words
    if close:
        return _("Close contact of case №%(case)s: the protocol is over, awaiting release") % words
    return _("Secondary contact of case №%(case)s: the protocol is over, awaiting release") % words


def _level_shown(reason: dict[str, Any]) -> str:
    """A zone reason's level as the reader reads it, from the level's row (by its code; a reason stored before the
    code was kept, by its Chinese name), so that a status computed while one reader asked reads right for the next
    in another language, and an English name given later shows at once. A level not found reads as stored."""
    levels = zone_levels_by_code()
    level = levels.get(reason.get("level_code", ""))
    if level is None and "level_code" not in reason:
        level = next((lv for lv in levels.values() if lv.name == reason["level"]), None)
    return level.label if level is not None else reason["level"]


FOLLOWUP_COLOURS = {"central_isolation": Colour.RED, "home_isolation": Colour.YELLOW}


def compute(person_ids: list[int]) -> dict[int, Status]:
    """The status of each person, from all sources, in a handful of set-based queries."""
    from fangkong.screening.selectors import open_followups_of
    from fangkong.testing.selectors import open_recalls_of

    now = clock.now()
    out: dict[int, Status] = {}
    places: dict[int, set[int]] = {}
    for chunk in _chunks(person_ids):
        sql, params = in_list("p.id", chunk)
        for pid, jpath, household, building, compound in select_rows(
            f"SELECT p.id, p.jpath, p.household_id, h.parent_id, b.parent_id FROM {Person._meta.db_table} p"
            f" LEFT JOIN {Place._meta.db_table} h ON h.id = p.household_id"
            f" LEFT JOIN {Place._meta.db_table} b ON b.id = h.parent_id WHERE {sql}",
            params,
        ):
            out[pid] = Status(person_id=pid, household_id=household, jpath=jpath)
            places[pid] = {x for x in (household, building, compound) if x}
    ids = list(out)
    for zone, zone_places, paths in _zones():
        for pid, status in out.items():
            if places[pid] & zone_places or any(status.jpath.startswith(p) for p in paths):
                _zone_reason(status, zone, now)
    for chunk in _chunks(ids):
        # A contact's loop in their community is said once, as the contact's reason (which names the contact and
        # the phase of the protocol), not again as a closed-loop case — however many contacts share it.
        loops = _case_and_contact_reasons(out, chunk, now)
        for followup_id, pid, measure, opened in open_followups_of(chunk):
            if followup_id in loops:
                continue
            colour = FOLLOWUP_COLOURS.get(measure, Colour.YELLOW)
            _add(out[pid], {"kind": "followup", "colour": colour, "since": opened, "measure": measure})
        for pid, received, site in Transfer.objects.filter(
            person_id__in=chunk, state=Transfer.State.RECEIVED
        ).values_list("person_id", "received_at", "destination__name"):
            _add(out[pid], {"kind": "isolation", "colour": Colour.RED, "since": received, "site": site})
        for pid, tube, ordered in open_recalls_of(chunk):
            _add(out[pid], {"kind": "recall", "colour": Colour.YELLOW, "since": ordered, "ref": tube})
        for change in StatusChange.objects.filter(
            person_id__in=chunk, state=StatusChange.State.APPLIED, expires_at__gt=now
        ).only("person_id", "colour", "decided_at", "expires_at", "basis", "pk"):
            status = out[change.person_id]
            _add(
                status,
                {
                    "kind": "change",
                    "colour": change.colour,
                    "since": change.decided_at,
                    "until": change.expires_at,
                    "basis": change.basis[:120],
                    "ref": change.pk,
                },
            )
            _expires(status, change.expires_at)
    for status in out.values():
        _settle(status)
    return out


def _case_and_contact_reasons(out: dict[int, Status], chunk: list[int], now: datetime) -> set[int]:
    """Open cases (red) and contacts under management (not released, not handed over): red in central isolation,
    yellow at home and after the protocol's days until released; the row expires when the phase changes. One
    statement for both (a scanner's recompute is counted in statements). Answers the ids of the contacts'
    follow-ups."""
    loops: set[int] = set()
    sql, params = in_list("person_id", chunk)
    rows = select_rows(
        f"SELECT 'case', person_id, confirmed_at, reference, NULL, 0, 0, 0, NULL FROM {Case._meta.db_table}"
        f" WHERE released_at IS NULL AND {sql}"
        f" UNION ALL SELECT 'contact', person_id, last_contact_at, kind, id, central_days, home_days, case_id,"
        f" followup_id FROM {CloseContact._meta.db_table}"
        f" WHERE released_at IS NULL AND handed_over_at IS NULL AND {sql}",
        [*params, *params],
    )
    for what, pid, at, text, pk, central, home, case_id, followup in rows:
        at = clock.as_aware(at)
        if what == "case":
            _add(out[pid], {"kind": "case", "colour": Colour.RED, "since": at, "ref": text})
            continue
        central_until = at + timedelta(days=central)
        release_at = central_until + timedelta(days=home)
        if central and now < central_until:
            phase, colour, until = "central", Colour.RED, central_until
        elif now < release_at:
            phase, colour, until = "home", Colour.YELLOW, release_at
        else:
            phase, colour, until = "end", Colour.YELLOW, release_at
        reason = {"kind": "contact", "colour": colour, "since": at, "contact_kind": text, "phase": phase}
        _add(out[pid], {**reason, "until": until, "case": case_id, "ref": pk})
        if phase != "end":
            _expires(out[pid], until)
        if followup is not None:
            loops.add(int(followup))
    return loops


def _chunks(ids: list[int], size: int = 20_000):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# The zones in force with their places, kept per process and checked against the database at every use by one
# small query: a zone's places and jurisdictions never change once requested, and a level's edit bumps its
# version, so (id, level, level version, start, name) of the active zones says whether what is kept is still true.
# A status is recomputed on the checkpoint's busiest path; loading the zones each time was half of it (measured).
_zones_kept: dict[str, object] = {"key": None, "value": []}


def _zones() -> list[tuple[Zone, set[int], list[str]]]:
    key = tuple(
        Zone.objects.filter(state=Zone.State.ACTIVE)
        .order_by("pk")
        .values_list("pk", "level_id", "level__version", "starts_at", "name")
    )
    if key != _zones_kept["key"]:
        zones = list(
            Zone.objects.filter(pk__in=[k[0] for k in key])
            .select_related("level")
            .prefetch_related("places", "jurisdictions")
            .order_by("pk")
        )
        value = [(z, {p.pk for p in z.places.all()}, [j.path for j in z.jurisdictions.all()]) for z in zones]
        _zones_kept.update(key=key, value=value)
        return value
    return _zones_kept["value"]  # type: ignore[return-value]


def _forget_zones() -> None:
    _zones_kept.update(key=None, value=[])


memo.register(_forget_zones)


def _zone_reason(status: Status, zone: Zone, now: datetime) -> None:
    level = zone.level
    if zone.starts_at > now:
        # Announced, not yet in force: the status turns when it starts (the row expires then).
        _add(
            status,
            {
                "kind": "zone_soon",
                "colour": Colour.GREEN,
                "since": now,
                "zone": zone.name,
                "level": level.name,
                "level_code": level.code,
                "at": zone.starts_at.isoformat(),
                "ref": zone.pk,
            },
        )
        _expires(status, zone.starts_at)
        return
    _add(
        status,
        {
            "kind": "zone",
            "colour": level.colour,
            "since": zone.starts_at,
            "zone": zone.name,
            "level": level.name,
            "level_code": level.code,
            "ref": zone.pk,
        },
    )


def _add(status: Status, reason: dict[str, Any]) -> None:
    status.reasons.append(reason)


def _expires(status: Status, at: datetime) -> None:
    if status.valid_until is None or at < status.valid_until:
        status.valid_until = at


def _settle(status: Status) -> None:
    if not status.reasons:
        return
    status.reasons.sort(key=lambda r: (-SEVERITY[r["colour"]], r["since"]))
    top = status.reasons[0]["colour"]
    status.colour = top
    status.since = min(r["since"] for r in status.reasons if r["colour"] == top) if top != Colour.GREEN else None
    for r in status.reasons:
        for key in ("since", "until"):
            if isinstance(r.get(key), datetime):
                r[key] = r[key].isoformat()


def status_refresh(person_ids: list[int] | set[int]) -> int:
    """Recompute and store the status of these people. Call it inside the transaction that changed a source:
    the rows are locked before the sources are read (see the module's docstring)."""
    ids = sorted(set(person_ids))
    if not ids:
        return 0
    with transaction.atomic():
        now = clock.now()
        _lock(ids, now)
        statuses = compute(ids)
        return upsert_rows(
            PersonStatus._meta.db_table,
            ["person_id", "colour", "since", "reasons", "valid_until", "computed_at", "household_id", "jpath"],
            (_row(s, now) for s in statuses.values()),
            key="person_id",
        )


EXPIRED = datetime(2000, 1, 1, tzinfo=UTC)


def status_invalidate(person_ids: list[int] | set[int]) -> None:
    """Mark these people's stored status stale, in the transaction that changed a source, for hot paths where a
    full recompute would cost more than the change itself (a checkpoint registration that opens a closed-loop
    case). The next read recomputes it. One statement: an upsert that empties the colour (NULL: not known, so
    that nothing reading the table takes the old colour for the person's), expires the row and moves
    `computed_at`, so a reader that computed from the state before this change cannot store its result (its
    conditional write sees another `computed_at`, or finds the row there already). The expired `valid_until`
    stays as a second mark, for readers that filter on it."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    now = clock.now()
    upsert_rows(
        PersonStatus._meta.db_table,
        ["person_id", "colour", "since", "reasons", "valid_until", "computed_at", "household_id", "jpath"],
        ((pid, None, None, "[]", EXPIRED, now, None, "") for pid in ids),
        key="person_id",
    )


def _lock(ids: list[int], now: datetime) -> None:
    """Take the people's status rows (creating missing ones, without a colour until the recompute in the same
    transaction fills it) so that a concurrent change waits for us."""
    table = PersonStatus._meta.db_table
    if connection.vendor != "postgresql":
        return  # SQLite runs one writing transaction at a time (BEGIN IMMEDIATE)
    for chunk in _chunks(ids):
        sql, params = in_list("p.id", chunk)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (person_id, colour, reasons, computed_at, jpath)"
                f" SELECT p.id, NULL, '[]', %s, p.jpath FROM {Person._meta.db_table} p WHERE {sql} ORDER BY p.id"
                f" ON CONFLICT (person_id) DO UPDATE SET computed_at = EXCLUDED.computed_at",
                [now, *params],
            )


def _row(s: Status, now: datetime) -> tuple:
    return (
        s.person_id,
        s.colour,
        s.since,
        json.dumps(s.reasons, ensure_ascii=False),
        s.valid_until,
        now,
        s.household_id,
        s.jpath,
    )


_ROW_COLUMNS = (
    "p.id, p.household_id, p.jpath, s.colour, s.since, s.reasons, s.valid_until, s.household_id, s.jpath, s.computed_at"
)


def status_of(person_id: int) -> Status:
    """The stored status, recomputed (and stored, unless a change got there first) when stale."""
    rows = select_rows(
        f"SELECT {_ROW_COLUMNS} FROM {Person._meta.db_table} p"
        f" LEFT JOIN {PersonStatus._meta.db_table} s ON s.person_id = p.id WHERE p.id = %s",
        [person_id],
    )
    if not rows:
        raise LookupError(person_id)
    return status_from_row(rows[0])


def status_from_row(row: tuple) -> Status:
    """A person's status from a row of `_ROW_COLUMNS` (the person joined with their stored status): the stored one
    while it is current, else recomputed now — no row, an invalidated one (no colour), an expired one, or one
    computed for another home. The same branch, and the same statements, whichever made it stale."""
    person_id, household, jpath, colour, since, reasons, valid_until, s_household, s_jpath, computed_at = row
    now = clock.now()
    if (
        colour is not None
        and (household, jpath) == (s_household, s_jpath)
        and (valid_until is None or clock.as_aware(valid_until) > now)
    ):
        return Status(
            person_id=person_id,
            colour=colour,
            since=clock.as_aware(since) if since else None,
            reasons=json.loads(reasons) if isinstance(reasons, str) else reasons,
            valid_until=clock.as_aware(valid_until) if valid_until else None,
            household_id=household,
            jpath=jpath,
        )
    status = compute([person_id])[person_id]
    _store_if_unchanged(status, computed_at, now)
    return status


def status_settle_stale(*, limit: int = 50_000, moved: bool = False) -> int:
    """Recompute and store the stored statuses that are stale — invalidated by a change's transaction (a pool
    positive, a new closed-loop case) or lapsed by time — as a scanner's read would one at a time, in one batch;
    a writer that rewrote a row meanwhile wins (the conditional write). What a report counting the table runs
    first, so that it counts colours, not "unknown". `moved`: also the rows of people who moved house or grid
    since (what `status_from_row` finds stale) — a join over the whole table, for the scanners' list, not for
    every report. Returns how many were looked at (at most `limit`)."""
    now = clock.now()
    also = " OR (p.household_id, p.jpath) IS DISTINCT FROM (s.household_id, s.jpath)" if moved else ""
    rows = select_rows(
        f"SELECT {_ROW_COLUMNS} FROM {PersonStatus._meta.db_table} s JOIN {Person._meta.db_table} p"
        f" ON p.id = s.person_id WHERE s.colour IS NULL OR s.valid_until <= %s{also} LIMIT %s",
        [now, limit],
    )
    if not rows:
        return 0
    statuses = compute([r[0] for r in rows])
    with transaction.atomic():
        for row in rows:
            _store_if_unchanged(statuses[row[0]], row[9], now)
    return len(rows)


def status_settle_unstored(person_ids: list[int]) -> int:
    """Compute and store the status of people who have none stored (nobody has read or changed it yet), as a
    scanner's read would; a writer that stored one meanwhile wins. How many."""
    if not person_ids:
        return 0
    now = clock.now()
    statuses = compute(person_ids)
    with transaction.atomic():
        for pid in person_ids:
            _store_if_unchanged(statuses[pid], None, now)
    return len(person_ids)


def _store_if_unchanged(status: Status, seen_computed_at, now: datetime) -> None:
    """A reader's recompute is stored only if no writer rewrote the row meanwhile (writers always win)."""
    table = PersonStatus._meta.db_table
    values = _row(status, now)
    with connection.cursor() as cursor:
        if seen_computed_at is None:
            cursor.execute(
                f"INSERT INTO {table} (person_id, colour, since, reasons, valid_until, computed_at, household_id,"
                f" jpath) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (person_id) DO NOTHING",
                list(values),
            )
        else:
            cursor.execute(
                f"UPDATE {table} SET colour = %s, since = %s, reasons = %s, valid_until = %s, computed_at = %s,"
                f" household_id = %s, jpath = %s WHERE person_id = %s AND computed_at = %s",
                [*values[1:], values[0], seen_computed_at],
            )
