"""The case list and a case's page: its record, source, where it lives and went, and its contacts — each
managed by the protocol, released, handed over or sent to isolation from their row. Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core import pii
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import NoteInput
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound
from fangkong.registry.selectors import narrowed
from fangkong.screening.models import FollowUp

from .. import cases
from ..copresence import can_trace
from ..epi import epicurve
from ..models import Case, CloseContact
from ..transfers import TransferDispatchInput, transfer_dispatch
from ._shared import _refused, _sites


@scoped
def case_list(request):
    """The cases in reach, filtered; a case recorded by hand from the form below the list."""
    error = None
    if request.method == "POST":
        try:
            data = cases.CaseRecordInput.from_form(request.POST)
            case = cases.case_record(actor=request.user, **data.dict())
            messages.success(request, _("Case recorded: the person is red from now."))
            return redirect("containment:case", case.pk)
        except FieldError as exc:
            error = exc
        except NotFound:
            error = FieldError("person_id", _("Unknown person, or outside your jurisdiction."), code=Code.NOT_FOUND)
    g = request.GET
    classification = g.get("classification", "")
    state = g.get("state", "")
    source_unknown = g.get("source_unknown") == "1"
    qs = cases.cases_visible(
        user=request.user, classification=classification, state=state, source_unknown=source_unknown
    )
    qs, within = narrowed(qs, user=request.user, cap=Cap.CASE_WORK, params=g)
    page, query = page_of(request, qs)
    rows = [{"case": c, "name": pii.mask_name(c.person.name)} for c in page.object_list]
    # The epidemic curve of the same area above the list (issue 19: on the case list, the cluster page, the hall).
    curve = epicurve.epicurve(user=request.user, by="onset", jurisdiction_id=within.pk if within else None)
    return render(
        request,
        "containment/cases.html",
        {
            "page": page,
            "query": query,
            "rows": rows,
            "within": within,
            "classification": classification,
            "state": state,
            "source_unknown": source_unknown,
            "classifications": Case.Classification.choices,
            "sources": Case.Source.choices,
            "certainties": Case.Certainty.choices,
            "states": [("open", _("Open")), ("released", _("Released"))],
            "error": error,
            "curve": curve,
            "chart": curve.chart(),
        },
        status=400 if error else 200,
    )


def _act(request, case: Case) -> str:
    """Run the form's action; answers what to tell the person."""
    post, action = request.POST, request.POST.get("action")
    if action == "update":
        data = cases.CaseUpdateInput.from_form(post)
        cases.case_update(actor=request.user, case_id=case.pk, **data.dict())
        return _("Case record saved.")
    if action == "source":
        source = cases.CaseSourceInput.from_form(post)
        cases.case_source_set(actor=request.user, case_id=case.pk, **source.dict())
        return _("Source saved.")
    if action == "release":
        cases.case_release(actor=request.user, case_id=case.pk, **NoteInput.from_form(post).dict())
        return _("Case released.")
    if action == "contact":
        added = cases.ContactAddInput.from_form(post)
        cases.contact_add(actor=request.user, case_id=case.pk, **added.dict())
        return _("Contact recorded: their community follows them up from now.")
    contact_id = param_id(post, "contact") or 0
    contact = cases.case_contact(user=request.user, case_id=case.pk, contact_id=contact_id)
    if action == "contact_release":
        release = cases.ContactReleaseInput.from_form(post)
        cases.contact_release(actor=request.user, contact_id=contact.pk, **release.dict())
        return _("Contact released.")
    if action == "hand_over":
        hand_over = cases.ContactHandOverInput.from_form(post)
        cases.contact_hand_over(actor=request.user, contact_id=contact.pk, **hand_over.dict())
        return _("Contact handed over; nobody here follows them up any longer.")
    if action == "transfer":
        dispatch = TransferDispatchInput.from_form(post, person_id=contact.person_id, contact_id=contact.pk)
        transfer_dispatch(actor=request.user, **dispatch.dict())
        return _("Transfer dispatched.")
    raise FieldError("action", _("Unknown action."), code=Code.UNKNOWN_CHOICE)


@scoped
def case_detail(request, case_id: int):
    case = cases.case_get(user=request.user, case_id=case_id)
    error = None
    if request.method == "POST":
        try:
            messages.success(request, _act(request, case))
            return redirect("containment:case", case.pk)
        except FieldError as exc:
            error = exc
        except Forbidden as exc:
            error = _refused(exc)
        case = cases.case_get(user=request.user, case_id=case_id)
    contacts = list(case.contacts.select_related("person", "person__community", "followup").order_by("recorded_at"))
    return render(
        request,
        "containment/case.html",
        {
            "case": case,
            "name": pii.mask_name(case.person.name),
            "source_name": pii.mask_name(case.source_case.person.name) if case.source_case else "",
            "places": cases.places_of(case),
            "contacts": [
                {
                    "c": c,
                    "name": pii.mask_name(c.person.name),
                    "tests": c.test_dates(),
                    # The loop in their community: waiting for contact, missed, contacted, released.
                    "loop": FollowUp.State(c.followup.state).label if c.followup else "",
                }
                for c in contacts
            ],
            "classifications": Case.Classification.choices,
            "outcomes": Case.Outcome.choices,
            "certainties": Case.Certainty.choices,
            "kinds": CloseContact.Kind.choices,
            "exposures": CloseContact.Exposure.choices,
            "sites": _sites(),
            "error": error,
            # Co-presence reads people's whereabouts: offered to tracers whose reach holds the case.
            "can_trace": can_trace(request.user, case),
        },
        status=400 if error else 200,
    )
