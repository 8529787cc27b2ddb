"""The WSGI fast path answers the status route exactly as the API endpoint does, and passes the rest on."""

from __future__ import annotations

import io
import json

import pytest

from fangkong.containment.zones import zone_approve, zone_request
from fangkong.testing.codes import person_code


def call(path: str, token: str | None = None, lang: str = "en") -> tuple[str, dict, dict]:
    from fangkong.wsgi import application

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
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    seen: dict = {}

    def start(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(application(environ, start))  # type: ignore[arg-type]
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
    assert fast["reasons"][0]["text"] == api["reasons"][0]["text"] == "Lives in 封控区 “幸福里”"
    _, _, chinese = call(f"/api/v1/status/{code}", scanner_token, lang="zh-CN,zh;q=0.9")
    assert chinese["reasons"][0]["text"].startswith("居住在")


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
