"""Roles and what they may do. A role is held over a jurisdiction (and all below it) or over a unit.

Capabilities are checked together with scope: `people.reveal` lets a grid worker reveal a phone number of a
person in *their* community only. Later modules add their capabilities here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Cap:
    PEOPLE_VIEW = "people.view"
    PEOPLE_REVEAL = "people.reveal"
    PEOPLE_EDIT = "people.edit"
    PEOPLE_IMPORT = "people.import"
    PEOPLE_EXPORT = "people.export"
    PEOPLE_MERGE = "people.merge"  # find duplicate records and merge them (both within one's reach)
    REGISTRY_VIEW = "registry.view"
    AUDIT_VIEW = "audit.view"
    ACCOUNTS_ADMIN = "accounts.admin"  # staff accounts and their roles within one's reach; revoke API tokens
    REGISTRY_ADMIN = "registry.admin"  # the jurisdiction tree, places and units within one's reach
    HALL_VIEW = "hall.view"  # the command hall of one's jurisdiction: every module's figures, the map, the alerts
    # screening
    RISK_EDIT = "screening.risk_edit"
    CHECKPOINT_WORK = "screening.checkpoint_work"  # register passages, record pass requests
    CHECKPOINT_MANAGE = "screening.checkpoint_manage"  # checkpoints and shifts
    PASSAGE_VIEW = "screening.passage_view"
    FOLLOWUP_WORK = "screening.followup_work"  # closed-loop cases: contact, tests, release
    RECONCILE_VIEW = "screening.reconcile"  # the "nobody missed" figures and missed-case alerts
    DISCIPLINE_VIEW = "screening.discipline"  # pass-without-registration requests
    TRAVEL_REPORT = "screening.travel_report"  # file and acknowledge travel reports
    TRAVEL_APPROVE = "screening.travel_approve"  # approve public officials' trips (their unit)
    VIOLATION_HANDLE = "screening.violation_handle"
    # testing
    TESTING_ADMIN = "testing.admin"  # rounds and sites
    TESTING_SAMPLE = "testing.sample"  # collect at a site, seal and hand over bags
    TESTING_LAB = "testing.lab"  # receive bags, report results
    TESTING_RECALL = "testing.recall"  # see and work recall (retest) orders
    # containment
    ZONE_VIEW = "containment.zone_view"  # zones, the people inside, lifting criteria
    ZONE_REQUEST = "containment.zone_request"  # propose a zone or its lifting
    ZONE_APPROVE = "containment.zone_approve"  # the second person on a zone decision
    ZONE_PROTOCOL = "containment.zone_protocol"  # levels and lifting criteria
    STATUS_VIEW = "containment.status_view"  # a person's status with its reasons
    STATUS_REQUEST = "containment.status_request"  # ask for a manual status change
    STATUS_APPROVE = "containment.status_approve"  # the second person on a manual change; decide appeals
    STATUS_SCAN = "containment.status_scan"  # checkpoint and venue scanners: colour and action only
    CASE_WORK = "containment.case_work"  # confirmed cases: record, release
    VENUE_MANAGE = "containment.venue_manage"  # venue codes: issue and print
    TRACE = "containment.trace"  # who was at a venue, where was a person (each query audited, with a reason)
    SENTINEL_REPORT = "containment.sentinel_report"  # clinics and pharmacies report (their unit)
    # command
    DIRECTIVE_ISSUE = "command.directive_issue"  # issue directives downwards within one's reach
    TASK_WORK = "command.task_work"  # acknowledge, report on and complete the tasks addressed to one's post
    TASK_OVERSEE = "command.task_oversee"  # see every task below one, be told when one goes overdue
    DUTY_MANAGE = "command.duty_manage"  # rosters of the duty rooms within one's reach
    SUPERVISE = "command.supervise"  # record findings, propose outcomes
    SITUATION_APPROVE = "command.situation_approve"  # compile, approve and publish the daily situation report
    ACCOUNTABILITY_APPROVE = "command.accountability_approve"  # the second person on an outcome
    # work safety
    SAFETY_VIEW = "safety.view"  # enterprises and hazards within one's jurisdiction
    SAFETY_REGULATE = "safety.regulate"  # find, order, re-inspect, accept, close (regulators, inspectors)
    SAFETY_SELF = "safety.self"  # an enterprise's own safety officer: self-inspection, rectification
    SAFETY_TIPS = "safety.tips"  # handle public hazard reports (without the reporter's identity)
    SAFETY_TIP_IDENTITY = "safety.tip_identity"  # designated staff: reveal a named reporter (audited)
    TRANSFER_WORK = "containment.transfer_work"  # the transfer team's steps; an isolation site's receipt/release
    # livelihood
    LIVELIHOOD_WORK = "livelihood.work"  # supply requests and volunteers of one's jurisdiction
    PRICE_WATCH = "livelihood.price_watch"  # the public's reports of price gouging and hoarding
    PRICE_REPORTER_IDENTITY = "livelihood.price_identity"  # reveal a named reporter (audited)
    LOGISTICS_APPROVE = "livelihood.logistics_approve"  # the transport department: logistics channel passes
    PLACE_INSPECT = "livelihood.place_inspect"  # a supervising department: its key places' inspections and orders
    SCHOOL_PLAN = "livelihood.school_plan"  # a school's staggered holiday plans (its staff; HQ for every school)
    # public portal
    PORTAL_EDIT = "portal.edit"  # draft articles and notices, submit them for review, import legacy pages
    PORTAL_REVIEW = "portal.review"  # approve (publish, schedule) or reject others' drafts, withdraw, restore
    # data protection
    RETENTION = "dataprotection.retention"  # how long each class of personal data is kept (district-wide)


CAP_LABELS: dict[str, str | Promise] = {
    Cap.PEOPLE_VIEW: _("See the population register (masked)"),
    Cap.PEOPLE_REVEAL: _("Reveal a person's full ID number and phone, with a reason"),
    Cap.PEOPLE_EDIT: _("Register and edit people"),
    Cap.PEOPLE_IMPORT: _("Import rosters"),
    Cap.PEOPLE_EXPORT: _("Export the register"),
    Cap.PEOPLE_MERGE: _("Find and merge duplicate records"),
    Cap.REGISTRY_VIEW: _("See jurisdictions, places and units"),
    Cap.REGISTRY_ADMIN: _("Set up jurisdictions, places and units"),
    Cap.AUDIT_VIEW: _("Read the audit trail"),
    Cap.ACCOUNTS_ADMIN: _("Manage staff accounts and their roles"),
    Cap.HALL_VIEW: _("The command hall"),
    Cap.RISK_EDIT: _("Set risk areas"),
    Cap.CHECKPOINT_WORK: _("Register passages at a checkpoint"),
    Cap.CHECKPOINT_MANAGE: _("Manage checkpoints and shifts"),
    Cap.PASSAGE_VIEW: _("See passages"),
    Cap.FOLLOWUP_WORK: _("Work closed-loop cases"),
    Cap.RECONCILE_VIEW: _("Reconcile arrivals (nobody missed)"),
    Cap.DISCIPLINE_VIEW: _("See passes without registration"),
    Cap.TRAVEL_REPORT: _("File and acknowledge travel reports"),
    Cap.TRAVEL_APPROVE: _("Approve officials' trips"),
    Cap.VIOLATION_HANDLE: _("Handle travel-rule violations"),
    Cap.TESTING_ADMIN: _("Testing rounds and sampling sites"),
    Cap.TESTING_SAMPLE: _("Take samples at a site"),
    Cap.TESTING_LAB: _("Receive samples and report results"),
    Cap.TESTING_RECALL: _("Work retest orders"),
    Cap.ZONE_VIEW: _("See containment zones"),
    Cap.ZONE_REQUEST: _("Propose zones and their lifting"),
    Cap.ZONE_APPROVE: _("Approve zones"),
    Cap.ZONE_PROTOCOL: _("Set zone levels and lifting criteria"),
    Cap.STATUS_VIEW: _("See people's health status with its reasons"),
    Cap.STATUS_REQUEST: _("Ask for a status change"),
    Cap.STATUS_APPROVE: _("Approve status changes and decide appeals"),
    Cap.STATUS_SCAN: _("Scan health codes"),
    Cap.CASE_WORK: _("Record and release confirmed cases"),
    Cap.VENUE_MANAGE: _("Issue venue codes"),
    Cap.TRACE: _("Trace contacts (each query audited)"),
    Cap.SENTINEL_REPORT: _("Report from a clinic or pharmacy"),
    Cap.DIRECTIVE_ISSUE: _("Issue directives"),
    Cap.TASK_WORK: _("Work the tasks addressed to one's post"),
    Cap.TASK_OVERSEE: _("Oversee tasks below one"),
    Cap.DUTY_MANAGE: _("Duty rosters"),
    Cap.SUPERVISE: _("Record supervision findings"),
    Cap.SITUATION_APPROVE: _("Approve the daily situation report"),
    Cap.ACCOUNTABILITY_APPROVE: _("Approve accountability outcomes"),
    Cap.SAFETY_VIEW: _("See enterprises and hazards"),
    Cap.SAFETY_REGULATE: _("Inspect and order hazards rectified"),
    Cap.SAFETY_SELF: _("An enterprise's own safety work"),
    Cap.SAFETY_TIPS: _("Handle public hazard reports"),
    Cap.SAFETY_TIP_IDENTITY: _("Reveal a named hazard reporter"),
    Cap.TRANSFER_WORK: _("Transfers and isolation sites"),
    Cap.LIVELIHOOD_WORK: _("Supply requests and volunteers"),
    Cap.PRICE_WATCH: _("Price reports"),
    Cap.LOGISTICS_APPROVE: _("Logistics passes"),
    Cap.SCHOOL_PLAN: _("School holiday plans"),
    Cap.PLACE_INSPECT: _("Key places"),
    Cap.PRICE_REPORTER_IDENTITY: _("Reveal a named price reporter"),
    Cap.PORTAL_EDIT: _("Write portal articles"),
    Cap.PORTAL_REVIEW: _("Review and publish portal articles"),
    Cap.RETENTION: _("Set how long personal data is kept"),
}

# The work a unit's own staff do there: an administrator whose reach covers the unit may grant a unit role made of
# these (and of powers they hold themselves) — a street officer makes a checkpoint's staff, a sampling site's, a
# clinic's, but not a laboratory's (its results decide people's status district-wide), a transfer team, an
# officials' trip approver, a discipline inspector or a portal reviewer: district HQ makes those.
UNIT_WORK = frozenset(
    {
        Cap.CHECKPOINT_WORK,
        Cap.STATUS_SCAN,
        Cap.TESTING_SAMPLE,
        Cap.SENTINEL_REPORT,
        Cap.TRAVEL_REPORT,
        Cap.VIOLATION_HANDLE,
        Cap.TASK_WORK,
        Cap.SAFETY_SELF,
    }
)

# The kinds of unit (registry.Unit.Kind) each unit role is held at: a laboratory's staff at a laboratory, never at a
# school — the modules trust "holds the power at a unit" (registry.staff checks it at every grant).
_ORGANISATIONS = frozenset({"employer", "school", "enterprise", "department", "clinic"})
UNIT_KINDS: dict[str, frozenset[str]] = {
    "checkpoint_staff": frozenset({"checkpoint"}),
    "employer_hr": _ORGANISATIONS,
    "unit_leader": _ORGANISATIONS,
    "discipline_inspector": frozenset({"department"}),
    "sampler": frozenset({"sampling", "clinic"}),
    "lab_staff": frozenset({"lab"}),
    "clinic_staff": frozenset({"clinic"}),
    "pharmacy_staff": frozenset({"pharmacy"}),
    "safety_regulator": frozenset({"department"}),
    "enterprise_officer": frozenset({"enterprise"}),
    "venue_staff": frozenset({"venue", "school", "enterprise", "employer", "clinic", "pharmacy"}),
    "transfer_crew": frozenset({"department", "clinic"}),
    "isolation_staff": frozenset({"isolation", "clinic"}),
    "market_regulator": frozenset({"department"}),
    "transport_regulator": frozenset({"department"}),
    "school_staff": frozenset({"school"}),
    "place_inspector": frozenset({"department"}),
    "portal_editor": frozenset({"department"}),
    "portal_reviewer": frozenset({"department"}),
}


def cap_label(cap: str) -> str:
    return str(CAP_LABELS.get(cap, cap))


_PEOPLE_WORK = frozenset(
    {
        Cap.PEOPLE_VIEW,
        Cap.PEOPLE_REVEAL,
        Cap.PEOPLE_EDIT,
        Cap.PEOPLE_IMPORT,
        Cap.PEOPLE_EXPORT,
        Cap.REGISTRY_VIEW,
    }
)


_SCREENING_LOCAL = frozenset({Cap.PASSAGE_VIEW, Cap.FOLLOWUP_WORK, Cap.TRAVEL_REPORT, Cap.VIOLATION_HANDLE})
_SCREENING_LEAD = _SCREENING_LOCAL | {Cap.RECONCILE_VIEW, Cap.CHECKPOINT_MANAGE}
_TESTING_LOCAL = frozenset({Cap.TESTING_RECALL})
_CONTAINMENT_LOCAL = frozenset({Cap.ZONE_VIEW, Cap.STATUS_VIEW, Cap.STATUS_SCAN, Cap.VENUE_MANAGE})
_CONTAINMENT_LEAD = _CONTAINMENT_LOCAL | {Cap.ZONE_REQUEST, Cap.STATUS_REQUEST, Cap.CASE_WORK, Cap.TRACE}
_CONTAINMENT_HQ = _CONTAINMENT_LEAD | {Cap.ZONE_APPROVE, Cap.ZONE_PROTOCOL, Cap.STATUS_APPROVE}
_COMMAND_LEAD = frozenset({Cap.DIRECTIVE_ISSUE, Cap.TASK_WORK, Cap.TASK_OVERSEE, Cap.DUTY_MANAGE})
# A community's or a grid's own workers: the same work, held over a community or over one grid.
_LOCAL_WORK = (
    _PEOPLE_WORK
    | _SCREENING_LOCAL
    | _TESTING_LOCAL
    | _CONTAINMENT_LOCAL
    | frozenset({Cap.TASK_WORK, Cap.LIVELIHOOD_WORK, Cap.HALL_VIEW})
)


@dataclass(frozen=True)
class Role:
    code: str
    label: str | Promise
    binds: str  # "jurisdiction" or "unit"
    caps: frozenset[str]


ROLES: dict[str, Role] = {
    r.code: r
    for r in [
        Role(
            "hq_admin",
            _("District command HQ"),
            "jurisdiction",
            _PEOPLE_WORK
            | _SCREENING_LEAD
            | _TESTING_LOCAL
            | _CONTAINMENT_HQ
            | _COMMAND_LEAD
            | {Cap.SUPERVISE, Cap.ACCOUNTABILITY_APPROVE, Cap.SITUATION_APPROVE}
            | {Cap.SAFETY_VIEW, Cap.SAFETY_REGULATE, Cap.SAFETY_TIPS, Cap.SAFETY_TIP_IDENTITY}
            | {Cap.AUDIT_VIEW, Cap.ACCOUNTS_ADMIN, Cap.REGISTRY_ADMIN, Cap.HALL_VIEW, Cap.PEOPLE_MERGE}
            | {Cap.RISK_EDIT, Cap.CHECKPOINT_WORK, Cap.DISCIPLINE_VIEW, Cap.TESTING_ADMIN}
            | {Cap.LIVELIHOOD_WORK, Cap.PRICE_WATCH, Cap.PRICE_REPORTER_IDENTITY, Cap.LOGISTICS_APPROVE}
            | {Cap.SCHOOL_PLAN}
            | {Cap.RETENTION},
        ),
        Role(
            "street_officer",
            _("Street officer"),
            "jurisdiction",
            _PEOPLE_WORK
            | _SCREENING_LEAD
            | _TESTING_LOCAL
            | _CONTAINMENT_LEAD
            | _COMMAND_LEAD
            | {Cap.SAFETY_VIEW, Cap.LIVELIHOOD_WORK, Cap.HALL_VIEW}
            | {Cap.ACCOUNTS_ADMIN, Cap.REGISTRY_ADMIN, Cap.PEOPLE_MERGE},
        ),
        Role("community_worker", _("Community / village worker"), "jurisdiction", _LOCAL_WORK),
        Role("grid_worker", _("Grid worker"), "jurisdiction", _LOCAL_WORK),
        # The roles below work at a unit and never see the population register as such; each module grants
        # what the unit's work needs (a checkpoint its passages, an employer its staff's travel reports).
        Role(
            "checkpoint_staff",
            _("Checkpoint staff"),
            "unit",
            frozenset({Cap.CHECKPOINT_WORK, Cap.PASSAGE_VIEW, Cap.STATUS_SCAN}),
        ),
        Role("employer_hr", _("Employer HR"), "unit", frozenset({Cap.TRAVEL_REPORT, Cap.VIOLATION_HANDLE})),
        # A school answers for its students as an employer for its staff (their trips, their unreported exits),
        # and plans its holidays grade by grade.
        Role(
            "school_staff",
            _("School staff (students' trips and holidays)"),
            "unit",
            frozenset({Cap.TRAVEL_REPORT, Cap.VIOLATION_HANDLE, Cap.SCHOOL_PLAN}),
        ),
        Role(
            "unit_leader",
            _("Unit leader (approves officials' trips)"),
            "unit",
            frozenset({Cap.TRAVEL_REPORT, Cap.TRAVEL_APPROVE, Cap.VIOLATION_HANDLE, Cap.TASK_WORK}),
        ),
        Role(
            "discipline_inspector",
            _("Discipline inspector"),
            "unit",
            frozenset({Cap.DISCIPLINE_VIEW, Cap.SUPERVISE, Cap.ACCOUNTABILITY_APPROVE}),
        ),
        Role("sampler", _("Sampler"), "unit", frozenset({Cap.TESTING_SAMPLE})),
        Role("lab_staff", _("Laboratory staff"), "unit", frozenset({Cap.TESTING_LAB})),
        Role("clinic_staff", _("Clinic staff"), "unit", frozenset({Cap.SENTINEL_REPORT, Cap.TASK_WORK})),
        Role("pharmacy_staff", _("Pharmacy staff"), "unit", frozenset({Cap.SENTINEL_REPORT})),
        Role(
            "safety_regulator",
            _("Work-safety regulator"),
            "unit",
            frozenset({Cap.TASK_WORK, Cap.SAFETY_REGULATE, Cap.SAFETY_TIPS}),
        ),
        Role("enterprise_officer", _("Enterprise safety officer"), "unit", frozenset({Cap.TASK_WORK, Cap.SAFETY_SELF})),
        Role("venue_staff", _("Venue staff (scans visitors' codes)"), "unit", frozenset({Cap.STATUS_SCAN})),
        Role("transfer_crew", _("Transfer team"), "unit", frozenset({Cap.TRANSFER_WORK})),
        Role(
            "isolation_staff", _("Isolation site / designated hospital staff"), "unit", frozenset({Cap.TRANSFER_WORK})
        ),
        Role("market_regulator", _("Market regulator"), "unit", frozenset({Cap.PRICE_WATCH, Cap.TASK_WORK})),
        Role(
            "place_inspector",
            _("Key places inspector (supervising department)"),
            "unit",
            frozenset({Cap.PLACE_INSPECT, Cap.TASK_WORK}),
        ),
        Role(
            "transport_regulator", _("Transport regulator"), "unit", frozenset({Cap.LOGISTICS_APPROVE, Cap.TASK_WORK})
        ),
        Role("portal_editor", _("Portal editor"), "unit", frozenset({Cap.PORTAL_EDIT})),
        # A reviewer may write too, but never approves their own text (checked per version).
        Role("portal_reviewer", _("Portal reviewer"), "unit", frozenset({Cap.PORTAL_EDIT, Cap.PORTAL_REVIEW})),
    ]
}


def roles_with(cap: str) -> list[str]:
    """The codes of the roles that grant `cap` (to find who holds it, whatever the role's name)."""
    return [code for code, role in ROLES.items() if cap in role.caps]


def role_label(code: str) -> str:
    role = ROLES.get(code)
    return str(role.label) if role else code
