"""Inspections: walk a checklist for enterprises, a clean section in one tap, the pad there from the start, only
the inspector signs, failed items become hazards of their severity."""

from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.conftest import make_user
from fangkong.core.tests import files
from fangkong.safety.checklists import ensure_checklist
from fangkong.safety.inspections import DEADLINE_DAYS, plan_create
from fangkong.safety.models import Hazard, InspectionResult

JSON = "application/json"


def signature_png(*, ink: bool = True, size: tuple[int, int] = (300, 120)) -> bytes:
    """What the pad sends: a white PNG with (or without) a stroke across it."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, "white")
    if ink:
        ImageDraw.Draw(img).line([(20, 80), (120, 30), (200, 90), (280, 40)], fill="black", width=4)
    out = BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _sig(data: bytes, name: str = "signature.png") -> dict:
    return {"signature": SimpleUploadedFile(name, data, content_type="image/png")}


def test_walk_sign_and_failed_items_become_hazards(client, district, safety, api_token):
    checklist = ensure_checklist("fire-safety")
    items = list(checklist.items.order_by("order"))
    assert (items[4].severity, items[8].severity) == ("major", "general")
    reg = api_token(safety["regulator"])
    r = client.post(
        "/api/v1/safety/inspections",
        {"enterprise_id": safety["plant"].pk, "checklist_id": checklist.pk},
        content_type=JSON,
        **reg,
    )
    assert r.status_code == 201 and r.json()["items"] == len(items)
    iid = r.json()["id"]
    early = client.post(f"/api/v1/safety/inspections/{iid}/sign", **reg)
    assert early.status_code == 400
    for item in items:
        failed = item.pk in (items[4].pk, items[8].pk)
        data = {"item_id": item.pk, "passed": "false" if failed else "true", "note": "未落实" if failed else ""}
        if failed:
            data["photo"] = SimpleUploadedFile("p.jpg", files.jpeg())
        assert client.post(f"/api/v1/safety/inspections/{iid}/results", data, **reg).status_code == 200
    colleague = make_user("reg2", "safety_regulator", unit=safety["regulator"].roles.first().unit)
    other = client.post(f"/api/v1/safety/inspections/{iid}/sign", _sig(signature_png()), **api_token(colleague))
    assert other.status_code == 403  # nobody signs for the inspector
    # The drawn signature: required, a PNG, with ink on it, not oversized; nothing happens until it is right.
    for bad in ({}, _sig(signature_png(ink=False)), _sig(b"GIF89a....", "s.gif"), _sig(b"\x89PNG\r\n\x1a\n" * 40000)):
        r = client.post(f"/api/v1/safety/inspections/{iid}/sign", bad, **reg)
        assert r.status_code == 400 and r.json()["errors"][0]["field"] == "signature", r.content
    assert Hazard.objects.count() == 0
    signed = client.post(f"/api/v1/safety/inspections/{iid}/sign", _sig(signature_png()), **reg)
    assert signed.status_code == 200 and len(signed.json()["hazards"]) == 2
    assert signed.json()["signature"]
    grades = sorted(Hazard.objects.filter(pk__in=signed.json()["hazards"]).values_list("grade", flat=True))
    assert grades == ["general", "major"]
    again = client.post(f"/api/v1/safety/inspections/{iid}/sign", _sig(signature_png()), **reg)
    assert again.status_code == 400


def test_plans_and_who_may_inspect(client, district, safety, api_token):
    checklist = ensure_checklist("hazardous-chemicals")
    from datetime import date

    from fangkong.core.errors import FieldError

    plan = plan_create(
        actor=safety["regulator"],
        name="安全生产大检查",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 5, 31),
        checklist_id=checklist.pk,
        assignments=[(safety["plant"].pk, safety["regulator"].pk)],
    )
    assert plan.assignments.count() == 1
    try:
        plan_create(
            actor=safety["regulator"],
            name="x",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 5, 2),
            checklist_id=checklist.pk,
            assignments=[(safety["other"].pk, safety["regulator"].pk)],
        )
        raise AssertionError("an enterprise outside the regulator's reach was accepted")
    except FieldError as exc:
        assert exc.row == 0
    ent = api_token(safety["officer"])
    assert (
        client.post(
            "/api/v1/safety/inspections",
            {"enterprise_id": safety["plant"].pk, "checklist_id": checklist.pk},
            content_type=JSON,
            **ent,
        ).status_code
        == 403
    )


def _data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(signature_png()).decode()


def test_walk_an_inspection_on_the_page(district, safety):
    checklist = ensure_checklist("fire-safety")
    reg = district.client(safety["regulator"])
    bad = reg.post("/safety/inspections/new/", {"enterprise_id": safety["plant"].pk, "checklist_id": "十五条"})
    assert (bad.status_code, bad.context["error"].field, bad.context["error"].code) == (400, "checklist_id", "invalid")
    unknown = reg.post("/safety/inspections/new/", {"enterprise_id": safety["plant"].pk, "checklist_id": 999999})
    assert (unknown.status_code, unknown.context["error"].code) == (400, "not_found")
    r = reg.post("/safety/inspections/new/", {"enterprise_id": safety["plant"].pk, "checklist_id": checklist.pk})
    assert r.status_code == 302
    url = r["Location"]
    items = list(checklist.items.all())
    page = reg.get(url).content.decode()
    # The pad is there from the start, before any item has a result.
    assert 'data-signature="signature"' in page and 'value="sign"' in page
    data = {f"item-{i.pk}": "pass" for i in items} | {f"item-{items[0].pk}": "fail", f"note-{items[0].pk}": "未落实"}
    assert reg.post(url, data).status_code == 302
    assert reg.post(url, {"action": "sign"}).status_code == 400  # the pad left empty
    assert reg.post(url, {"action": "sign", "signature": _data_url()}).status_code == 302
    assert Hazard.objects.filter(source="inspection").count() == 1
    page = reg.get(url).content.decode()
    assert "signature.png" in page and 'name="pass_section"' not in page and 'type="radio"' not in page
    png = reg.get(f"{url}signature.png")
    assert png.status_code == 200 and b"".join(png.streaming_content).startswith(b"\x89PNG")
    assert district.client(district.worker_b).get(url).status_code == 404
    assert district.client(district.worker_b).get(f"{url}signature.png").status_code == 404


def test_a_clean_section_in_one_tap_and_signing_saves_the_form_first(district, safety):
    checklist = ensure_checklist("fire-safety")
    reg = district.client(safety["regulator"])
    url = reg.post("/safety/inspections/new/", {"enterprise_id": safety["plant"].pk, "checklist_id": checklist.pk})[
        "Location"
    ]
    items = list(checklist.items.all())
    sections = list(dict.fromkeys(i.category for i in items))
    first = [i for i in items if i.category == sections[0]]
    # One item of the first section found failing in the same form: it stays failed, the others pass.
    tapped = reg.post(
        url, {"pass_section": sections[0], f"item-{first[1].pk}": "fail", f"note-{first[1].pk}": "防火间距不足"}
    )
    assert tapped.status_code == 302 and tapped["Location"].endswith("#section-2")
    results = {r.item_id: r.passed for r in InspectionResult.objects.filter(inspection__checklist=checklist)}
    assert results == {i.pk: i != first[1] for i in first}
    # A failure recorded earlier is never overwritten by "all pass".
    assert reg.post(url, {"pass_section": sections[0]}).status_code == 302
    assert InspectionResult.objects.get(item=first[1]).passed is False
    unknown = reg.post(url, {"pass_section": "不存在的一节"})
    assert (unknown.status_code, unknown.context["error"].field, unknown.context["error"].code) == (
        400,
        "section",
        "not_found",
    )
    for section in sections[1:-1]:
        reg.post(url, {"pass_section": section})
    last = [i for i in items if i.category == sections[-1]]
    # Signing with the last section's verdicts still in the form: they are saved, then it is signed.
    signed = reg.post(url, {"action": "sign", "signature": _data_url()} | {f"item-{i.pk}": "pass" for i in last})
    assert signed.status_code == 302, signed.context["error"].code if signed.context else signed
    assert InspectionResult.objects.filter(inspection__checklist=checklist).count() == len(items)
    assert Hazard.objects.filter(source="inspection").count() == 1
    # Only the inspector walks it: a colleague, the enterprise's officer and HQ read it without its controls.
    colleague = make_user("reg2", "safety_regulator", unit=safety["regulator"].roles.first().unit)
    for reader in (colleague, safety["officer"], district.hq):
        page = district.client(reader).get(url).content.decode()
        assert 'type="radio"' not in page and 'name="pass_section"' not in page and "防火间距不足" in page
    refused = district.client(colleague).post(url, {"pass_section": sections[0]})
    assert (refused.status_code, refused.context["error"].code) == (400, "forbidden")


def test_one_refused_item_loses_nothing_else_typed_on_the_phone(district, safety):
    checklist = ensure_checklist("fire-safety")
    reg = district.client(safety["regulator"])
    url = reg.post("/safety/inspections/new/", {"enterprise_id": safety["plant"].pk, "checklist_id": checklist.pk})[
        "Location"
    ]
    a, b, c = list(checklist.items.all())[:3]
    # b fails without saying what is wrong: refused; a and c, before and after it, are kept.
    r = reg.post(url, {f"item-{a.pk}": "pass", f"item-{b.pk}": "fail", f"item-{c.pk}": "fail", f"note-{c.pk}": "锁闭"})
    assert r.status_code == 400 and r.context["error"].field == "note" and r.context["error"].message.startswith(b.code)
    kept = {x.item_id: (x.passed, x.note) for x in InspectionResult.objects.filter(inspection__checklist=checklist)}
    assert kept == {a.pk: (True, ""), c.pk: (False, "锁闭")}
    # What was typed for b comes back on the form, to add the note rather than start again.
    page = r.content.decode()
    assert f'name="item-{b.pk}" value="fail" checked' in page


def test_a_walk_kept_offline_is_recorded_once_and_signed_at_its_time(district, safety):
    """The walk's page is an outbox page (issue 22): each save kept on the phone is sent with its key — sent twice,
    recorded once — with its photos; a signing kept offline is dated when it was signed, its hazards' deadlines
    running from then; a refusal comes back in JSON, the items accepted kept."""
    from datetime import timedelta

    from fangkong.core import clock

    checklist = ensure_checklist("fire-safety")
    reg = district.client(safety["regulator"])
    url = reg.post("/safety/inspections/new/", {"enterprise_id": safety["plant"].pk, "checklist_id": checklist.pk})[
        "Location"
    ]
    page = reg.get(url).content.decode()
    assert 'id="outbox"' in page and "data-outbox-stay" in page and 'name="key"' in page
    items = list(checklist.items.all())
    a, b = items[:2]
    photo = SimpleUploadedFile("p.png", files.png(), content_type="image/png")
    save = {f"item-{a.pk}": "fail", f"note-{a.pk}": "灭火器过期", f"photo-{a.pk}": photo, "key": "walk-1", "at": ""}
    first = reg.post(url, save, HTTP_X_FANGKONG_OUTBOX="1").json()
    assert first == {"ok": True, "code": "saved", "message": first["message"]}
    photo.seek(0)
    assert reg.post(url, save, HTTP_X_FANGKONG_OUTBOX="1").json() == first  # sent again: the first reply
    result = InspectionResult.objects.get(item=a)
    assert result.photo and not result.passed
    # Signing before every item has a result: refused with why, and the item sent with it kept.
    early = reg.post(
        url,
        {f"item-{b.pk}": "pass", "action": "sign", "signature": _data_url(), "key": "walk-2"},
        HTTP_X_FANGKONG_OUTBOX="1",
    ).json()
    assert early["ok"] is False and early["code"] == "required"
    assert InspectionResult.objects.get(item=b).passed is True
    for i in items[2:]:
        InspectionResult.objects.create(inspection=result.inspection, item=i, passed=True)
    type(result.inspection).objects.filter(pk=result.inspection.pk).update(started_at=clock.now() - timedelta(hours=2))
    before = {
        "action": "sign",
        "signature": _data_url(),
        "key": "walk-5",
        "at": (clock.now() - timedelta(hours=3)).isoformat(),
    }
    assert reg.post(url, before, HTTP_X_FANGKONG_OUTBOX="1").json()["code"] == "out_of_range"
    signed_at = clock.now() - timedelta(minutes=30)
    ahead = {
        "action": "sign",
        "signature": _data_url(),
        "key": "walk-3",
        "at": (clock.now() + timedelta(hours=1)).isoformat(),
    }
    assert reg.post(url, ahead, HTTP_X_FANGKONG_OUTBOX="1").json()["code"] == "in_future"
    sign = {"action": "sign", "signature": _data_url(), "key": "walk-4", "at": signed_at.isoformat()}
    done = reg.post(url, sign, HTTP_X_FANGKONG_OUTBOX="1").json()
    assert done["ok"] is True and done["code"] == "signed", done
    result.inspection.refresh_from_db()
    assert result.inspection.signed_at == signed_at
    hazard = Hazard.objects.get(source="inspection")  # its deadline runs from the signing
    assert hazard.deadline == signed_at + timedelta(days=DEADLINE_DAYS[hazard.grade])
    assert reg.post(url, sign, HTTP_X_FANGKONG_OUTBOX="1").json() == done  # once: one hazard
    assert Hazard.objects.filter(source="inspection").count() == 1
