"""Clusters (聚集性疫情): cases grouped by hand — made, added to, taken from — and read with their contacts, places
and timeline.

Clusters are case work (Cap.CASE_WORK), as the case pages are: a cluster is seen by whoever works any of its cases,
or the area it was filed under (its `jpath`: the narrowest jurisdiction holding its cases, kept up to date as cases
come and go); a case is grouped by whoever works it. A case belongs to one cluster at most: moving it is taking it
out, then adding it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap, scope_for

from .. import errors
from ..models import Case, Cluster


class ClusterCreateInput(FormInput):
    """A new cluster, with the cases it starts with (a suggestion's, or none: added one by one)."""

    name: str
    kind: str = Cluster.Kind.OTHER
    note: str = ""
    case_ids: list[int] = []


class ClusterCaseInput(FormInput):
    case_id: int


def clusters_visible(*, user) -> QuerySet[Cluster]:
    """The clusters of those who work cases: filed within their reach, or holding one of their cases."""
    scope = scope_for(user, Cap.CASE_WORK)
    if scope.empty:
        return Cluster.objects.none()
    holding = Case.objects.filter(scope.q(), cluster__isnull=False).values("cluster_id")
    return Cluster.objects.filter(scope.q() | Q(pk__in=holding))


def cluster_list(*, user) -> QuerySet[Cluster]:
    if not has_cap(user, Cap.CASE_WORK):
        raise Forbidden(Cap.CASE_WORK)
    return (
        clusters_visible(user=user)
        .annotate(
            n_cases=Count("cases"),
            n_open=Count("cases", filter=Q(cases__released_at__isnull=True)),
        )
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def cluster_get(*, user, cluster_id: int, for_update: bool = False) -> Cluster:
    """The one access path to a cluster: 404 outside the user's reach; `for_update` locks its row."""
    if not has_cap(user, Cap.CASE_WORK):
        raise Forbidden(Cap.CASE_WORK)
    qs = clusters_visible(user=user)
    if for_update:
        # The visibility test is a subquery: lock the row found, not the rows it read.
        found = qs.filter(pk=cluster_id).values_list("pk", flat=True).first()
        cluster = Cluster.objects.select_for_update().filter(pk=found).first() if found else None
    else:
        cluster = qs.filter(pk=cluster_id).first()
    if cluster is None:
        raise NotFound
    return cluster


def _common_path(paths: list[str]) -> str:
    """The narrowest jurisdiction path holding all of `paths` (whole segments: "211103/001/")."""
    parts = [p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for segments in zip(*parts, strict=False):
        if len(set(segments)) != 1:
            break
        common.append(segments[0])
    return "/".join(common) + "/" if common else ""


def _refile(cluster: Cluster) -> None:
    """The cluster filed under the narrowest jurisdiction holding its cases (unchanged when it has none)."""
    paths = list(Case.objects.filter(cluster=cluster).values_list("jpath", flat=True).distinct())
    path = _common_path(paths) if paths else ""
    if path and path != cluster.jpath:
        cluster.jpath = path
        cluster.save(update_fields=["jpath"])


def _workable_case(actor, case_id: int, field: str) -> Case:
    """A case the actor may group (locked): otherwise a refusal naming the field, as for a case that does not
    exist."""
    case = Case.objects.select_for_update().filter(scope_for(actor, Cap.CASE_WORK).q(), pk=case_id).first()
    if case is None:
        raise FieldError(field, _("Unknown case, or outside your jurisdiction."), code=Code.NOT_FOUND)
    return case


@transaction.atomic
def cluster_create(
    *, actor, name: str, kind: str = Cluster.Kind.OTHER, note: str = "", case_ids: list[int] | None = None
) -> Cluster:
    """A cluster named by hand, with its first cases (none in another cluster)."""
    scope = scope_for(actor, Cap.CASE_WORK)
    if scope.empty:
        raise Forbidden(Cap.CASE_WORK)
    name = (name or "").strip()
    if not name:
        raise FieldError("name", _("Name the cluster (a family, a workplace, a venue …)."), code=Code.REQUIRED)
    if len(name) > 100:
        raise FieldError("name", _("At most 100 characters."), code=Code.TOO_LONG)
    if kind not in Cluster.Kind.values:
        raise FieldError("kind", _("Choose one of the kinds offered."), code=Code.UNKNOWN_CHOICE)
    cases = []
    for case_id in dict.fromkeys(case_ids or []):
        case = _workable_case(actor, case_id, "case_ids")
        if case.cluster_id is not None:
            raise FieldError(
                "case_ids",
                _("A case is in another cluster already: take it out there first."),
                code=errors.Code.IN_CLUSTER,
            )
        cases.append(case)
    cluster = Cluster.objects.create(
        name=name,
        kind=kind,
        note=(note or "").strip(),
        created_by=actor,
        jpath=_common_path([c.jpath for c in cases]) if cases else scope.paths[0],
    )
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(cluster=cluster)
    audit_record(
        actor=actor,
        action="cluster.create",
        obj=cluster,
        object_repr=name,
        fields={"kind": kind, "cases": [c.pk for c in cases]},
    )
    return cluster


@transaction.atomic
def cluster_add_case(*, actor, cluster_id: int, case_id: int) -> Cluster:
    cluster = cluster_get(user=actor, cluster_id=cluster_id, for_update=True)
    case = _workable_case(actor, case_id, "case_id")
    if case.cluster_id == cluster.pk:
        raise FieldError("case_id", _("This case is in the cluster already."), code=Code.DUPLICATE)
    if case.cluster_id is not None:
        raise FieldError(
            "case_id", _("This case is in another cluster: take it out there first."), code=errors.Code.IN_CLUSTER
        )
    case.cluster = cluster
    case.save(update_fields=["cluster"])
    _refile(cluster)
    audit_record(
        actor=actor, action="cluster.add_case", obj=cluster, object_repr=cluster.name, fields={"case": case.pk}
    )
    return cluster


@transaction.atomic
def cluster_remove_case(*, actor, cluster_id: int, case_id: int) -> Cluster:
    cluster = cluster_get(user=actor, cluster_id=cluster_id, for_update=True)
    case = _workable_case(actor, case_id, "case_id")
    if case.cluster_id != cluster.pk:
        raise FieldError("case_id", _("This case is not in the cluster."), code=Code.NOT_FOUND)
    case.cluster = None
    case.save(update_fields=["cluster"])
    _refile(cluster)
    audit_record(
        actor=actor, action="cluster.remove_case", obj=cluster, object_repr=cluster.name, fields={"case": case.pk}
    )
    return cluster


def cases_to_add(*, user, cluster: Cluster, limit: int = 500) -> list[Case]:
    """The cases the user may add to a cluster: theirs, in no cluster, the most recent first."""
    scope = scope_for(user, Cap.CASE_WORK)
    if scope.empty:
        return []
    return list(
        Case.objects.filter(scope.q(), cluster__isnull=True)
        .select_related("person")
        .order_by("-confirmed_at", "-pk")[:limit]
    )
