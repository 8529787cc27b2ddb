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

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fangkong.core import clock, pii
from fangkong.core.audit import audit_record
from fangkong.core.bulk import in_list, insert_many, select_rows, write_rows
from fangkong.core.errors import FieldError
from fangkong.core.ids import InvalidDocument, clean_document, parse_doc_type
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for, unit_ids_for
from fangkong.registry.models import Person, PersonTag, Place

from .models import PersonCode, Round, Sample, Site, Tube

MAX_SCANS = 10_000
CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class Scan:
    index: int
    person_code: str = ""
    document_type: str = ""
    document_number: str = ""
    tube_code: str = ""
    site_id: int | None = None
    person_id: int | None = None  # the site page's household members (looked up by the household's code)
    collected_at: datetime | None = None


class _Reject(Exception):
    def __init__(self, message: str):
        self.message = message


def clean_code(field: str, value: str) -> str:
    """A tube or seal barcode as scanned or typed: blanks dropped, upper case, 4 to 32 letters, digits and dashes."""
    code = "".join((value or "").split()).upper()
    if not (4 <= len(code) <= 32 and code.replace("-", "").isalnum()):
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


@dataclass(frozen=True)
class _Person:
    pk: int
    jpath: str
    sampled: bool  # already sampled in this round
    alone: bool  # tested alone: key population, or under closed-loop management (screening's cases)
    household: int | None  # in a household compound of the round: their household, whose tube they share


def _person_columns(round_: Round, check_sampled: bool = True) -> tuple[str, list]:
    """What the rules need of each person, read with the person in the same statement (one array parameter per
    batch instead of four: at 10,000 scans the arrays cost more to send than the look-ups). Without
    `check_sampled` the "already sampled" look-up is left to the unique index the insert maintains anyway."""
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
    return (
        f"p.id, p.jpath, {sampled},"
        f" (SELECT 1 FROM {PersonTag._meta.db_table} t WHERE t.person_id = p.id AND t.tag = %s LIMIT 1) IS NOT NULL"
        f" OR (SELECT 1 FROM {FollowUp._meta.db_table} f"
        f"  WHERE f.person_id = p.id AND f.released_at IS NULL LIMIT 1) IS NOT NULL,"
        f" {household}",
        [*sampled_params, PersonTag.Tag.KEY_POPULATION, *household_params],
    )


def _resolve_people(
    round_: Round, scans: list[Scan], rejected: dict[int, str], check_sampled: bool = True
) -> dict[int, _Person]:
    """index → person, from codes and document numbers, in one query for each kind."""
    by_code: dict[str, list[int]] = {}
    by_hash: dict[tuple[str, str], list[int]] = {}
    by_id: dict[int, list[int]] = {}
    for s in scans:
        if s.person_id:
            by_id.setdefault(s.person_id, []).append(s.index)
        elif s.person_code:
            by_code.setdefault(s.person_code.strip().upper(), []).append(s.index)
        elif s.document_number:
            try:
                doc_type = parse_doc_type(s.document_type)
                number = clean_document(doc_type, s.document_number)
            except InvalidDocument as exc:
                rejected[s.index] = str(exc)
                continue
            by_hash.setdefault((doc_type, pii.lookup_hash(number)), []).append(s.index)
        else:
            rejected[s.index] = _("Give the person's code or document number.")
    columns, column_params = _person_columns(round_, check_sampled)
    found: dict[int, _Person] = {}
    if by_id:
        sql, params = in_list("p.id", list(by_id))
        for row in select_rows(
            f"SELECT {columns} FROM {Person._meta.db_table} p WHERE {sql}", [*column_params, *params]
        ):
            for i in by_id.pop(row[0]):
                found[i] = _person(row)
    for indexes in by_id.values():
        for i in indexes:
            rejected[i] = _("This person is not in the register; register them first.")
    if by_code:
        sql, params = in_list("c.code", list(by_code))
        for code, *got in select_rows(
            f"SELECT c.code, {columns} FROM {PersonCode._meta.db_table} c JOIN {Person._meta.db_table} p"
            f" ON p.id = c.person_id WHERE {sql}",
            [*column_params, *params],
        ):
            for i in by_code.pop(code):
                found[i] = _person(got)
    for indexes in by_code.values():
        for i in indexes:
            rejected[i] = _("Unknown personal code.")
    if by_hash:
        sql, params = in_list("p.doc_hash", [h for _, h in by_hash])
        for doc_type, doc_hash, *read in select_rows(
            f"SELECT p.doc_type, p.doc_hash, {columns} FROM {Person._meta.db_table} p WHERE {sql}",
            [*column_params, *params],
        ):
            for i in by_hash.pop((doc_type, doc_hash), []):
                found[i] = _person(read)
    for indexes in by_hash.values():
        for i in indexes:
            rejected[i] = _("This person is not in the register; register them first.")
    return found


def _person(row) -> _Person:
    return _Person(row[0], row[1], bool(row[2]), bool(row[3]), row[4])


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
    from .selectors import round_get

    round_ = round_get(user=actor, round_id=round_id)
    if not unit_ids_for(actor, Cap.TESTING_SAMPLE) and scope_for(actor, Cap.TESTING_ADMIN).empty:
        raise Forbidden(Cap.TESTING_SAMPLE)
    if len(scans) > MAX_SCANS:
        raise _too_many()
    now = clock.now()
    rejected: dict[int, str] = {}
    sites = _sites(actor, scans)
    people = _resolve_people(round_, scans, rejected, check_sampled)
    scope_paths = list(round_.scope.values_list("path", flat=True))
    codes: dict[int, str] = {}
    for s in scans:
        if s.index in rejected:
            continue
        try:
            codes[s.index] = clean_code("tube_code", s.tube_code)
            if s.site_id not in sites:
                raise _Reject(_("Unknown sampling site, or not one of yours."))
            if s.collected_at is None or s.collected_at.tzinfo is None:
                raise _Reject(_("Give the collection time with its offset."))
            if s.collected_at > now + CLOCK_SKEW:
                raise _Reject(_("The collection time is in the future."))
            if s.collected_at < round_.starts_at:
                raise _Reject(_("The collection time is before the round started."))
            person = people[s.index]
            if scope_paths and not any(person.jpath.startswith(p) for p in scope_paths):
                raise _Reject(_("This person lives outside the round's scope."))
        except (_Reject, FieldError) as exc:
            rejected[s.index] = exc.message
    tubes = {t.code: t for t in Tube.objects.select_for_update().filter(code__in=set(codes.values()))}
    sizes = _household_sizes({p.household for i, p in people.items() if p.household and i not in rejected})
    new_tubes: dict[str, Tube] = {}
    samples: list[tuple[Tube, _Person, Site, datetime]] = []
    touched: dict[str, Tube] = {}
    seen: set[int] = set()
    for s in scans:
        if s.index in rejected:
            continue
        person, code = people[s.index], codes[s.index]
        assert s.site_id is not None and s.collected_at is not None  # checked in the first pass
        site, collected_at = sites[s.site_id], s.collected_at
        try:
            if person.sampled or person.pk in seen:
                raise _Reject(_("This person was already sampled in this round."))
            tube = tubes.get(code) or new_tubes.get(code)
            single = person.alone
            household = None if single else person.household
            if tube is None:
                tube = Tube(
                    code=code,
                    round=round_,
                    site=site,
                    pool_size=1 if single else sizes[household] if household else round_.pool_size,
                    opened_at=collected_at,
                    jpath=site.jpath,
                    household_id=household,
                )
                new_tubes[code] = tube
            elif tube.round_id != round_.pk:
                raise _Reject(_("This tube was used in another round."))
            elif tube.closed_at is not None or tube.count >= tube.pool_size:
                raise _Reject(_("This tube is closed (it holds %(n)d).") % {"n": tube.pool_size})
            elif single and tube.pool_size != 1:
                raise _Reject(_("This person is tested alone (closed-loop or key population): use a new tube."))
            elif tube.household_id != household:
                raise _Reject(
                    _("One household per tube here: this tube holds another household; use a new tube.")
                    if tube.household_id
                    else _("One household per tube in this compound: use a new tube for this household.")
                )
            tube.count += 1
            if tube.count >= tube.pool_size:
                tube.closed_at = collected_at
            if code in tubes:
                touched[code] = tube
            seen.add(person.pk)
            samples.append((tube, person, site, collected_at))
        except (_Reject, FieldError) as exc:
            rejected[s.index] = exc.message
    insert_many(list(new_tubes.values()))
    # Ten thousand samples are rows, not model instances: building those would cost more than storing them.
    write_rows(
        Sample._meta.db_table,
        ["round_id", "tube_id", "person_id", "site_id", "collected_at", "recorded_by_id", "retest", "jpath"],
        (
            (round_.pk, tube.pk, person.pk, site.pk, at, actor.pk, False, person.jpath)
            for tube, person, site, at in samples
        ),
    )
    if touched:
        Tube.objects.bulk_update(list(touched.values()), ["count", "closed_at"], batch_size=1000)
    audit_record(
        actor=actor,
        action="testing.collections",
        object_type="testing.round",
        object_id=round_.pk,
        object_repr=round_.name,
        fields={"accepted": len(samples), "rejected": len(rejected), "new_tubes": len(new_tubes)},
    )
    return {"accepted": len(samples), "rejected": [{"index": i, "message": m} for i, m in sorted(rejected.items())]}


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
    from fangkong.core.errors import FieldError

    return FieldError("scans", _("At most %(n)d scans per batch.") % {"n": MAX_SCANS})


def tube_close(*, actor, code: str) -> Tube:
    """Close a tube before it is full (end of the queue, end of the shift)."""
    from fangkong.core.errors import FieldError
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
