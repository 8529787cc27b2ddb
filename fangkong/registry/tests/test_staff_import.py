"""Staff from a sheet (issue 17, point 5): accounts made and roles granted row by row, with the pages' reach rules;
drawn passwords returned once and never stored for a replay."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.core.errors import Code
from fangkong.core.models import AccountState, IdempotencyRecord
from fangkong.registry.models import RoleAssignment, StaffProfile, Unit
from fangkong.registry.staff_import import staff_import

HEADER = "用户名,姓名,手机号,所属辖区,角色,岗位所在,有效期至,初始密码\n"


def _import(user, text: str):
    return staff_import(actor=user, filename="staff.csv", content=text.encode())


def test_accounts_are_made_and_roles_granted(district):
    Unit.objects.create(kind="checkpoint", name="卡口", code="CP-A", jurisdiction=district.a, jpath=district.a.path)
    text = HEADER + (
        f"wg_a1,网格员甲,13800000001,{district.a.code},网格员,{district.a1.code},,\n"
        f"wg_a1,网格员甲,13800000001,{district.a.code},grid_worker,{district.a2.code},2027-06-30,\n"
        f"kk_1,卡口员,,{district.a.code},道口检查站工作人员,CP-A,,Kk-2026-初始口令-1\n"
    )
    result = _import(district.street1, text)
    assert (result.created, result.updated, result.rejected) == (2, 1, [])
    assert [(p["row"], p["username"]) for p in result.passwords] == [(2, "wg_a1")]
    wg = get_user_model().objects.get(username="wg_a1")
    assert wg.check_password(result.passwords[0]["password"])
    assert AccountState.objects.get(user=wg).must_change_password
    assert StaffProfile.objects.get(user=wg).jurisdiction == district.a
    grants = RoleAssignment.objects.filter(user=wg).order_by("jurisdiction__path")
    assert [(g.role, g.jurisdiction, str(g.valid_until)) for g in grants] == [
        ("grid_worker", district.a1, "None"),
        ("grid_worker", district.a2, "2027-06-30"),
    ]
    assert get_user_model().objects.get(username="kk_1").check_password("Kk-2026-初始口令-1")
    again = _import(district.street1, text)
    assert (again.created, again.updated, again.unchanged, again.passwords) == (0, 0, 3, [])


def test_bad_rows_and_rows_beyond_reach_are_named_and_nothing_of_them_written(district):
    text = HEADER + (
        f"x1,某甲,,{district.a.code},区长,{district.a.code},,\n"  # no such role
        f"x2,某乙,,{district.a.code},网格员,G-NONE,,\n"
        f"x3,某丙,,{district.a.code},网格员,{district.b1.code},,\n"  # a grid of another street
        f"x4,某丁,,{district.a.code},区指挥部,{district.d.code},,\n"  # district HQ: beyond a street officer
        f"x5,某戊,12,{district.a.code},,,,\n"
        f"x6,某己,,{district.a.code},网格员,{district.a1.code},明天,\n"
    )
    result = _import(district.street1, text)
    assert [(r["row"], r["field"], r["code"]) for r in result.rejected] == [
        (2, "role", Code.UNKNOWN_CHOICE),
        (3, "place", Code.NOT_FOUND),
        (4, "place", Code.FORBIDDEN),
        (5, "place", Code.FORBIDDEN),
        (6, "phone", Code.INVALID),
        (7, "valid_until", Code.INVALID),
    ]
    assert not get_user_model().objects.filter(username__startswith="x").exists()
    assert result.passwords == []


def test_the_api_answers_and_a_replay_keeps_no_password(district, client, api_token):
    headers = {**api_token(district.hq), "HTTP_IDEMPOTENCY_KEY": "staff-1"}
    text = HEADER + f"wg_b1,网格员乙,,{district.b.code},网格员,{district.b1.code},,\n"

    def post():
        upload = SimpleUploadedFile("staff.csv", text.encode(), content_type="text/csv")
        return client.post("/api/v1/admin/users:import", {"file": upload}, **headers)

    first = post()
    assert first.status_code == 200, first.content
    assert first.json()["created"] == 1 and len(first.json()["passwords"]) == 1
    password = first.json()["passwords"][0]["password"]
    assert password not in str(IdempotencyRecord.objects.get(key="staff-1").body)
    replay = post()
    assert replay.json()["created"] == 1 and replay.json()["passwords"] == []
    assert client.post("/api/v1/admin/users:import", {}, **api_token(district.worker_a)).status_code in (403, 422)


def test_a_drawn_password_takes_fewer_rounds_until_the_first_sign_in(district, settings):
    """A drawn 72-bit secret is hashed with DRAWN_ROUNDS; one the sheet gives, with the full rounds; the first sign-in
    re-hashes the drawn one with the full rounds."""
    from django.contrib.auth import authenticate

    from fangkong.registry.staff_import import DRAWN_ROUNDS

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    text = HEADER + (
        f"wg_d1,网格员丁,,{district.a.code},网格员,{district.a1.code},,\n"
        f"wg_d2,网格员戊,,{district.a.code},网格员,{district.a2.code},,Wg-2026-初始口令-2\n"
    )
    result = _import(district.street1, text)
    users = get_user_model().objects
    drawn, given = users.get(username="wg_d1"), users.get(username="wg_d2")
    assert drawn.password.split("$")[1] == str(DRAWN_ROUNDS)
    assert int(given.password.split("$")[1]) > 100 * DRAWN_ROUNDS - 1
    assert authenticate(username="wg_d1", password=result.passwords[0]["password"]) is not None
    assert int(users.get(username="wg_d1").password.split("$")[1]) > DRAWN_ROUNDS  # upgraded on the sign-in
