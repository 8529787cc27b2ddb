"""Reads of the registry. Every function takes the acting user and applies their scope here, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.db.models import Count, Model, Q, QuerySet
from django.db.models.functions import Coalesce

from fangkong.core import clock, pii
from fangkong.core.ids import DocType, InvalidDocument, clean_document, clean_phone, normalise
from fangkong.core.models import AuditEvent
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, in_force, scope_for

from .models import Jurisdiction, Person, Unit

M = TypeVar("M", bound=Model)


def person_holding(doc_type: str, number: str) -> Person | None:
    """The registered person holding this document (`number` already cleaned), or None. No user scope: for the
    services that meet someone in the field (a checkpoint, a clinic, a trip filed for someone) and have made their
    own check — what they tell the caller about the answer is theirs to keep from leaking."""
    return kept(Person.objects.filter(doc_hash=pii.lookup_hash(number), doc_type=doc_type).first())


def kept(person: Person | None) -> Person | None:
    """The record a person's look-up ends at: a duplicate merged into another (registry.merging) points to it."""
    if person is not None and person.merged_into_id is not None:
        return Person.objects.get(pk=person.merged_into_id)
    return person


def jurisdictions_visible(*, user) -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.filter(scope_for(user, Cap.REGISTRY_VIEW).q("path"))


def jurisdiction_get(*, user, jurisdiction_id: int) -> Jurisdiction:
    try:
        return jurisdictions_visible(user=user).get(pk=jurisdiction_id)
    except Jurisdiction.DoesNotExist as exc:
        raise NotFound from exc


def jurisdictions_within(*, user, cap: str) -> QuerySet[Jurisdiction]:
    """Every jurisdiction within the user's reach for `cap`: their own and all below (for a form's choices)."""
    return Jurisdiction.objects.filter(scope_for(user, cap).q("path"))


def jurisdiction_asked(*, user, cap: str, params) -> Jurisdiction | None:
    """The jurisdiction a list is narrowed to (`?jurisdiction=ID` in `params`, a hall's tile leading to its list):
    None when none is asked for; 404 when it lies outside the user's reach for `cap`, as if it did not exist."""
    jurisdiction_id = param_id(params, "jurisdiction")
    if jurisdiction_id is None:
        return None
    found = jurisdictions_within(user=user, cap=cap).filter(pk=jurisdiction_id).first()
    if found is None:
        raise NotFound
    return found


def narrowed(rows: QuerySet[M], *, user, cap: str, params) -> tuple[QuerySet[M], Jurisdiction | None]:
    """`rows` (already the user's) under the jurisdiction `params` ask for, by their `jpath`, and that jurisdiction
    (see jurisdiction_asked)."""
    within = jurisdiction_asked(user=user, cap=cap, params=params)
    return (rows.filter(jpath__startswith=within.path) if within else rows), within


def jurisdictions_below(*, user, cap: str) -> QuerySet[Jurisdiction]:
    """The jurisdictions right below the user's own for `cap` (whom a directive is addressed to)."""
    return Jurisdiction.objects.filter(parent__path__in=scope_for(user, cap).paths)


def units_within(*, user, cap: str, kinds: list[str] | None = None) -> QuerySet[Unit]:
    """The units within the user's reach for `cap`, of these kinds if given."""
    units = Unit.objects.filter(scope_for(user, cap).q("jpath"))
    return units.filter(kind__in=kinds) if kinds else units


def jurisdiction_roots(*, user) -> list[Jurisdiction]:
    """The top of what the user sees: the jurisdictions of their roles (not their parents)."""
    scope = scope_for(user, Cap.REGISTRY_VIEW)
    return list(Jurisdiction.objects.filter(path__in=scope.paths).order_by("path"))


def jurisdiction_ancestors(j: Jurisdiction) -> list[Jurisdiction]:
    """The chain above `j` for breadcrumbs. Names of one's own superiors are not secret."""
    parts = j.path.strip("/").split("/")
    paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts) - 1)]
    return list(Jurisdiction.objects.filter(path__in=paths).order_by("path"))


@dataclass(frozen=True)
class JurisdictionRow:
    jurisdiction: Jurisdiction
    people: int
    children: int


def jurisdiction_children_with_counts(*, user, parent: Jurisdiction | None) -> list[JurisdictionRow]:
    """Children of `parent` (or the user's roots) with the number of people under each, within scope."""
    if parent is None:
        nodes = jurisdiction_roots(user=user)
    else:
        nodes = list(jurisdictions_visible(user=user).filter(parent=parent).order_by("path"))
    if not nodes:
        return []
    depth = nodes[0].path.count("/")
    scope = scope_for(user, Cap.PEOPLE_VIEW)
    totals: dict[str, int] = {}
    if nodes[0].level == Jurisdiction.Level.GRID:
        per_grid = dict(
            Person.objects.filter(scope.q(), jurisdiction__in=nodes)
            .values_list("jurisdiction_id")
            .annotate(n=Count("*"))
            .order_by()
        )
        totals = {n.path: per_grid.get(n.pk, 0) for n in nodes}
    else:
        under = Q()
        for node in nodes:
            under |= Q(path__startswith=node.path)
        communities = list(
            Jurisdiction.objects.filter(under, level=Jurisdiction.Level.COMMUNITY).values_list("pk", "path")
        )
        # Communities wholly in scope are counted by community_id alone, which PostgreSQL answers from the
        # community index without reading a row (index-only scan): ~80 ms for 1.4 M people instead of ~470.
        whole = [pk for pk, path in communities if scope.covers(path)]
        partial = [pk for pk, path in communities if not scope.covers(path)]
        per_community = dict(
            Person.objects.filter(community_id__in=whole).values_list("community_id").annotate(n=Count("*")).order_by()
        )
        if partial:  # a role held over single grids sees part of a community
            per_community.update(
                Person.objects.filter(scope.q(), community_id__in=partial)
                .values_list("community_id")
                .annotate(n=Count("*"))
                .order_by()
            )
        for community_id, path in communities:
            key = "/".join(path.split("/")[:depth]) + "/"
            totals[key] = totals.get(key, 0) + per_community.get(community_id, 0)
    child_counts = dict(
        Jurisdiction.objects.filter(parent__in=nodes).values_list("parent_id").annotate(n=Count("id")).order_by()
    )
    return [JurisdictionRow(n, totals.get(n.path, 0), child_counts.get(n.pk, 0)) for n in nodes]


def _text_filter(qs: QuerySet[Person], text: str) -> QuerySet[Person]:
    """A document number or phone is matched exactly through its keyed hash; anything else by name."""
    text = text.strip()
    compact = normalise(text)
    if len(compact) >= 15 and compact[:-1].isdigit():
        try:
            holders = Person.objects.filter(
                doc_type=DocType.RESIDENT_ID,
                doc_hash=pii.lookup_hash(clean_document(DocType.RESIDENT_ID, compact)),
            )
            # The number of a duplicate merged into another record finds the kept record.
            return qs.filter(pk__in=holders.annotate(kept=Coalesce("merged_into_id", "id")).values("kept"))
        except InvalidDocument:
            return qs.none()
    if compact.isdigit() and 7 <= len(compact) <= 15:
        try:
            return qs.filter(phone_hash=pii.lookup_hash(clean_phone(compact)))
        except InvalidDocument:
            return qs.none()
    # Names are matched from their first character (a full name or a surname): an indexed prefix search
    # stays fast over a city, where "contains" over two Chinese characters cannot use any index.
    return qs.filter(name__startswith=text)


def people_list(*, user, jurisdiction_id: int | None = None, text: str = "", tag: str = "") -> QuerySet[Person]:
    qs = Person.objects.filter(scope_for(user, Cap.PEOPLE_VIEW).q(), merged_into__isnull=True)
    if jurisdiction_id is not None:
        j = jurisdiction_get(user=user, jurisdiction_id=jurisdiction_id)
        qs = qs.filter(jpath__startswith=j.path)
    if text:
        qs = _text_filter(qs, text)
    if tag:
        qs = qs.filter(tags__tag=tag)
    return qs.select_related("community", "jurisdiction").order_by("id")


class Merged(NotFound):
    """The record was merged into another (registry.merging): not found, with a pointer to the kept record."""

    def __init__(self, merged_into: int):
        super().__init__(merged_into)
        self.merged_into = merged_into


def person_get(*, user, person_id: int) -> Person:
    """One person within the user's reach; NotFound otherwise, Merged (a NotFound) for a merged duplicate."""
    try:
        person = (
            Person.objects.filter(scope_for(user, Cap.PEOPLE_VIEW).q())
            .select_related("community", "jurisdiction", "household", "household__parent__parent", "unit")
            .prefetch_related("tags")
            .get(pk=person_id)
        )
    except Person.DoesNotExist as exc:
        raise NotFound from exc
    if person.merged_into_id is not None:
        raise Merged(person.merged_into_id)
    return person


def users_with_cap(
    cap: str, *, jurisdiction_ids=(), unit_ids=(), district: bool = False
) -> dict[tuple[str, int], list]:
    """Who holds `cap` exactly at each of these posts — {("j", id) | ("u", id): [users]} — in one query. With
    `district`, also at the district itself (key ("j", its id)). For notices: the workers of a task's post, the
    overseers one level up, district HQ."""
    from fangkong.core.roles import roles_with

    from .models import RoleAssignment

    roles = roles_with(cap)
    j_ids = list(jurisdiction_ids)
    if district:
        j_ids += list(Jurisdiction.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    q = Q(jurisdiction_id__in=j_ids) | Q(unit_id__in=list(unit_ids))
    out: dict[tuple[str, int], list] = {}
    for a in RoleAssignment.objects.filter(q, in_force(), role__in=roles, user__is_active=True).select_related("user"):
        key = ("j", a.jurisdiction_id) if a.jurisdiction_id is not None else ("u", a.unit_id or 0)
        if a.user not in out.setdefault(key, []):
            out[key].append(a.user)
    return out


def staff_within(*, user, cap: str, active_only: bool = True) -> QuerySet:
    """The accounts belonging to, or holding a role at, a place within `user`'s reach for `cap`: whom an
    administrator administers (`accounts.admin`), whom a duty manager may put on a roster (`command.duty_manage`).
    Deactivated accounts only when asked."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    scope = scope_for(user, cap)
    if scope.empty:
        return User.objects.none()
    q = scope.q("staff_profile__jpath") | scope.q("roles__jurisdiction__path") | scope.q("roles__unit__jpath")
    rows = User.objects.filter(pk__in=User.objects.filter(q).values("pk")).select_related("staff_profile")
    return rows.filter(is_active=True) if active_only else rows


def district_path() -> str:
    """The district's own path (the root of the tree): where records about the district as a whole belong."""
    return (
        Jurisdiction.objects.filter(parent__isnull=True).order_by("path").values_list("path", flat=True).first() or ""
    )


def users_covering(cap: str, *paths: str) -> list:
    """Everyone holding `cap` over a jurisdiction whose reach covers any of `paths` (the post itself and every one
    above it): who may act on a record there — the second officer a zone or a status change waits for. Two
    queries whatever the number of paths."""
    prefixes = {path[: i + 1] for path in paths for i, ch in enumerate(path) if ch == "/"}
    if not prefixes:
        return []
    ids = list(Jurisdiction.objects.filter(path__in=prefixes).values_list("pk", flat=True))
    return list({u.pk: u for users in users_with_cap(cap, jurisdiction_ids=ids).values() for u in users}.values())


def users_holding(cap: str) -> list:
    """Everyone holding `cap` at any post (a role like the portal's reviewers, wherever it is assigned)."""
    from fangkong.core.roles import roles_with

    from .models import RoleAssignment

    rows = RoleAssignment.objects.filter(in_force(), role__in=roles_with(cap), user__is_active=True).select_related(
        "user"
    )
    return list({a.user.pk: a.user for a in rows}.values())


def district_users(cap: str) -> list:
    """Those holding `cap` over the whole district (district HQ)."""
    return list({u.pk: u for users in users_with_cap(cap, district=True).values() for u in users}.values())


def transfer_requests(*, user, days: int = 30) -> list:
    """Requests from other jurisdictions to register here a person this user's jurisdiction holds (audit events
    `person.transfer_request`, see services.person_create), newest first: those of the last `days` whose person
    is still outside the requested jurisdiction."""
    scope = scope_for(user, Cap.PEOPLE_EDIT)
    if scope.empty:
        return []
    events = list(
        AuditEvent.objects.filter(
            scope.q("jpath"), action="person.transfer_request", at__gte=clock.now() - timedelta(days=days)
        ).order_by("-at")[:200]
    )
    people = Person.objects.filter(scope.q(), pk__in={int(e.object_id) for e in events if e.object_id.isdigit()})
    where = {p.pk: p for p in people.select_related("community")}
    out = []
    for e in events:
        person = where.get(int(e.object_id)) if e.object_id.isdigit() else None
        to_path = e.fields.get("to_path") or ""
        if person is not None and not (to_path and person.jpath.startswith(to_path)):
            out.append((e, person))
    return out


# ---------------------------------------------------------------- who looked at a person's data (for the person)


@dataclass(frozen=True)
class AuditObjects:
    """Audit rows on these objects that concern a person: read through the (object_type, object_id) index.
    `actions` maps each action counted to its kind; `keep` narrows rows that concern many people (a venue traced
    over a period concerns those who were there then)."""

    object_type: str
    object_ids: tuple[str, ...]
    actions: dict[str, str]
    keep: Callable[[AuditEvent], bool] | None = None


AccessSource = Callable[[Person], list[AuditObjects]]
_access_sources: list[AccessSource] = []


def register_access_source(source: AccessSource) -> None:
    """A module whose audit rows concern people on objects of its own (containment: manual status changes on the
    change, venue tracing on the venue) says which, at app ready; registry never imports it."""
    if source not in _access_sources:
        _access_sources.append(source)


def _own_access(person: Person) -> list[AuditObjects]:
    return [AuditObjects("registry.person", (str(person.pk),), {"person.reveal": "reveal"})]


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    kind: str  # reveal | whereabouts | venue_trace | status_change
    action: str
    about: str  # the audit row's object as recorded (a venue's name, a masked name)
    purpose: str  # the reason the officer gave
    where: str  # the officer's unit or jurisdiction
    officer: str  # their name masked: 张*
    fields: dict


def masked_officer(user) -> str:
    """张三 → 张*: residents learn which office looked, and that a person (not "the system") did."""
    name = f"{user.last_name}{user.first_name}".strip() if user is not None else ""
    name = name or (user.get_username() if user is not None else "")
    return f"{name[:1]}*" if name else "*"


def access_log_for_person(person: Person, *, limit: int = 500) -> list[AccessEntry]:
    """Every reveal of the person's ID number or phone, every tracing query and every step of a manual status
    change that concerned them, newest first: what the officer gave as the purpose, their office and the time.
    For the person themselves (the resident pages); no user scope applies."""
    from django.contrib.auth import get_user_model

    from .models import RoleAssignment

    groups = _own_access(person) + [g for source in _access_sources for g in source(person)]
    query = Q(pk__in=[])
    for g in groups:
        if g.object_ids:
            query |= Q(object_type=g.object_type, object_id__in=list(g.object_ids), action__in=list(g.actions))
    rows = list(AuditEvent.objects.filter(query).order_by("-at", "-id")[: limit * 2])
    kinds: dict[tuple[str, str], list[AuditObjects]] = {}
    for g in groups:
        for action in g.actions:
            kinds.setdefault((g.object_type, action), []).append(g)
    events = []
    for e in rows:
        for g in kinds.get((e.object_type, e.action), []):
            if e.object_id in g.object_ids and (g.keep is None or g.keep(e)):
                events.append((e, g.actions[e.action]))
                break
    events = events[:limit]
    actor_ids = {e.actor_id for e, _kind in events if e.actor_id}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=actor_ids)}
    offices: dict[int, str] = {}
    for a in RoleAssignment.objects.filter(user_id__in=actor_ids).select_related("jurisdiction", "unit").order_by("pk"):
        post = a.unit or a.jurisdiction  # the unit (a department, a clinic …) or the jurisdiction they serve
        offices.setdefault(a.user_id, post.name if post is not None else "")
    return [
        AccessEntry(
            at=e.at,
            kind=kind,
            action=e.action,
            about=e.object_repr,
            purpose=e.reason,
            where=offices.get(e.actor_id or 0, ""),
            officer=masked_officer(users.get(e.actor_id or 0)),
            fields=dict(e.fields or {}),
        )
        for e, kind in events
    ]
