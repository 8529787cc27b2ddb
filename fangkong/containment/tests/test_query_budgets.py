"""Query budgets of the status scan (GET /api/v1/status/{code}), through the API endpoint and through the WSGI
fast path that answers it in production (containment/fastpath.py). A budget is what it took when set, plus a
little; the comment says what it was (SQLite; on PostgreSQL the look-up is a server-side prepared statement on
psycopg's own cursor (scanning._select_prepared), which Django does not count: 0 and 7).
Each is for a scan after the scanner's first (its token read once and memoised), as at a door all day."""

from __future__ import annotations

import json

import pytest

from fangkong.containment.fastpath import answer
from fangkong.containment.zones import zone_approve, zone_request
from fangkong.registry.codes import person_code


@pytest.fixture
def scanner(district, containment, client, api_token):
    """scanner.api(code) / scanner.fast(code) → (status code, reply), as the checkpoint's scanner."""
    headers = {**api_token(containment.scanner), "HTTP_ACCEPT_LANGUAGE": "en"}
    token = headers["HTTP_AUTHORIZATION"].split()[1]

    class Scanner:
        def api(self, code: str) -> tuple[int, dict]:
            r = client.get(f"/api/v1/status/{code}", **headers)
            return r.status_code, r.json()

        def fast(self, code: str) -> tuple[int, dict]:
            seen: dict = {}
            environ = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": f"/api/v1/status/{code}",
                "HTTP_AUTHORIZATION": f"Bearer {token}",
                "HTTP_ACCEPT_LANGUAGE": "en",
            }
            body = b"".join(answer(environ, lambda status, _headers: seen.update(status=status)))
            return int(seen["status"].split()[0]), json.loads(body)

    s = Scanner()
    s.api(person_code(actor=district.hq, person_id=district.person_b.pk))  # the device's first scan
    return s


@pytest.fixture
def codes(district, containment):
    """The compound's residents sealed in (red), and the codes of its three residents and of someone outside."""
    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    people = [*containment.residents, containment.outsider]
    return [person_code(actor=district.hq, person_id=p.pk) for p in people]


@pytest.mark.parametrize("route", ["api", "fast"])
def test_a_scan_of_a_status_kept_current(scanner, codes, django_assert_max_num_queries, route):
    # The zone's approval wrote its residents' statuses: a scan reads one row, in one statement.
    with django_assert_max_num_queries(2):  # 1
        status, reply = getattr(scanner, route)(codes[0])
    assert (status, reply["colour"], reply["action"]) == (200, "red", "stop")


@pytest.mark.parametrize("route", ["api", "fast"])
def test_a_scan_that_derives_the_status(scanner, codes, django_assert_max_num_queries, route):
    # Nobody wrote the outsider's status yet: the scan derives it from every source once and keeps it.
    with django_assert_max_num_queries(13):  # 11
        status, reply = getattr(scanner, route)(codes[3])
    assert (status, reply["colour"]) == (200, "green")
    with django_assert_max_num_queries(2):  # 1: kept
        assert getattr(scanner, route)(codes[3])[1]["colour"] == "green"
