"""Tubes as a batch fills them: read and locked once, opened, refused for a reason, written back in one go."""

from datetime import datetime

from django.db import connection
from django.utils.translation import gettext as _

from fangkong.core.bulk import in_list, insert_rows, select_rows
from fangkong.core.errors import Code, FieldError
from fangkong.registry.models import Person

from ..models import Site, Tube
from .scan import MAX_SCANS


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
    return FieldError("scans", _("At most %(n)d scans per batch.") % {"n": MAX_SCANS}, code=Code.TOO_LARGE)
