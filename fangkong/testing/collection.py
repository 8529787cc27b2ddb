"""Collections in bulk: scans of (person, tube, site, time) from site phones and offline scanners.

Every scan is checked against the round, the person, the tube and the site; the valid ones are written in one
transaction and each rejected one is reported by its index with the reason. Pooling rules:
- a tube belongs to the round it was first used in, and closes when it holds its pool size;
- people under closed-loop management (screening) or tagged key population are tested alone (1-in-1);
- in the round's household compounds or buildings (sealed ones) a tube holds one household and nobody else,
  and closes when all of the household's residents are in it (or on demand);
- a person is sampled once per round.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fangkong.core import clock, pii
from fangkong.core.audit import audit_record
from fangkong.core.bulk import in_list, insert_rows, select_rows, write_rows
from fangkong.core.errors import FieldError
from fangkong.core.ids import DocType, InvalidDocument, clean_document, parse_doc_type
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for, unit_ids_for
from fangkong.core.text import foreign_digits
from fangkong.registry.models import Person, PersonCode, PersonTag, Place

from .models import Round, Sample, Site, Tube

MAX_SCANS = 10_000
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(slots=True)
class Scan:
    index: int
    person_code: str = ""
    document_type: str = ""
    document_number: str = ""
    tube_code: str = ""
    site_id: int | None = None
    person_id: int | None = None  # the site page's household members (looked up by the household's code)
    collected_at: datetime | None = None


# What a scanner sends: already upper case, no blanks, at least one letter or digit — taken as it is.
_CLEAN_CODE = re.compile(r"-*[A-Z0-9][A-Z0-9-]*")


def clean_code(field: str, value: str) -> str:
    """A tube or seal barcode as scanned or typed: blanks dropped, upper case, 4 to 32 letters, digits and dashes."""
    if value.__class__ is str and 4 <= len(value) <= 32 and _CLEAN_CODE.fullmatch(value):
        return value
    # Full-width letters and digits are the same code (NFKC); another script's digits or letters are not a
    # barcode: "AB١٢٣٤" or a Cyrillic "А" would open a second tube beside the real one.
    code = "".join(unicodedata.normalize("NFKC", value or "").split()).upper()
    if foreign_digits(code):
        raise FieldError(field, _("Write the code with the digits 0-9."), code="digits")
    if not (4 <= len(code) <= 32 and code.isascii() and code.replace("-", "").isalnum()):
        message = (
            _("A seal code is 4 to 32 letters and digits.")
            if field == "seal_code"
            else _("A tube code is 4 to 32 letters and digits.")
        )
        raise FieldError(field, message)
    return code


def code_or_blank(value: str) -> str:
    """For look-ups: a malformed code finds nothing."""
    try:
        return clean_code("tube_code", value)
    except FieldError:
        return ""


# What the rules need of a person, as read (a tuple, not an object: a batch reads ten thousand of them).
_PK, _JPATH, _SAMPLED, _ALONE, _HOUSEHOLD = range(5)


def _person_columns(round_: Round, check_sampled: bool = True) -> tuple[str, list]:
    """What the rules need of each person, read with the person in the same statement (one list parameter per
    batch). Without `check_sampled` the "already sampled" look-up is left to the unique index the insert
    maintains anyway."""
    from fangkong.screening.models import FollowUp

    household, household_params = "NULL", []
    if round_.household_places.exists():
        household = (
            f"CASE WHEN EXISTS (SELECT 1 FROM {Place._meta.db_table} h"
            f" JOIN {Place._meta.db_table} b ON b.id = h.parent_id"
            f" JOIN {Round.household_places.through._meta.db_table} r ON r.place_id IN (b.id, b.parent_id)"
            f" WHERE h.id = p.household_id AND r.round_id = %s) THEN p.household_id END"
        )
        household_params = [round_.pk]
    # Scalar sub-selects with LIMIT 1, not EXISTS: PostgreSQL may answer an EXISTS by hashing every sample of the
    # round, and with statistics taken when the round was young it does (measured: 70 → 510 ms per batch once a
    # round held a million samples). A scalar sub-select is always one index probe per person.
    sampled, sampled_params = "FALSE", []
    if check_sampled:
        sampled = (
            f"(SELECT 1 FROM {Sample._meta.db_table} s"
            f" WHERE s.round_id = %s AND s.person_id = p.id AND NOT s.retest LIMIT 1) IS NOT NULL"
        )
        sampled_params = [round_.pk]
    # Tested alone: the other way round. Key population and open follow-ups are a few thousand people of the
    # city, so `IN (sub-select)` lets the database hash them once per batch (from the (tag, person) index and the
    # open follow-ups' partial index) instead of probing two indexes for every person: 53 → 45 ms per 8,000.
    return (
        f"p.id, p.jpath, {sampled},"
        f" p.id IN (SELECT person_id FROM {PersonTag._meta.db_table} WHERE tag = %s)"
        f" OR p.id IN (SELECT person_id FROM {FollowUp._meta.db_table} WHERE released_at IS NULL),"
        f" {household}",
        [*sampled_params, PersonTag.Tag.KEY_POPULATION, *household_params],
    )


def _resolve_people(
    round_: Round, scans: list[Scan], rejected: dict[int, str], check_sampled: bool = True
) -> dict[int, tuple]:
    """index → person (see _PK …), from codes, document numbers and ids, in one query for each kind."""
    # key → first index; `more` holds the rare repeats (a person scanned twice in one batch).
    by_code: dict[str, int] = {}
    by_hash: dict[tuple[str, str], int] = {}
    by_id: dict[int, int] = {}
    more: list[tuple[dict, object, int]] = []
    for s in scans:
        i = s.index
        if s.person_id:
            key: object = s.person_id
            into: dict = by_id
        elif s.person_code:
            key = code = s.person_code
            if not (code.isalnum() and code.isupper()):
                key = code.strip().upper()
            into = by_code
        elif s.document_number:
            try:
                doc_type = parse_doc_type(s.document_type) if s.document_type else DocType.RESIDENT_ID.value
                number = clean_document(doc_type, s.document_number)
            except InvalidDocument as exc:
                rejected[i] = str(exc)
                continue
            key = (doc_type, pii.lookup_hash(number))
            into = by_hash
        else:
            rejected[i] = _("Give the person's code or document number.")
            continue
        if key in into:
            more.append((into, key, i))
        else:
            into[key] = i
    columns, column_params = _person_columns(round_, check_sampled)
    found: dict[int, tuple] = {}
    if by_id:
        sql, params = in_list("p.id", list(by_id))
        for row in select_rows(
            f"SELECT {columns} FROM {Person._meta.db_table} p WHERE {sql}", [*column_params, *params]
        ):
            found[by_id[row[0]]] = row
    if by_code:
        sql, params = in_list("c.code", list(by_code))
        for row in select_rows(
            f"SELECT {columns}, c.code FROM {PersonCode._meta.db_table} c JOIN {Person._meta.db_table} p"
            f" ON p.id = c.person_id WHERE {sql}",
            [*column_params, *params],
        ):
            found[by_code[row[5]]] = row
    if by_hash:
        sql, params = in_list("p.doc_hash", [h for _, h in by_hash])
        for row in select_rows(
            f"SELECT {columns}, p.doc_type, p.doc_hash FROM {Person._meta.db_table} p WHERE {sql}",
            [*column_params, *params],
        ):
            index = by_hash.get((row[5], row[6]))  # the same hash under another document type is someone else
            if index is not None:
                found[index] = row
    unknown_code = _("Unknown personal code.")
    unregistered = _("This person is not in the register; register them first.")
    if len(found) < len(by_id) + len(by_code) + len(by_hash):
        for into, message in ((by_id, unregistered), (by_code, unknown_code), (by_hash, unregistered)):
            for i in into.values():
                if i not in found:
                    rejected[i] = message
    for into, key, i in more:
        first = into[key]
        if first in found:
            found[i] = found[first]
        else:
            rejected[i] = unknown_code if into is by_code else unregistered
    return found


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


class _Tube:
    """A tube as a batch fills it: one read (and locked) or one the batch opens. Plain slots, not a model: a city
    round opens a hundred and fifty thousand of them, and a model instance costs more to build than to store."""

    __slots__ = ("closed_at", "code", "count", "household_id", "id", "opened_at", "pool_size", "round_id", "site")

    def __init__(self, id, code, round_id, pool_size, count, closed_at, household_id, site=None, opened_at=None):
        self.id, self.code, self.round_id, self.pool_size, self.count = id, code, round_id, pool_size, count
        self.closed_at, self.household_id = closed_at, household_id
        self.site: Site | None = site  # a new tube's
        self.opened_at: datetime | None = opened_at


_TUBE_COLUMNS = ["id", "code", "round_id", "pool_size", "count", "closed_at", "household_id"]
_NEW_TUBE_COLUMNS = [
    *("code", "round_id", "site_id", "pool_size", "count", "retest", "opened_at", "closed_at", "result", "jpath"),
    "household_id",
]


def _tubes_locked(codes: set[str]) -> dict[str, _Tube]:
    """The existing tubes among `codes`, locked until the batch commits (a concurrent batch filling the same tube
    waits, then sees our count)."""
    if not codes:
        return {}
    sql, params = in_list("code", list(codes))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    rows = select_rows(f"SELECT {', '.join(_TUBE_COLUMNS)} FROM {Tube._meta.db_table} WHERE {sql}{lock}", params)
    return {row[1]: _Tube(*row) for row in rows}


def _ingest(actor, round_id: int, scans: list[Scan], check_sampled: bool = True) -> dict:
    from .selectors import round_get

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
            size = 1 if single else sizes[household] if household else pool_size
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
    audit_record(
        actor=actor,
        action="testing.collections",
        object_type="testing.round",
        object_id=round_.pk,
        object_repr=round_.name,
        fields={"accepted": len(accepted), "rejected": len(rejected), "new_tubes": len(new_tubes)},
    )
    return {"accepted": len(accepted), "rejected": [{"index": i, "message": m} for i, m in sorted(rejected.items())]}


def _refusal(tube: _Tube, round_pk: int, single: bool, household: int | None) -> str:
    """Why this tube cannot take this person (empty: it can)."""
    if tube.round_id != round_pk:
        return _("This tube was used in another round.")
    if tube.closed_at is not None or tube.count >= tube.pool_size:
        return _("This tube is closed (it holds %(n)d).") % {"n": tube.pool_size}
    if single and tube.pool_size != 1:
        return _("This person is tested alone (closed-loop or key population): use a new tube.")
    if tube.household_id != household:
        return (
            _("One household per tube here: this tube holds another household; use a new tube.")
            if tube.household_id
            else _("One household per tube in this compound: use a new tube for this household.")
        )
    return ""


def _tubes_write(new: list[_Tube], touched) -> None:
    """The batch's new tubes inserted (their ids then known to the samples), the existing ones it filled updated."""
    rows = []
    for t in new:
        site = t.site
        assert site is not None  # a new tube's
        rows.append(
            (
                t.code,
                t.round_id,
                site.pk,
                t.pool_size,
                t.count,
                False,
                t.opened_at,
                t.closed_at,
                "",
                site.jpath,
                t.household_id,
            )
        )
    ids = insert_rows(Tube._meta.db_table, _NEW_TUBE_COLUMNS, rows)
    for tube, pk in zip(new, ids, strict=True):
        tube.id = pk
    touched = list(touched)
    if touched:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Tube._meta.db_table} SET count = %s, closed_at = %s WHERE id = %s",
                [(t.count, t.closed_at, t.id) for t in touched],
            )


def _household_sizes(households: set[int]) -> dict[int, int]:
    """Residents per household: a household tube closes when all of them are in it (at most 20, the largest pool
    a lab accepts; a bigger family fills a second tube)."""
    if not households:
        return {}
    sql, params = in_list("household_id", list(households))
    counts = dict(
        select_rows(
            f"SELECT household_id, count(*) FROM {Person._meta.db_table} WHERE is_resident AND {sql}"
            " GROUP BY household_id",
            params,
        )
    )
    return {h: max(1, min(20, counts.get(h, 1))) for h in households}


def _too_many():
    return FieldError("scans", _("At most %(n)d scans per batch.") % {"n": MAX_SCANS})


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
            raise FieldError("tube_code", _("An empty tube is not closed; use it or discard it."))
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
