"""Staff pages: accounts with their roles (create, import, deactivate, reset, grant, revoke), who can see a person
and why, and the people's duplicate records. Thin: parse the form, call registry.staff / merging, say what
happened."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.paging import page_of
from fangkong.core.roles import ROLES, Cap, role_label
from fangkong.core.scoping import Forbidden
from fangkong.core.xlsx import workbook_bytes, xlsx_response

from . import merging, selectors, staff, staff_import
from .admin_views import chosen_id, titled, upload_of
from .models import Jurisdiction

# --- staff --------------------------------------------------------------------------------------------------------


def _homes(request):
    return selectors.jurisdictions_within(user=request.user, cap=Cap.ACCOUNTS_ADMIN).exclude(
        level=Jurisdiction.Level.GRID
    )


@require_POST
@scoped
def staff_import_page(request):
    staff.require_admin(request.user)
    try:
        filename, content = upload_of(request)
        result = staff_import.staff_import(actor=request.user, filename=filename, content=content)
        result = titled(result, staff_import.FIELD_TITLES)
    except FieldError as exc:
        return _staff_list(request, status=400, import_error=exc)
    return _staff_list(request, result=result)


@scoped
def staff_template(request):
    staff.require_admin(request.user)
    rows = [["wg_001", "张网格", "13800000000", "", "网格员", "G-001-01", "", ""]]
    return xlsx_response("staff-template.xlsx", workbook_bytes(_("Staff"), staff_import.TEMPLATE_HEADER, rows))


def _staff_list(request, status: int = 200, **extra):
    text = request.GET.get("q", "").strip()[:64]
    rows = staff.staff_search(staff.staff_visible(user=request.user), text).order_by("username")
    rows = rows.prefetch_related("roles__jurisdiction", "roles__unit")
    page, query = page_of(request, rows)
    today = clock.localdate()
    for u in page:  # "网格员 · 兴隆社区第一网格": what each holds, and where; an ended grant said so
        u.grant_lines = [
            f"{role_label(r.role)} · {(r.jurisdiction or r.unit).name}"
            + (_(" (ended)") if r.valid_until and r.valid_until < today else "")
            for r in u.roles.all()
        ]
    context = {"page": page, "query": query, "q": text, "homes": _homes(request), **extra}
    return render(request, "registry/admin/staff_list.html", context, status=status)


@scoped
def staff_list(request):
    staff.require_admin(request.user)
    if request.method != "POST":
        return _staff_list(request)
    try:
        data = staff.StaffCreateInput.from_form(request.POST)
        made = staff.staff_create(actor=request.user, **data.dict())
    except FieldError as exc:
        return _staff_list(request, status=400, error=exc, form=request.POST)
    messages.success(request, _("Account %(name)s made.") % {"name": made.user.get_username()})
    # The password is shown once, on this answer, never stored in a message or the session.
    drawn = "" if request.POST.get("password") else made.password
    return _staff_detail(request, made.user.pk, new_password=drawn)


def _staff_detail(request, staff_id: int, status: int = 200, **extra):
    target = staff.staff_get(user=request.user, staff_id=staff_id)
    grants = target.roles.select_related("jurisdiction", "unit", "granted_by").order_by("pk")
    context = {
        "target": target,
        "profile": getattr(target, "staff_profile", None),
        "grants": grants,
        "powers": staff.staff_powers(target),
        "roles": staff.grantable_roles(request.user),
        "places": selectors.jurisdictions_within(user=request.user, cap=Cap.ACCOUNTS_ADMIN).filter(
            retired_on__isnull=True
        ),
        "units": staff.units_within_reach(user=request.user),
        "today": clock.localdate(),
        "devices": staff.staff_devices(user=request.user, target=target),
        "role_labels": {code: r.label for code, r in ROLES.items()},
        **extra,
    }
    return render(request, "registry/admin/staff_detail.html", context, status=status)


@scoped
def staff_detail(request, staff_id: int):
    return _staff_detail(request, staff_id)


@require_POST
@scoped
def staff_action(request, staff_id: int):
    action = request.POST.get("action", "")
    try:
        if action == "grant":
            grant = staff.RoleGrantInput.from_form(request.POST)
            # The form offers both places; the role says which it is held over.
            if ROLES.get(grant.role) and ROLES[grant.role].binds == "unit":
                grant.jurisdiction_id = None
            else:
                grant.unit_id = None
            staff.role_grant(actor=request.user, staff_id=staff_id, **grant.dict())
            messages.success(request, _("Role granted."))
        elif action == "revoke":
            staff.role_revoke(actor=request.user, staff_id=staff_id, assignment_id=chosen_id(request, "grant"))
            messages.success(request, _("Role revoked."))
        elif action == "deactivate":
            why = staff.StaffDeactivateInput.from_form(request.POST)
            staff.staff_deactivate(actor=request.user, staff_id=staff_id, reason=why.reason)
            messages.success(request, _("Account deactivated: it cannot sign in, and its devices are signed out."))
        elif action == "reactivate":
            staff.staff_reactivate(actor=request.user, staff_id=staff_id)
            messages.success(request, _("Account reactivated."))
        elif action == "sign_out":
            n = staff.staff_sign_out(actor=request.user, staff_id=staff_id)
            messages.success(
                request,
                ngettext(
                    "Signed out on %(n)d device: its next page asks it to sign in.",
                    "Signed out on %(n)d devices: their next page asks them to sign in.",
                    n,
                )
                % {"n": n},
            )
        elif action == "reset":
            password = staff.staff_password_reset(actor=request.user, staff_id=staff_id)
            return _staff_detail(request, staff_id, new_password=password)
        else:
            raise FieldError("action", _("Unknown action."), code=Code.UNKNOWN_CHOICE)
    except FieldError as exc:
        return _staff_detail(request, staff_id, status=400, error=exc, action=action, form=request.POST)
    except Forbidden as exc:
        if not staff.staff_visible(user=request.user).filter(pk=staff_id).exists():
            raise
        reason = exc.reason or _("This is beyond your reach.")
        error = FieldError(action, reason, code=Code.FORBIDDEN)
        return _staff_detail(request, staff_id, status=403, error=error, action=action, form=request.POST)
    return redirect("admin-staff-detail", staff_id=staff_id)


@scoped
def person_viewers(request, person_id: int):
    person = selectors.person_get(user=request.user, person_id=person_id)
    viewers = staff.person_viewers(user=request.user, person=person)
    return render(request, "registry/admin/person_viewers.html", {"person": person, "viewers": viewers})


# --- duplicates ---------------------------------------------------------------------------------------------------


@scoped
def duplicates_page(request):
    found = merging.people_duplicates(user=request.user)
    error = None
    if request.method == "POST":
        try:
            merge = merging.PersonMergeInput.from_form(request.POST)
            kept = merge.into
            others = [int(v) for v in request.POST.getlist("people") if v.isdigit() and int(v) != kept]
            if not others:
                raise FieldError("into", _("Choose the record to keep."), code=Code.REQUIRED)
            with transaction.atomic():  # the whole group or nothing
                for other in others:
                    merging.person_merge(actor=request.user, person_id=other, into=kept, reason=merge.reason)
        except FieldError as exc:
            error = exc
        else:
            messages.success(request, _("Merged: %(n)s record(s) into the kept one.") % {"n": len(others)})
            return redirect("person", person_id=kept)
    reasons = dict(REASONS)
    groups = [
        {"people": members, "reason": reasons.get(d.reason, d.reason)}
        for d, members in merging.duplicates_with_people(found)
    ]
    context = {"groups": groups, "error": error, "form": request.POST}
    return render(request, "registry/admin/duplicates.html", context, status=400 if error else 200)


REASONS = (
    ("name_birth_phone", gettext_lazy("The same name, birth date and phone")),
    ("documents", gettext_lazy("The same name and phone under two kinds of document")),
    ("old_id", gettext_lazy("An old 15-digit ID number beside its 18-digit form")),
)
