"""Checkpoint staff hold a document, not the register: nothing they are answered — a registration's reply, the
register page, the number check as they type, their passage list and export — may say whether a number is
registered, or echo the register's name (issue 14). They read back the name they typed, masked; the destination
community, whose arrival it is, reads the register's."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from fangkong.conftest import make_id_number
from fangkong.containment.cases import case_confirm
from fangkong.core import pii
from fangkong.core.actors import System
from fangkong.registry.models import Person
from fangkong.screening.models import Passage, Violation


def _number(person) -> str:
    return pii.decrypt(person.doc_cipher)


def _post(client, headers, checkpoint, key, **body):
    return client.post(
        f"/api/v1/checkpoints/{checkpoint.pk}/passages",
        json.dumps({"name": "张三", **body}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


def _without_ids(reply: dict) -> dict:
    """The reply less the new rows' ids and the masked number typed, which differ between any two passages."""
    person = {k: v for k, v in reply["person"].items() if k != "document_number"}
    return {**{k: v for k, v in reply.items() if k not in ("id", "followup_id")}, "person": person}


@pytest.mark.parametrize(
    "body",
    [
        {"direction": "in", "origin": "辽宁省盘锦市"},  # no risk
        {"direction": "in", "origin": "上海市浦东新区"},  # a risk arrival: a case either way
        {"direction": "out"},  # person B is a resident with no travel report: a violation, not for staff to know
    ],
    ids=["no-risk", "risk", "exit"],
)
def test_a_registered_number_and_an_unknown_one_get_the_same_reply(client, district, screening, api_token, body):
    staff = api_token(screening.staff1)
    destination = {"destination_community": district.b.pk} if body["direction"] == "in" else {}
    known = _post(client, staff, screening.cp1, "k1", document_number=_number(district.person_b), **body, **destination)
    unknown = _post(client, staff, screening.cp1, "k2", document_number=make_id_number(), **body, **destination)
    assert (known.status_code, unknown.status_code) == (201, 201), known.content
    k, u = known.json(), unknown.json()
    assert _without_ids(k) == _without_ids(u)
    assert k["person"] == {"id": None, "name": "张*", "document_number": pii.mask_document(_number(district.person_b))}
    assert "王五" not in known.content.decode()
    assert (k["followup_id"] is None) == (u["followup_id"] is None) == (body.get("origin") != "上海市浦东新区")
    if body["direction"] == "out":
        assert Violation.objects.get().person == district.person_b and k["violation_id"] is None
    # Nor does the page the staff register on (person A: B is now in a closed loop, red, whatever the number).
    page = district.client(screening.staff1)
    form = {k: str(v) for k, v in {**body, **destination}.items()}
    shown = [
        page.post(
            f"/screening/checkpoints/{screening.cp1.pk}/",
            {"key": key, "name": "张三", "document_number": number, **form},
        ).content.decode()
        for key, number in (("p1", _number(district.person_a)), ("p2", make_id_number()))
    ]
    results = [re.search(r'<section class="card instruction.*?</section>', s, re.S).group(0) for s in shown]
    assert results[0] == results[1] and "张*" in results[0] and "李四" not in shown[0]


def test_staff_read_the_name_they_typed_the_community_the_registers(client, district, screening, api_token):
    staff = api_token(screening.staff1)
    r = _post(
        client,
        staff,
        screening.cp1,
        "n1",
        direction="in",
        document_number=_number(district.person_a),
        name="随便写",
        destination_community=district.a.pk,
    )
    assert r.status_code == 201 and r.json()["person"]["name"] == "随**"
    assert Passage.objects.get().name == "随便写" and Person.objects.get(pk=district.person_a.pk).name == "李四"
    listed = client.get("/api/v1/passages", **staff).json()["items"]
    assert [(p["person"]["name"], p["person"]["id"]) for p in listed] == [("随**", None)]
    page = district.client(screening.staff1).get("/screening/passages/").content.decode()
    assert "随**" in page and "李" not in page
    export = district.client(screening.staff1).get("/screening/passages/", {"format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content), read_only=True).worksheets[0].values)
    assert rows[1][3] == "随**" and "李" not in str(rows)
    # Community A, where the arrival is headed, follows it up: it reads the register's name and the person.
    worker = client.get("/api/v1/passages", **api_token(district.worker_a)).json()["items"]
    assert [(p["person"]["name"], p["person"]["id"]) for p in worker] == [("李四", district.person_a.pk)]


def test_the_number_check_says_nothing_of_the_register(district, screening):
    c = district.client(screening.staff1)
    url = f"/screening/checkpoints/{screening.cp1.pk}/lookup"
    known = c.get(url, {"document_number": _number(district.person_a)}).content.decode()
    unknown = c.get(url, {"document_number": make_id_number()}).content.decode()
    assert known == unknown and "李" not in known and "园丁社区" not in known
    assert "does not restrict" in known
    # A restricted holder is what the check is for (as a status scanner shows it).
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    red = c.get(url, {"document_number": _number(district.person_a)}).content.decode()
    assert "signal-stop" in red and "李" not in red
    bad = c.get(url, {"document_number": "123"}).content.decode()
    assert "does not restrict" not in bad and "status-" not in bad
    assert c.get(f"/screening/checkpoints/{screening.cp2.pk}/lookup", {"document_number": "1"}).status_code == 404
