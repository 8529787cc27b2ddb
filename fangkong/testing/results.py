"""Lab results per tube. A result for a pooled tube resolves all its members; a positive pool recalls them all for a
single-tube retest at once, and a positive single tube confirms a case — both announced to other modules."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fangkong.core import clock, daily, events, pii
from fangkong.core.alerts import raise_alerts
from fangkong.core.audit import audit_record
from fangkong.core.bulk import insert_many, select_rows
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.inbox import notify
from fangkong.core.models import HallAlert
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for, unit_ids_for
from fangkong.core.tables import TableSpec, open_table
from fangkong.registry.models import Jurisdiction
from fangkong.registry.selectors import users_with_cap

from .collection import clean_code, code_or_blank
from .events import (
    CASE_CONFIRMED,
    POOL_POSITIVE,
    POOL_POSITIVE_ALERT,
    RECALL_RESOLVED,
    CaseConfirmed,
    PoolPositive,
    RecallResolved,
)
from .hall import POSITIVE_POOLS, SAMPLES
from .models import Recall, Sample, Site, Tube

MAX_RESULTS = 10_000


@dataclass
class ResultRow:
    index: int
    tube_code: str
    result: str
    ct: object = None  # a number, or text that should be one (a spreadsheet cell)


@transaction.atomic
def results_ingest(*, actor, rows: list[ResultRow]) -> dict:
    if not unit_ids_for(actor, Cap.TESTING_LAB):
        raise Forbidden(Cap.TESTING_LAB)
    if len(rows) > MAX_RESULTS:
        raise FieldError("results", _("At most %(n)d results per batch.") % {"n": MAX_RESULTS}, code=Code.TOO_LARGE)
    now = clock.now()
    rejected: dict[int, str] = {}
    codes = {r.index: code_or_blank(r.tube_code) for r in rows}
    tubes = {
        t.code: t
        for t in Tube.objects.select_for_update(of=("self",))
        .filter(code__in=set(codes.values()) - {""})
        .select_related("bag")
    }
    done: list[Tube] = []
    seen: set[str] = set()
    for r in rows:
        tube = tubes.get(codes[r.index])
        if not codes[r.index]:
            rejected[r.index] = _("A tube code is 4 to 32 letters and digits.")
        elif tube is None:
            rejected[r.index] = _("Unknown tube.")
        elif tube.bag is None or tube.bag.received_at is None:
            rejected[r.index] = _("This tube has not been received at the lab.")
        elif tube.result or tube.code in seen:
            rejected[r.index] = _("This tube has a result already.")
        elif r.result not in (Tube.Result.NEGATIVE, Tube.Result.POSITIVE, Tube.Result.INVALID):
            rejected[r.index] = _("The result is negative, positive or invalid.")
        else:
            ct = _ct(r.ct)
            if ct is False:
                rejected[r.index] = _("The Ct value is a number such as 32.5.")
                continue
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
    recalls = _recall_pools([t for t in done if t.result == Tube.Result.POSITIVE and not t.retest])
    confirmed = _resolve_retests([t for t in done if t.retest and t.result != Tube.Result.INVALID])
    audit_record(
        actor=actor,
        action="testing.results",
        object_type="testing.tube",
        fields={
            "accepted": len(done),
            "rejected": len(rejected),
            "positive": sum(t.result == "positive" for t in done),
            "recalls": recalls,
            "confirmed": confirmed,
        },
    )
    return {"accepted": len(done), "rejected": [{"index": i, "message": m} for i, m in sorted(rejected.items())]}


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


def _recall_pools(positive: list[Tube]) -> int:
    """Every member of a positive tube is recalled for a single-tube retest — or, if the tube held one person,
    confirmed at once."""
    if not positive:
        return 0
    members: dict[int, list[tuple[int, str]]] = {}  # tube → (person, jpath) of each sample in it
    for tube_id, person_id, jpath in _members([t.pk for t in positive]):
        members.setdefault(tube_id, []).append((person_id, jpath))
    orders = []
    announcements: list[tuple[str, CaseConfirmed | PoolPositive]] = []
    for tube in positive:
        group = members.get(tube.pk, [])
        if len(group) == 1:
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
    _tell_recallers(orders)
    pools = [t for t in positive if len(members.get(t.pk, [])) > 1]
    if not pools:
        return len(orders)
    sites = dict(Site.objects.filter(pk__in={t.site_id for t in pools}).values_list("pk", "name"))
    raise_alerts(  # the hall's alerts, in this transaction: the tube, its site, how many people it held
        [
            HallAlert(
                kind=POOL_POSITIVE_ALERT,
                subject=f"{tube.code} · {sites.get(tube.site_id or 0, '—')} · {len(members[tube.pk])}",
                jpath=tube.jpath,
                link=reverse("testing:round", args=[tube.round_id]),
                ref=f"testing.tube:{tube.pk}",
            )
            for tube in pools
        ]
    )
    return len(orders)


def _tell_recallers(orders: list[Recall]) -> None:
    """Nobody waits unseen: the workers of each community (and grid) with people to retest are told, in this
    transaction, how many (their desk counts them too)."""
    if not orders:
        return
    prefixes = {o.jpath[: i + 1] for o in orders for i, ch in enumerate(o.jpath) if ch == "/"}
    posts = list(Jurisdiction.objects.filter(path__in=prefixes, level__in=["community", "grid"]).order_by("path"))
    workers = users_with_cap(Cap.TESTING_RECALL, jurisdiction_ids=[j.pk for j in posts])
    for post in posts:
        n = sum(1 for o in orders if o.jpath.startswith(post.path))
        notify(
            workers.get(("j", post.pk), []),
            title=ngettext(
                "%(n)d person of %(where)s to retest: a pooled tube was positive",
                "%(n)d people of %(where)s to retest: a pooled tube was positive",
                n,
            )
            % {"n": n, "where": post.name},
            link=reverse("testing:recalls"),
        )


def _members(tube_ids: list[int]) -> list[tuple[int, int, str]]:
    """(tube, person, jpath) of every sample in these tubes. On PostgreSQL one index probe per tube, whatever the
    statistics say: a sample table that grew by a million rows since it was last analysed is taken to hold a
    two-hundredth of its rows per tube, and the planner then scans all of it (measured: 1.1 s per batch of results
    with ten positive pools, among 16 million samples). `OFFSET 0` keeps the LATERAL sub-select from being pulled
    up into a join that the planner would hash the same way."""
    if connection.vendor != "postgresql":
        return list(Sample.objects.filter(tube_id__in=tube_ids).values_list("tube_id", "person_id", "jpath"))
    return select_rows(
        f"SELECT t.id, s.person_id, s.jpath FROM unnest(%s::bigint[]) AS t(id)"
        f" CROSS JOIN LATERAL (SELECT person_id, jpath FROM {Sample._meta.db_table} WHERE tube_id = t.id OFFSET 0) s",
        [tube_ids],
    )


def _resolve_retests(tubes: list[Tube]) -> int:
    confirmed = 0
    now = clock.now()
    for recall in Recall.objects.filter(retest_tube__in=tubes).select_related("retest_tube"):
        assert recall.retest_tube is not None
        positive = recall.retest_tube.result == Tube.Result.POSITIVE
        recall.state = Recall.State.POSITIVE if positive else Recall.State.NEGATIVE
        recall.resolved_at = now
        recall.save(update_fields=["state", "resolved_at"])
        events.emit(
            RECALL_RESOLVED, RecallResolved(person_id=recall.person_id, recall_id=recall.pk, state=recall.state)
        )
        if positive:
            confirmed += 1
            events.emit(
                CASE_CONFIRMED,
                CaseConfirmed(person_id=recall.person_id, tube=recall.retest_tube.code, round_id=recall.round_id),
            )
    return confirmed


class RecallSampleInput(FormInput):
    """The retest's tube: the API's body, or the recalls page's form (which names the recall too)."""

    tube_code: str


@transaction.atomic
def recall_sample(*, actor, recall_id: int, tube_code: str) -> Recall:
    """The retest: one person, one new tube (closed at once)."""
    if not unit_ids_for(actor, Cap.TESTING_SAMPLE) and scope_for(actor, Cap.TESTING_RECALL).empty:
        raise Forbidden(Cap.TESTING_SAMPLE)
    recall = Recall.objects.select_for_update().filter(pk=recall_id).select_related("person").first()
    if recall is None or not (
        unit_ids_for(actor, Cap.TESTING_SAMPLE) or scope_for(actor, Cap.TESTING_RECALL).covers(recall.jpath)
    ):
        raise NotFound
    if recall.state != Recall.State.ORDERED:
        raise FieldError("state", _("This retest was sampled already."), code=Code.WRONG_STATE)
    code = clean_code("tube_code", tube_code)
    if Tube.objects.filter(code=code).exists():
        raise FieldError("tube_code", _("This tube was used already."), code=Code.DUPLICATE)
    now = clock.now()
    tube = Tube.objects.create(
        code=code,
        round_id=recall.round_id,
        pool_size=1,
        count=1,
        retest=True,
        opened_at=now,
        closed_at=now,
        jpath=recall.jpath,
    )
    Sample.objects.create(
        round_id=recall.round_id,
        tube=tube,
        person=recall.person,
        collected_at=now,
        recorded_by=actor,
        retest=True,
        jpath=recall.jpath,
    )
    daily.add(SAMPLES, now, recall.jpath, shard=recall.pk)  # the hall's tests per day
    recall.retest_tube, recall.state, recall.sampled_at = tube, Recall.State.SAMPLED, now
    recall.save(update_fields=["retest_tube", "state", "sampled_at"])
    audit_record(
        actor=actor,
        action="testing.recall_sample",
        obj=recall,
        object_repr=pii.mask_name(recall.person.name),
        fields={"tube": code},
    )
    return recall


RESULT_COLUMNS = TableSpec(
    {
        "tube_code": {"管号", "试管编码", "采样管编码", "样本编号", "tube_code", "tube", "tube code"},
        "result": {"结果", "检测结果", "result"},
        "ct": {"ct", "ct值", "ct value"},
    },
    required=("tube_code", "result"),
    strict=True,  # a column we do not know might be the one that matters: refuse rather than guess
)
RESULT_WORDS = {"阴性": "negative", "阳性": "positive", "无效": "invalid", "neg": "negative", "pos": "positive"}


def results_file_ingest(*, actor, filename: str, content: bytes) -> dict:
    """A lab's result sheet. Rejections name the spreadsheet row (the header is row 1)."""
    table = open_table(RESULT_COLUMNS, filename, content)
    rows = []
    for number, raw in table.rows:
        values = table.values(raw)
        if values is None:
            continue
        word = values.get("result", "").strip().lower()
        rows.append(
            ResultRow(number, values.get("tube_code", ""), RESULT_WORDS.get(word, word), values.get("ct") or None)
        )
    reply = results_ingest(actor=actor, rows=rows)
    return {
        "accepted": reply["accepted"],
        "rejected": [{"row": r["index"], "message": r["message"]} for r in reply["rejected"]],
    }
