"""Registry pages. Thin: parse the request, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.core.tables import read_table_upload
from fangkong.core.xlsx import xlsx_response

from . import people, selectors, services, staff
from .exporting import people_export_xlsx, rejections_xlsx, roster_template_xlsx
from .importing import import_job_get, import_job_restart, import_job_restartable, import_job_start
from .models import Person, PersonTag
from .roster import field_label


@scoped
def jurisdiction_tree(request, jurisdiction_id: int | None = None):
    node = selectors.jurisdiction_get(user=request.user, jurisdiction_id=jurisdiction_id) if jurisdiction_id else None
    if node is None and not has_cap(request.user, Cap.REGISTRY_VIEW):
        raise Forbidden(Cap.REGISTRY_VIEW)
    rows = selectors.jurisdiction_children_with_counts(user=request.user, parent=node)
    crumbs = selectors.jurisdiction_ancestors(node) if node else []
    return render(request, "registry/jurisdictions.html", {"node": node, "rows": rows, "crumbs": crumbs})


def _people_filters(request) -> dict:
    return {
        "jurisdiction_id": param_id(request.GET, "jurisdiction"),
        "text": request.GET.get("q", "").strip()[:64],
        "tag": request.GET.get("tag", "") if request.GET.get("tag", "") in PersonTag.Tag.values else "",
    }


@scoped
def people_list(request):
    if not has_cap(request.user, Cap.PEOPLE_VIEW):
        raise Forbidden(Cap.PEOPLE_VIEW)
    filters = _people_filters(request)
    qs = selectors.people_list(user=request.user, **filters)
    page, query = page_of(request, qs)
    jurisdiction = (
        selectors.jurisdiction_get(user=request.user, jurisdiction_id=filters["jurisdiction_id"])
        if filters["jurisdiction_id"]
        else None
    )
    context = {
        "page": page,
        "filters": filters,
        "jurisdiction": jurisdiction,
        "query": query,
        "tags": PersonTag.Tag.choices,
        "can_export": has_cap(request.user, Cap.PEOPLE_EXPORT),
        # Registrations other jurisdictions asked for, of people held here (see services.person_create).
        "transfer_requests": (
            [] if request.headers.get("HX-Request") else selectors.transfer_requests(user=request.user)
        ),
    }
    template = "registry/_people_rows.html" if request.headers.get("HX-Request") else "registry/people_list.html"
    return render(request, template, context)


@scoped
def people_export(request):
    return xlsx_response("people.xlsx", people_export_xlsx(actor=request.user, **_people_filters(request)))


@scoped
def person_detail(request, person_id: int):
    try:
        person = selectors.person_get(user=request.user, person_id=person_id)
    except selectors.Merged as merged:
        messages.info(request, _("That record was merged into this one."))
        return redirect("person", person_id=merged.merged_into)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "tags": [t.get_tag_display() for t in person.tags.all()],
            "can_reveal": has_cap(request.user, Cap.PEOPLE_REVEAL),
            "household_path": _household_path(person),
            "can_see_viewers": staff.can_see_viewers(user=request.user, person=person),
            "can_edit": people.person_editable(user=request.user, person=person),
        },
    )


def _household_path(person: Person) -> str:
    parts, place = [], person.household
    while place is not None:
        parts.append(place.name)
        place = place.parent
    return " › ".join(reversed(parts))


@require_POST
@scoped
def person_reveal(request, person_id: int):
    try:
        data = services.PersonRevealInput.from_form(request.POST)
        revealed = services.person_reveal(actor=request.user, person_id=person_id, **data.dict())
    except FieldError as exc:
        # 200, not 400: HTMX swaps only a successful answer, and the form with its error is what should show.
        reason = request.POST.get("reason", "")
        return render(request, "registry/_reveal.html", {"error": exc, "person_id": person_id, "reason": reason})
    return render(request, "registry/_reveal.html", {"revealed": revealed, "person_id": person_id})


@scoped
def people_import(request):
    if not has_cap(request.user, Cap.PEOPLE_IMPORT):
        raise Forbidden(Cap.PEOPLE_IMPORT)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise FieldError("file", _("Choose a file to import."), code=Code.REQUIRED)
            content = read_table_upload(upload)
            job = import_job_start(actor=request.user, filename=upload.name or "", content=content)
            return redirect("people-import-job", job_id=job.pk)
        except FieldError as exc:
            error = exc
    return render(request, "registry/import.html", {"error": error}, status=400 if error else 200)


@scoped
def people_import_job(request, job_id: int):
    job = import_job_get(user=request.user, job_id=job_id)
    error = None
    if request.method == "POST":
        try:
            job = import_job_restart(actor=request.user, job_id=job.pk)
            return redirect("people-import-job", job_id=job.pk)
        except FieldError as exc:
            error = exc
    percent = int(100 * job.processed_rows / job.total_rows) if job.total_rows else 0
    rejected = [{**r, "label": field_label(r["field"])} for r in job.result.get("rejected", [])[:200]]
    context = {
        "job": job,
        "status": job.shown_status,
        "restartable": import_job_restartable(job),
        "percent": min(percent, 100),
        "result": job.result,
        "rejected": rejected,
        "error": error,
    }
    status = 400 if error else 200
    if request.headers.get("HX-Request"):
        return render(request, "registry/_import_progress.html", context, status=status)
    return render(request, "registry/import_job.html", context, status=status)


@scoped
def people_import_rejections(request, job_id: int):
    job = import_job_get(user=request.user, job_id=job_id)
    return xlsx_response(f"rejected-rows-{job.pk}.xlsx", rejections_xlsx(job.result.get("rejected", [])))


@login_required
def roster_template(request):
    return xlsx_response("roster-template.xlsx", roster_template_xlsx())


@scoped
def person_edit(request, person_id: int):
    """Correct, move, or mark a person moved away or deceased (and back): one page, each action says what happened."""
    person = people.person_for_edit(user=request.user, person_id=person_id)
    error, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action", "edit")
        try:
            if action == "end":
                ending = people.PersonEndInput.from_form(request.POST)
                people.person_end(actor=request.user, person_id=person.pk, **ending.dict())
                messages.success(request, _("Marked as having left the register."))
            elif action == "restore":
                back = people.PersonRestoreInput.from_form(request.POST)
                people.person_restore(actor=request.user, person_id=person.pk, reason=back.reason)
                messages.success(request, _("Back in the register."))
            else:
                data = people.PersonEditInput.from_form(request.POST)
                if not (data.phone or "").strip():
                    data.phone = None  # the page shows the phone masked: an empty box keeps it
                people.person_update(actor=request.user, person_id=person.pk, data=data)
                messages.success(request, _("Saved."))
            return redirect("person", person_id=person.pk)
        except FieldError as exc:
            error, status = exc, 400
    grid = person.jurisdiction if person.jurisdiction_id != person.community_id else None
    context = {
        "person": person,
        "grid": grid,
        "communities": selectors.jurisdictions_within(user=request.user, cap=Cap.PEOPLE_EDIT).filter(
            level="community", retired_on__isnull=True
        ),
        "grids": selectors.jurisdictions_within(user=request.user, cap=Cap.PEOPLE_EDIT)
        .filter(level="grid", retired_on__isnull=True)
        .select_related("parent"),
        "households": people.households_for(user=request.user, person=person),
        "ended_choices": Person.Ended.choices,
        "error": error,
        "form": request.POST,
    }
    return render(request, "registry/person_edit.html", context, status=status)
