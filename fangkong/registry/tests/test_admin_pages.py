"""The administration pages (issue 17, points 2 and 5): the tree imported and edited, accounts made and their roles
granted from forms; each action says what happened, each refusal why."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.core.errors import Code
from fangkong.registry.models import Jurisdiction, Place, RoleAssignment, Unit

TREE = (
    "编码,名称,层级,上级编码\n"
    "211103003000,兴盛街道,街道,211103\n211103003001,兴盛社区,社区,211103003000\nG1,网格,网格,211103\n"
)


def test_the_tree_page_imports_a_sheet_and_lists_rejected_rows(district):
    c = district.client(district.hq)
    assert c.get("/admin/tree/").status_code == 200
    upload = SimpleUploadedFile("tree.csv", TREE.encode(), content_type="text/csv")
    r = c.post("/admin/tree/", {"action": "import", "file": upload})
    assert r.status_code == 200
    assert r.context["result"].created == 2
    html = r.content.decode()
    assert 'id="import-result"' in html and 'data-code="invalid"' in html  # the grid under the district, row 4
    assert Jurisdiction.objects.filter(code="211103003001", parent__code="211103003000").exists()


def test_the_tree_page_renames_adds_and_moves(district):
    c = district.client(district.hq)
    r = c.post("/admin/tree/", {"action": "rename", "jurisdiction": district.a1.pk, "name": "园丁一网格"}, follow=True)
    assert "园丁一网格" in next(str(m) for m in r.context["messages"])
    r = c.post(
        "/admin/tree/",
        {"action": "add", "parent": district.a.pk, "kind": "grid", "code": "G-A-3", "name": "第三网格"},
        follow=True,
    )
    assert Jurisdiction.objects.get(code="G-A-3").parent == district.a
    r = c.post("/admin/tree/", {"action": "move", "jurisdiction": district.a2.pk, "parent": district.b.pk}, follow=True)
    district.a2.refresh_from_db()
    assert district.a2.parent == district.b and district.a2.path.startswith(district.b.path)
    assert len(list(r.context["messages"])) == 1


def test_a_large_tree_folds_its_grids_under_their_community(district, monkeypatch):
    # A district's ~850 rows took a browser 4 s to lay out; past FOLD_OVER only the opened community shows its grids.
    from fangkong.registry import admin_views

    c = district.client(district.hq)
    whole = [j.pk for j, _depth in c.get("/admin/tree/").context["rows"]]
    assert district.a1.pk in whole and district.b1.pk in whole  # a small tree is shown whole
    monkeypatch.setattr(admin_views, "FOLD_OVER", 3)
    r = c.get("/admin/tree/")
    shown = [j.pk for j, _depth in r.context["rows"]]
    assert district.a.pk in shown and district.a1.pk not in shown and district.b1.pk not in shown
    assert f'href="?open={district.a.pk}#j{district.a.pk}"' in r.content.decode()  # "show its n grids"
    opened = [j.pk for j, _depth in c.get(f"/admin/tree/?open={district.a.pk}").context["rows"]]
    assert district.a1.pk in opened and district.a2.pk in opened and district.b1.pk not in opened
    # The pickers still offer every grid: a folded grid can be moved, merged or retired.
    assert district.b1.pk in [j.pk for j in r.context["changeable"]]
    # Another street's community opened by an outsider shows nothing of it.
    street = district.client(district.street1)
    assert district.b1.pk not in [j.pk for j, _d in street.get(f"/admin/tree/?open={district.b.pk}").context["rows"]]


def test_a_bad_addition_is_named_and_the_typed_values_kept(district):
    c = district.client(district.hq)
    r = c.post(
        "/admin/tree/", {"action": "add", "parent": district.a.pk, "kind": "grid", "code": "G 1", "name": "网格X"}
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert f'data-code="{Code.INVALID}"' in html and 'data-field="code"' in html and 'value="网格X"' in html


def test_the_tree_is_not_for_those_without_the_power(district):
    assert district.client(district.worker_a).get("/admin/tree/").status_code == 404
    assert district.client(district.unit_staff).post("/admin/tree/", {"action": "rename"}).status_code == 404


def test_an_account_is_made_on_the_page_and_its_password_shown_once(district):
    c = district.client(district.street1)
    r = c.post("/admin/staff/", {"username": "wg1", "full_name": "网格员一", "jurisdiction_id": district.s1.pk})
    assert r.status_code == 200
    user = get_user_model().objects.get(username="wg1")
    password = r.context["new_password"]
    assert user.check_password(password)
    assert password in r.content.decode()
    again = c.get(f"/admin/staff/{user.pk}/")
    assert password not in again.content.decode()


def test_a_taken_user_name_is_named_on_the_form(district):
    r = district.client(district.hq).post("/admin/staff/", {"username": "worker_a", "full_name": "某某"})
    assert r.status_code == 400
    assert f'data-code="{Code.DUPLICATE}"' in r.content.decode()


def test_roles_are_granted_and_revoked_and_the_account_deactivated_from_its_page(district):
    c = district.client(district.street1)
    target = district.worker_a.pk
    r = c.post(
        f"/admin/staff/{target}/action",
        {"action": "grant", "role": "grid_worker", "jurisdiction_id": district.a1.pk, "valid_until": ""},
        follow=True,
    )
    assert r.status_code == 200
    grant = RoleAssignment.objects.get(user_id=target, role="grid_worker")
    assert grant.granted_by == district.street1
    assert "网格员" in r.content.decode() or "Grid worker" in r.content.decode()
    c.post(f"/admin/staff/{target}/action", {"action": "revoke", "grant": grant.pk})
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()
    c.post(f"/admin/staff/{target}/action", {"action": "deactivate", "reason": "离职"})
    assert not get_user_model().objects.get(pk=target).is_active
    r = c.post(f"/admin/staff/{target}/action", {"action": "reset"})
    assert r.status_code == 200 and r.context["new_password"]


def test_a_role_beyond_reach_is_refused_on_the_page_with_the_reason(district):
    c = district.client(district.street1)
    r = c.post(
        f"/admin/staff/{district.worker_a.pk}/action",
        {"action": "grant", "role": "hq_admin", "jurisdiction_id": district.d.pk},
    )
    assert r.status_code == 403
    assert f'data-code="{Code.FORBIDDEN}"' in r.content.decode()
    assert not RoleAssignment.objects.filter(user=district.worker_a, role="hq_admin").exists()


def test_accounts_beyond_reach_are_not_found(district):
    c = district.client(district.street1)
    assert c.get(f"/admin/staff/{district.worker_b.pk}/").status_code == 404
    assert c.post(f"/admin/staff/{district.hq.pk}/action", {"action": "deactivate"}).status_code == 404
    assert district.client(district.worker_a).get("/admin/staff/").status_code == 404


def test_the_person_page_leads_an_administrator_to_who_can_see_the_record(district):
    c = district.client(district.street1)
    page = c.get(f"/people/{district.person_a.pk}/").content.decode()
    assert f"/people/{district.person_a.pk}/viewers/" in page
    r = c.get(f"/people/{district.person_a.pk}/viewers/")
    assert {v.user.username for v in r.context["viewers"]} == {"hq", "street1", "worker_a"}
    worker_page = district.client(district.worker_a).get(f"/people/{district.person_a.pk}/").content.decode()
    assert "/viewers/" not in worker_page
    assert district.client(district.worker_a).get(f"/people/{district.person_a.pk}/viewers/").status_code == 404


def test_units_are_imported_added_and_listed_on_their_page(district):
    c = district.client(district.hq)
    text = f"类型,编码,名称,所在辖区\n学校,S-1,园丁小学,{district.a.code}\n工厂,X-1,某厂,{district.a.code}\n"
    upload = SimpleUploadedFile("units.csv", text.encode(), content_type="text/csv")
    r = c.post("/admin/units/", {"action": "import", "file": upload})
    assert r.status_code == 200 and r.context["result"].created == 1
    assert 'data-code="unknown_choice"' in r.content.decode()
    form = {"action": "save", "kind": "lab", "code": "LAB-2", "name": "第二实验室", "jurisdiction": district.d.code}
    r = c.post("/admin/units/", form, follow=True)
    assert "第二实验室" in next(str(m) for m in r.context["messages"])
    listed = c.get("/admin/units/?kind=school").content.decode()
    assert "园丁小学" in listed and "第二实验室" not in listed
    bad = c.post("/admin/units/", {**form, "code": "LAB-3", "kind": "enterprise"})
    assert bad.status_code == 400 and 'data-field="uscc"' in bad.content.decode()
    assert c.get("/admin/units/template.xlsx").status_code == 200
    # Its premises, where registered: named on the form, shown beside its jurisdiction.
    Place.objects.create(kind="compound", name="科技园", jurisdiction=district.d, jpath=district.d.path)
    nowhere = c.post("/admin/units/", {**form, "place_compound": "无此园区"})
    assert nowhere.status_code == 400 and 'data-field="place_compound"' in nowhere.content.decode()
    c.post("/admin/units/", {**form, "place_compound": "科技园"}, follow=True)
    assert Unit.objects.get(code="LAB-2").place.name == "科技园"
    assert "科技园" in c.get("/admin/units/?kind=lab").content.decode()


def test_places_are_imported_on_their_page(district):
    c = district.client(district.street1)
    text = f"网格,小区,楼栋,户\n{district.a1.code},园丁小区,1号楼,101\n{district.b1.code},胜利小区,,\n"
    upload = SimpleUploadedFile("places.csv", text.encode(), content_type="text/csv")
    r = c.post("/admin/places/", {"file": upload})
    assert r.status_code == 200 and r.context["result"].created == 1
    assert r.context["counts"] == {"compound": 1, "building": 1, "household": 1}
    assert 'data-code="forbidden"' in r.content.decode()
    assert district.client(district.worker_a).get("/admin/places/").status_code == 404


def test_staff_are_imported_on_the_staff_page_and_the_passwords_shown_once(district):
    c = district.client(district.street1)
    text = f"用户名,姓名,角色,岗位所在\nwg9,网格员九,网格员,{district.a1.code}\n"
    upload = SimpleUploadedFile("staff.csv", text.encode(), content_type="text/csv")
    r = c.post("/admin/staff/import", {"file": upload})
    assert r.status_code == 200
    password = r.context["result"].passwords[0]["password"]
    assert password in r.content.decode() and 'id="passwords"' in r.content.decode()
    assert get_user_model().objects.get(username="wg9").check_password(password)
    assert c.get("/admin/staff/template.xlsx").status_code == 200


def test_the_tree_page_merges_and_retires(district):
    c = district.client(district.hq)
    r = c.post("/admin/tree/", {"action": "merge", "jurisdiction": district.a2.pk, "into": district.a1.pk}, follow=True)
    assert r.status_code == 200
    district.a2.refresh_from_db()
    assert district.a2.retired_on is not None
    assert "已停用" in r.content.decode() or "retired" in r.content.decode()
    busy = c.post("/admin/tree/", {"action": "retire", "jurisdiction": district.a1.pk})
    assert busy.status_code == 400 and f'data-code="{Code.WRONG_STATE}"' in busy.content.decode()
    own = district.client(district.street1).post(
        "/admin/tree/", {"action": "merge", "jurisdiction": district.s1.pk, "into": district.s1.pk}
    )
    assert own.status_code == 403 and f'data-code="{Code.FORBIDDEN}"' in own.content.decode()


def test_the_tree_page_splits_a_grid(district):
    from fangkong.registry.models import Place

    compound = Place.objects.create(kind="compound", name="分出小区", jurisdiction=district.a1, jpath=district.a1.path)
    c = district.client(district.street1)
    assert "分出小区" not in c.get("/admin/tree/").content.decode()  # the grid is chosen first
    assert "分出小区" in c.get(f"/admin/tree/?split={district.a1.pk}").content.decode()
    assert c.get(f"/admin/tree/?split={district.b1.pk}").status_code == 404  # another street's grid
    form = {"action": "split", "jurisdiction": district.a1.pk, "compounds": [compound.pk], "code": "G-A-9",
            "name": "第九网格"}  # fmt: skip
    r = c.post("/admin/tree/", form, follow=True)
    assert r.status_code == 200
    compound.refresh_from_db()
    assert compound.jurisdiction.code == "G-A-9"


def test_a_place_added_and_changed_on_its_page(district):
    c = district.client(district.street1)
    page = c.get("/admin/places/").content.decode()
    assert f'value="{district.a1.code}"' in page and f'value="{district.b1.code}"' not in page  # grids within reach
    form = {"action": "save", "grid": district.a1.code, "compound": "园丁小区", "building": "2号楼", "household": "301"}
    r = c.post("/admin/places/", form, follow=True)
    assert "Place added" in r.content.decode()
    household = Place.objects.get(kind="household", name="301")
    assert (household.parent.name, household.parent.parent.name, household.jpath) == (
        "2号楼",
        "园丁小区",
        district.a1.path,
    )
    r = c.post("/admin/places/", {**form, "address": "园丁路1号2号楼301"}, follow=True)
    assert "Place changed" in r.content.decode() and Place.objects.get(pk=household.pk).address == "园丁路1号2号楼301"
    beyond = c.post("/admin/places/", {**form, "grid": district.b1.code})
    assert beyond.status_code == 400 and beyond.context["error"].code == "forbidden"
    wrong = c.post("/admin/places/", {**form, "community": district.b.name})
    assert wrong.status_code == 400 and wrong.context["error"].field == "grid"  # the grid is not in that community
    blank = c.post("/admin/places/", {**form, "compound": " "})
    assert (blank.context["error"].field, blank.context["error"].code) == ("compound", "required")
