"""Containment pages: zones, a person's status, manual changes and appeals. Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.dates import parse_moment
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.paging import page_of
from fangkong.core.params import param_id, param_ids, param_int
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.registry.selectors import units_within

from . import changes, selectors, zones
from .models import Colour, StatusChange, Zone
from .status import reason_text


def _refused(exc: Forbidden) -> FieldError:
    """A two-person rule broken on a page: say so (outsiders never get here: the objects were found in scope)."""
    return FieldError("state", exc.reason or _("You may not take this decision."))


@scoped
def zone_list(request):
    if not has_cap(request.user, Cap.ZONE_VIEW):
        raise Forbidden(Cap.ZONE_VIEW)
    error = None
    if request.method == "POST":
        try:
            zone = zones.zone_request(
                actor=request.user,
                name=request.POST.get("name", ""),
                level=request.POST.get("level", ""),
                basis=request.POST.get("basis", ""),
                document_number=request.POST.get("document_number", ""),
                places=param_ids(request.POST, "places"),
                jurisdictions=param_ids(request.POST, "jurisdictions"),
                starts_at=parse_moment("starts_at", request.POST.get("starts_at")),
                planned_end=parse_moment("planned_end", request.POST.get("planned_end"), end=True),
            )
            messages.success(request, _("Zone proposed: a second person must approve it."))
            return redirect("containment:zone", zone.pk)
        except FieldError as exc:
            error = exc
    page, query = page_of(request, selectors.zones_visible(user=request.user, state=request.GET.get("state", "")))
    return render(
        request,
        "containment/zones.html",
        {
            "page": page,
            "query": query,
            "states": Zone.State.choices,
            "state": request.GET.get("state", ""),
            "can_request": has_cap(request.user, Cap.ZONE_REQUEST),
            "levels": selectors.levels(),
            "compounds": selectors.zone_places(user=request.user),
            "jurisdictions": selectors.zone_jurisdictions(user=request.user),
            "error": error,
            "form": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@scoped
def zone_detail(request, zone_id: int):
    zone = selectors.zone_get(user=request.user, zone_id=zone_id)
    error = None
    if request.method == "POST":
        action, note = request.POST.get("action"), request.POST.get("note", "")
        try:
            if action == "approve":
                zones.zone_approve(actor=request.user, zone_id=zone.pk, note=note)
                messages.success(request, _("Zone approved: it is in force."))
            elif action == "reject":
                zones.zone_reject(actor=request.user, zone_id=zone.pk, note=note)
            elif action == "lift":
                lifted = zones.zone_lift(
                    actor=request.user, zone_id=zone.pk, note=note, override=request.POST.get("override") == "1"
                )
                if lifted.state == Zone.State.LIFTED:
                    messages.success(request, _("Zone lifted."))
                else:
                    messages.success(request, _("Early lifting asked: a second officer confirms it."))
            elif action == "lift_reject":
                zones.zone_lift_reject(actor=request.user, zone_id=zone.pk, note=note)
                messages.success(request, _("Early lifting declined: the zone stays in force."))
            return redirect("containment:zone", zone.pk)
        except Forbidden as exc:
            error = _refused(exc)
        except FieldError as exc:
            error = exc
        zone = selectors.zone_get(user=request.user, zone_id=zone_id)
    people = zones.people_in_zone(zone).select_related("jurisdiction").order_by("jpath", "pk")
    page, query = page_of(request, people)
    decides = selectors.zone_decidable(user=request.user, zone=zone)
    return render(
        request,
        "containment/zone.html",
        {
            "zone": zone,
            "criteria": zones.lifting_criteria(zone) if zone.state == Zone.State.ACTIVE else [],
            "page": page,
            "query": query,
            "history": AuditEvent.objects.filter(object_type="containment.zone", object_id=str(zone.pk)).order_by(
                "at", "id"
            ),
            "can_decide": decides and zone.state == Zone.State.PENDING and zone.requested_by_id != request.user.pk,
            "can_lift": decides and zone.state == Zone.State.ACTIVE,
            "can_open_people": has_cap(request.user, Cap.PEOPLE_VIEW),
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def person_status(request, person_id: int):
    """A person's status with its reasons, their manual changes (ask, decide, appeal) — for staff in scope."""
    person, status = selectors.person_status(user=request.user, person_id=person_id)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "request":
                changes.status_change_request(
                    actor=request.user,
                    person_id=person.pk,
                    colour=request.POST.get("colour", ""),
                    basis=request.POST.get("basis", ""),
                    expires_at=parse_moment("expires_at", request.POST.get("expires_at"), end=True),
                )
                messages.success(request, _("Change requested: a second person must approve it."))
            elif request.POST.get("action") == "transfer":
                from .transfers import transfer_dispatch

                transfer_dispatch(
                    actor=request.user,
                    person_id=person.pk,
                    destination_id=param_id(request.POST, "destination") or 0,
                    pickup_address=request.POST.get("pickup_address", ""),
                    vehicle=request.POST.get("vehicle", ""),
                    crew=request.POST.get("crew", ""),
                )
                messages.success(request, _("Transfer dispatched."))
            elif request.POST.get("action") == "appeal":
                changes.appeal_file(
                    actor=request.user,
                    change_id=param_id(request.POST, "change") or 0,
                    text=request.POST.get("text", ""),
                )
                messages.success(request, _("Appeal recorded."))
            return redirect("containment:person", person.pk)
        except (FieldError, NotFound) as exc:
            error = exc if isinstance(exc, FieldError) else FieldError("change", _("Unknown change."))
        except Forbidden as exc:
            error = _refused(exc)
    return render(
        request,
        "containment/person.html",
        {
            "person": person,
            "status": status,
            "reasons": [(r, reason_text(r)) for r in status.reasons],
            "changes": StatusChange.objects.filter(person=person)
            .select_related("requested_by", "decided_by")
            .prefetch_related("appeals")
            .order_by("-requested_at"),
            **selectors.person_actions(user=request.user, person=person),
            "sites": _sites(),
            "colours": Colour.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


def _sites():
    from .transfers import sites_with_occupancy

    return sites_with_occupancy()


@scoped
def change_list(request):
    """Manual changes awaiting a second person, those in force, and open appeals."""
    if not has_cap(request.user, Cap.STATUS_VIEW):
        raise Forbidden(Cap.STATUS_VIEW)
    state = request.GET.get("state", StatusChange.State.PENDING)
    page, query = page_of(request, selectors.changes_visible(user=request.user, state=state))
    return render(
        request,
        "containment/changes.html",
        {
            "page": page,
            "query": query,
            "state": state,
            "states": StatusChange.State.choices,
            "appeals": selectors.appeals_visible(user=request.user, state="open")[:100],
            "can_approve": has_cap(request.user, Cap.STATUS_APPROVE),
        },
    )


@scoped
@require_POST
def change_decide(request, change_id: int):
    action, note = request.POST.get("action"), request.POST.get("note", "")
    try:
        if action == "approve":
            changes.status_change_approve(actor=request.user, change_id=change_id, note=note)
            messages.success(request, _("Change applied; the person has been given notice."))
        elif action == "reject":
            changes.status_change_reject(actor=request.user, change_id=change_id, note=note)
        elif action == "revoke":
            change = changes.status_change_revoke(actor=request.user, change_id=change_id, note=note)
            if change.state == StatusChange.State.REVOKED:
                messages.success(request, _("Change revoked; the person's status has been recomputed."))
            else:
                messages.success(request, _("Revocation asked: a second officer confirms it."))
        elif action == "revoke_reject":
            changes.status_change_revoke_reject(actor=request.user, change_id=change_id, note=note)
            messages.success(request, _("Revocation declined: the change stays in force."))
    except Forbidden as exc:
        messages.error(request, _refused(exc).message)
    except FieldError as exc:
        messages.error(request, exc.message)
    return redirect("containment:changes")


@scoped
@require_POST
def appeal_decide(request, appeal_id: int):
    try:
        changes.appeal_decide(
            actor=request.user,
            appeal_id=appeal_id,
            upheld=request.POST.get("upheld") == "1",
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Appeal decided."))
    except Forbidden as exc:
        messages.error(request, _refused(exc).message)
    except FieldError as exc:
        messages.error(request, exc.message)
    return redirect("containment:changes")


@scoped
def venue_poster(request, venue_id: int):
    """The printable poster with the venue's code as a QR."""
    from fangkong.registry.codes import qr_svg

    from .venues import venue_code

    code = venue_code(actor=request.user, venue_id=venue_id)
    return render(
        request, "containment/venue_poster.html", {"venue": code.venue, "code": code.code, "svg": qr_svg(code.code)}
    )


@scoped
def tracing(request):
    """Who was at a venue in a period; where a person was in the last days. Each query is audited with its
    reason."""
    from fangkong.registry.models import Unit

    from .venues import visits_at, whereabouts

    if not has_cap(request.user, Cap.TRACE):
        raise Forbidden(Cap.TRACE)
    error, visits, places, person = None, None, None, None
    try:
        # A link may pre-fill the form (person=…); a query runs only when submitted with its reason field.
        if request.GET.get("venue") and "reason" in request.GET:
            since = parse_moment("since", request.GET.get("since"))
            until = parse_moment("until", request.GET.get("until"), end=True)
            if since is None or until is None:
                raise FieldError("since", _("Give the period."))
            visits = visits_at(
                actor=request.user,
                venue_id=param_id(request.GET, "venue") or 0,
                since=since,
                until=until,
                reason=request.GET.get("reason", ""),
            )
        elif request.GET.get("person") and "reason" in request.GET:
            person, places = whereabouts(
                actor=request.user,
                person_id=param_id(request.GET, "person") or 0,
                days=param_int(request.GET, "days", 7) or 0,
                reason=request.GET.get("reason", ""),
            )
    except FieldError as exc:
        error = exc
    return render(
        request,
        "containment/tracing.html",
        {
            "venues": units_within(user=request.user, cap=Cap.TRACE, kinds=[Unit.Kind.VENUE]).order_by("name")[:1000],
            "visits": visits,
            "places": places,
            "person": person,
            "error": error,
            "query": request.GET,
        },
        status=400 if error else 200,
    )


@scoped
def sentinel_form(request):
    """A clinic's or pharmacy's report form (phone-first)."""
    from .models import SentinelReport
    from .sentinels import Who, sentinel_report

    if not selectors.reporting_units(user=request.user):
        raise Forbidden(Cap.SENTINEL_REPORT)
    error = None
    if request.method == "POST":
        try:
            sentinel_report(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                who=Who(
                    person_code=request.POST.get("person_code", "").strip(),
                    document_number=request.POST.get("document_number", ""),
                    name=request.POST.get("name", ""),
                    phone=request.POST.get("phone", ""),
                ),
                temperature=request.POST.get("temperature") or None,
                symptoms=request.POST.get("symptoms", ""),
                drugs=request.POST.getlist("drugs"),
            )
            # The same message whoever the person is: an alert is the community's business (see sentinel_report).
            messages.success(request, _("Reported."))
            return redirect("containment:sentinel")
        except FieldError as exc:
            error = exc
    return render(
        request,
        "containment/sentinel.html",
        {
            "kinds": SentinelReport.Kind.choices,
            "drugs": SentinelReport.Drug.choices,
            "error": error,
            "form": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@scoped
def alert_list(request):
    """Sentinel alerts about people of one's jurisdiction: contact them, test, arrange a transfer."""
    from .sentinels import alert_handle, alerts_visible

    if not has_cap(request.user, Cap.STATUS_VIEW):
        raise Forbidden(Cap.STATUS_VIEW)
    if request.method == "POST":
        try:
            alert_handle(
                actor=request.user, alert_id=param_id(request.POST, "alert") or 0, note=request.POST.get("note", "")
            )
            messages.success(request, _("Alert handled."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect("containment:alerts")
    page, query = page_of(request, alerts_visible(user=request.user))
    return render(request, "containment/alerts.html", {"page": page, "query": query})


@scoped
def transfer_list(request):
    """Transfers under way (with the late ones flagged), the sites' beds, and the next step for each."""
    from . import transfers

    if not (has_cap(request.user, Cap.CASE_WORK) or has_cap(request.user, Cap.TRANSFER_WORK)):
        raise Forbidden(Cap.CASE_WORK)
    if request.method == "POST":
        try:
            transfers.transfer_step(
                actor=request.user,
                transfer_id=param_id(request.POST, "transfer") or 0,
                step=request.POST.get("step", ""),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Step recorded."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect("containment:transfers")
    rows = [
        (t, transfers.due_step(t))
        for t in transfers.transfers_visible(user=request.user).exclude(state__in=["released", "cancelled"])[:200]
    ]
    return render(
        request,
        "containment/transfers.html",
        {"rows": rows, "sites": transfers.sites_with_occupancy()},
    )


@scoped
def inpatients(request):
    """A hospital's inpatient register with each patient's escort (one at a time)."""
    from .sentinels import Who, escort_add, inpatient_admit, inpatient_discharge

    if not selectors.reporting_units(user=request.user):
        raise Forbidden(Cap.SENTINEL_REPORT)
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            who = Who(
                document_number=request.POST.get("document_number", ""),
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
            )
            if action == "admit":
                inpatient_admit(
                    actor=request.user, who=who, ward=request.POST.get("ward", ""), bed=request.POST.get("bed", "")
                )
            elif action == "escort":
                escort_add(actor=request.user, inpatient_id=param_id(request.POST, "inpatient") or 0, who=who)
            elif action == "discharge":
                inpatient_discharge(actor=request.user, inpatient_id=param_id(request.POST, "inpatient") or 0)
            messages.success(request, _("Saved."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect("containment:inpatients")
    return render(request, "containment/inpatients.html", {"patients": selectors.inpatients_current(user=request.user)})
