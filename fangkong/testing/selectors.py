"""Reads of testing data, scoped here."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, scope_for, unit_ids_for

from .models import Recall, Round, Site


def _get(qs: QuerySet, pk: int):
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist as exc:
        raise NotFound from exc


def rounds_visible(*, user) -> QuerySet[Round]:
    """Rounds are district-wide facts: anyone who takes part in testing sees them."""
    if not any(
        not scope_for(user, cap).empty or unit_ids_for(user, cap)
        for cap in (Cap.TESTING_ADMIN, Cap.TESTING_SAMPLE, Cap.TESTING_LAB, Cap.TESTING_RECALL)
    ):
        return Round.objects.none()
    return Round.objects.all()


def round_get(*, user, round_id: int) -> Round:
    return _get(rounds_visible(user=user), round_id)


def sites_workable(*, user) -> QuerySet[Site]:
    """Sites where the user may collect: their sampling team's (unit), or all in their jurisdiction (HQ)."""
    query = scope_for(user, Cap.TESTING_ADMIN).q("jpath")
    units = unit_ids_for(user, Cap.TESTING_SAMPLE)
    if units:
        query |= Q(unit_id__in=units)
    return Site.objects.filter(query, active=True).select_related("jurisdiction", "unit")


def recalls_visible(*, user) -> QuerySet[Recall]:
    return Recall.objects.filter(scope_for(user, Cap.TESTING_RECALL).q("jpath")).select_related(
        "person", "source_tube", "retest_tube"
    )


def compounds_for_rounds(*, user) -> list:
    """Compounds HQ may set to one household per tube (those in its jurisdiction), by community."""
    from fangkong.registry.models import Place

    admin = scope_for(user, Cap.TESTING_ADMIN)
    if admin.empty:
        return []
    return list(
        Place.objects.filter(admin.q("jpath"), kind=Place.Kind.COMPOUND)
        .select_related("jurisdiction")
        .order_by("jpath", "name")[:2000]
    )


def open_recalls_of(person_ids: list[int]) -> list[tuple[int, str, object]]:
    """(person, source tube, ordered) of recall orders awaiting their retest result, for the status service
    (containment): facts about people the caller already holds, so no user scope applies."""
    from fangkong.core import clock
    from fangkong.core.bulk import in_list, select_rows

    from .models import Tube

    if not person_ids:
        return []
    sql, params = in_list("r.person_id", person_ids)
    return [
        (pid, tube, clock.as_aware(ordered))
        for pid, tube, ordered in select_rows(
            f"SELECT r.person_id, t.code, r.ordered_at FROM {Recall._meta.db_table} r"
            f" JOIN {Tube._meta.db_table} t ON t.id = r.source_tube_id WHERE r.state IN (%s, %s) AND {sql}",
            [Recall.State.ORDERED, Recall.State.SAMPLED, *params],
        )
    ]


def person_id_for_code(code: str) -> int | None:
    """The person a pre-registration code belongs to (for the status service's scanners)."""
    from fangkong.registry.models import PersonCode

    text = "".join((code or "").split()).upper()
    return PersonCode.objects.filter(code=text).values_list("person_id", flat=True).first()


def latest_negative(person_ids: list[int]) -> dict[int, datetime]:
    """person → when their latest sample that tested negative was taken (a pooled negative clears every member),
    for containment's lifting criteria. It names no round (a person's latest may be in any, and a contact's must
    come after the contact, however long ago), so on PostgreSQL it plans over every partition of the samples:
    one per 32 rounds, ~25 in two years of daily rounds (core.partitions). Read by HQ deciding on a zone, not
    on a hot path."""
    from fangkong.core import clock
    from fangkong.core.bulk import in_list, select_rows

    from .models import Sample, Tube

    out: dict[int, datetime] = {}
    for i in range(0, len(person_ids), 20_000):
        sql, params = in_list("s.person_id", person_ids[i : i + 20_000])
        for pid, at in select_rows(
            f"SELECT s.person_id, max(s.collected_at) FROM {Sample._meta.db_table} s"
            f" JOIN {Tube._meta.db_table} t ON t.id = s.tube_id WHERE t.result = %s AND {sql} GROUP BY s.person_id",
            [Tube.Result.NEGATIVE, *params],
        ):
            out[pid] = clock.as_aware(at)
    return out


def recent_at_site(site_id: int, limit: int = 10) -> list:
    """The last samples taken at a site, for its sampling page (shown after every scan). Through the site's latest
    tubes (indexed by site) rather than the samples themselves, which have no site index: filtering a round's 1.4 M
    samples by site took 85 ms on every scan; this takes 2 ms. The latest `limit` samples lie in the latest `limit`
    tubes opened there, unless more samplers than that fill tubes side by side at one site. The tubes' rounds are
    named too, so that PostgreSQL reads only their partitions of the samples (core.partitions)."""
    from .models import Sample, Tube

    latest = Tube.objects.filter(site_id=site_id).order_by("-opened_at", "-id")
    tubes = list(latest.values_list("pk", "round_id")[:limit])
    return list(
        Sample.objects.filter(tube_id__in=[t for t, _r in tubes], round_id__in={r for _t, r in tubes})
        .select_related("person", "tube")
        .order_by("-collected_at", "-id")[:limit]
    )


RESULTS_DAYS = timedelta(days=60)  # a resident's results card: the rounds of about two months


def results_of(person_id: int, limit: int = 10) -> list[dict]:
    """The person's latest samples, for the person themselves (portal): the round, when, the tube's result, whether
    the tube pooled others with them or was a single-tube retest, and — for a positive pool — the state of the
    retest it recalled them for (None when there is none). The rounds of the last RESULTS_DAYS (by deadline) are
    named: the card is read on every view of the resident's page, and a person alone names no round, so on
    PostgreSQL it would otherwise plan over and lock every partition of the samples (core.partitions)."""
    from fangkong.core import clock

    from .models import Sample, Tube

    recent = list(Round.objects.filter(deadline__gte=clock.now() - RESULTS_DAYS).values_list("pk", flat=True))
    samples = list(
        Sample.objects.filter(person_id=person_id, round_id__in=recent)
        .select_related("round", "tube")
        .order_by("-collected_at")[:limit]
    )
    pooled_positive = [s.tube_id for s in samples if s.tube.result == Tube.Result.POSITIVE and s.tube.count > 1]
    recalls = dict(
        Recall.objects.filter(person_id=person_id, source_tube_id__in=pooled_positive).values_list(
            "source_tube_id", "state"
        )
        if pooled_positive
        else []
    )
    return [
        {
            "round": s.round.name,
            "at": s.collected_at,
            "result": s.tube.result,
            "pooled": s.tube.count > 1,
            "retest": s.retest,
            "recall": recalls.get(s.tube_id),
        }
        for s in samples
    ]
