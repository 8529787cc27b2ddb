"""The jurisdiction tree from a sheet (issue 17, point 2): created, renamed, moved within reach; every bad row named
with its field; nothing created under a rejected row; a re-import changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.conftest import make_person
from fangkong.core.errors import Code
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden
from fangkong.registry import errors, reorganising, tree, tree_changes
from fangkong.registry.models import Jurisdiction, Person, Place

HEADER = "code,name,level,parent_code\n"
TREE = HEADER + (
    "211103003000,兴盛街道,街道,211103\n"
    "211103003001,兴盛社区,社区,211103003000\n"
    "211103003002,曙光村,村,211103003000\n"
    "G-XS-01,兴盛一网格,网格,211103003001\n"
    "G-XS-02,兴盛二网格,网格,211103003001\n"
    "G-SG-01,曙光一网格,网格,211103003002\n"
)


def _import(user, text: str, name: str = "tree.csv"):
    return tree.jurisdictions_import(actor=user, filename=name, content=text.encode())


def _codes(rejected) -> list[tuple[int, str, str]]:
    return [(r["row"], r["field"], r["code"]) for r in rejected]


def test_a_tree_is_created_under_the_district_with_paths_from_its_codes(district):
    result = _import(district.hq, TREE)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (6, 0, 0, [])
    grid = Jurisdiction.objects.get(code="G-XS-01")
    assert grid.path == "211103/211103003000/211103003001/G-XS-01/"
    assert (grid.level, grid.parent.code) == ("grid", "211103003001")
    village = Jurisdiction.objects.get(code="211103003002")
    assert (village.level, village.kind) == ("community", "village")
    assert AuditEvent.objects.filter(action="jurisdiction.create").count() == 6


def test_reimporting_the_same_sheet_changes_nothing(district):
    _import(district.hq, TREE)
    again = _import(district.hq, TREE)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 6, [])


def test_rows_may_come_in_any_order_and_the_district_row_is_accepted(district):
    rows = TREE.splitlines()[1:]
    text = HEADER + "211103,兴隆台区,区,\n" + "\n".join(reversed(rows)) + "\n"
    result = _import(district.hq, text)
    assert (result.created, result.unchanged, result.rejected) == (6, 1, [])


def test_a_rename_and_a_move_are_updates_and_the_grids_records_follow(district):
    _import(district.hq, TREE)
    grid = Jurisdiction.objects.get(code="G-XS-02")
    community = Jurisdiction.objects.get(code="211103003001")
    person = make_person(community, grid)
    compound = Place.objects.create(kind="compound", name="兴盛小区", jurisdiction=grid, jpath=grid.path)
    moved = TREE.replace("G-XS-02,兴盛二网格,网格,211103003001", "G-XS-02,兴盛新二网格,网格,211103003002")
    result = _import(district.hq, moved)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (0, 1, 5, [])
    grid.refresh_from_db()
    assert (grid.name, grid.parent.code) == ("兴盛新二网格", "211103003002")
    assert grid.path == "211103/211103003000/211103003002/G-XS-02/"
    person.refresh_from_db()
    compound.refresh_from_db()
    assert (person.jpath, person.community.code, person.jurisdiction_id) == (grid.path, "211103003002", grid.pk)
    assert compound.jpath == grid.path
    event = AuditEvent.objects.get(action="jurisdiction.update")
    assert set(event.fields) == {"name", "parent"}


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        ("211103003000,,街道,211103", "name", Code.REQUIRED),
        ("211103003000,兴盛街道,县城,211103", "level", Code.UNKNOWN_CHOICE),
        ("2111030030,兴盛街道,街道,211103", "code", Code.INVALID),  # not the 12-digit statistical code
        ("211104003000,兴盛街道,街道,211103", "code", Code.INVALID),  # another district's
        ("G 01,网格,网格,211103", "code", Code.INVALID),
        ("211103003000,兴盛街道,街道,", "parent_code", Code.REQUIRED),
        ("211103003000,兴盛街道,街道,211103999000", "parent_code", Code.NOT_FOUND),
        ("G-01,网格,网格,211103", "level", Code.INVALID),  # a grid under the district (no community)
        ("211103003001,兴盛社区,社区,211103", "level", Code.INVALID),  # a community directly under the district
    ],
)
def test_a_bad_row_is_rejected_naming_row_and_field(district, line, field, code):
    result = _import(district.hq, HEADER + line + "\n")
    assert _codes(result.rejected) == [(2, field, code)]
    assert result.created == 0 and Jurisdiction.objects.count() == 8  # the fixture's


def test_a_grid_directly_under_a_street_is_rejected_and_nothing_hangs_under_a_rejected_row(district):
    text = TREE.replace("G-XS-01,兴盛一网格,网格,211103003001", "G-XS-01,兴盛一网格,网格,211103003000")
    text = text.replace("211103003002,曙光村,村,211103003000", "211103003002,曙光村,村,211103999000")
    result = _import(district.hq, text)
    assert _codes(result.rejected) == [
        (4, "parent_code", Code.NOT_FOUND),  # the village: no such street
        (5, "level", Code.INVALID),  # a grid under a street
        (7, "parent_code", Code.NOT_FOUND),  # the village's grid: its parent's row was rejected
    ]
    assert "4" in result.rejected[2]["message"]
    assert result.created == 3
    assert not Jurisdiction.objects.filter(code__in=["211103003002", "G-XS-01", "G-SG-01"]).exists()


def test_a_duplicate_code_in_the_file_names_the_first_row(district):
    text = TREE + "211103003001,兴盛社区二,社区,211103003000\n"
    result = _import(district.hq, text)
    assert _codes(result.rejected) == [(8, "code", Code.DUPLICATE)]
    assert "3" in result.rejected[0]["message"]
    assert Jurisdiction.objects.get(code="211103003001").name == "兴盛社区"


def test_a_cycle_is_rejected_and_its_rows_named(district):
    text = HEADER + "211103005000,甲街道,街道,211103006000\n211103006000,乙街道,街道,211103005000\n"
    result = _import(district.hq, text)
    assert _codes(result.rejected) == [(2, "parent_code", errors.Code.CYCLE), (3, "parent_code", errors.Code.CYCLE)]
    assert result.created == 0


def test_a_cycle_through_existing_records_is_rejected(district):
    _import(district.hq, TREE)
    # The street under its own grid: the chain grid → community → street → grid.
    text = HEADER + "211103003000,兴盛街道,街道,G-XS-01\n"
    result = _import(district.hq, text)
    assert _codes(result.rejected) == [(2, "parent_code", errors.Code.CYCLE)]


def test_a_level_does_not_change(district):
    _import(district.hq, TREE)
    result = _import(district.hq, HEADER + "211103003001,兴盛社区,网格,211103003000\n")
    assert _codes(result.rejected) == [(2, "level", Code.INVALID)]


def test_a_street_officer_adds_within_their_street_only(district):
    # The fixture's street 1 is "211103001/": its communities take codes beginning 211103001.
    text = HEADER + "G-A-03,第三网格,网格,211103001001\nG-B-09,网格,网格,211103002001\n"
    result = _import(district.street1, text)
    assert result.created == 1
    assert _codes(result.rejected) == [(3, "parent_code", Code.FORBIDDEN)]
    assert Jurisdiction.objects.get(code="G-A-03").parent == district.a


def test_a_street_officer_cannot_move_a_grid_out_of_their_street(district):
    text = HEADER + f"{district.a1.code},第一网格,网格,{district.b.code}\n"
    result = _import(district.street1, text)
    assert _codes(result.rejected) == [(2, "parent_code", Code.FORBIDDEN)]
    district.a1.refresh_from_db()
    assert district.a1.parent == district.a


def test_those_without_the_power_are_refused(district):
    with pytest.raises(Forbidden):
        _import(district.worker_a, TREE)
    with pytest.raises(Forbidden):
        _import(district.unit_staff, TREE)


def test_move_rewrites_records_in_every_app_and_the_moved_subtree(district):
    person = make_person(district.a, district.a2)
    moved = reorganising.jurisdiction_move(actor=district.hq, jurisdiction_id=district.a2.pk, parent_id=district.b.pk)
    person.refresh_from_db()
    assert moved.path == f"{district.b.path}{district.a2.code}/"
    assert (person.jpath, person.community_id) == (moved.path, district.b.pk)
    assert not Person.objects.filter(jpath__startswith=district.a.path + "02/").exists()


def test_a_jurisdiction_cannot_move_under_itself(district):
    from fangkong.core.errors import FieldError

    with pytest.raises(FieldError) as exc:
        reorganising.jurisdiction_move(actor=district.hq, jurisdiction_id=district.s1.pk, parent_id=district.a.pk)
    assert exc.value.code == errors.Code.CYCLE


# --- the endpoint -------------------------------------------------------------------------------------------------


def _upload(text: str):
    return {"file": SimpleUploadedFile("tree.csv", text.encode(), content_type="text/csv")}


def test_the_endpoint_answers_the_contract_and_a_retry_is_replayed(district, client, api_token):
    headers = {**api_token(district.hq), "HTTP_IDEMPOTENCY_KEY": "tree-1"}
    r = client.post("/api/v1/admin/jurisdictions:import", _upload(TREE), **headers)
    assert r.status_code == 200, r.content
    assert r.json() == {"created": 6, "updated": 0, "unchanged": 0, "rejected": []}
    again = client.post("/api/v1/admin/jurisdictions:import", _upload(TREE), **headers)
    assert again.json() == r.json()
    assert Jurisdiction.objects.count() == 14


def test_the_endpoint_refuses_an_outsider_and_an_unreadable_file(district, client, api_token):
    r = client.post("/api/v1/admin/jurisdictions:import", _upload(TREE), **api_token(district.worker_a))
    assert r.status_code == 403
    r = client.post("/api/v1/admin/jurisdictions:import", _upload("名字\n甲\n"), **api_token(district.hq))
    assert (r.status_code, r.json()["code"]) == (400, Code.MISSING_COLUMN)
    assert Jurisdiction.objects.count() == 8


# --- merging and retiring -----------------------------------------------------------------------------------------


def test_two_communities_merge_with_their_grids_people_counts_and_roles(district):
    from fangkong.core.models import DailyCount
    from fangkong.registry.models import ResidentCount, RoleAssignment

    other = Jurisdiction.objects.create(
        code="211103001002", name="园丁二社区", level="community", kind="community", parent=district.s1,
        path=f"{district.s1.path}211103001002/",
    )  # fmt: skip
    grid = Jurisdiction.objects.create(
        code="G-Y2-1", name="二社区网格", level="grid", kind="grid", parent=other, path=f"{other.path}G-Y2-1/"
    )
    in_grid = make_person(other, grid)
    at_community = make_person(other)
    worker = RoleAssignment.objects.create(user=district.worker_b, role="community_worker", jurisdiction=other)
    day = "2026-11-30"
    DailyCount.objects.create(metric="m", day=day, jpath=other.path, n=2)
    DailyCount.objects.create(metric="m", day=day, jpath=district.a.path, n=3)

    def residents_under(path: str) -> int:
        return sum(ResidentCount.objects.filter(jpath__startswith=path).values_list("n", flat=True))

    residents_a = residents_under(district.a.path)
    target = tree_changes.jurisdiction_merge(actor=district.street1, jurisdiction_id=other.pk, into_id=district.a.pk)
    assert target == district.a
    other.refresh_from_db()
    grid.refresh_from_db()
    in_grid.refresh_from_db()
    at_community.refresh_from_db()
    assert other.retired_on is not None
    assert (grid.parent, grid.path) == (district.a, f"{district.a.path}G-Y2-1/")
    assert (in_grid.community, in_grid.jpath) == (district.a, grid.path)
    assert (at_community.community, at_community.jurisdiction, at_community.jpath) == (
        district.a,
        district.a,
        district.a.path,
    )
    assert DailyCount.objects.get(metric="m", jpath=district.a.path).n == 5
    assert not DailyCount.objects.filter(jpath=other.path).exists()
    assert residents_under(district.a.path) == residents_a + 2
    worker.refresh_from_db()
    assert worker.jurisdiction == district.a
    assert AuditEvent.objects.filter(action="jurisdiction.merge", object_id=str(other.pk)).exists()
    # Retired: the tree takes nothing more under it.
    result = _import(district.hq, HEADER + "G-NEW,新网格,网格,211103001002\n")
    assert [(r["field"], r["code"]) for r in result.rejected] == [("parent_code", Code.WRONG_STATE)]


def test_merging_needs_the_same_level_and_reach(district):
    from fangkong.core.errors import FieldError

    with pytest.raises(FieldError) as exc:
        tree_changes.jurisdiction_merge(actor=district.hq, jurisdiction_id=district.a1.pk, into_id=district.a.pk)
    assert exc.value.code == Code.INVALID
    with pytest.raises(Forbidden):  # the street officer's own street is not theirs to merge away
        tree_changes.jurisdiction_merge(actor=district.street1, jurisdiction_id=district.s1.pk, into_id=district.s1.pk)
    from fangkong.core.scoping import NotFound

    with pytest.raises(NotFound):  # another street's community is beyond reach
        tree_changes.jurisdiction_merge(actor=district.street1, jurisdiction_id=district.b.pk, into_id=district.a.pk)


def test_only_an_emptied_jurisdiction_retires(district):
    from fangkong.core.errors import FieldError

    with pytest.raises(FieldError) as exc:
        tree_changes.jurisdiction_retire(actor=district.hq, jurisdiction_id=district.a1.pk)
    assert exc.value.code == Code.WRONG_STATE  # person_a lives there
    empty = reorganising.jurisdiction_add(
        actor=district.hq, parent_id=district.a.pk, code="G-EMPTY", name="空网格", kind="grid"
    )
    done = tree_changes.jurisdiction_retire(actor=district.hq, jurisdiction_id=empty.pk)
    assert done.retired_on is not None
    assert AuditEvent.objects.filter(action="jurisdiction.retire").exists()


def test_grids_of_two_communities_merge_and_their_records_name_the_new_community(district):
    from fangkong.registry.models import RoleAssignment

    person = make_person(district.b, district.b1)
    grid_b = RoleAssignment.objects.create(user=district.worker_a, role="grid_worker", jurisdiction=district.b1)
    RoleAssignment.objects.create(user=district.worker_a, role="grid_worker", jurisdiction=district.a1)
    tree_changes.jurisdiction_merge(actor=district.hq, jurisdiction_id=district.b1.pk, into_id=district.a1.pk)
    person.refresh_from_db()
    assert (person.community, person.jurisdiction, person.jpath) == (district.a, district.a1, district.a1.path)
    held = RoleAssignment.objects.filter(user=district.worker_a, role="grid_worker", jurisdiction=district.a1)
    assert held.count() == 1 and not RoleAssignment.objects.filter(pk=grid_b.pk, jurisdiction=district.b1).exists()


def test_a_grid_splits_with_the_compounds_chosen_their_people_and_records(district):
    from fangkong.containment.models import Case
    from fangkong.registry.counts import residents_rebuild
    from fangkong.registry.models import Place, ResidentCount

    a1 = district.a1
    kept = Place.objects.create(kind="compound", name="留下小区", jurisdiction=a1, jpath=a1.path)
    going = Place.objects.create(kind="compound", name="分出小区", jurisdiction=a1, jpath=a1.path)
    building = Place.objects.create(kind="building", name="1号楼", parent=going, jurisdiction=a1, jpath=a1.path)
    home = Place.objects.create(kind="household", name="101", parent=building, jurisdiction=a1, jpath=a1.path)
    mover = make_person(district.a, a1, name="迁网格")
    Person.objects.filter(pk=mover.pk).update(household=home)
    case = Case.objects.create(person=mover, source="clinic", jpath=a1.path)
    stayer = district.person_a
    new = tree_changes.jurisdiction_split(
        actor=district.street1, jurisdiction_id=a1.pk, code="G-A-1B", name="第一网格乙", compound_ids=[going.pk]
    )
    assert (new.parent, new.path) == (district.a, f"{district.a.path}G-A-1B/")
    mover.refresh_from_db()
    stayer.refresh_from_db()
    case.refresh_from_db()
    home.refresh_from_db()
    kept.refresh_from_db()
    assert (mover.jurisdiction, mover.jpath, case.jpath, home.jpath) == (new, new.path, new.path, new.path)
    assert (stayer.jpath, kept.jpath) == (a1.path, a1.path)
    counted = {r.jpath: r.n for r in ResidentCount.objects.filter(n__gt=0)}
    residents_rebuild()
    assert counted == {r.jpath: r.n for r in ResidentCount.objects.filter(n__gt=0)}
    from fangkong.core.errors import FieldError

    with pytest.raises(FieldError) as exc:  # a compound of another grid
        tree_changes.jurisdiction_split(
            actor=district.hq, jurisdiction_id=a1.pk, code="G-X", name="X", compound_ids=[going.pk]
        )
    assert exc.value.code == Code.REQUIRED
