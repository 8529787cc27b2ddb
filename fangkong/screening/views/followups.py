"""Closed-loop pages: the grid worker's cases, a case's actions, the reconciliation (nobody missed)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from fangkong.core import clock
from fangkong.core.dates import period
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.forms import NoteInput
from fangkong.core.paging import page_of
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.registry.selectors import jurisdiction_asked

from .. import followups as followup_services
from .. import selectors
from ..models import FollowUp, FollowUpTest
from ._shared import _export

# ---------------------------------------------------------------- follow-ups


def _stages_text(f: FollowUp) -> str:
    """The measures one after the other, each with its end (an export cell)."""
    return pgettext("followup stages", ", then ").join(
        _("%(measure)s until %(t)s") % {"measure": s["label"], "t": clock.localtime(s["until"])} for s in f.stages
    )


@scoped
def followup_list(request):
    if not has_cap(request.user, Cap.FOLLOWUP_WORK):
        raise Forbidden(Cap.FOLLOWUP_WORK)
    state = request.GET.get("state", "active")
    within = jurisdiction_asked(user=request.user, cap=Cap.FOLLOWUP_WORK, params=request.GET)
    path = within.path if within else ""
    qs = selectors.followups_visible(user=request.user, state=state if state != "all" else "", within=path)
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                f.person.name,
                f.person.document_masked,
                f.group_label,
                _stages_text(f),
                f.community.name,
                f.opened_at,
                f.contact_due_at,
                FollowUp.State(f.state).label,
                f.contacted_at,
                f.released_at,
            )
            for f in qs
        )
        return _export(
            request,
            "followups.export",
            "followups.xlsx",
            _("Closed-loop cases"),
            [
                pgettext("export column", "Name"),
                pgettext("export column", "Document number"),
                pgettext("export column", "Group"),
                pgettext("export column", "Measures"),
                pgettext("export column", "Community"),
                pgettext("export column", "Opened"),
                pgettext("export column", "Contact due"),
                pgettext("export column", "State"),
                pgettext("export column", "Contacted"),
                pgettext("export column", "Released at"),
            ],
            rows,
        )
    counts = {
        s: selectors.followups_visible(user=request.user, state=s, within=path).count()
        for s in ("open", "missed", "contacted", "released")
    }
    page, query = page_of(request, qs)
    return render(
        request,
        "screening/followup_list.html",
        {"page": page, "query": query, "state": state, "counts": counts, "now": clock.now(), "within": within},
    )


def _followup_context(request, followup_id: int, **extra) -> dict:
    followup = selectors.followup_get(user=request.user, followup_id=followup_id)
    results = {t.day: t for t in followup.tests.all()}
    return {
        "f": followup,
        "tests": [(day, when, results.get(day)) for day, when in followup.test_dates()],
        "blockers": followup_services.release_blockers(followup),
        "results": FollowUpTest.Result.choices,
        **extra,
    }


@scoped
def followup_detail(request, followup_id: int):
    return render(request, "screening/followup_detail.html", _followup_context(request, followup_id))


@require_POST
@scoped
def followup_action(request, followup_id: int, action: str):
    try:
        if action == "contact":
            note = NoteInput.from_form(request.POST).note
            followup_services.followup_contact(actor=request.user, followup_id=followup_id, note=note)
        elif action == "location":
            where = followup_services.FollowupLocationInput.from_form(request.POST)
            followup_services.followup_confirm_location(actor=request.user, followup_id=followup_id, **where.dict())
        elif action == "test":
            test = followup_services.FollowupTestInput.from_form(request.POST)
            followup_services.followup_record_test(actor=request.user, followup_id=followup_id, **test.dict())
        elif action == "release":
            note = NoteInput.from_form(request.POST).note
            followup_services.followup_release(actor=request.user, followup_id=followup_id, note=note)
        else:
            raise NotFound
    except FieldError as exc:
        return render(
            request, "screening/_followup_card.html", _followup_context(request, followup_id, error=exc), status=400
        )
    return render(request, "screening/_followup_card.html", _followup_context(request, followup_id, done=action))


@scoped
def reconciliation(request):
    try:
        since, until = period(request.GET.get("since"), request.GET.get("until"))
    except FieldError:
        since, until = period(None, None)
    rows = selectors.reconciliation(user=request.user, since=since, until=until)
    if request.GET.get("format") == "xlsx":
        return _export(
            request,
            "reconciliation.export",
            "reconciliation.xlsx",
            _("Nobody missed"),
            [
                pgettext("export column", "Community / village"),
                pgettext("export column", "Arrived"),
                pgettext("export column", "Cases opened"),
                pgettext("export column", "Contacted in time"),
                pgettext("export column", "Contacted late"),
                pgettext("export column", "Missed"),
                pgettext("export column", "Released"),
            ],
            (
                (
                    r["community"].name,
                    r["arrivals"],
                    r["owned"],
                    r["contacted_in_time"],
                    r["contacted_late"],
                    r["overdue"],
                    r["released"],
                )
                for r in rows
            ),
        )
    totals = {
        k: sum(r[k] for r in rows)
        for k in ("arrivals", "owned", "contacted_in_time", "contacted_late", "overdue", "released")
    }
    query = request.GET.copy()
    return render(
        request,
        "screening/reconciliation.html",
        {
            "rows": rows,
            "totals": totals,
            "since": since,
            "until": until,
            "query": query.urlencode(),
            "missed": selectors.followups_missed(user=request.user)[:100],
        },
    )
