"""Work-safety set-up pages: enterprises (their profile and licences), the industry → department matrix, and the
checklists imported from sheets."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.paging import page_of
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound
from fangkong.core.tables import read_table_upload
from fangkong.registry.units import departments

from . import enterprises
from .checklists import can_import_checklists, can_read_checklists
from .inspections import can_start_inspection, inspections_of
from .labels import INDUSTRIES, SIZES, SPECIAL_RISKS, industry_label
from .models import Checklist
from .selectors import responsibility


@scoped
def enterprise_list(request):
    """The enterprises one sees, found by name, code or credit code, each with its open hazards."""
    rows = enterprises.enterprises_listed(user=request.user, text=request.GET.get("q", "")[:64])
    if not rows.exists() and not request.GET.get("q"):
        raise NotFound
    page, query = page_of(request, rows)
    return render(request, "safety/enterprises.html", {"page": page, "query": query, "q": request.GET.get("q", "")})


@scoped
def enterprise_detail(request, enterprise_id: int):
    """An enterprise's profile (kept by its officer or its regulator), its licences (recorded by the regulator) and
    who is responsible for it."""
    enterprise = enterprises.enterprise_get(user=request.user, enterprise_id=enterprise_id)
    keeps_profile = enterprises.can_keep_profile(request.user, enterprise)
    adds_licence = enterprises.can_add_licence(request.user, enterprise)
    error, action = None, request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "licence":
                data = enterprises.LicenceAddInput.from_form(request.POST)
                licence = enterprises.licence_add(actor=request.user, enterprise_id=enterprise.pk, **data.dict())
                messages.success(request, _("Licence %(kind)s recorded.") % {"kind": licence.kind})
            else:
                given = enterprises.ProfileUpdateInput.from_form(request.POST)
                enterprises.profile_update(actor=request.user, enterprise_id=enterprise.pk, **given.dict())
                messages.success(request, _("Profile saved."))
            return redirect("safety:enterprise", enterprise.pk)
        except NotFound:
            error = FieldError("action", _("Only the enterprise or its regulator does this."), code=Code.FORBIDDEN)
        except FieldError as exc:
            error = exc
    profile = getattr(enterprise, "safety_profile", None)
    labelled = dict(INDUSTRIES)
    return render(
        request,
        "safety/enterprise.html",
        {
            "enterprise": enterprise,
            "profile": profile,
            "keeps_profile": keeps_profile,
            "adds_licence": adds_licence,
            "inspects": can_start_inspection(request.user),
            "inspections": inspections_of(user=request.user, enterprise_id=enterprise.pk),
            "licences": [(lic, enterprises.expired(lic)) for lic in enterprises.licences_of(enterprise)],
            "responsible": responsibility(user=request.user, enterprise_id=enterprise.pk),
            "risks": SPECIAL_RISKS,
            "sizes": SIZES,
            # Each industry with its label: the fixed list's in the reader's language, the district's own as named.
            "industries": [(i, labelled.get(i, i)) for i in enterprises.industries_known()] if keeps_profile else [],
            "departments": departments() if adds_licence else [],
            "error": error,
            "action": action,
            "form": request.POST,
        },
        status=400 if error else 200,
    )


@scoped
def industry_page(request):
    """三管三必须: which department supervises each industry; district HQ changes it."""
    rows = enterprises.industry_matrix(user=request.user)
    keeper = enterprises.may_keep_matrix(request.user)
    error = None
    if request.method == "POST":
        try:
            data = enterprises.IndustryAssignInput.from_form(request.POST)
            row = enterprises.industry_assign(actor=request.user, **data.dict())
            messages.success(
                request,
                _("%(i)s: supervised by %(d)s.") % {"i": industry_label(row.industry), "d": row.department.name},
            )
            return redirect("safety:industries")
        except Forbidden as exc:
            error = FieldError("industry", exc.reason or _("District HQ keeps the matrix."), code=Code.FORBIDDEN)
        except FieldError as exc:
            error = exc
    return render(
        request,
        "safety/industries.html",
        {
            "rows": rows,
            "keeper": keeper,
            "departments": departments() if keeper else [],
            # The fixed industries offered beside those the matrix names (each shown with its label).
            "industries": [(key, label) for key, label in INDUSTRIES if key not in {r.industry for r in rows}]
            if keeper
            else [],
            "error": error,
            "form": request.POST,
        },
        status=400 if error else 200,
    )


def _with_items(checklists: list) -> list:
    """The checklists with their items read in one query (the page lists each one's items and counts them)."""
    prefetch_related_objects(checklists, "items")
    return checklists


@scoped
def checklist_page(request):
    """The checklists inspections are walked against (latest versions, with their items); a regulator imports a
    new version from a sheet."""
    from .checklists import (
        TEMPLATE_HEADER,
        builtin_digests,
        builtin_newer,
        builtin_preview,
        builtins,
        checklist_import,
        checklists_latest,
        posted_list,
    )

    if not can_read_checklists(request.user):
        raise Forbidden(Cap.SAFETY_REGULATE)
    error = None
    if request.method == "POST":
        try:
            upload = request.FILES.get("file")
            if upload is None:
                raise FieldError("file", _("Choose a file."), code=Code.REQUIRED)
            made = checklist_import(
                actor=request.user,
                code=request.POST.get("code", ""),
                name=request.POST.get("name", ""),
                filename=upload.name or "",
                content=read_table_upload(upload),
                audience=request.POST.get("audience", ""),
                industries=posted_list(request.POST, "industries"),
                risks=posted_list(request.POST, "risks"),
            )
            messages.success(
                request,
                _("%(name)s version %(v)d imported: %(n)d items.")
                % {"name": made.name, "v": made.version, "n": made.items.count()},
            )
            return redirect("safety:checklists")
        except Forbidden as exc:
            error = FieldError("file", exc.reason or _("Regulators import checklists."), code=Code.FORBIDDEN)
        except FieldError as exc:
            error = exc
    importer = can_import_checklists(request.user)
    checklists = _with_items(checklists_latest())
    # Each with what its built-in says now where that is newer than what the district's version came from (the
    # district made it its own, so the migrate kept it): the district decides whether to import it.
    digests, by_code = builtin_digests(), {b.code: b for b in builtins()}
    rows = [(c, builtin_preview(by_code[c.code]) if builtin_newer(c, digests) else None) for c in checklists]
    return render(
        request,
        "safety/checklists.html",
        {
            "rows": rows,
            "checklists": checklists,
            "header": TEMPLATE_HEADER,
            "importer": importer,
            "audiences": Checklist.Audience.choices if importer else [],
            "industries": INDUSTRIES if importer else [],
            "risks": SPECIAL_RISKS if importer else [],
            "error": error,
            "form": request.POST,
        },
        status=400 if error else 200,
    )
