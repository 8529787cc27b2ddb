"""Query budgets of passage registration (POST /api/v1/checkpoints/{id}/passages): what a checkpoint's scanner
costs the database per traveller. A budget is what it took when set, plus a little; the comment says what it was
(SQLite, then PostgreSQL where they differ). The device's token is read once and memoised (core.api), so each
budget is for a call after the device's first, as at a checkpoint all day."""

from __future__ import annotations

import json

import pytest

from fangkong.conftest import make_id_number
from fangkong.core import pii


@pytest.fixture
def register(district, screening, client, api_token):
    headers = {**api_token(screening.staff1), "HTTP_ACCEPT_LANGUAGE": "en"}
    keys = iter(range(1, 1000))

    def post(**body):
        r = client.post(
            f"/api/v1/checkpoints/{screening.cp1.pk}/passages",
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"budget-{next(keys)}",
            **headers,
        )
        assert r.status_code == 201, r.content
        return r.json()

    post(**_arrival(district, origin="沈阳市和平区"))  # the device's first call: its token read and memoised
    return post


def _arrival(district, **kw) -> dict:
    return {
        "direction": "in",
        "document_number": make_id_number(),
        "name": "来客",
        "origin": "上海市浦东新区",
        "destination_community": district.a.pk,
        "temperature": 36.5,
        "visited": [],
        **kw,
    }


def test_a_traveller_from_a_high_risk_area(district, register, django_assert_max_num_queries):
    # New to the register; the arrival opens a closed-loop follow-up (and announces it: their status expires).
    with django_assert_max_num_queries(20):  # 18 with the hall's counts (arrivals, cases opened) and its alert
        reply = register(**_arrival(district))
    assert reply["followup_id"] and reply["instruction"] == "central_isolation"


def test_a_traveller_through_several_areas(district, register, django_assert_max_num_queries):
    visited = ["吉林省长春市", "北京市", "天津市", "大连市", "上海市浦东新区"]
    with django_assert_max_num_queries(20):  # 18, as with none: the areas are matched in memory
        register(**_arrival(district, origin="沈阳市和平区", visited=visited))


def test_a_resident_of_the_register_returning(district, register, django_assert_max_num_queries):
    number = pii.decrypt(district.person_a.doc_cipher)
    with django_assert_max_num_queries(28):  # 26 with the hall's counts and alert; fewer on PostgreSQL
        register(**_arrival(district, document_number=number, name="李四"))


def test_a_resident_leaving_unreported(district, register, django_assert_max_num_queries):
    number = pii.decrypt(district.person_b.doc_cipher)
    with django_assert_max_num_queries(24):  # 22; 18 on PostgreSQL (a violation for their community)
        register(direction="out", document_number=number, name="王五")
