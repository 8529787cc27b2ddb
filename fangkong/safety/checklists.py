"""Checklists as data: the State Council's 15 measures built in; the district's rules and industry checklists
imported from a sheet (code, text, category, severity), each import a new version."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.core.tables import TableSpec, open_table

from .models import Checklist, ChecklistItem

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
    """The latest version of each checklist (what a new inspection is walked against), the 15 measures built in
    (written after migrate: core.defaults)."""
    latest: dict[str, Checklist] = {}
    for c in Checklist.objects.order_by("code", "-version"):
        latest.setdefault(c.code, c)
    return list(latest.values())


def ensure_state_council_15() -> Checklist:
    """The State Council's 15 measures where no version exists: run after migrate (core.defaults), not on a read."""
    existing = Checklist.objects.filter(code="state-council-15").order_by("-version").first()
    if existing:
        return existing
    checklist = Checklist.objects.create(code="state-council-15", name="国务院安全生产十五条措施")
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, code=str(i), text=text, order=i)
        for i, text in enumerate(STATE_COUNCIL_15, 1)
    )
    return checklist


@transaction.atomic
def checklist_import(*, actor, code: str, name: str, filename: str, content: bytes) -> Checklist:
    """A new version of a checklist from a sheet; any bad row refuses the whole file, naming the row."""
    if not has_cap(actor, Cap.SAFETY_REGULATE):
        raise Forbidden(Cap.SAFETY_REGULATE)
    code = (code or "").strip()
    if not code.replace("-", "").isalnum():
        raise FieldError("code", _("A checklist code of letters, digits and dashes."), code=Code.INVALID)
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
    version = (Checklist.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
    checklist = Checklist.objects.create(
        code=code, name=(name or code).strip()[:100], version=version, imported_by=actor
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, code=c, text=t, category=cat, severity=sev, order=i)
        for i, (c, t, cat, sev) in enumerate(items, 1)
    )
    audit_record(
        actor=actor, action="safety.checklist_import", obj=checklist, fields={"items": len(items), "version": version}
    )
    return checklist
