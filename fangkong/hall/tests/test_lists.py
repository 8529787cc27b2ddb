"""A figure on the hall leads to its list, narrowed to the jurisdiction the hall is about (`?jurisdiction=`), and
the list holds what the figure counted; a list narrowed to a jurisdiction outside the reader's reach is 404."""

from __future__ import annotations

import re

import pytest

from fangkong.containment.models import Colour, PersonStatus
from fangkong.registry.models import Unit

from .test_indicators import city  # noqa: F401  (fixture)


def _figures(api, user, jurisdiction) -> dict[str, dict]:
    data = api(user).get("/api/v1/hall", {"jurisdiction": jurisdiction.pk}).json()
    return {f"{s['module']}.{f['key']}": f for s in data["sections"] for f in s["figures"]}


@pytest.mark.parametrize("who", ["hq", "street1", "worker_a"])
def test_every_figure_leads_to_a_list_of_its_jurisdiction(district, city, api, who):  # noqa: F811
    """As each role with a hall sees it: every figure with a list opens it, narrowed, never a 404."""
    user = getattr(district, who)
    area = {"hq": district.s1, "street1": district.s1, "worker_a": district.a}[who]
    client = district.client(user)
    figures = _figures(api, user, area)
    narrowed = [f for f in figures.values() if "jurisdiction=" in f["url"]]
    assert len(narrowed) >= 10
    for f in narrowed:
        assert f"jurisdiction={area.pk}" in f["url"], f
        r = client.get(f["url"])
        assert r.status_code == 200, (who, f["key"], f["url"], r.status_code)


@pytest.mark.parametrize("colour", [Colour.RED, Colour.YELLOW])
def test_the_people_red_or_yellow_listed_are_those_counted(district, city, api, colour):  # noqa: F811
    hq = district.client(district.hq)
    for area in (district.d, district.s1, district.s2):
        figure = _figures(api, district.hq, area)[f"containment.{colour}"]
        page = hq.get(figure["url"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
        listed = int(re.search(r"(\d+) (?:person|people)\.", page).group(1))
        stored = PersonStatus.objects.filter(jpath__startswith=area.path, colour=colour).count()
        assert listed == figure["value"] == stored, (area.name, colour)
    assert figure["value"] or colour == Colour.RED  # the fixture has people of both colours in the district


def test_the_list_shows_masked_names_and_the_reasons(district, city):  # noqa: F811
    page = district.client(district.hq).get("/containment/people/", {"colour": "yellow"}).content.decode()
    assert "*" in page and "containment/people/" in page
    for status in PersonStatus.objects.filter(colour=Colour.YELLOW)[:3]:
        assert f"/containment/people/{status.person_id}/" in page


@pytest.mark.parametrize(
    "url",
    [
        "/screening/followups/",
        "/screening/passages/",
        "/screening/violations/",
        "/testing/recalls/",
        "/containment/people/",
        "/containment/transfers/",
        "/containment/alerts/",
        "/safety/",
        "/command/incidents/",
        "/livelihood/",
        "/containment/zones/",
        "/safety/accidents/",
    ],
)
def test_a_list_narrowed_beyond_ones_reach_is_404(district, url):
    # An enterprise in each street, so that the street officer has a hazards page at all.
    for j, code in ((district.a, "LIST-E1"), (district.b, "LIST-E2")):
        Unit.objects.create(kind="enterprise", name=f"企业{code}", code=code, jurisdiction=j, jpath=j.path)
    street = district.client(district.street1)
    assert street.get(url, {"jurisdiction": district.s1.pk}).status_code == 200
    assert street.get(url, {"jurisdiction": district.s2.pk}).status_code == 404
    assert street.get(url, {"jurisdiction": 99999999}).status_code == 404


def test_tasks_overdue_lead_to_those_tasks(district, city, api):  # noqa: F811
    hq = district.client(district.hq)
    for area in (district.d, district.s1, district.s2):
        figure = _figures(api, district.hq, area)["command.tasks_overdue"]
        page = hq.get(figure["url"]).content.decode()
        assert page.count('<li class="alert"><a href="/command/tasks/') == figure["value"], area.name
    assert figure["value"]  # the fixture has overdue tasks in each street


def test_leaving_the_narrowed_list_keeps_its_other_filters(district, city):  # noqa: F811
    page = district.client(district.hq).get(
        "/screening/followups/", {"state": "missed", "jurisdiction": district.s1.pk, "page": 1}
    )
    html = page.content.decode()
    assert f"仅看{district.s1.name}" in html or f"Only {district.s1.name}" in html
    assert 'href="/screening/followups/?state=missed"' in html


@pytest.mark.parametrize("who", ["hq", "street1", "worker_a"])
def test_every_tile_opens_for_whoever_sees_it(district, city, api, who):  # noqa: F811
    user = getattr(district, who)
    client = district.client(user)
    data = api(user).get("/api/v1/hall").json()
    refused = []
    for s in data["sections"]:
        for f in s["figures"]:
            if f["url"] and client.get(f["url"].split("#")[0]).status_code != 200:
                refused.append((s["module"], f["key"], f["url"]))
    assert refused == [], who
