"""Epidemiology pages: a case's transmission chain, the epidemic curve, clusters and their suggestions. Thin: the
reads and the writes are in containment.epi."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import has_cap

from ..epi import chains, clusters, detail, epicurve, suggestions
from ..models import Case, CloseContact, Cluster


@scoped
def case_chain(request, case_id: int):
    chain = chains.chain_of(user=request.user, case_id=case_id)
    drawing = _drawing(chain)
    classification, contact_kind = dict(Case.Classification.choices), dict(CloseContact.Kind.choices)
    for n in chain.nodes:  # the words of the list beside the drawing (the API keeps the codes)
        n["classification_label"] = classification.get(n.get("classification") or "", "")
        n["contact_kind_label"] = contact_kind.get(n.get("contact_kind") or "", "")
    return render(
        request,
        "containment/chain.html",
        {
            "chain": chain,
            "case_url": chains.case_url(case_id),
            "drawing": drawing,
            "certainties": dict(Case.Certainty.choices),
        },
    )


def _drawing(chain: chains.Chain) -> dict:
    """What the page's script draws (containment/chain.js): the nodes with their words in the reader's language."""
    classification = dict(Case.Classification.choices)
    certainty = dict(Case.Certainty.choices)
    contact_kind = dict(CloseContact.Kind.choices)
    nodes = []
    for n in chain.nodes:
        if n["kind"] == "case":
            what = str(classification.get(n["classification"], ""))
            if n["unknown_source"]:
                what += " · " + str(certainty[Case.Certainty.UNKNOWN])
        else:
            what = str(contact_kind.get(n["contact_kind"], ""))
            if n["became_case"]:
                what += " · " + _("became a case")
        nodes.append(
            {
                "id": str(n["id"]),
                "kind": n["kind"],
                "generation": n["generation"],
                "label": n["label"] or _("Outside your area"),
                "what": what,
                "url": n["url"],
                "flag": bool(n.get("unknown_source")),
                "outside": n["outside"],
                "asymptomatic": n.get("classification") == Case.Classification.ASYMPTOMATIC,
                "asked": n["id"] == chain.case_id,
            }
        )
    # As the page's legend says: solid only for a known source; a suspected source, or a meeting as a close
    # contact (a case and its contacts, two cases linked through a contact), is dashed.
    edges = [
        {
            "from": str(e["from"]),
            "to": str(e["to"]),
            "dashed": e["certainty"] != Case.Certainty.KNOWN or e["link"] == "contact",
        }
        for e in chain.edges
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "generation": _("Generation %(n)s"),
    }


def _curve_params(request) -> dict:
    by = request.GET.get("by") or "report"
    return {
        "by": by,
        "jurisdiction_id": param_id(request.GET, "jurisdiction"),
        "by_street": request.GET.get("by_street") in ("1", "on", "true"),
    }


@scoped
def epicurve_page(request):
    asked = _curve_params(request)
    curve = epicurve.epicurve(user=request.user, **asked)
    return render(
        request,
        "containment/epicurve.html",
        {"curve": curve, "asked": asked, "areas": epicurve.curve_areas(user=request.user), "chart": curve.chart()},
    )


@scoped
def cluster_list(request):
    listed = clusters.cluster_list(user=request.user)
    error = None
    if request.method == "POST":
        try:
            data = clusters.ClusterCreateInput.from_form(request.POST)
            cluster = clusters.cluster_create(actor=request.user, **data.dict())
            messages.success(
                request,
                _("Cluster %(name)s made with %(n)s cases.") % {"name": cluster.name, "n": len(data.case_ids)},
            )
            return redirect("containment:cluster", cluster.pk)
        except FieldError as exc:
            error = exc
    return render(
        request,
        "containment/clusters.html",
        {
            "clusters": listed[:200],
            "count": listed.count(),
            "suggestions": suggestions.cluster_suggestions(user=request.user),
            "kinds": Cluster.Kind.choices,
            "error": error,
            "form": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@scoped
def cluster_page(request, cluster_id: int):
    cluster = clusters.cluster_get(user=request.user, cluster_id=cluster_id)
    error = None
    if request.method == "POST":
        try:
            data = clusters.ClusterCaseInput.from_form(request.POST)
            if request.POST.get("action") == "remove":
                clusters.cluster_remove_case(actor=request.user, cluster_id=cluster.pk, case_id=data.case_id)
                messages.success(request, _("Case taken out of the cluster."))
            else:
                clusters.cluster_add_case(actor=request.user, cluster_id=cluster.pk, case_id=data.case_id)
                messages.success(request, _("Case added to the cluster."))
            return redirect("containment:cluster", cluster.pk)
        except FieldError as exc:
            error = exc
    shown = detail.cluster_detail(user=request.user, cluster=cluster)
    curve = (
        epicurve.epicurve(user=request.user, by="onset", cluster=cluster)
        if has_cap(request.user, Cap.STATUS_VIEW)
        else None
    )
    return render(
        request,
        "containment/cluster.html",
        {
            "cluster": cluster,
            "detail": shown,
            "curve": curve,
            "chart": curve.chart() if curve else None,
            "to_add": clusters.cases_to_add(user=request.user, cluster=cluster),
            "error": error,
        },
        status=400 if error else 200,
    )
