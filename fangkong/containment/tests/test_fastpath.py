"""The WSGI fast path answers the status route exactly as the API endpoint does, and passes the rest on."""

from __future__ import annotations

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from fangkong.containment.zones import zone_approve, zone_request
from fangkong.registry.codes import person_code


def call(path: str, token: str | None = None, lang: str = "en", **extra) -> tuple[str, dict, dict]:
    from fangkong.site.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "HTTP_ACCEPT_LANGUAGE": lang,
        "REMOTE_ADDR": "127.0.0.1",
        **extra,
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    seen: dict = {}

    def start(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    # What Django's test client does around a request: the start and end of a request handed to Django would
    # otherwise close the test's database connection (it is inside the test's transaction).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start))  # type: ignore[arg-type]
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    return seen["status"], seen["headers"], json.loads(body) if body.startswith(b"{") else {}


@pytest.fixture
def scanner_token(containment, api_token):
    return api_token(containment.scanner)["HTTP_AUTHORIZATION"].split()[1]


def test_same_reply_as_the_api_endpoint(client, district, containment, scanner_token):
    resident = containment.residents[0]
    code = person_code(actor=district.hq, person_id=resident.pk)
    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    status, headers, fast = call(f"/api/v1/status/{code}", scanner_token)
    assert status == "200 OK" and headers["Cache-Control"] == "no-store"
    api = client.get(
        f"/api/v1/status/{code}", HTTP_AUTHORIZATION=f"Bearer {scanner_token}", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert fast["colour"] == api["colour"] == "red" and fast["action"] == "stop"
    assert fast["reasons"][0]["text"] == api["reasons"][0]["text"] == "Lives in Sealed zone “幸福里”"
    _, _, chinese = call(f"/api/v1/status/{code}", scanner_token, lang="zh-CN,zh;q=0.9")
    assert chinese["reasons"][0]["text"].startswith("居住在") and "封控区" in chinese["reasons"][0]["text"]


def test_refusals(district, containment, scanner_token, api_token):
    code = person_code(actor=district.hq, person_id=district.person_a.pk)
    assert call(f"/api/v1/status/{code}")[0] == "401 Unauthorized"
    assert call(f"/api/v1/status/{code}", "wrong-token")[0] == "401 Unauthorized"
    assert call("/api/v1/status/PAAAAAAAAAAA", scanner_token)[0] == "404 Not Found"
    assert call("/api/v1/status/<script>", scanner_token)[0] == "404 Not Found"
    lab = api_token(district.unit_staff)["HTTP_AUTHORIZATION"].split()[1]
    assert call(f"/api/v1/status/{code}", lab)[0] == "403 Forbidden"


def test_other_routes_go_to_django(district):
    status, headers, _ = call("/login/")
    assert status.startswith("200") and "Content-Security-Policy" in headers


def test_a_forged_host_is_refused_as_django_refuses_it(district, containment, scanner_token):
    code = person_code(actor=district.hq, person_id=containment.residents[0].pk)
    status, _, _ = call(f"/api/v1/status/{code}", scanner_token, HTTP_HOST="evil.example")
    assert status.startswith("400")
    assert call(f"/api/v1/status/{code}", scanner_token, HTTP_HOST="testserver")[0] == "200 OK"


def test_plain_http_goes_to_django_where_production_asks_for_https(settings):
    """Django redirects it (SecurityMiddleware, which reads the setting when the server starts); the fast path
    must not answer it over plain HTTP meanwhile."""
    from fangkong.containment.fastpath import passes_django_checks

    plain = {"HTTP_HOST": "testserver", "wsgi.url_scheme": "http"}
    assert passes_django_checks(plain)
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert not passes_django_checks(plain)
    assert passes_django_checks({**plain, "HTTP_X_FORWARDED_PROTO": "https"})
    assert not passes_django_checks({"HTTP_HOST": "testserver.evil.example", "HTTP_X_FORWARDED_PROTO": "https"})


def test_production_settings_pass_the_deploy_check(tmp_path):
    """`fangkong check --deploy` with the production settings: no warning (HSTS, SSL redirect, secure cookies…)."""
    import base64
    import os
    import secrets
    import subprocess
    import sys

    env = {
        **os.environ,
        "FANGKONG_ENV": "production",
        "FANGKONG_HOME": str(tmp_path),
        "FANGKONG_SECRET_KEY": secrets.token_urlsafe(50),
        "FANGKONG_DATA_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "FANGKONG_STATUS_LIST_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "FANGKONG_ALLOWED_HOSTS": "fangkong.example.gov.cn",
        "FANGKONG_CACHE_URL": "redis://127.0.0.1:6379/1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests set it in this process; a deployment does not
    out = subprocess.run(
        [sys.executable, "-m", "fangkong.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_the_deploy_check_requires_a_shared_cache_in_production(monkeypatch):
    from django.conf import settings

    from fangkong.core.checks import shared_cache

    # Set directly, not through pytest-django's `settings`: that would swap the live cache for the fake one.
    monkeypatch.setattr(settings, "PRODUCTION", True)
    monkeypatch.setattr(settings, "CACHES", {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
    assert [e.id for e in shared_cache(None)] == ["fangkong.E001"]
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    monkeypatch.setattr(settings, "CACHES", redis)
    assert shared_cache(None) == []
