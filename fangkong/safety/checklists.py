"""Checklists as data: built in (the State Council's 15 measures, for supervising governments and departments; the
enterprise checklists by industry and risk, builtin_checklists) and imported from a sheet (code, text, category,
severity), each import a new version. An inspection at an enterprise is offered the checklists that fit it: those of
its industry and of its special risks, and those for every enterprise."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.core.tables import TableSpec, open_table

from . import errors
from .builtin_checklists import BuiltIn, all_builtins
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


def _create(*, code: str, name: str, audience: str, industries, risks, items, imported_by=None) -> Checklist:
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
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, code=c, text=t, category=cat, severity=sev, order=i)
        for i, (c, t, cat, sev) in enumerate(items, 1)
    )
    return checklist


def ensure_state_council_15() -> Checklist:
    """The State Council's 15 measures where no version exists: run after migrate (core.defaults), not on a read.
    They are duties of governments and departments, so a checklist for supervising them."""
    existing = Checklist.objects.filter(code=STATE_COUNCIL).order_by("-version").first()
    if existing:
        return existing
    return _create(
        code=STATE_COUNCIL,
        name="国务院安全生产十五条措施",
        audience=Checklist.Audience.SUPERVISION,
        industries=(),
        risks=(),
        items=[(str(i), text, "", ChecklistItem.Severity.GENERAL) for i, text in enumerate(STATE_COUNCIL_15, 1)],
    )


def ensure_builtin(builtin: BuiltIn) -> Checklist:
    """A built-in enterprise checklist where no version of its code exists (a district's own version, imported under
    the same code, is left as it is)."""
    existing = Checklist.objects.filter(code=builtin.code).order_by("-version").first()
    if existing:
        return existing
    return _create(
        code=builtin.code,
        name=builtin.name,
        audience=Checklist.Audience.ENTERPRISE,
        industries=builtin.industries,
        risks=builtin.risks,
        items=[(str(i), text, section, severity) for i, (section, severity, text) in enumerate(builtin.items(), 1)],
    )


def ensure_builtin_checklists() -> dict[str, Checklist]:
    """Every built-in checklist (core.defaults, after migrate), by code."""
    made = {STATE_COUNCIL: ensure_state_council_15()}
    for builtin in all_builtins():
        made[builtin.code] = ensure_builtin(builtin)
    return made


def ensure_checklist(code: str) -> Checklist:
    """One built-in checklist by its code (the demo's inspections, tests)."""
    if code == STATE_COUNCIL:
        return ensure_state_council_15()
    return ensure_builtin(next(b for b in all_builtins() if b.code == code))


def can_read_checklists(user) -> bool:
    """Regulators and enterprises' officers read the checklists (what an inspection walks)."""
    return has_cap(user, Cap.SAFETY_REGULATE) or has_cap(user, Cap.SAFETY_SELF)


def can_import_checklists(user) -> bool:
    """Who imports a checklist: regulators (the page offers the form to them alone)."""
    return has_cap(user, Cap.SAFETY_REGULATE)


def _known(values, choices, field: str) -> list[str]:
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
    (enterprises or supervision), the industries and the risks it fits are each the previous version's unless given;
    a new checklist is for every enterprise."""
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
    industries = _known(industries, INDUSTRIES, "industries") if industries else kept_industries
    risks = _known(risks, SPECIAL_RISKS, "risks") if risks else kept_risks
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
    )
    audit_record(
        actor=actor,
        action="safety.checklist_import",
        obj=checklist,
        fields={"items": len(items), "version": checklist.version, "audience": audience},
    )
    return checklist
