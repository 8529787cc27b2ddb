"""The tree changed one jurisdiction at a time through the API, as on the tree page: add, rename, move, merge, split
a grid, retire — each within the caller's reach (404 beyond it), each rule's refusal named by its field and code."""

from __future__ import annotations

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Person, Place

JSON = "application/json"


def _post(client, token, path, body=None):
    return client.post(f"/api/v1/admin/jurisdictions{path}", body or {}, content_type=JSON, **token)


def test_a_street_officer_adds_renames_and_retires_a_grid_in_their_street(client, district, api_token):
    street = api_token(district.street1)
    made = _post(client, street, "", {"parent_id": district.a.pk, "code": "G-A-7", "name": "第七网格", "kind": "网格"})
    assert made.status_code == 201, made.content
    grid = made.json()
    assert (grid["level"], grid["parent_id"], grid["path"]) == ("grid", district.a.pk, f"{district.a.path}G-A-7/")
    again = _post(client, street, "", {"parent_id": district.a.pk, "code": "G-A-7", "name": "重复", "kind": "网格"})
    assert (again.status_code, again.json()["errors"][0]["field"], again.json()["code"]) == (400, "code", "duplicate")
    under_street = _post(
        client, street, "", {"parent_id": district.s1.pk, "code": "G-9", "name": "网格", "kind": "网格"}
    )
    assert under_street.status_code == 400  # a grid belongs under a community
    renamed = _post(client, street, f"/{grid['id']}/rename", {"name": "  第七 网格 "})
    assert renamed.json()["name"] == "第七 网格"
    retired = _post(client, street, f"/{grid['id']}/retire")
    assert retired.status_code == 200 and retired.json()["retired_on"] == clock.localdate().isoformat()
    busy = _post(client, street, f"/{district.a1.pk}/retire")  # people live there: merge it first
    assert busy.status_code == 400 and Jurisdiction.objects.get(pk=district.a1.pk).retired_on is None
    beyond = _post(client, street, "", {"parent_id": district.b.pk, "code": "G-B-7", "name": "网格", "kind": "网格"})
    assert beyond.status_code == 404 and not Jurisdiction.objects.filter(code="G-B-7").exists()


def test_moving_and_merging_take_the_records_along(client, district, api_token):
    hq = api_token(district.hq)
    person, home, other = district.person_a, district.a1, district.a2  # 李四 lives in A's first grid
    assert person.jpath == home.path
    cycle = _post(client, hq, f"/{district.a.pk}/move", {"parent_id": home.pk})
    assert (cycle.status_code, cycle.json()["code"]) == (400, "cycle")
    moved = _post(client, hq, f"/{home.pk}/move", {"parent_id": district.b.pk})
    assert moved.status_code == 200 and moved.json()["path"].startswith(district.b.path)
    assert Person.objects.get(pk=person.pk).jpath.startswith(district.b.path)
    street = api_token(district.street1)  # the grid has left the street officer's reach
    assert _post(client, street, f"/{home.pk}/rename", {"name": "x"}).status_code == 404
    merged = _post(client, hq, f"/{home.pk}/merge", {"into": district.b1.pk})
    assert merged.status_code == 200 and merged.json()["id"] == district.b1.pk
    assert Person.objects.get(pk=person.pk).jpath.startswith(district.b1.path)
    assert Jurisdiction.objects.get(pk=home.pk).retired_on == clock.localdate()
    assert _post(client, hq, f"/{other.pk}/merge", {"into": district.b.pk}).status_code == 400  # not the same level


def test_a_grid_split_by_its_compounds(client, district, api_token):
    street = api_token(district.street1)
    grid = district.a1
    compound = Place.objects.create(kind="compound", name="园丁小区", jurisdiction=grid, jpath=grid.path)
    missing = _post(client, street, f"/{grid.pk}/split", {"code": "G-A-9", "name": "第九网格"})
    assert (missing.status_code, missing.json()["errors"][0]["field"]) == (422, "compounds")
    split = _post(
        client, street, f"/{grid.pk}/split", {"code": "G-A-9", "name": "第九网格", "compounds": [compound.pk]}
    )
    assert split.status_code == 201 and split.json()["parent_id"] == district.a.pk
    assert Place.objects.get(pk=compound.pk).jurisdiction_id == split.json()["id"]
    outsider = api_token(district.worker_b)
    assert _post(
        client, outsider, f"/{grid.pk}/split", {"code": "G-A-8", "name": "x", "compounds": []}
    ).status_code in (
        403,
        404,
    )
