"""Lab results per tube. A result for a pooled tube resolves all its members; a positive pool recalls them all for a
single-tube retest at once, and a positive single tube confirms a case — both announced to other modules.

What a batch came to is answered with it (the lab's page says it, the API returns it): how many of each result,
each positive pool with the people recalled and who was told to bring them in, the cases confirmed, the people
released by a negative retest, and the retests that came back invalid (their people to be sampled again)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from fangkong.core import clock, daily, events
from fangkong.core.alerts import raise_alerts
from fangkong.core.audit import audit_record
from fangkong.core.bulk import insert_many, select_rows
from fangkong.core.errors import Code, FieldError
from fangkong.core.inbox import notify, words
from fangkong.core.models import HallAlert
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, unit_ids_for
from fangkong.registry.models import Jurisdiction
from fangkong.registry.selectors import users_with_cap

from ..collection import code_or_blank
from ..events import (
    CASE_CONFIRMED,
    POOL_POSITIVE,
    POOL_POSITIVE_ALERT,
    RECALL_RESOLVED,
    CaseConfirmed,
    PoolPositive,
    RecallResolved,
)
from ..hall import POSITIVE_POOLS
from ..models import Recall, Sample, Site, Tube

MAX_RESULTS = 10_000
RESULTS = (Tube.Result.NEGATIVE, Tube.Result.POSITIVE, Tube.Result.INVALID)


@dataclass
class ResultRow:
    index: int  # what names the row to whoever sent it: the API's position, the page's or the sheet's row number
    tube_code: str
    result: str
    ct: object = None  # a number, or text that should be one (a spreadsheet cell)


@transaction.atomic
def results_ingest(*, actor, rows: list[ResultRow]) -> dict:
    """Store the valid results of a batch and report the others by index, each naming its field; answer what the
    stored ones came to (see the module)."""
    labs = unit_ids_for(actor, Cap.TESTING_LAB)
    if not labs:
        raise Forbidden(Cap.TESTING_LAB)
    if not rows:
        raise FieldError("results", _("Give at least one tube code and its result."), code=Code.REQUIRED)
    if len(rows) > MAX_RESULTS:
        raise FieldError("results", _("At most %(n)d results per batch.") % {"n": MAX_RESULTS}, code=Code.TOO_LARGE)
    now = clock.now()
    rejected: dict[int, FieldError] = {}
    codes = {r.index: code_or_blank(r.tube_code) for r in rows}
    tubes = {
        t.code: t
        for t in Tube.objects.select_for_update(of=("self",))
        .filter(code__in=set(codes.values()) - {""})
        # A tube another lab received is not this lab's to report on: unknown here, like a code nobody has (a
        # mistyped code must never write a result onto another lab's pool, nor tell that the tube exists).
        .filter(Q(bag__isnull=True) | Q(bag__lab__isnull=True) | Q(bag__lab_id__in=labs))
        .select_related("bag")
    }
    done: list[Tube] = []
    seen: set[str] = set()
    for r in rows:
        tube = tubes.get(codes[r.index])
        refusal = _refusal(r, codes[r.index], tube, seen)
        ct = _ct(r.ct)
        if refusal is None and ct is False:
            refusal = FieldError("ct", _("The Ct value is a number such as 32.5."), code=Code.INVALID)
        if refusal is not None:
            rejected[r.index] = refusal
            continue
        assert tube is not None and ct is not False  # refused above
        tube.ct = ct
        tube.result, tube.resulted_at = r.result, now
        seen.add(tube.code)
        done.append(tube)
    _store(done, now)
    # The hall's epidemic curve (core.daily): positive pools. A retest, or a tube of one person (tested alone), is a
    # person: a confirmed case, drawn as such beside the pools — not twice.
    daily.add_many(
        POSITIVE_POOLS,
        Counter(
            (clock.localdate(now), t.jpath)
            for t in done
            if t.result == Tube.Result.POSITIVE and not t.retest and t.pool_size > 1
        ),
    )
    pools, alone = _recall_pools([t for t in done if t.result == Tube.Result.POSITIVE and not t.retest])
    released, retested, resample = _resolve_retests([t for t in done if t.retest])
    counts = Counter(t.result for t in done)
    audit_record(
        actor=actor,
        action="testing.results",
        object_type="testing.tube",
        fields={
            "accepted": len(done),
            "rejected": len(rejected),
            "positive": counts[Tube.Result.POSITIVE],
            "recalls": sum(p["people"] for p in pools),
            "confirmed": len(alone) + len(retested),
            "resample": resample,
        },
    )
    return {
        "accepted": len(done),
        "rejected": [{"index": i, **e.as_dict()} for i, e in sorted(rejected.items())],
        **{str(result): counts[result] for result in RESULTS},
        "pools": pools,
        "confirmed": alone + retested,
        "released": released,
        "resample": resample,
    }


def _refusal(row: ResultRow, code: str, tube: Tube | None, seen: set[str]) -> FieldError | None:
    """Why this row's result is not stored (None: it is), naming the field to correct."""
    if not code:
        blank = not str(row.tube_code or "").strip()
        return FieldError(
            "tube_code",
            _("A tube code is 4 to 32 letters and digits."),
            code=Code.REQUIRED if blank else Code.INVALID,
        )
    if tube is None:
        return FieldError("tube_code", _("Unknown tube."), code=Code.NOT_FOUND)
    if tube.bag is None or tube.bag.received_at is None:
        return FieldError("tube_code", _("This tube has not been received at the lab."), code=Code.WRONG_STATE)
    if tube.result or tube.code in seen:  # a batch sent again changes nothing
        return FieldError("tube_code", _("This tube has a result already."), code=Code.DUPLICATE)
    if row.result not in RESULTS:
        return FieldError(
            "result",
            _("The result is negative, positive or invalid."),
            code=Code.UNKNOWN_CHOICE if row.result else Code.REQUIRED,
        )
    return None


def _ct(value) -> Decimal | bool | None:
    """The Ct value as stored (one decimal), None when not given, False when it is not a cycle count (a PCR runs
    at most 45 cycles; the column holds up to 99.9)."""
    if value is None or value == "":
        return None
    if value.__class__ is bool:
        return False
    try:
        ct = Decimal(str(value).strip()).quantize(Decimal("0.1"))
    except InvalidOperation:
        return False
    return ct if ct.is_finite() and 0 <= ct < 100 else False


def _store(tubes: list[Tube], now) -> None:
    """One UPDATE for the whole batch on PostgreSQL (bulk_update's CASE per row costs more than the rows)."""
    if not tubes:
        return
    if connection.vendor != "postgresql":
        Tube.objects.bulk_update(tubes, ["result", "ct", "resulted_at"], batch_size=1000)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Tube._meta.db_table} AS t SET result = v.result, ct = v.ct, resulted_at = %s"
            " FROM unnest(%s::bigint[], %s::text[], %s::numeric[]) AS v(id, result, ct) WHERE t.id = v.id",
            [now, [t.pk for t in tubes], [t.result for t in tubes], [t.ct for t in tubes]],
        )


def _recall_pools(positive: list[Tube]) -> tuple[list[dict], list[str]]:
    """Every member of a positive tube is recalled for a single-tube retest — or, if the tube held one person,
    confirmed at once. Returns each pool ({tube, people recalled, the posts told}) and the single tubes' codes."""
    if not positive:
        return [], []
    members: dict[int, list[tuple[int, str]]] = {}  # tube → (person, jpath) of each sample in it
    for tube_id, person_id, jpath in _members(positive):
        members.setdefault(tube_id, []).append((person_id, jpath))
    orders = []
    alone: list[str] = []
    announcements: list[tuple[str, CaseConfirmed | PoolPositive]] = []
    for tube in positive:
        group = members.get(tube.pk, [])
        if len(group) == 1:
            alone.append(tube.code)
            announcements.append(
                (CASE_CONFIRMED, CaseConfirmed(person_id=group[0][0], tube=tube.code, round_id=tube.round_id))
            )
            continue
        for person_id, jpath in group:
            orders.append(Recall(round_id=tube.round_id, person_id=person_id, source_tube=tube, jpath=jpath))
        announcements.append(
            (
                POOL_POSITIVE,
                PoolPositive(tube=tube.code, round_id=tube.round_id, person_ids=[p for p, _j in group]),
            )
        )
    insert_many(orders)
    for name, payload in announcements:  # after the orders exist: status subscribers read them
        events.emit(name, payload)
    told = _tell_recallers(orders)
    pools = [t for t in positive if len(members.get(t.pk, [])) > 1]
    if pools:
        sites = dict(Site.objects.filter(pk__in={t.site_id for t in pools}).values_list("pk", "name"))
        raise_alerts(  # the hall's alerts, in this transaction: the tube, its site, how many people it held
            [
                HallAlert(
                    kind=POOL_POSITIVE_ALERT,
                    subject=f"{tube.code} · {sites.get(tube.site_id or 0, '—')} · {len(members.get(tube.pk, []))}",
                    jpath=tube.jpath,
                    link=reverse("testing:round", args=[tube.round_id]),
                    ref=f"testing.tube:{tube.pk}",
                )
                for tube in pools
            ]
        )
    return [
        {
            "tube": tube.code,
            "people": len(members.get(tube.pk, [])),
            "told": [
                name for path, name in told.items() if any(j.startswith(path) for _p, j in members.get(tube.pk, []))
            ],
        }
        for tube in pools
    ], alone


def _tell_recallers(orders: list[Recall]) -> dict[str, str]:
    """Nobody waits unseen: the workers of each community (and grid) with people to retest are told, in this
    transaction, how many (their desk counts them too). Returns the posts where someone was told (path → name),
    for the lab to know the people will be brought in — or that nobody holds the post."""
    if not orders:
        return {}
    prefixes = {o.jpath[: i + 1] for o in orders for i, ch in enumerate(o.jpath) if ch == "/"}
    posts = list(Jurisdiction.objects.filter(path__in=prefixes, level__in=["community", "grid"]).order_by("path"))
    workers = users_with_cap(Cap.TESTING_RECALL, jurisdiction_ids=[j.pk for j in posts])
    told: dict[str, str] = {}
    for post in posts:
        n = sum(1 for o in orders if o.jpath.startswith(post.path))
        sent = notify(
            workers.get(("j", post.pk), []),
            title=words(
                ngettext_lazy(
                    "%(n)d person of %(where)s to retest: a pooled tube was positive",
                    "%(n)d people of %(where)s to retest: a pooled tube was positive",
                    n,
                ),
                n=n,
                where=post.name,
            ),
            link=reverse("testing:recalls"),
        )
        if sent:
            told[post.path] = post.name
    return told


def _members(tubes: list[Tube]) -> list[tuple[int, int, str]]:
    """(tube, person, jpath) of every sample in these tubes, a query per round of theirs: the round, a constant,
    lets PostgreSQL plan and lock only that round's partition of the samples (core.partitions) — a tube alone
    would plan over all of them. On PostgreSQL one index probe per tube, whatever the statistics say: a sample
    table that grew by a million rows since it was last analysed is taken to hold a two-hundredth of its rows per
    tube, and the planner then scans all of it (measured: 1.1 s per batch of results with ten positive pools, among
    16 million samples). `OFFSET 0` keeps the LATERAL sub-select from being pulled up into a join that the planner
    would hash the same way."""
    by_round: dict[int, list[int]] = {}
    for tube in tubes:
        by_round.setdefault(tube.round_id, []).append(tube.pk)
    rows: list[tuple[int, int, str]] = []
    for round_id, tube_ids in sorted(by_round.items()):
        if connection.vendor != "postgresql":
            rows += Sample.objects.filter(round_id=round_id, tube_id__in=tube_ids).values_list(
                "tube_id", "person_id", "jpath"
            )
            continue
        rows += select_rows(
            f"SELECT t.id, s.person_id, s.jpath FROM unnest(%s::bigint[]) AS t(id) CROSS JOIN LATERAL (SELECT"
            f" person_id, jpath FROM {Sample._meta.db_table} WHERE round_id = %s AND tube_id = t.id OFFSET 0) s",
            [tube_ids, round_id],
        )
    return rows


def _resolve_retests(tubes: list[Tube]) -> tuple[int, list[str], int]:
    """The recalls these retest tubes answer: released (how many), confirmed (the tubes' codes), or ordered again
    (how many). An invalid result says nothing of the person: the recall goes back to awaiting a sample, its
    invalid tube kept as `retest_tube` — the reason the recalls page and the API show — until the next retest
    replaces it (retests.recall_sample). The person stays under temporary control meanwhile (an ordered recall is
    as open as a sampled one to containment's status), so nothing is announced."""
    released, confirmed, resample = 0, [], 0
    now = clock.now()
    for recall in Recall.objects.filter(retest_tube__in=tubes).select_related("retest_tube").order_by("pk"):
        assert recall.retest_tube is not None
        if recall.retest_tube.result == Tube.Result.INVALID:
            recall.state = Recall.State.ORDERED
            recall.save(update_fields=["state"])
            resample += 1
            continue
        positive = recall.retest_tube.result == Tube.Result.POSITIVE
        recall.state = Recall.State.POSITIVE if positive else Recall.State.NEGATIVE
        recall.resolved_at = now
        recall.save(update_fields=["state", "resolved_at"])
        events.emit(
            RECALL_RESOLVED, RecallResolved(person_id=recall.person_id, recall_id=recall.pk, state=recall.state)
        )
        if positive:
            confirmed.append(recall.retest_tube.code)
            events.emit(
                CASE_CONFIRMED,
                CaseConfirmed(person_id=recall.person_id, tube=recall.retest_tube.code, round_id=recall.round_id),
            )
        else:
            released += 1
    return released, confirmed, resample
