"""Checklists as data: built in (the State Council's 15 measures, for supervising governments and departments; the
enterprise checklists by industry and risk, builtin_checklists) and imported from a sheet (code, text, category,
severity), each import a new version. An inspection at an enterprise is offered the checklists that fit it: those of
its industry and of its special risks, and those for every enterprise.

A built-in checklist corrected in code reaches a district at its next migrate as a new version, unless the district
has made the checklist its own (imported a version of it, or changed it where it is stored): each version written
from a built-in keeps the digest of what it was written from (Checklist.builtin_digest), which tells a version
nobody has touched since from one somebody changed. A district's own version is kept, and `builtin_newer` says when
the built-in has changed since the district made it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fangkong.core.actors import System
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.core.tables import TableSpec, open_table

from . import errors
from .builtin_checklists import GENERAL, BuiltIn, all_builtins
from .labels import INDUSTRIES, SPECIAL_RISKS
from .models import Checklist, ChecklistItem

STATE_COUNCIL = "state-council-15"

STATE_COUNCIL_15 = [
    "压实党委领导责任",
    "压实政府领导责任",
    "压实部门监管责任",
    "严格落实领导干部和监管人员责任追究",
    "压实企业主要负责人第一责任人责任",
    "开展全国安全生产大检查",
    "严把安全准入关（项目审批安全红线）",
    "严厉打击非法转包、违法分包和挂靠资质",
    "加强劳务派遣和灵活用工人员安全管理",
    "严厉打击非法违法行为",
    "整治执法宽松软问题",
    "加强执法队伍建设",
    "重奖举报隐患，保护举报人",
    "严惩瞒报、谎报、迟报、漏报事故",
    "统筹发展和安全、疫情防控和安全生产",
]
MEASURES = BuiltIn(
    code=STATE_COUNCIL,
    name="国务院安全生产十五条措施",
    # Duties of governments and departments: a checklist for supervising them, never walked at an enterprise.
    audience=Checklist.Audience.SUPERVISION.value,
    sections=(("", tuple((GENERAL, text) for text in STATE_COUNCIL_15)),),
)

COLUMNS = TableSpec(
    columns={
        "code": {"code", "编号", "条款编号"},
        "text": {"text", "内容", "检查内容", "条款"},
        "category": {"category", "类别", "分类"},
        "severity": {"severity", "等级", "隐患等级"},
    },
    required=("code", "text"),
)
TEMPLATE_HEADER = ("编号", "检查内容", "类别", "隐患等级")
SEVERITY_WORDS = {"general": "general", "一般": "general", "major": "major", "重大": "major"}


def checklists_latest() -> list[Checklist]:
    """The latest version of each checklist (what a new inspection is walked against), the built-in ones written
    after migrate (core.defaults)."""
    latest: dict[str, Checklist] = {}
    for c in Checklist.objects.order_by("code", "-version"):
        latest.setdefault(c.code, c)
    return list(latest.values())


def fits(checklist: Checklist, *, industry: str, risks: list[str]) -> bool:
    """Whether a checklist is one to walk at an enterprise of this industry with these special risks: one for
    enterprises that names neither industries nor risks fits every enterprise."""
    if checklist.audience != Checklist.Audience.ENTERPRISE:
        return False
    if not checklist.industries and not checklist.risks:
        return True
    return industry in checklist.industries or bool(set(risks) & set(checklist.risks))


def checklists_for(enterprise) -> tuple[list[Checklist], list[Checklist]]:
    """The enterprise checklists an inspection at `enterprise` may walk: those that fit it (its industry's first,
    then its risks', then those for every enterprise) and the others, which an inspector may still choose when the
    profile says too little. Never a checklist for supervising governments and departments."""
    profile = getattr(enterprise, "safety_profile", None)
    industry, risks = (profile.industry, list(profile.special_risks or [])) if profile else ("", [])
    offered = [c for c in checklists_latest() if c.audience == Checklist.Audience.ENTERPRISE]
    fitting = [c for c in offered if fits(c, industry=industry, risks=risks)]
    fitting.sort(key=lambda c: (industry not in c.industries, not (set(risks) & set(c.risks)), c.name))
    others = sorted((c for c in offered if c not in fitting), key=lambda c: c.name)
    return fitting, others


def enterprise_checklist(checklist_id) -> Checklist:
    """A checklist an enterprise's inspection (or a campaign over enterprises) may walk, by id: refused when
    unknown, or when it is for supervising governments and departments."""
    checklist = Checklist.objects.filter(pk=checklist_id).first()
    if checklist is None:
        raise FieldError("checklist_id", _("Unknown checklist."), code=Code.NOT_FOUND)
    if checklist.audience != Checklist.Audience.ENTERPRISE:
        raise FieldError(
            "checklist_id",
            _("This checklist is for supervising governments and departments, not for enterprises."),
            code=errors.Code.NOT_FOR_ENTERPRISES,
        )
    return checklist


def _create(
    *, code: str, name: str, audience: str, industries, risks, items, imported_by=None, builtin_digest: str = ""
) -> Checklist:
    """A checklist's next version with its items [(code, text, category, severity)]."""
    version = (Checklist.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
    checklist = Checklist.objects.create(
        code=code,
        name=name,
        version=version,
        audience=audience,
        industries=list(industries),
        risks=list(risks),
        imported_by=imported_by,
        builtin_digest=builtin_digest,
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, code=c, text=t, category=cat, severity=sev, order=i)
        for i, (c, t, cat, sev) in enumerate(items, 1)
    )
    return checklist


def content_digest(
    *, name: str, audience: str, industries: Iterable[str], risks: Iterable[str], items: Iterable[tuple[str, ...]]
) -> str:
    """What a checklist says — its name, whom it is for, what it fits and its items (code, text, category, severity)
    in order — as a SHA-256 hex digest: the same for a built-in and for a version written from it and left alone."""
    body = [name, str(audience), list(industries), list(risks), [list(item) for item in items]]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _builtin_rows(builtin: BuiltIn) -> list[tuple[str, str, str, str]]:
    """A built-in's items as a version stores them: numbered in order, the section as their category."""
    return [(str(i), text, section, severity) for i, (section, severity, text) in enumerate(builtin.items(), 1)]


def builtin_digest(builtin: BuiltIn) -> str:
    """What a built-in says, as a version written from it stores it, digested (content_digest)."""
    return content_digest(
        name=builtin.name,
        audience=builtin.audience,
        industries=builtin.industries,
        risks=builtin.risks,
        items=_builtin_rows(builtin),
    )


def _stored_digest(checklist: Checklist) -> str:
    """The digest of what a stored version says now (its items read from the database)."""
    items = checklist.items.order_by("order").values_list("code", "text", "category", "severity")
    return content_digest(
        name=checklist.name,
        audience=checklist.audience,
        industries=checklist.industries,
        risks=checklist.risks,
        items=list(items),
    )


def builtins() -> list[BuiltIn]:
    """Every built-in checklist: the State Council's measures, then the enterprise checklists."""
    return [MEASURES, *all_builtins()]


def builtin_digests() -> dict[str, str]:
    """Each built-in checklist's code → the digest of what the code says today (computed, never stored: it is
    what a deployment carries)."""
    return {builtin.code: builtin_digest(builtin) for builtin in builtins()}


def builtin_newer(checklist: Checklist, digests: Mapping[str, str] | None = None) -> bool:
    """Whether the built-in of this checklist's code says something other than what this version was written from
    or, for a district's own version, what the built-in said when the district made it: the district kept its own
    (a sync never writes over it) and may take the correction up by importing again."""
    current = (builtin_digests() if digests is None else digests).get(checklist.code)
    return current is not None and checklist.builtin_digest != current


def builtin_preview(builtin: BuiltIn) -> list[ChecklistItem]:
    """A built-in's items as unsaved ChecklistItems, for a page to show what a newer built-in says."""
    return [
        ChecklistItem(code=c, text=t, category=cat, severity=sev, order=i)
        for i, (c, t, cat, sev) in enumerate(_builtin_rows(builtin), 1)
    ]


def _remember_base(latest: Checklist, versions: list[Checklist]) -> None:
    """A district's own version imported before digests were kept: the built-in it replaced is the one the latest
    version written by the platform under it was written from."""
    written = next((v for v in versions if v.imported_by_id is None), None)
    if written is None:
        return  # imported before any built-in of this code existed: builtin_newer says there is one now
    latest.builtin_digest = written.builtin_digest or _stored_digest(written)
    latest.save(update_fields=["builtin_digest"])


@transaction.atomic
def checklist_builtin_sync(*, builtin: BuiltIn) -> Checklist:
    """A built-in checklist brought into the district's checklists (after every migrate: core.defaults) and the
    version of its code an inspection now walks:

    - none yet: its first version, written from the built-in;
    - the latest version was written from the built-in and nobody has changed it since (what it says still has the
      digest it was written with) while the built-in now says something else: a new version from the built-in.
      Never a rewrite: the inspections answered against the older version keep its items, which they point at;
    - the latest version is the district's own — imported, or changed where it is stored since it was written —
      kept as it is; `builtin_newer` tells the district the built-in has changed.
    """
    rows = _builtin_rows(builtin)
    digest = builtin_digest(builtin)
    # Locked: two migrates at once must not both write the next version (the unique version would refuse one).
    versions = list(Checklist.objects.select_for_update().filter(code=builtin.code).order_by("-version"))
    if not versions:
        return _create(
            code=builtin.code,
            name=builtin.name,
            audience=builtin.audience,
            industries=builtin.industries,
            risks=builtin.risks,
            items=rows,
            builtin_digest=digest,
        )
    latest = versions[0]
    if latest.imported_by_id is not None:
        if not latest.builtin_digest:
            _remember_base(latest, versions)
        return latest
    says = _stored_digest(latest)
    # Written before digests were kept: taken as unchanged since (only an import changed a checklist then).
    base = digest if says == digest else (latest.builtin_digest or says)
    if latest.builtin_digest != base:
        latest.builtin_digest = base
        latest.save(update_fields=["builtin_digest"])
    if says == digest or says != base:
        return latest  # says what the built-in says; or changed by the district where it is stored: its own
    checklist = _create(
        code=builtin.code,
        name=builtin.name,
        audience=builtin.audience,
        industries=builtin.industries,
        risks=builtin.risks,
        items=rows,
        builtin_digest=digest,
    )
    audit_record(
        actor=System("safety.checklist_builtin"),
        action="safety.checklist_builtin",
        obj=checklist,
        fields={"version": checklist.version, "previous": latest.version, "items": len(rows)},
    )
    return checklist


def ensure_builtin_checklists() -> dict[str, Checklist]:
    """Every built-in checklist brought in (core.defaults, after migrate), by code: the latest version of each."""
    return {builtin.code: checklist_builtin_sync(builtin=builtin) for builtin in builtins()}


def ensure_checklist(code: str) -> Checklist:
    """One built-in checklist by its code (the demo's inspections, tests)."""
    return checklist_builtin_sync(builtin=next(b for b in builtins() if b.code == code))


def can_read_checklists(user) -> bool:
    """Regulators and enterprises' officers read the checklists (what an inspection walks)."""
    return has_cap(user, Cap.SAFETY_REGULATE) or has_cap(user, Cap.SAFETY_SELF)


def can_import_checklists(user) -> bool:
    """Who imports a checklist: regulators (the page offers the form to them alone)."""
    return has_cap(user, Cap.SAFETY_REGULATE)


def posted_list(post, name: str) -> list[str] | None:
    """A repeated form field (checkboxes, a repeated multipart field) for checklist_import: None when not sent at
    all — the previous version's kept — else what was sent, so that a field sent empty (`industries=`) clears it
    (core.forms.FormInput's rule for a list)."""
    return post.getlist(name) if name in post else None


def _known(values: list[str], choices, field: str) -> list[str]:
    """The keys given, blanks left out (a field sent empty says "none"), each one of `choices`."""
    values = [v.strip() for v in values if v.strip()]
    known = {key for key, _label in choices}
    for row, value in enumerate(values):
        if value not in known:
            raise FieldError(field, _("Choose among those listed."), row=row, code=Code.UNKNOWN_CHOICE)
    return list(dict.fromkeys(values))


@transaction.atomic
def checklist_import(
    *,
    actor,
    code: str,
    name: str,
    filename: str,
    content: bytes,
    audience: str = "",
    industries: list[str] | None = None,
    risks: list[str] | None = None,
) -> Checklist:
    """A new version of a checklist from a sheet; any bad row refuses the whole file, naming the row. Whom it is for
    (enterprises or supervision), the industries and the risks it fits are each the previous version's when not
    given (None, or a blank audience); industries or risks given empty clear them (with neither, it fits every
    enterprise); a new checklist is for every enterprise. Under a built-in checklist's code the version is the
    district's own: later corrections of the built-in never write over it (checklist_builtin_sync), and it
    records the built-in it was made knowing, so that builtin_newer tells of the next correction."""
    if not can_import_checklists(actor):
        raise Forbidden(Cap.SAFETY_REGULATE)
    code = (code or "").strip()
    if not code.replace("-", "").isalnum():
        raise FieldError("code", _("A checklist code of letters, digits and dashes."), code=Code.INVALID)
    previous = Checklist.objects.filter(code=code).order_by("-version").first()
    if audience and audience not in Checklist.Audience.values:
        raise FieldError("audience", _("Choose among those listed."), code=Code.UNKNOWN_CHOICE)
    audience = audience or (previous.audience if previous else Checklist.Audience.ENTERPRISE)
    kept_industries, kept_risks = (list(previous.industries), list(previous.risks)) if previous else ([], [])
    industries = kept_industries if industries is None else _known(industries, INDUSTRIES, "industries")
    risks = kept_risks if risks is None else _known(risks, SPECIAL_RISKS, "risks")
    table = open_table(COLUMNS, filename, content)
    items: list[tuple[str, str, str, str]] = []
    seen: dict[str, int] = {}
    for number, raw in table.rows:
        values = table.values(raw)
        if values is None:
            continue
        item_code = values["code"].strip()
        if not item_code or not values["text"].strip():
            raise FieldError("code" if not item_code else "text", _("Required."), row=number, code=Code.REQUIRED)
        if item_code in seen:
            raise FieldError(
                "code",
                _("Code %(c)s is also on row %(r)d.") % {"c": item_code, "r": seen[item_code]},
                row=number,
                code=Code.DUPLICATE,
            )
        seen[item_code] = number
        severity = SEVERITY_WORDS.get((values.get("severity") or "general").strip().lower())
        if severity is None:
            raise FieldError("severity", _("General (一般) or major (重大)."), row=number, code=Code.UNKNOWN_CHOICE)
        items.append((item_code, values["text"].strip(), (values.get("category") or "").strip()[:40], severity))
    if not items:
        raise FieldError("file", _("The sheet has no items."), code=Code.EMPTY)
    checklist = _create(
        code=code,
        name=(name or (previous.name if previous else code)).strip()[:100],
        audience=audience,
        industries=industries,
        risks=risks,
        items=items,
        imported_by=actor,
        builtin_digest=builtin_digests().get(code, ""),
    )
    audit_record(
        actor=actor,
        action="safety.checklist_import",
        obj=checklist,
        fields={
            "items": len(items),
            "version": checklist.version,
            "audience": audience,
            "industries": industries,
            "risks": risks,
        },
    )
    return checklist
