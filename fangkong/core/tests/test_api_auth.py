from __future__ import annotations

from datetime import timedelta

from fangkong.core import clock


def test_token_for_good_credentials(district, client):
    r = client.post(
        "/api/v1/auth/token", {"username": "hq", "password": "test-password-123"}, content_type="application/json"
    )
    assert r.status_code == 200
    token = r.json()["token"]
    assert len(token) > 30
    from fangkong.core.models import ApiToken, AuditEvent

    assert not ApiToken.objects.filter(digest=token).exists()  # only a digest is stored
    assert AuditEvent.objects.filter(action="auth.token", actor_name="hq").count() == 1


def test_wrong_password_is_401(district, client):
    r = client.post("/api/v1/auth/token", {"username": "hq", "password": "nope"}, content_type="application/json")
    assert r.status_code == 401
    assert "detail" in r.json()


def test_missing_field_is_named(district, client):
    r = client.post("/api/v1/auth/token", {"username": "hq"}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "password"


def test_calls_without_or_with_a_bad_token_are_401(district, client):
    assert client.get("/api/v1/people").status_code == 401
    assert client.get("/api/v1/people", HTTP_AUTHORIZATION="Bearer forged").status_code == 401


def test_token_expires(district, client, api_token):
    headers = api_token(district.hq)
    assert client.get("/api/v1/people", **headers).status_code == 200
    with clock.advanced(timedelta(hours=13)):
        assert client.get("/api/v1/people", **headers).status_code == 401


def test_openapi_and_docs_are_served(client):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "fangkong API"
    assert client.get("/api/v1/docs").status_code == 200
