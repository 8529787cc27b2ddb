"""The command hall's alert feed: rows written by the modules in the transaction of the fact, read newest first
and scoped by each kind's capability (core.hall.register_alert_kind)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import clock
from .bilingual import in_each_language
from .hall import alert_kind, alert_kinds
from .models import HallAlert
from .scoping import scope_for


def raise_alert(*, kind: str, subject: str | Promise, jpath: str, link: str = "", ref: str = "") -> HallAlert:
    """Announce `kind` about `subject` (data the wall may show: never a person's name or number) to the hall of
    everyone whose scope covers `jpath`. Call it inside the transaction of the fact. A subject that holds words (a
    zone level's name) is lazy text (core.bilingual.words), kept rendered in each language for each reader's."""
    if alert_kind(kind) is None:
        raise ValueError(f"unregistered alert kind {kind!r}")
    subjects = in_each_language(subject, 200) if isinstance(subject, Promise) else {}
    with translation.override(settings.LANGUAGE_CODE):
        own = str(subject)[:200]
    return HallAlert.objects.create(
        kind=kind, subject=own, subjects=subjects, jpath=jpath, link=link[:200], ref=ref[:64]
    )


def raise_alerts(alerts: list[HallAlert]) -> None:
    """Several alerts in one statement (a results sheet with many positive pools)."""
    for a in alerts:
        if alert_kind(a.kind) is None:
            raise ValueError(f"unregistered alert kind {a.kind!r}")
        a.subject, a.link, a.ref = a.subject[:200], a.link[:200], a.ref[:64]
    HallAlert.objects.bulk_create(alerts)


def refs_raised(refs: list[str]) -> set[str]:
    """Which of `refs` an alert was raised for already (a sweep raises each time-derived alert once)."""
    found: set[str] = set()
    # In lists of 100: PostgreSQL reads a longer IN list as a filter over the table, not along the index.
    for start in range(0, len(refs), 100):
        found.update(HallAlert.objects.filter(ref__in=refs[start : start + 100]).values_list("ref", flat=True))
    return found


# --- retention -----------------------------------------------------------------------------------------------

ALERT_DAYS = 90  # the feed is about now; an alert a task was dispatched from stays with that task (a hold)


def alerts_purge(now: datetime | None = None) -> int:
    """Delete the alerts older than ALERT_DAYS that nothing holds (`fangkong purge`'s housekeeping); the rows
    deleted. Modules above keep theirs with core.purging.register_hold("hall_alerts", …)."""
    from datetime import timedelta

    from .purging import holds, in_ranges, raw_delete

    cutoff = (now or clock.now()) - timedelta(days=ALERT_DAYS)
    return in_ranges(HallAlert.objects.filter(at__lt=cutoff), raw_delete, keep=holds("hall_alerts"))


# --- alerts that come from the clock -------------------------------------------------------------------------
# Most alerts are raised by the write that makes the fact. Some facts are made by time passing (a contact deadline
# missed, a transfer late at its step): nobody writes then, so a module registers a sweep, which `fangkong
# escalate` (run every few minutes) calls; each sweep raises an alert once per fact and answers how many it raised.

Sweep = Callable[[datetime], int]
_sweeps: dict[str, Sweep] = {}


def register_sweep(name: str, sweep: Sweep) -> None:
    _sweeps[name] = sweep


def sweep_all(now: datetime | None = None) -> dict[str, int]:
    """Every module's sweep, each in its own transaction: {name: alerts raised}. Two runs that overlap (a slow
    cron run and the next) never sweep the same thing at once: on PostgreSQL each sweep holds an advisory lock for
    its transaction and a second run skips it (0); SQLite runs one writing transaction at a time anyway."""
    from django.db import connection, transaction

    now = now or clock.now()
    done = {}
    for name, sweep in sorted(_sweeps.items()):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [f"fangkong.sweep:{name}"])
                    if not cursor.fetchone()[0]:
                        done[name] = 0
                        continue
            done[name] = sweep(now)
    return done


@dataclass(frozen=True)
class FeedItem:
    id: int
    kind: str
    at: datetime
    title: str
    subject: str
    url: str
    severity: str
    ref: str


def _visible_q(user, within: str | None) -> Q | None:
    """The alerts `user` may see (under `within`, a jurisdiction path, when given): per capability, the kinds it
    opens and the user's scope for it. None when nothing."""
    by_cap: dict[str, list[str]] = {}
    for kind in alert_kinds().values():
        by_cap.setdefault(kind.cap, []).append(kind.kind)
    query = Q()
    any_ = False
    for cap, kinds in by_cap.items():
        scope = scope_for(user, cap)
        if scope.empty:
            continue
        any_ = True
        query |= Q(kind__in=kinds) & scope.q()
    if not any_:
        return None
    if within:
        query &= Q(jpath__startswith=within)
    return query


def alerts_for(*, user, since: datetime | None = None, after_id: int = 0, within: str | None = None, limit: int = 50):
    """The newest alerts `user` may see, newest first: those after `since` (a time) or after `after_id` (the last
    one a stream sent), at most `limit`."""
    q = _visible_q(user, within)
    if q is None:
        return []
    qs = HallAlert.objects.filter(q)
    if since is not None:
        qs = qs.filter(at__gt=since)
    if after_id:
        qs = qs.filter(id__gt=after_id)
    kinds = alert_kinds()
    return [
        FeedItem(a.id, a.kind, a.at, alert_title(a), a.subject_shown, a.link, kinds[a.kind].severity, a.ref)
        for a in qs.order_by("-at", "-id")[:limit]
    ]


def alerts_by_id(*, user, ids: list[int]) -> list[FeedItem]:
    """These alerts as `user` reads them (those they may not see left out), oldest first: a stream's events."""
    q = _visible_q(user, None)
    if q is None or not ids:
        return []
    kinds = alert_kinds()
    return [
        FeedItem(a.id, a.kind, a.at, alert_title(a), a.subject_shown, a.link, kinds[a.kind].severity, a.ref)
        for a in HallAlert.objects.filter(q, pk__in=ids).order_by("id")
    ]


def alert_title(alert: HallAlert) -> str:
    """The alert as a line in the reader's language: its kind's label, then its subject."""
    kind = alert_kind(alert.kind)
    label = str(kind.label) if kind else alert.kind
    subject = alert.subject_shown
    return _("%(kind)s: %(subject)s") % {"kind": label, "subject": subject} if subject else label


def alert_get(*, user, alert_id: int) -> HallAlert:
    """One alert `user` may see (NotFound otherwise: out of scope reads like absent)."""
    from .scoping import NotFound

    q = _visible_q(user, None)
    alert = HallAlert.objects.filter(q, pk=alert_id).first() if q is not None else None
    if alert is None:
        raise NotFound
    return alert


def latest_id() -> int:
    """The newest alert's id (a stream starts after it)."""
    return HallAlert.objects.order_by("-id").values_list("id", flat=True).first() or 0
