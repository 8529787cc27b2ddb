"""Pages given a parameter that does not parse answer with a message or ignore it, never with a 500; Django's own
error pages are ours (translated, no traceback when DEBUG is off)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from fangkong.command import supervision
from fangkong.core.params import param_day, param_id, param_ids, param_int, param_moment
from fangkong.registry.models import Unit
from fangkong.site.demo import seed_demo

BIG = str(2**70)


@pytest.fixture
def demo(db):
    seed_demo(people=50)


def _client(username: str, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_supervision_lists_a_finding_about_a_unit(demo):
    hq = get_user_model().objects.get(username="hq_admin")
    unit = Unit.objects.filter(kind=Unit.Kind.CHECKPOINT).first()
    supervision.finding_record(actor=hq, target_kind="unit", target_id=unit.pk, text="Gate unmanned at 03:00")
    for username in ("hq_admin", "discipline_inspector"):
        r = _client(username).get("/command/supervision/")
        assert r.status_code == 200 and unit.name in r.content.decode()
    for value in ("abc", BIG, "-1", "²"):
        assert _client("hq_admin").get(f"/command/supervision/?unit={value}").status_code == 200


def test_the_chain_page_without_or_with_a_bad_id(demo):
    client = _client("hq_admin")
    bare = client.get("/command/chain/")  # nothing named: a form to name what to trace
    assert bare.status_code == 200 and 'name="kind"' in bare.content.decode()
    for value in ("abc", BIG, "0", "-1"):
        assert client.get(f"/command/chain/?kind=task&id={value}").status_code == 400
    unit = Unit.objects.filter(kind=Unit.Kind.CHECKPOINT).first()
    r = client.get(f"/command/chain/?kind=bogus&id={unit.pk}")
    assert r.status_code == 400 and "A task, a zone, a checkpoint or an enterprise." in r.content.decode()
    assert client.get(f"/command/chain/?kind=checkpoint&id={unit.pk}").status_code == 200


@pytest.mark.parametrize("url", ["/audit/", "/screening/reconciliation/", "/command/reports/overview/"])
@pytest.mark.parametrize("value", ["2026-13-45", "abc", "0001-01-01", "9999-12-31", "2026-02-30T25:00"])
def test_an_impossible_date_is_ignored(demo, url, value):
    r = _client("hq_admin").get(url, {"since": value, "until": value})
    assert r.status_code == 200, r.content[:300]


def test_a_site_page_with_a_bad_round(demo):
    from fangkong.testing.models import Site

    site = Site.objects.first()
    client = _client("sampler")
    for value in ("abc", BIG, "-1"):
        assert client.get(f"/testing/sites/{site.pk}/?round={value}").status_code == 200
        assert client.post(f"/testing/sites/{site.pk}/", {"round": value, "person": "x"}).status_code in (200, 400)


@pytest.mark.parametrize("page", ["9223372036854775807", BIG, "-1", "abc", "1e3"])
def test_any_page_number_is_a_page(demo, page):
    assert _client("hq_admin").get(f"/people/?page={page}").status_code == 200


@pytest.mark.parametrize("url", ["/people/0/", f"/people/{BIG}/", "/people/9223372036854775807/", "/no-such-page/"])
def test_not_found_is_our_page(demo, settings, url):
    settings.DEBUG = False
    r = _client("hq_admin", language="zh-hans").get(url)
    assert r.status_code == 404
    text = r.content.decode()
    assert '<html lang="zh-hans">' in text and 'href="/"' in text  # ours, in the visitor's language, with a way home


def test_a_server_error_is_our_page_without_a_traceback(demo, settings, monkeypatch):
    from fangkong.core import views

    settings.DEBUG = False

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "audit_events", broken)
    client = _client("hq_admin", language="zh-hans")
    client.raise_request_exception = False
    r = client.get("/audit/")
    assert r.status_code == 500
    text = r.content.decode()
    assert '<html lang="zh-hans">' in text and "secret internals" not in text and "Traceback" not in text


def test_params_read_what_parses_and_nothing_else():
    q = {"a": "12", "b": "abc", "c": BIG, "d": "-3", "e": "²", "f": " 7 ", "g": "2026-13-45", "h": "2026-05-01"}
    assert [param_id(q, k) for k in "abcdef"] == [12, None, None, None, None, 7]
    assert param_int(q, "d") == -3 and param_int(q, "c", 5) == 5 and param_int(q, "missing", 1) == 1
    assert param_day(q, "g") is None and param_day(q, "h").isoformat() == "2026-05-01"
    assert param_moment(q, "g") is None and param_moment(q, "h", end=True).hour == 23
    assert param_day({"x": "0001-01-01"}, "x") is None and param_moment({"x": "9999-12-31"}, "x") is None

    from django.http import QueryDict

    assert param_ids(QueryDict("p=1&p=abc&p=3&p=" + BIG), "p") == [1, 3]


def test_the_demo_shows_its_own_error_pages_not_djangos_debug_page():
    # `python3 dev.py demo` runs without FANGKONG_DEBUG: a missing page is the district's 404 in its language.
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "FANGKONG_DEBUG"}
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='fangkong.settings'; django.setup(); "
    code += "from django.conf import settings; print(settings.DEBUG)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_missing_page_is_the_districts_404_in_chinese(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
