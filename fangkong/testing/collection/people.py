"""Who each scan names: by personal code or document number, with what the pooling rules need of them, read in
one statement per batch."""

from django.utils.translation import gettext as _

from fangkong.core import pii
from fangkong.core.bulk import in_list, select_rows
from fangkong.core.ids import DocType, InvalidDocument, clean_document, parse_doc_type
from fangkong.registry.models import Person, PersonCode, PersonTag, Place

from ..models import Round, Sample
from .scan import Scan

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
        sql, params = in_list("t.doc_hash", [h for _, h in by_hash])
        # A document of a record merged into another (registry.merging) finds the kept record.
        for row in select_rows(
            f"SELECT {columns}, t.doc_type, t.doc_hash FROM {Person._meta.db_table} t"
            f" JOIN {Person._meta.db_table} p ON p.id = COALESCE(t.merged_into_id, t.id) WHERE {sql}",
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
