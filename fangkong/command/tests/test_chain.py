"""The responsibility chain: territorial levels, the supervising department, the unit, the individuals."""

from __future__ import annotations

from datetime import timedelta

from fangkong.command.directives import directive_issue, task_acknowledge
from fangkong.command.models import Responsible
from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.registry.models import Unit


def test_chain_of_a_task_and_an_enterprise(client, district, api_token):
    Responsible.objects.create(jurisdiction=district.d, duty="secretary", name="区委书记甲")
    Responsible.objects.create(jurisdiction=district.s1, duty="secretary", name="街道书记乙")
    d = directive_issue(
        actor=district.hq, title="排查", deadline=clock.now() + timedelta(days=1), recipients=[district.s1.pk]
    )
    task = d.tasks.get()
    task_acknowledge(actor=district.street1, task_id=task.pk)
    levels = client.get(f"/api/v1/responsibility?kind=task&id={task.pk}", **api_token(district.hq)).json()
    assert [lv["party"] for lv in levels] == ["territorial", "territorial", "individual"]
    assert "区委书记甲" in levels[0]["people"][0] and "街道书记乙" in levels[1]["people"][0]
    assert levels[2]["people"] == ["street1"]
    dept = Unit.objects.create(
        kind="department", name="区应急局", code="EM", jurisdiction=district.d, jpath=district.d.path
    )
    firm = Unit.objects.create(
        kind="enterprise",
        name="化工厂",
        code="EN",
        jurisdiction=district.a,
        jpath=district.a.path,
        supervising_department=dept,
    )
    Responsible.objects.create(unit=dept, duty="principal", name="局长丙")
    Responsible.objects.create(unit=firm, duty="principal", name="厂长丁")
    levels = client.get(f"/api/v1/responsibility?kind=enterprise&id={firm.pk}", **api_token(district.hq)).json()
    assert [lv["party"] for lv in levels][-2:] == ["industry", "unit"]
    assert "局长丙" in levels[-2]["people"][0] and "厂长丁" in levels[-1]["people"][0]
    # Out of reach reads as "does not exist": for a worker without oversight and for a street officer elsewhere.
    street2 = make_user("street2", "street_officer", jurisdiction=district.s2)
    for outsider in (district.worker_b, street2):
        for ref in (firm.pk, 987654):
            r = client.get(f"/api/v1/responsibility?kind=enterprise&id={ref}", **api_token(outsider))
            assert r.status_code == 404, (outsider, ref)
    page = district.client(district.hq).get(f"/command/chain/?kind=task&id={task.pk}")
    assert page.status_code == 200 and "区委书记甲" in page.content.decode()


def test_the_chain_page_without_a_subject_asks_for_one(district):
    """/command/chain/ alone is a form to name what to trace; a kind or a number it cannot read is the form again
    with what is wrong (400), never a server error."""
    d = directive_issue(
        actor=district.hq, title="排查", deadline=clock.now() + timedelta(days=1), recipients=[district.s1.pk]
    )
    hq = district.client(district.hq)
    bare = hq.get("/command/chain/")
    assert bare.status_code == 200 and 'name="kind"' in bare.content.decode() and bare.context["levels"] is None
    for query, field, code in (
        ("?kind=task", "id", "required"),
        ("?kind=task&id=abc", "id", "required"),
        ("?id=1", "kind", "unknown_choice"),
        ("?kind=bogus&id=1", "kind", "unknown_choice"),
    ):
        r = hq.get(f"/command/chain/{query}")
        assert r.status_code == 400, query
        assert f'data-code="{code}" data-field="{field}"' in r.content.decode(), query
    named = hq.get(f"/command/chain/?kind=task&id={d.tasks.get().pk}")
    assert named.status_code == 200 and [lv.party for lv in named.context["levels"]][:2] == ["territorial"] * 2
    assert district.client(district.worker_a).get("/command/chain/").status_code == 404  # no oversight: no page
