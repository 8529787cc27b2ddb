from __future__ import annotations

from fangkong.core.audit import audit_record


def test_hq_browses_and_filters_the_trail(district):
    audit_record(actor=district.hq, action="person.reveal", obj=district.person_a, reason="reason-one")
    audit_record(actor=district.worker_b, action="person.reveal", obj=district.person_b, reason="reason-two")
    c = district.client(district.hq)
    page = c.get("/audit/", {"actor": "worker_b"}).content.decode()
    # Reasons with a hyphen: a random CSRF token (letters and digits) can never contain them.
    assert "reason-two" in page and "reason-one" not in page
    page = c.get("/audit/", {"action": "person."}).content.decode()
    assert "reason-one" in page and "reason-two" in page


def test_workers_and_outsiders_cannot_open_the_trail(district):
    for user in (district.worker_a, district.street1, district.unit_staff):
        assert district.client(user).get("/audit/").status_code == 404


def test_anonymous_is_sent_to_login(district):
    from django.test import Client

    r = Client().get("/audit/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_the_trail_shows_actions_and_objects_in_words(district):
    audit_record(actor=district.hq, action="person.reveal", obj=district.person_a, reason="reason-one")
    page = district.client(district.hq).get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "查看证件号码或手机号" in page  # the action's label
    assert "人员 " in page  # the object's kind
    # The stored code stays behind the labelled line, for the auditor who opens the record (and in the filter's value).
    assert ">person.reveal<" not in page
    assert '<details class="raw" data-raw><summary>原始记录</summary><code class="small">person.reveal ' in page


def test_every_action_the_code_records_has_a_label():
    import re
    from pathlib import Path

    from fangkong.core.audit_labels import is_named

    root = Path(__file__).resolve().parents[2]
    literal = re.compile(r"""\baction=["']([a-z_]+(?:\.[a-z_]+)+)["']""")
    unnamed = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "approvals.py":
            continue
        for action in literal.findall(path.read_text(encoding="utf-8")):
            if not is_named(action):
                unnamed.add(f"{action} ({path.relative_to(root)})")
    assert not unnamed, sorted(unnamed)


def test_the_filters_offer_the_kinds_auditors_ask_for_and_keep_the_one_asked(district):
    audit_record(actor=district.hq, action="person.reveal", obj=district.person_a, reason="reason-one")
    c = district.client(district.hq)
    page = c.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for kind in ("registry.person", "registry.jurisdiction", "registry.unit", "containment.zone"):
        assert f'<option value="{kind}"' in page
    # A code named by a family (the daily purge), asked for in the address, stays chosen for the next filtering.
    kept = c.get("/audit/", {"action": "passages.purge"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="passages.purge" selected>' in kept
