"""What people see: no raw codes, enum values or English in the Chinese pages and exports of the demo, for every
role; no Chinese enum labels in the English ones (issue 18)."""

from __future__ import annotations

import collections
import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from fangkong.registry.seeding import DEMO_NAMES
from fangkong.site.demo import seed_demo

from .visible import Rules, shape, walk

ROLES = sorted(DEMO_NAMES)

# What the walk finds that is not a label left untranslated, by page, each with its reason. The walk fails on
# anything else, and on an entry here that is gone: the list only shrinks.
KNOWN_ZH: dict[str, set[str]] = {}
KNOWN_EN = {
    # The roster template's headers are the district's sheet format (the import reads English names too).
    "/people/import/template.xlsx": {"社区", "网格", "小区", "楼栋", "户"},
}


def _unknown(findings, known: dict[str, set[str]]) -> tuple[list, set]:
    """The findings not on the known list, and the known entries no longer found."""
    found = {(shape(f.url.split(" ", 1)[1]), f.token) for f in findings}
    new = [f for f in findings if f.token not in known.get(shape(f.url.split(" ", 1)[1]), set())]
    gone = {(page, token) for page, tokens in known.items() for token in tokens} - found
    return new, gone


@pytest.fixture
def demo(db):
    # As `fangkong seed-demo` runs: in the district's language (the suite's other tests run services in English).
    with translation.override(settings.LANGUAGE_CODE):
        seed_demo(people=200)


def test_chinese_pages_show_no_raw_codes(demo):
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    rules = Rules(language="zh-hans", allowed=usernames)
    findings = []
    pages = 0
    for username in ROLES:
        with translation.override(settings.LANGUAGE_CODE):
            client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
            client.force_login(get_user_model().objects.get(username=username))
            result = walk(client, ["/"], rules, who=username, budget=int(os.environ.get("WALK_BUDGET", "150")))
            findings += result.findings
            pages += result.pages + result.exports
    by_token = collections.Counter(f.token for f in findings)
    if os.environ.get("WALK_DUMP"):
        with open(os.environ["WALK_DUMP"], "w") as out:
            out.write(f"pages {pages}\n")
            for token, n in by_token.most_common():
                out.write(f"{n:4} {token}\n")
            for f in findings:
                out.write(f"{f}\n")
    new, gone = _unknown(findings, KNOWN_ZH)
    assert not new, f"{len(new)} raw codes on {pages} pages:\n" + "\n".join(map(str, new[:60]))
    assert not gone, f"fixed, take them off KNOWN_ZH: {sorted(gone)}"
    # What the demo and the walk recorded, dynamic codes included (hazard.ordered, passages.purge …), is named.
    from fangkong.core.audit_labels import is_named
    from fangkong.core.models import AuditEvent

    unnamed = {a for a in AuditEvent.objects.values_list("action", flat=True).distinct() if not is_named(a)}
    assert not unnamed, sorted(unnamed)


def test_a_residents_pages_show_no_raw_codes(demo):
    """The resident's side, for one who lives in the sealed compound (red, with reasons, supplies to ask for)."""
    from fangkong.conftest import sign_in_resident
    from fangkong.containment.models import PersonStatus
    from fangkong.core import pii
    from fangkong.registry.models import Person

    red = PersonStatus.objects.filter(colour="red").values_list("person_id", flat=True)
    person = Person.objects.filter(pk__in=list(red), phone_cipher__isnull=False).order_by("pk").first()
    assert person is not None
    rules = Rules(language="zh-hans")
    with translation.override(settings.LANGUAGE_CODE):
        phone = pii.decrypt(bytes(person.phone_cipher))
        result = walk(sign_in_resident(phone, language="zh-hans"), ["/me/"], rules, who="resident", budget=40)
    assert result.pages >= 5, result.visited  # status, access log, trips, supplies, volunteering …
    assert not result.findings, "\n".join(map(str, result.findings[:40]))


def test_english_pages_show_no_chinese_labels(demo):
    rules = Rules(language="en")
    findings = []
    for username in ("hq_admin", "grid_worker_a", "checkpoint_staff", "safety_regulator", "sampler"):
        with translation.override("en"):
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            client.force_login(get_user_model().objects.get(username=username))
            findings += walk(client, ["/"], rules, who=username, budget=80).findings
    if os.environ.get("WALK_DUMP"):
        with open(os.environ["WALK_DUMP"] + ".en", "w") as out:
            out.write("\n".join(map(str, findings)))
    new, gone = _unknown(findings, KNOWN_EN)
    assert not new, f"{len(new)} Chinese labels:\n" + "\n".join(map(str, new[:60]))
    assert not gone, f"fixed, take them off KNOWN_EN: {sorted(gone)}"
