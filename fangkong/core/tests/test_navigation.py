"""The staff's navigation and the links between apps come from what the apps register (core.navigation), so that
no template of a lower app names a higher app's URL: the same entries, in the same order, as each role had when
core's base.html listed them itself."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from django.utils.translation import gettext_lazy

from fangkong.conftest import make_user
from fangkong.core import navigation
from fangkong.core.inbox import notify
from fangkong.registry.models import Unit

ROOT = Path(__file__).resolve().parents[2]  # the fangkong package

# What each persona's navigation holds: the entries each role saw when base.html listed them with {% if can.… %},
# now in their modules' menus (a group of one is its entry's link).
HQ = [
    "Home",
    "Command hall",
    (
        "Command",
        [
            "My tasks",
            "Directives",
            "Report completeness",
            "Daily situation",
            "Reports to file",
            "Report templates",
            "Duty",
            "Duty roster",
            "Incidents",
            "Supervision",
        ],
    ),
    "Inbox",
    ("Screening", ["Checkpoint", "Checkpoint shifts", "Cases", "Nobody missed", "Travel reports"]),
    ("Testing", ["Testing rounds", "Recalls"]),
    (
        "Containment",
        [
            "Zones",
            "Cases and contacts",
            "Clusters",
            "Epidemic curve",
            "Sentinel alerts",
            "Transfers",
            "Tracing",
            "Status changes",
        ],
    ),
    "Hazards",
    (
        "Livelihood",
        [
            "Supplies and volunteers",
            "Deliveries",
            "Stock points",
            "Key places",
            "Gatherings",
            "Logistics passes",
            "School holidays",
            "Price monitoring",
        ],
    ),
    ("Basic data", ["Jurisdictions", "People", "Import", "Duplicates"]),
    ("Administration", ["Jurisdiction tree", "Units", "Places", "Staff accounts", "Audit", "Retention"]),
]
STREET = [
    "Home",
    "Command hall",
    (
        "Command",
        [
            "My tasks",
            "Directives",
            "Report completeness",
            "Daily situation",
            "Reports to file",
            "Report templates",
            "Duty",
            "Duty roster",
            "Incidents",
        ],
    ),
    "Inbox",
    ("Screening", ["Checkpoint shifts", "Cases", "Nobody missed", "Travel reports"]),
    "Recalls",
    (
        "Containment",
        [
            "Zones",
            "Cases and contacts",
            "Clusters",
            "Epidemic curve",
            "Sentinel alerts",
            "Transfers",
            "Tracing",
            "Status changes",
        ],
    ),
    "Hazards",
    ("Livelihood", ["Supplies and volunteers", "Deliveries", "Stock points", "Key places", "Gatherings"]),
    ("Basic data", ["Jurisdictions", "People", "Import", "Duplicates"]),
    ("Administration", ["Jurisdiction tree", "Units", "Places", "Staff accounts"]),
]
WORKER = [
    "Home",
    "Command hall",
    ("Command", ["My tasks", "Reports to file", "Duty", "Incidents"]),
    "Inbox",
    ("Screening", ["Cases", "Travel reports"]),
    "Recalls",
    ("Containment", ["Zones", "Epidemic curve", "Sentinel alerts", "Status changes"]),
    ("Livelihood", ["Supplies and volunteers", "Deliveries", "Stock points", "Key places", "Gatherings"]),
    ("Basic data", ["Jurisdictions", "People", "Import"]),
]
UNIT_ROLES = {
    "lab_staff": ["Home", "Inbox", "Laboratory"],
    "checkpoint_staff": ["Home", "Inbox", "Checkpoint"],
    "sampler": ["Home", "Inbox", "Testing rounds"],
    "clinic_staff": [
        "Home",
        ("Command", ["My tasks", "Reports to file", "Duty", "Incidents"]),
        "Inbox",
        ("Containment", ["Sentinel report", "Inpatients"]),
    ],
    "discipline_inspector": ["Home", "Supervision", "Inbox"],
    "portal_editor": ["Home", "Inbox", "Portal articles"],
    "venue_staff": ["Home", "Inbox", "Venue door"],
}


def _flat(menu: list) -> list[str]:
    return [x for part in menu for x in ([part] if isinstance(part, str) else part[1])]


URLS = {
    "Home": "/",
    "Command hall": "/hall/",
    "My tasks": "/command/",
    "Directives": "/command/directives/",
    "Report completeness": "/command/reports/overview/",
    "Daily situation": "/command/situation/",
    "Reports to file": "/command/reports/",
    "Duty": "/command/duty/",
    "Duty roster": "/command/duty/roster/",
    "Report templates": "/command/reports/templates/",
    "Incidents": "/command/incidents/",
    "Inbox": "/inbox/",
    "Jurisdictions": "/registry/",
    "People": "/people/",
    "Import": "/people/import/",
    "Duplicates": "/people/duplicates/",
    "Jurisdiction tree": "/admin/tree/",
    "Units": "/admin/units/",
    "Places": "/admin/places/",
    "Staff accounts": "/admin/staff/",
    "Checkpoint": "/screening/checkpoints/",
    "Checkpoint shifts": "/screening/shifts/",
    "Cases": "/screening/followups/",
    "Nobody missed": "/screening/reconciliation/",
    "Travel reports": "/screening/travel/",
    "Testing rounds": "/testing/",
    "Laboratory": "/testing/lab/",
    "Recalls": "/testing/recalls/",
    "Zones": "/containment/zones/",
    "Cases and contacts": "/containment/cases/",
    "Clusters": "/containment/clusters/",
    "Epidemic curve": "/containment/epicurve/",
    "Sentinel alerts": "/containment/alerts/",
    "Transfers": "/containment/transfers/",
    "Sentinel report": "/containment/sentinel/",
    "Inpatients": "/containment/inpatients/",
    "Hazards": "/safety/",
    "Supplies and volunteers": "/livelihood/",
    "Stock points": "/livelihood/stock/",
    "Deliveries": "/livelihood/deliveries/",
    "Gatherings": "/livelihood/gatherings/",
    "Key places": "/livelihood/places/",
    "Logistics passes": "/livelihood/logistics/",
    "School holidays": "/livelihood/schools/",
    "Price monitoring": "/livelihood/prices/",
    "Portal articles": "/news/manage/",
    "Supervision": "/command/supervision/",
    "Tracing": "/containment/tracing/",
    "Status changes": "/containment/changes/",
    "Audit": "/audit/",
    "Retention": "/dataprotection/retention/",
}
_NAV = re.compile(r'<header class="top">.*?<nav id="site-nav" class="site-nav" aria-label="[^"]*">(.*?)</nav>', re.S)
_LINK = re.compile(r'<a href="([^"]*)"(?: aria-current="page")?>([^<]*)(?: <span class="badge">(\d+)</span>)?</a>')
_PART = re.compile(
    r'<details class="navgroup" data-group="[^"]*"><summary>([^<]*)(?: <span class="badge">\d+</span>)?</summary>'
    r"(.*?)</details>|(<a href=.*?</a>)",
    re.S,
)


def _nav(client: Client, path: str = "/") -> list[tuple[str, str, str]]:
    """(label, URL, badge) of each entry of the main navigation of the page at `path`."""
    page = client.get(path)
    assert page.status_code == 200
    found = _NAV.search(page.content.decode())
    assert found, "the page has no main navigation"
    return [(label.strip(), url, badge) for url, label, badge in _LINK.findall(found.group(1))]


def _labels(client: Client, path: str = "/") -> list[str]:
    return [label for label, _url, _badge in _nav(client, path)]


def _menu(client: Client, path: str = "/") -> list:
    """The navigation's shape: an entry standing alone is its label; a group is (its label, [its entries])."""
    found = _NAV.search(client.get(path).content.decode())
    assert found
    out: list = []
    for group, inner, link in _PART.findall(found.group(1)):
        if link:
            alone = _LINK.search(link)
            assert alone, link
            out.append(alone.group(2).strip())
        else:
            out.append((group.strip(), [label.strip() for _u, label, _b in _LINK.findall(inner)]))
    return out


def test_each_persona_sees_its_entries_in_its_modules_menus(district):
    assert _menu(district.client(district.hq)) == HQ
    assert _menu(district.client(district.street1)) == STREET
    assert _menu(district.client(district.worker_a)) == WORKER
    assert _labels(district.client(district.worker_a)) == _flat(WORKER)
    lab = Unit.objects.get(code="LAB1")
    for role, expected in UNIT_ROLES.items():
        user = make_user(f"nav_{role}", role, unit=lab)
        assert _menu(district.client(user)) == expected, role


def test_a_phone_sees_a_menu_button_and_few_words(district):
    """HQ holds thirty pages: twelve words in the bar; the button folds them on a phone (site.js)."""
    html = district.client(district.hq).get("/").content.decode()
    assert 'class="navtoggle link" aria-expanded="false" aria-controls="site-nav"' in html
    assert len(HQ) <= 12 < len(_flat(HQ))


def test_the_page_open_is_marked_in_the_navigation(district):
    html = district.client(district.hq).get("/people/").content.decode()
    assert '<a href="/people/" aria-current="page">' in html
    assert html.count('aria-current="page"') == 1


def test_entries_lead_where_they_led_and_read_alike_on_every_page(district):
    client = district.client(district.hq)
    entries = _nav(client)
    assert [(label, url) for label, url, _b in entries] == [(label, URLS[label]) for label in _flat(HQ)]
    # Another app's page (base.html, whoever extends it) shows the very same navigation.
    assert _nav(client, "/people/") == entries
    assert _nav(client, "/inbox/") == entries


def test_the_inbox_entry_counts_the_unread(district):
    client = district.client(district.worker_a)
    assert ("Inbox", "/inbox/", "") in _nav(client)
    notify([district.worker_a], title=gettext_lazy("会议通知"))
    notify([district.worker_a], title=gettext_lazy("防控要求"))
    assert ("Inbox", "/inbox/", "2") in _nav(client)
    client.post("/inbox/")  # mark all read
    assert ("Inbox", "/inbox/", "") in _nav(client)


def test_labels_are_translated_for_the_reader(district):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(district.worker_a)
    labels = _labels(client)
    assert "我的任务" in labels and "消息" in labels and "My tasks" not in labels


def test_the_sign_in_page_offers_residents_their_pages(client):
    html = re.sub(r"\s+", " ", client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert 'Residents: <a href="/news/">News and notices</a> · <a href="/me/">My services</a>' in html
    assert 'id="site-nav"' not in html  # no staff navigation for a visitor


def test_without_the_app_that_registers_it_an_entry_is_gone(district, monkeypatch):
    kept = {key: e for key, e in navigation._entries.items() if not e.url_name.startswith("command:")}
    monkeypatch.setattr(navigation, "_entries", kept)
    assert _labels(district.client(district.hq)) == [x for x in _flat(HQ) if not URLS[x].startswith("/command/")]


def test_links_answer_only_when_an_app_registered_them(district, monkeypatch):
    monkeypatch.setattr(navigation, "_links", {})
    navigation.register_link("thing", lambda obj: f"/things/{obj}/", visible=navigation.any_cap("registry.view"))
    assert navigation.link_for("thing", 7) == "/things/7/"  # no reader: a message for several people
    assert navigation.link_for("thing", 7, user=district.hq) == "/things/7/"
    assert navigation.link_for("thing", 7, user=district.unit_staff) == ""  # not for this reader
    assert navigation.link_for("nothing", 7, user=district.hq) == ""  # nobody answers


# Templates name only the URLs of their own app or of an app below it (the layers of docs/architecture.md, as
# pyproject.toml gives them to import-linter); what a lower app shows of a higher one comes through core.navigation.
_URL_TAG = re.compile(r"""\{%\s*url\s+['"]([^'"]+)['"]""")


def _layers() -> dict[str, int]:
    config = tomllib.loads((ROOT.parent / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in config if c["type"] == "layers")
    return {
        app.strip().removeprefix("fangkong."): len(layers) - i
        for i, line in enumerate(layers)
        for app in line.split("|")
    }


def _owners() -> dict[str, str]:
    """Each URL name (with its namespace) and the app whose view answers it."""
    owners: dict[str, str] = {}

    def walk(resolver, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif pattern.name:
                view = getattr(pattern.callback, "view_class", pattern.callback)
                parts = view.__module__.split(".")
                owners.setdefault(namespace + pattern.name, parts[1] if parts[0] == "fangkong" else parts[0])

    walk(get_resolver(), "")
    return owners


def _url_names(app: str) -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(ROOT)), name)
        for path in sorted((ROOT / app / "templates").rglob("*.html"))
        for name in _URL_TAG.findall(path.read_text())
    ]


def test_core_templates_name_no_other_apps_url():
    owners = _owners()
    found = _url_names("core")
    assert len(found) >= 4  # the walk reads core's templates (logout, password_change, set_language, audit …)
    foreign = [
        f"{where}: {name} ({owners.get(name, '?')})"
        for where, name in found
        if owners.get(name) not in ("core", "django")  # django: set_language, logout
    ]
    assert not foreign, "core's templates name other apps' URLs (register with core.navigation):\n" + "\n".join(foreign)


@pytest.mark.parametrize("app", sorted(_layers()))
def test_no_template_names_the_url_of_an_app_above_or_beside_it(app):
    layers, owners = _layers(), _owners()
    wrong = [
        f"{where}: {name} ({owner})"
        for where, name in _url_names(app)
        if (owner := owners.get(name, "?")) != app and owner != "django" and layers.get(owner, 99) >= layers[app]
    ]
    assert not wrong, f"{app}'s templates name the URLs of apps not below it (use core.navigation):\n" + "\n".join(
        wrong
    )
