"""The declared coverage: how every URL pattern and every API operation is checked for scope.

To cover a new endpoint, add one line to PAGES (keyed by the URL name, "app:name") or OPERATIONS (keyed by the
operationId, as /api/v1/openapi.json shows it) — test_inventory fails, naming it, until you do:

- `scoped(kind)` — its path (or, with `query=`/`body=`, its query or body: "{ref}" stands for the object) names an
  object of `kind`. The outsiders get the same 403/404 for A's object as for an id that does not exist, and the
  insider gets anything but 404. Other path parameters go in `path=`; POST/PUT bodies are generated from the
  operation's schema, `body=` overrides fields ("{other_kind}" in `path=` or `body=`: A's object of that kind).
- `listing(kind)`, `export(kind)`, `search(kind)` — the outsider's reply (HTML, JSON, CSV or .xlsx) never holds
  the marker of A's object; the insider's does.
- `unit(kind)` — as scoped, for work done at a unit (a checkpoint, a site): the other unit's staff are outsiders.
- `public(why)`, `self_(why)` — no login (the public portal, sign-in) / acts on the caller only (inbox, logout).
- `district(why)` — district-wide data or configuration with nothing of a community in it; capability-checked.
- `creates(why)` — makes a new object; what its body refers to is checked by the service (or by a scoped line).
A kind is made by fangkong/tests_authz/world.py (one object in A, one in B); its personas are in KINDS below.
An entry that finds a real hole and cannot be fixed at once gets `known_hole="..."`: the check is then an xfail
that must fail (strict), so fixing the hole turns it red until the mark is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Cov:
    how: str
    kind: str = ""
    why: str = ""
    param: str = ""  # the path parameter that carries the object (default: the first one)
    path: dict[str, Any] = field(default_factory=dict)  # the other path parameters ("{round}": the round's id)
    query: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    method: str = ""  # pages: GET unless told; API: the operation's
    insider: str = ""  # default: KINDS[kind].insider
    outsiders: tuple[str, ...] = ()  # default: KINDS[kind].outsiders
    insider_kind: str = ""  # the insider is shown this kind's object (a published article, not the draft)
    known_hole: str = ""


def public(why: str) -> Cov:
    return Cov("public", why=why)


def self_(why: str) -> Cov:
    return Cov("self", why=why)


def district(why: str) -> Cov:
    return Cov("district", why=why)


def creates(why: str) -> Cov:
    return Cov("creates", why=why)


def scoped(kind: str, **kw) -> Cov:
    return Cov("scoped", kind, **kw)


def unit(kind: str, **kw) -> Cov:
    return Cov("unit", kind, **kw)


def listing(kind: str, **kw) -> Cov:
    return Cov("list", kind, **kw)


def export(kind: str, **kw) -> Cov:
    return Cov("export", kind, **kw)


def search(kind: str, **kw) -> Cov:
    return Cov("search", kind, **kw)


@dataclass(frozen=True)
class Personas:
    insider: str  # reaches A's object
    outsiders: tuple[str, ...]  # must not reach A's object
    b_outsiders: tuple[str, ...] = ("street1", "worker_a")  # must not reach B's object


_A_OUT = ("worker_b", "street2", "unit_staff")
KINDS: dict[str, Personas] = {
    "person": Personas("worker_a", _A_OUT),
    "import_job": Personas("worker_a", ("worker_b", "street1", "hq", "unit_staff")),  # the uploader's own
    "jurisdiction": Personas("worker_a", _A_OUT),
    "checkpoint": Personas("staff1", ("staff_b", "worker_b", "street2", "unit_staff"), ("staff1", "street1")),
    "passage": Personas("street1", ("staff_b", *_A_OUT), ("staff1", "street1")),
    "followup": Personas("worker_a", ("staff1", *_A_OUT)),
    "violation": Personas("worker_a", _A_OUT),
    "travel_report": Personas("worker_a", ("hr", "leader", *_A_OUT)),
    "pass_request": Personas("hq", ("street2", "worker_b", "staff_b"), ("staff1",)),
    "site": Personas("sampler", ("other_sampler", *_A_OUT), ("sampler", "street1", "worker_a")),
    "tube": Personas("sampler", ("other_sampler", "lab", *_A_OUT), ("sampler",)),
    "bag": Personas("sampler", ("other_sampler", *_A_OUT), ("sampler",)),
    "zone": Personas("worker_a", _A_OUT),
    "hall_alert": Personas("street1", _A_OUT),  # the street officer dispatches it
    "status_change": Personas("worker_a", _A_OUT),
    "appeal": Personas("hq", _A_OUT),
    "case": Personas("street1", _A_OUT),
    "cluster": Personas("street1", _A_OUT),  # clusters are case work, like the cases
    "transfer": Personas("hq", _A_OUT),
    "venue": Personas("worker_a", _A_OUT),
    "sentinel_alert": Personas("worker_a", ("doctor_b", "doctor_a", *_A_OUT)),
    "inpatient": Personas("doctor_a", ("doctor_b", *_A_OUT), ("doctor_a",)),
    "directive": Personas("street1", _A_OUT),
    "task": Personas("worker_a", _A_OUT),
    "task_update": Personas("worker_a", _A_OUT),
    "duty_shift": Personas("street1", _A_OUT),
    "duty_entry": Personas("street1", _A_OUT),
    "report_template": Personas("street1", _A_OUT),
    "finding": Personas("hq", _A_OUT),
    "outcome": Personas("hq", _A_OUT),
    "incident": Personas("street1", _A_OUT),
    "enterprise": Personas("officer", ("other_officer", *_A_OUT), ("officer", "street1", "worker_a")),
    "hazard": Personas("officer", ("other_officer", *_A_OUT), ("officer", "street1", "worker_a")),
    "inspection": Personas("hq", ("other_officer", *_A_OUT), ("officer", "street1")),
    "accident": Personas("officer", ("other_officer", *_A_OUT), ("officer", "street1", "worker_a")),
    # The enterprise a public report names never learns of it.
    "public_report": Personas("hq", ("officer", "other_officer", *_A_OUT), ("other_officer",)),
    "supply_request": Personas("worker_a", _A_OUT),
    "recall": Personas("worker_a", _A_OUT),
    "volunteer": Personas("worker_a", _A_OUT),
    "stock_point": Personas("worker_a", _A_OUT),
    "shift": Personas("worker_a", _A_OUT),
    "gathering": Personas("worker_a", _A_OUT),
    "delivery": Personas("worker_a", _A_OUT),
    "key_place": Personas("worker_a", _A_OUT),
    "school_holiday": Personas("worker_a", _A_OUT),  # the community reads its schools' plans
    "price_report": Personas("hq", ("worker_b", "street1", "officer", "unit_staff"), ()),
    # A draft: only the newsroom sees it; the public (anon) never, the insider page shows a published one.
    "article": Personas("editor", ("anon", "worker_b", "street1", "unit_staff"), ()),
    "article_published": Personas("anon", (), ()),
    # Staff accounts: their administrators (the street officer for A's) see them; nobody else does.
    "staff": Personas("street1", ("street2", "worker_a", "worker_b", "unit_staff"), ("street1",)),
    "unit_admin": Personas("street1", ("street2", "worker_a", "worker_b", "unit_staff"), ("street1",)),
    "staff_grant": Personas("street1", ("street2", "worker_a", "worker_b", "unit_staff"), ("street1",)),
}


PAGES: dict[str, Cov] = {
    "home": self_("the caller's own start page"),
    "service_worker": public("the field pages' service worker: no data, the same for everyone"),
    "manifest": public("the web app manifest: no data"),
    "login": public("sign-in"),
    "second_factor": public("sign-in, second step"),
    "password_change": self_("the caller's own password"),
    "devices": self_("the caller's own signed-in devices (another's device id: 404, core/tests/test_devices.py)"),
    "logout": self_("signs the caller out"),
    "signed_in": self_("says whether the caller is signed in, and their own name only (core/tests/test_devices.py)"),
    "inbox": self_("the caller's own notifications"),
    "hall:hall": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    "hall:panel": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    "hall:feed": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    "hall:map": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    "hall:trends": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    "hall:dispatch": scoped("hall_alert"),
    "hall:stream": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    "audit": district("the audit trail: HQ only (audit.view), district-wide"),
    "set_language": public("the language cookie"),
    "jurisdictions": listing("jurisdiction", outsiders=("unit_staff",)),
    "jurisdiction": scoped("jurisdiction"),
    "people": listing("person"),
    "people-export": export("person"),
    "people-import": self_("the upload form and the caller's own jobs"),
    "roster-template": public("an empty template (login required, nothing in it)"),
    "people-import-job": scoped("import_job"),
    "people-import-rejections": scoped("import_job"),
    "person": scoped("person"),
    "person-reveal": scoped("person", method="POST", body={"field": "phone", "reason": "核实身份信息"}),
    "person-edit": scoped("person"),
    "person-viewers": scoped("person", insider="street1", outsiders=("street2", "worker_a", "worker_b", "unit_staff")),
    "admin-tree": listing(
        "jurisdiction", insider="street1", outsiders=("street2", "worker_a", "worker_b", "unit_staff")
    ),
    "admin-tree-template": district("a blank sheet with example rows"),
    "people-duplicates": district(
        "groups of records wholly within the caller's reach (registry/tests/test_merging.py)"
    ),
    "admin-units": listing("unit_admin"),
    "admin-units-template": district("a blank sheet with example rows"),
    "admin-places": district("an upload form; the counts are of places within reach (rows beyond it are rejected)"),
    "admin-places-template": district("a blank sheet with example rows"),
    "admin-staff-import": creates("accounts and grants within reach, each row checked as the pages check it"),
    "admin-staff-template": district("a blank sheet with an example row"),
    "admin-staff": listing("staff"),
    "admin-staff-detail": scoped("staff"),
    "admin-staff-action": scoped("staff", method="POST", body={"action": "reactivate"}),
    "screening:checkpoints": listing("checkpoint", insider="hq", outsiders=("staff_b", "street2", "worker_b")),
    "screening:checkpoint": unit("checkpoint"),
    "screening:lookup": unit("checkpoint", query={"document_number": "110101199001011237"}),
    "screening:pass_request_new": unit("checkpoint"),
    "screening:passages": listing("passage"),
    "screening:followups": listing("followup"),
    "screening:followup": scoped("followup"),
    "screening:followup_action": scoped("followup", path={"action": "contact"}, method="POST", body={}),
    "screening:reconciliation": district("figures per community; its missed cases: followup lines"),
    "screening:risk_areas": district("risk areas are the district's list of places elsewhere"),
    "screening:protocol": district("the district's screening protocol"),
    "screening:shifts": listing("checkpoint", insider="street1", outsiders=("street2", "worker_b")),
    "screening:pass_requests": listing("pass_request", outsiders=("street2", "worker_b", "staff_b")),
    "screening:travel": listing("travel_report"),
    "screening:travel_action": scoped("travel_report", path={"action": "acknowledge"}, method="POST", body={}),
    "screening:violations": listing("violation"),
    "screening:violation_action": scoped("violation", method="POST", body={"outcome": "warned"}),
    "testing:rounds": district("rounds are the district's; their figures per place are checked under coverage"),
    "testing:round": district("a round is district-wide (its coverage by place: testing API coverage/missing)"),
    "testing:pools": scoped(
        "jurisdiction", path={"round_id": "{round}"}, query={"jurisdiction": "{ref}"}, insider="hq"
    ),
    "testing:site": unit("site"),
    "testing:site_alone": unit("site"),
    "testing:bags": listing("bag"),
    "testing:lab": district("the lab's queue of bags handed over (a unit role's work, district-wide)"),
    "testing:results_template": district("a blank sheet with example rows"),
    "testing:recalls": listing("recall"),
    "testing:codes": scoped("jurisdiction"),
    "testing:household_codes": scoped("jurisdiction"),
    "testing:codes_issue": scoped("jurisdiction", method="POST", body={}),
    "containment:zones": listing("zone"),
    "containment:zone": scoped("zone"),
    "containment:people": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    "containment:person": scoped("person"),
    "containment:changes": listing("status_change", query={"state": "applied"}),
    "containment:change_decide": scoped("status_change", method="POST", body={"action": "reject", "note": "x"}),
    "containment:appeal_decide": scoped("appeal", method="POST", body={"upheld": "0", "note": "x"}),
    "containment:venue_poster": scoped("venue"),
    "containment:venue_doors": self_("the caller's own venues' doors (its venue-staff roles)"),
    "containment:venue_door": unit("venue", insider="door_a", outsiders=("door_b", "worker_a", "worker_b", "staff1")),
    "containment:status_list": district("the API's signed status list, for a field page's session"),
    "containment:tracing": self_("a form; each query it sends is scoped (the venue and whereabouts API lines)"),
    "containment:sentinel": self_("the reporting form of the caller's clinic or pharmacy"),
    "containment:alerts": listing("sentinel_alert"),
    "containment:transfers": listing("transfer"),
    "containment:inpatients": listing("inpatient"),
    "containment:case_chain": scoped("case"),
    "containment:case_copresence": scoped("case", query={"purpose": "病例流调排查时空伴随"}),
    "containment:epicurve": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    "containment:clusters": listing("cluster"),
    "containment:cluster": scoped("cluster"),
    # Cases are for those who work them (street, HQ): a community's worker is refused (403) here and there alike.
    "containment:cases": scoped("jurisdiction", query={"jurisdiction": "{ref}"}, insider="street1"),
    "containment:case": scoped("case"),
    "me:login": public("residents sign in with their phone"),
    "me:logout": self_("signs the resident out"),
    "me:me": self_("the signed-in resident's own page (the session holds their person ids)"),
    "me:access_log": self_("who looked at the signed-in resident's data"),
    "me:appeal": self_("a resident appeals a change of their own session's people (test_residents.py)"),
    "me:report_hazard": public("the public hazard report form"),
    "me:report_price": public("the public price report form"),
    "me:travel": self_("the signed-in resident's own trips (test_residents.py)"),
    "me:supplies": self_("the signed-in resident's own supply requests"),
    "me:volunteer": self_("the signed-in resident signs up (test_residents.py)"),
    "me:logistics_pass": public("the carriers' application form and the look-up by reference and plate"),
    "me:volunteer_certificate": self_("one of the phone's people's own sign-up, else 404 (test_volunteer_shifts.py)"),
    "news_manage:list": listing("article"),
    "news_manage:new": district("the newsroom's editor (a unit role, district-wide)"),
    "news_manage:import": district("the newsroom's import form"),
    "news_manage:integrity": district("the newsroom's integrity check"),
    "news_manage:image": district("the newsroom's image upload (editor.js)"),
    "news_manage:article": scoped("article"),
    "news_manage:diff": scoped("article"),
    "news:index": listing("article", insider="anon", outsiders=("anon",), insider_kind="article_published"),
    "news:category": listing(
        "article", path={"slug": "xinglong-news"}, insider="anon", outsiders=("anon",), insider_kind="article_published"
    ),
    "news:article": scoped("article", insider="anon", insider_kind="article_published"),
    "news:print": scoped("article", insider="anon", insider_kind="article_published"),
    "news:pdf": scoped("article", insider="anon", insider_kind="article_published"),
    "news:search": search(
        "article", query={"q": "{marker}"}, insider="anon", outsiders=("anon",), insider_kind="article_published"
    ),
    "news:rss": listing("article", insider="anon", outsiders=("anon",), insider_kind="article_published"),
    "news:atom": listing("article", insider="anon", outsiders=("anon",), insider_kind="article_published"),
    "news:lang": public("the public portal's language switch"),
    "news:image": public("an image uploaded for articles, under the random name it was given"),
    "command:tasks": listing("task"),
    "command:task": scoped("task"),
    "command:attachment": scoped("task_update"),
    "command:directives": listing("directive"),
    "command:directive": scoped("directive"),
    "command:inbox": self_("the inbox's old address: a redirect to the caller's own (inbox)"),
    "command:reports": self_("the report assignments of the caller's own post"),
    "command:duty": listing("duty_shift"),
    "command:duty_roster": listing("duty_shift"),
    "command:report_templates": listing("report_template"),
    "command:supervision": listing("finding"),
    "command:incidents": listing("incident"),
    "command:chain": scoped("task", insider="street1", query={"kind": "task", "id": "{ref}"}),
    "command:situations": district("the district's daily situation reports (HQ)"),
    "command:situation": district("a district-wide daily report (HQ only)"),
    "command:situation_export": district("a district-wide daily report (HQ only)"),
    "command:incident": scoped("incident"),
    "command:report_overview": district("completeness of reports the caller assigned"),
    "safety:hazards": listing("hazard"),
    "safety:hazard": scoped("hazard"),
    "safety:enterprises": listing("enterprise"),
    "safety:enterprise": scoped("enterprise"),
    "safety:industries": district("the industry → department matrix, district-wide, no enterprise in it"),
    "safety:checklists": district("checklists are the district's"),
    "safety:review": listing("hazard", insider="hq", outsiders=("street2", "other_officer")),
    "safety:statistics": district("counts by grade, state, street and industry, no names"),
    "safety:statistics_xlsx": district("counts by grade, state, street and industry, no names"),
    "safety:overdue_csv": export("hazard", insider="hq", outsiders=("street2", "other_officer")),
    "safety:accidents": listing("accident"),
    "safety:accident": scoped("accident"),
    "safety:inspection_new": listing("enterprise", insider="hq", outsiders=("other_officer", "street2")),
    "safety:inspection": scoped("inspection"),
    "safety:inspection_signature": scoped("inspection"),
    "livelihood:community": listing("supply_request"),
    "livelihood:prices": listing("price_report"),
    "livelihood:stock_points": listing("stock_point"),
    "livelihood:stock_point": scoped("stock_point"),
    "livelihood:volunteer": scoped("volunteer"),
    "livelihood:gatherings": listing("gathering"),
    "livelihood:deliveries": listing("delivery"),
    "livelihood:schools": listing("school_holiday"),
    "livelihood:places": listing("key_place"),
    "livelihood:place": scoped("key_place"),
    "livelihood:logistics": district("logistics passes are district-wide; the transport department and HQ only"),
    "livelihood:gathering": scoped("gathering"),
    "livelihood:volunteer_certificate": scoped("volunteer"),
    # Price monitoring: the public's report by its id; the rest is the district's market regulation, held by the
    # market regulation bureau (a district department) and HQ only — each refusal tested in
    # livelihood/tests/test_price_watch.py (the world holds no markets).
    "livelihood:price_report": scoped("price_report"),
    "livelihood:price_cases": district("price cases at the markets in reach; price watchers only (district-wide)"),
    "livelihood:price_case": district("a price case at a market in reach; price watchers only (district-wide)"),
    "livelihood:price_record": district("the inspector's form; the markets offered are those in reach"),
    "livelihood:price_chart": district("an item's prices at a market in reach; price watchers only"),
    "livelihood:price_markets": district("the district's markets watched; changed by district-wide watchers only"),
    "livelihood:price_items": district("the district's goods watched, no one's data; changed district-wide only"),
    "dataprotection:retention": district("retention periods, district-wide"),
}

# The tree's administrators: the street officer changes A's tree; the other street's officer (the same powers) gets 404.
_TREE: dict[str, Any] = {"insider": "street1", "outsiders": ("street2", "worker_a", "worker_b", "unit_staff")}

_P = "fangkong_"
OPERATIONS: dict[str, Cov] = {
    _P + "core_auth_token_create": public("sign-in"),
    _P + "core_auth_logout": self_("revokes the caller's own token"),
    _P + "core_auth_tokens_revoke_mine": self_("revokes the caller's own tokens"),
    _P + "core_api_inbox": self_("the caller's own notifications"),
    _P + "hall_api_hall": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    _P + "hall_api_hall_alerts": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    _P + "hall_api_desk": self_("the caller's own to-dos"),
    _P + "hall_api_hall_map": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    _P + "hall_api_hall_trends": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    _P + "hall_api_hall_alert_dispatch": scoped("hall_alert"),
    _P + "registry_api_boundaries_import_endpoint": district("the district's outlines: district HQ only"),
    _P + "core_api_inbox_read": self_("the caller's own notifications"),
    _P + "core_auth_tokens_revoke_user": district("accounts admin (HQ) revokes a user's tokens"),
    _P + "registry_api_people_list": listing("person"),
    _P + "registry_api_person_create": creates("a person in the caller's reach (community checked)"),
    _P + "registry_api_person_detail": scoped("person"),
    _P + "registry_api_person_reveal": scoped("person", body={"field": "phone", "reason": "核实身份信息"}),
    _P + "registry_api_people_import_endpoint": creates("an import job of the caller's own"),
    _P + "registry_api_jurisdictions": listing("jurisdiction", outsiders=("unit_staff",)),
    _P + "registry_api_person_update": scoped("person", body={"address": "园丁路1号"}),
    _P + "registry_api_person_end": scoped("person", body={"how": "unknown", "reason": "家属来社区报告核实"}),
    _P + "registry_api_person_restore": scoped("person", body={"reason": "家属来社区报告核实"}),
    _P + "registry_api_people_duplicates": district(
        "groups of record ids, each group wholly within the caller's reach (registry/tests/test_merging.py)"
    ),
    _P + "registry_api_person_merge": scoped(
        "person",
        insider="street1",
        outsiders=("street2", "worker_a", "worker_b", "unit_staff"),
        path={"person_id": "{person}"},
        body={"into": "{ref}", "reason": "同一人重复登记核实后合并"},  # into itself: the insider's merge is refused
    ),
    _P + "registry_admin_api_jurisdictions_import": creates("rows beyond the caller's reach are rejected, each"),
    _P + "registry_tree_api_jurisdiction_add": creates("under a parent within the caller's reach (checked: 404)"),
    _P + "registry_tree_api_jurisdiction_rename": scoped("jurisdiction", body={"name": "园丁社区"}, **_TREE),
    _P + "registry_tree_api_jurisdiction_move": scoped("jurisdiction", body={"parent_id": "{jurisdiction}"}, **_TREE),
    _P + "registry_tree_api_jurisdiction_merge": scoped("jurisdiction", body={"into": "{jurisdiction}"}, **_TREE),
    _P + "registry_tree_api_jurisdiction_split": scoped(
        "jurisdiction", body={"code": "G-X-1", "name": "新网格", "compounds": [1]}, **_TREE
    ),
    _P + "registry_tree_api_jurisdiction_retire": scoped("jurisdiction", **_TREE),
    _P + "registry_admin_api_roles": district("the roles and what each may do: the same list for every administrator"),
    _P + "registry_admin_api_users": listing("staff"),
    _P + "registry_admin_api_places_import": creates("places within reach; rows beyond it rejected, each"),
    _P + "registry_admin_api_units_import": creates("units within reach; rows beyond it rejected, each"),
    _P + "registry_admin_api_units_list": listing("unit_admin"),
    _P + "registry_admin_api_users_import": creates("accounts and grants within reach, each row checked"),
    _P + "registry_admin_api_user_create": creates("an account in a jurisdiction within reach (checked)"),
    _P + "registry_admin_api_user_detail": scoped("staff"),
    _P + "registry_admin_api_role_grant": scoped("staff"),
    _P + "registry_admin_api_role_revoke": scoped("staff_grant", param="grant_id", path={"user_id": "{staff}"}),
    _P + "registry_admin_api_user_deactivate": scoped("staff"),
    _P + "registry_admin_api_user_reactivate": scoped("staff"),
    _P + "registry_admin_api_user_password_reset": scoped("staff"),
    _P + "registry_admin_api_person_viewers": scoped(
        "person", insider="street1", outsiders=("street2", "worker_a", "worker_b", "unit_staff")
    ),
    _P + "screening_api_risk_area_list": district("risk areas are places elsewhere, the district's list"),
    _P + "screening_api_risk_area_create": district("risk areas, district-wide"),
    _P + "screening_api_risk_area_update": district("risk areas, district-wide"),
    _P + "screening_api_risk_area_end": district("risk areas, district-wide"),
    _P + "screening_api_risk_area_import": district("risk areas, district-wide"),
    _P + "screening_api_protocol_get": district("the district's protocol"),
    _P + "screening_api_protocol_put": district("the district's protocol"),
    _P + "screening_api_settings_put": district("the district's screening settings"),
    _P + "screening_api_checkpoint_list": listing(
        "checkpoint", insider="staff1", outsiders=("staff_b", "street2", "worker_b")
    ),
    _P + "screening_api_shift_list": scoped("checkpoint", insider="street1"),
    _P + "screening_api_shift_create": scoped("checkpoint", insider="street1"),
    _P + "screening_api_checkpoint_close": scoped("checkpoint", insider="street1"),
    _P + "screening_api_checkpoint_reopen": scoped("checkpoint", insider="street1"),
    _P + "screening_api_passage_create": unit("checkpoint"),
    _P + "screening_api_passage_list": listing("passage"),
    _P + "screening_api_pass_request_create": unit("checkpoint"),
    _P + "screening_api_pass_request_list": listing("pass_request", outsiders=("street2", "worker_b", "staff_b")),
    _P + "screening_api_followup_list": listing("followup"),
    _P + "screening_api_followup_detail": scoped("followup"),
    _P + "screening_api_followup_contact": scoped("followup"),
    _P + "screening_api_followup_location": scoped("followup"),
    _P + "screening_api_followup_test": scoped("followup"),
    _P + "screening_api_followup_release": scoped("followup"),
    _P + "screening_api_reconciliation": district("figures per community; its missed cases: followup lines"),
    _P + "screening_api_travel_list": listing("travel_report"),
    _P + "screening_api_travel_create": scoped(
        "person",
        body={
            "person": "{ref}",
            "destination": "沈阳",
            "depart_on": "2026-06-01",
            "return_on": "2026-06-03",
            "reason": "探亲",
            "transport": "自驾",
        },
    ),
    _P + "screening_api_travel_acknowledge": scoped("travel_report"),
    _P + "screening_api_travel_decide": scoped("travel_report"),
    _P + "screening_api_travel_cancel": scoped("travel_report"),
    _P + "screening_api_violation_list": listing("violation"),
    _P + "screening_api_violation_explain": scoped("violation"),
    _P + "screening_api_violation_handle": scoped("violation"),
    _P + "testing_api_person_code": scoped("person"),
    _P + "testing_api_codes_issue": scoped("jurisdiction", body={"jurisdiction_id": "{ref}"}),
    _P + "testing_api_round_create": district("rounds are the district's (testing admin)"),
    _P + "testing_api_round_list": district("rounds are the district's"),
    _P + "testing_api_site_list": listing("site", insider="hq", outsiders=("other_sampler",)),
    _P + "testing_api_collections_bulk": district("scans name their site; a sampler's own sites (collection tests)"),
    _P + "testing_api_tube_close_api": unit("tube"),
    _P + "testing_api_bag_seal": creates("a bag of the sampler's own closed tubes"),
    _P + "testing_api_bag_handover": unit("bag"),
    _P + "testing_api_bag_receive": unit("bag", insider="lab", outsiders=("other_sampler", "worker_b", "street2")),
    _P + "testing_api_results_bulk": creates("the lab's results for tubes it received"),
    _P + "testing_api_results_upload": creates("the lab's results for tubes it received"),
    _P + "testing_api_recall_list": listing("recall", path={"round_id": "{round}"}),
    _P + "testing_api_round_monitoring": district("stage timings of a round, district-wide figures"),
    _P + "testing_api_round_coverage": scoped(
        "jurisdiction", path={"round_id": "{round}"}, query={"jurisdiction": "{ref}"}
    ),
    _P + "testing_api_round_missing": scoped(
        "jurisdiction", path={"round_id": "{round}"}, query={"jurisdiction": "{ref}"}
    ),
    _P + "testing_api_round_pool_sizes": scoped(
        "jurisdiction", path={"round_id": "{round}"}, query={"jurisdiction": "{ref}"}, insider="hq"
    ),
    _P + "testing_api_round_pool_sizes_choose_api": creates(
        "HQ's choice for grids of its plan; grids beyond reach refused (testing/tests/test_pools.py)"
    ),
    _P + "testing_api_recall_retest": scoped("recall", body={"tube_code": "RETEST-AUTHZ"}),
    _P + "containment_api_case_create": scoped("person", body={"person_id": "{ref}", "source": "testing"}),
    _P + "containment_api_case_release": scoped("case"),
    _P + "containment_api_contact_create": scoped("case"),
    _P + "containment_api_case_chain": scoped("case"),
    _P + "containment_api_case_copresence": scoped("case", query={"purpose": "病例流调排查时空伴随"}),
    # A candidate who was not together with the case is a wrong field (400): the case decides the reach.
    _P + "containment_api_case_copresence_confirm": scoped("case", body={"person_id": "{person}"}),
    _P + "containment_api_case_copresence_dismiss": scoped(
        "case", body={"person_id": "{person}", "reason": "不在同一时段"}
    ),
    _P + "containment_api_epicurve_get": scoped("jurisdiction", query={"jurisdiction": "{ref}"}),
    _P + "containment_api_cluster_list": listing("cluster"),
    _P + "containment_api_cluster_create": creates("the cases it names are checked by the service (test_clusters.py)"),
    _P + "containment_api_cluster_suggestion_list": self_("suggestions from the caller's own cases (test_clusters.py)"),
    _P + "containment_api_cluster_detail": scoped("cluster"),
    _P + "containment_api_cluster_case_add": scoped("cluster", body={"case_id": "{case}"}),
    _P + "containment_api_cluster_case_remove": scoped("cluster", path={"case_id": "{case}"}),
    _P + "containment_api_case_list": scoped("jurisdiction", query={"jurisdiction": "{ref}"}, insider="street1"),
    _P + "containment_api_case_detail": scoped("case"),
    _P + "containment_api_case_update": scoped("case"),
    _P + "containment_api_case_source": scoped("case"),
    # A contact is named under its case: the case decides the reach; a contact not of it is a wrong field (400).
    _P + "containment_api_contact_release": scoped("case", path={"contact_id": 999999}),
    _P + "containment_api_contact_hand_over": scoped("case", path={"contact_id": 999999}, body={"to": "x"}),
    _P + "containment_api_contact_protocol": district("the district's protocol for contacts"),
    _P + "containment_api_contact_protocol_update": district("the district's protocol for contacts (HQ)"),
    _P + "containment_api_isolation_sites": district("isolation sites are the district's"),
    _P + "containment_api_transfer_create": scoped("person", insider="hq", body={"person_id": "{ref}"}),
    _P + "containment_api_transfer_list": listing("transfer"),
    _P + "containment_api_transfer_step": scoped("transfer", body={"step": "pick_up"}),
    _P + "containment_api_change_create": scoped("person", insider="street1", body={"person_id": "{ref}"}),
    _P + "containment_api_change_list": listing("status_change"),
    _P + "containment_api_change_create_bulk": creates("each item's person checked like change_create"),
    _P + "containment_api_change_approve": scoped("status_change", insider="hq"),
    _P + "containment_api_change_reject": scoped("status_change", insider="hq"),
    _P + "containment_api_change_revoke": scoped("status_change", insider="hq"),
    _P + "containment_api_change_revoke_reject": scoped("status_change", insider="hq"),
    _P + "containment_api_appeal_create": scoped("status_change"),
    _P + "containment_api_appeal_decide": scoped("appeal"),
    _P + "containment_api_sentinel_create": creates("a clinic's or pharmacy's own report"),
    _P + "containment_api_alert_list": listing("sentinel_alert"),
    _P + "containment_api_alert_handle": scoped("sentinel_alert"),
    _P + "containment_api_inpatient_create": creates("a hospital's own register"),
    _P + "containment_api_inpatient_discharge": unit("inpatient"),
    _P + "containment_api_escort_create": unit("inpatient"),
    _P + "containment_api_status_for_scanner": district("a scanner reads a code shown to it: colour only"),
    _P + "containment_api_status_list": district("scanners' signed list of non-green codes, as keyed hashes"),
    _P + "containment_api_status_list_key": district("the public key the status list is signed with"),
    _P + "containment_api_person_status": scoped("person"),
    _P + "containment_api_venue_code": scoped("venue"),
    _P + "containment_api_venue_scan": district("a venue's scanner, by the code on its poster"),
    _P + "containment_api_venue_visits": scoped(
        "venue", insider="street1", query={"reason": "流调溯源查询", "since": "2026-01-01", "until": "2026-01-02"}
    ),
    _P + "containment_api_person_whereabouts": scoped("person", insider="street1", query={"reason": "流调溯源查询"}),
    _P + "containment_api_zone_create": creates("a zone over places in the caller's reach"),
    _P + "containment_api_zone_list": listing("zone"),
    _P + "containment_api_zone_detail": scoped("zone"),
    _P + "containment_api_zone_approve": scoped("zone", insider="hq"),
    _P + "containment_api_zone_reject": scoped("zone", insider="hq"),
    _P + "containment_api_zone_lift": scoped("zone", insider="street1"),
    _P + "containment_api_zone_lift_reject": scoped("zone", insider="street1"),
    _P + "containment_api_level_list": district("zone levels, district-wide"),
    _P + "containment_api_level_put": district("zone levels, district-wide"),
    _P + "containment_api_drafting_get": district("whether cases draft zones: a district-wide setting"),
    _P + "containment_api_drafting_put": district("whether cases draft zones: district HQ only"),
    _P + "command_api_directive_create": creates("recipients below the issuer (directive tests)"),
    _P + "command_api_task_list": listing("task"),
    _P + "command_api_task_detail": scoped("task"),
    _P + "command_api_task_acknowledge": scoped("task"),
    _P + "command_api_task_complete": scoped("task"),
    _P + "command_api_task_update": scoped("task", body={"text": "进展"}),  # a form (text, attachment)
    _P + "command_api_task_split": scoped("task"),
    _P + "command_api_template_create": district("report templates are the district's"),
    _P + "command_api_template_assign": creates("recipients below the caller (reporting tests)"),
    _P + "command_api_reports_due": self_("the caller's own post's assignments"),
    _P + "command_api_report_create": creates("a report for an assignment of the caller's post"),
    _P + "command_api_report_completeness": district("completeness of a template the caller assigned"),
    _P + "command_api_roster_create": scoped("jurisdiction", insider="street1", body={"jurisdiction_id": "{ref}"}),
    _P + "command_api_duty_board": listing("duty_shift"),
    _P + "command_api_duty_assign": scoped("duty_shift"),
    _P + "command_api_duty_unassign": scoped("duty_shift", path={"assignment_id": 0}),
    _P + "command_api_duty_holidays": district("the holiday templates, the same for everyone"),
    _P + "command_api_duty_check_in": scoped("duty_shift", insider="worker_a"),
    _P + "command_api_duty_check_out": scoped("duty_shift", insider="worker_a"),
    _P + "command_api_duty_log": scoped("duty_shift", insider="worker_a"),
    _P + "command_api_duty_promote": scoped("duty_entry"),
    _P + "command_api_finding_create": scoped(
        "jurisdiction", insider="hq", body={"target_kind": "jurisdiction", "target_id": "{ref}"}
    ),
    _P + "command_api_finding_list": listing("finding"),
    _P + "command_api_outcome_create": scoped("finding"),
    _P + "command_api_outcome_decide": scoped("outcome"),
    _P + "command_api_unit_record": scoped("jurisdiction", insider="hq", query={"jurisdiction_id": "{ref}"}),
    _P + "command_api_incident_levels": district("incident levels, district-wide"),
    _P + "command_api_incident_level_put": district("incident levels, district-wide"),
    _P + "command_api_incident_create": scoped("jurisdiction", insider="street1", body={"jurisdiction_id": "{ref}"}),
    _P + "command_api_incident_list": listing("incident"),
    _P + "command_api_incident_report": scoped("incident"),
    _P + "command_api_responsibility": scoped("task", insider="street1", query={"kind": "task", "id": "{ref}"}),
    _P + "command_api_situation_create": district("the district's daily report (HQ)"),
    _P + "command_api_situation_get": district("the district's daily report (HQ)"),
    _P + "command_api_section_text": district("the district's daily report (HQ)"),
    _P + "command_api_section_versions": district("the district's daily report (HQ)"),
    _P + "command_api_section_approve": district("the district's daily report (HQ)"),
    _P + "command_api_situation_publish": district("the district's daily report (HQ)"),
    _P + "safety_api_accident_create": scoped("enterprise", body={"enterprise_id": "{ref}"}),
    _P + "safety_api_accident_list": listing("accident"),
    _P + "safety_api_accident_get": scoped("accident"),
    _P + "safety_api_accident_report": scoped("accident"),
    _P + "safety_api_enterprise_list": listing("enterprise"),
    _P + "safety_api_enterprise_responsibility": scoped("enterprise"),
    _P + "safety_api_hazard_create": scoped("enterprise", insider="hq", body={"enterprise_id": "{ref}"}),
    _P + "safety_api_hazard_list": listing("hazard"),
    _P + "safety_api_hazard_transition": scoped("hazard"),
    _P + "safety_api_stats_create": scoped("enterprise", body={"enterprise_id": "{ref}"}),
    _P + "safety_api_stats_overview": district("figures by period: counts, no enterprise named"),
    _P + "safety_api_hazard_stats": district("counts by grade, state, street and industry, no names"),
    _P + "safety_api_hazard_stats_xlsx": district("counts by grade, state, street and industry, no names"),
    _P + "safety_api_hazard_overdue_csv": export("hazard", insider="hq", outsiders=("street2",)),
    _P + "safety_api_hazard_overdue": listing("hazard", insider="hq", outsiders=("street2",)),
    _P + "safety_api_profile_put": scoped("enterprise"),
    _P + "safety_api_licence_create": scoped("enterprise", insider="hq"),
    _P + "safety_api_industry_put": district("the industry → department matrix, district-wide"),
    _P + "safety_api_hazard_listed": scoped("hazard", insider="hq"),
    _P + "safety_api_hazard_photo": scoped("hazard", body={"photo": "{png}", "stage": "before"}),
    _P + "safety_api_checklist_list": district("checklists are the district's"),
    _P + "safety_api_checklist_import": district("checklists are the district's"),
    _P + "safety_api_inspection_create": scoped("enterprise", insider="hq", body={"enterprise_id": "{ref}"}),
    _P + "safety_api_inspection_result": scoped("inspection", body={"item_id": 1, "passed": "true"}),
    _P + "safety_api_inspection_sign": scoped("inspection"),
    _P + "safety_api_tip_create": public("the public reports a hazard"),
    _P + "safety_api_tip_list": listing("public_report"),
    _P + "safety_api_tip_verify": scoped("public_report"),
    _P + "safety_api_tip_reward": scoped("public_report"),
    _P + "safety_api_tip_reveal": scoped("public_report"),
    _P + "portal_api_article_create": district("the newsroom writes (a unit role, district-wide)"),
    _P + "portal_api_article_list": listing(
        "article", insider="anon", outsiders=("anon",), insider_kind="article_published"
    ),
    _P + "portal_api_article_get": scoped("article", insider="anon", insider_kind="article_published"),
    _P + "portal_api_article_update": scoped("article"),
    _P + "portal_api_article_submit": scoped("article"),
    _P + "portal_api_article_approve": scoped("article", insider="reviewer"),
    _P + "portal_api_article_reject": scoped("article", insider="reviewer"),
    _P + "portal_api_article_withdraw": scoped("article", insider="reviewer"),
    _P + "portal_api_article_versions": scoped("article"),
    _P + "portal_api_article_import": district("the newsroom imports legacy pages"),
    _P + "portal_api_category_list": public("the portal's category tree"),
    _P + "portal_api_image_upload": district("the newsroom uploads images for articles"),
    _P + "portal_api_integrity_check": district("the newsroom's integrity check"),
    _P + "portal_api_integrity_restore": district("the newsroom's integrity restore"),
    _P + "livelihood_api_supply_list": listing("supply_request"),
    _P + "livelihood_api_supply_move": scoped("supply_request"),
    _P + "livelihood_api_volunteer_list": listing("volunteer"),
    _P + "livelihood_api_volunteer_decide": scoped("volunteer"),
    _P + "livelihood_api_stock_point_list": listing("stock_point"),
    _P + "livelihood_api_stock_point_create": creates("a stock point; the jurisdiction must be in reach (service)"),
    _P + "livelihood_api_stock_point_stock": scoped("stock_point"),
    _P + "livelihood_api_stock_point_movements": scoped("stock_point"),
    _P + "livelihood_api_stock_point_move": scoped("stock_point"),
    _P + "livelihood_api_stock_point_threshold": scoped("stock_point"),
    _P + "livelihood_api_volunteer_shift_list": scoped("volunteer"),
    _P + "livelihood_api_volunteer_shift_assign": scoped("volunteer"),
    _P + "livelihood_api_shift_cancel": scoped("shift"),
    _P + "livelihood_api_shift_check_in": scoped("shift"),
    _P + "livelihood_api_shift_check_out": scoped("shift"),
    _P + "livelihood_api_logistics_pass_apply": public("a carrier applies for a pass (no account)"),
    _P + "livelihood_api_logistics_pass_status": public("an application's state, by its reference and plate (both)"),
    _P + "livelihood_api_logistics_pass_list": district("logistics passes: the transport department and HQ only"),
    _P + "livelihood_api_logistics_pass_check": district("a plate's passes: checkpoint staff and the department"),
    _P + "livelihood_api_logistics_pass_decide": district("logistics passes: the transport department and HQ only"),
    _P + "livelihood_api_logistics_pass_revoke": district("logistics passes: the transport department and HQ only"),
    _P + "livelihood_api_place_check_item_list": district("the district's checklist for key places, no one's data"),
    _P + "livelihood_api_place_check_item_set": district("the checklist: district HQ only (service)"),
    _P + "livelihood_api_key_place_list": listing("key_place"),
    _P + "livelihood_api_key_place_register": creates("a key place; the venue must be in reach (service)"),
    _P + "livelihood_api_key_place_detail": scoped("key_place"),
    _P + "livelihood_api_key_place_inspect": scoped("key_place"),
    _P + "livelihood_api_key_place_order": scoped("key_place", insider="hq"),
    _P + "livelihood_api_place_rectification_close": district("a finding of a key place in reach (service: 404)"),
    _P + "livelihood_api_school_holiday_list": listing("school_holiday"),
    _P + "livelihood_api_school_holiday_create": creates("a grade's plan; the school must be the planner's (service)"),
    _P + "livelihood_api_school_holiday_cancel": scoped("school_holiday", insider="hq"),
    _P + "livelihood_api_delivery_list": listing("delivery"),
    _P + "livelihood_api_delivery_pack": scoped("stock_point", body={"point_id": "{ref}"}),
    _P + "livelihood_api_delivery_dispatch": scoped("delivery"),
    _P + "livelihood_api_supply_request_confirm": scoped("supply_request"),
    _P + "livelihood_api_supply_request_raise": scoped("person", body={"person_id": "{ref}"}),
    _P + "livelihood_api_gathering_list": listing("gathering"),
    _P + "livelihood_api_gathering_register": creates("a gathering; the jurisdiction must be in reach (service)"),
    _P + "livelihood_api_gathering_detail": scoped("gathering"),
    _P + "livelihood_api_gathering_cancel": scoped("gathering"),
    _P + "livelihood_api_gathering_limit_list": district("the district's size limits per zone level, no one's data"),
    _P + "livelihood_api_gathering_limit_set": district("the size limits: district HQ only (service)"),
    _P + "livelihood_api_goods_list": district("the district's list of goods, no one's data"),
    _P + "livelihood_api_goods_create": district("a kind of goods: district HQ only (service)"),
    _P + "livelihood_api_price_create": public("the public reports price gouging"),
    _P + "livelihood_api_price_list": listing("price_report"),
    _P + "livelihood_api_price_decide": scoped("price_report"),
    _P + "livelihood_api_price_report_link": scoped("price_report"),
    _P + "livelihood_api_price_item_list": district("the district's goods watched, with baseline and margin"),
    _P + "livelihood_api_price_item_create": district("goods to watch: district-wide price watchers only"),
    _P + "livelihood_api_price_item_update": district("goods watched: district-wide price watchers only"),
    _P + "livelihood_api_market_list": district("the markets in the price watcher's reach"),
    _P + "livelihood_api_market_create": district("a market to watch: district-wide price watchers only"),
    _P + "livelihood_api_market_update": district("a market watched: district-wide price watchers only"),
    _P + "livelihood_api_price_observation_create": creates("a price seen; the market must be in reach (service)"),
    _P + "livelihood_api_price_observation_list": district("an item's prices at a market in reach (service)"),
    _P + "livelihood_api_price_case_list": district("price cases at the markets in reach; price watchers only"),
    _P + "livelihood_api_price_case_detail": district("a price case at a market in reach; price watchers only"),
    _P + "livelihood_api_price_case_close": district("a price case at a market in reach; price watchers only"),
    _P + "dataprotection_api_periods_get": district("retention periods, district-wide"),
    _P + "dataprotection_api_period_put": district("retention periods, district-wide"),
    _P + "dataprotection_api_daily_counts": district("counts per data class, district-wide"),
}

# URL patterns of the API itself that are not operations.
API_PATTERNS: dict[str, Cov] = {
    "api:openapi-json": public("the OpenAPI document"),
    "api:openapi-view": public("the API's documentation page"),
    "api:api-root": public("the API's root"),
    "api/v1/^.*$": public("any other path under /api/v1/: a JSON 404"),
}
