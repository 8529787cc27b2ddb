"""The hall's pages: the desktop/phone page, the wall, the panel and feed they refresh; scoped like the API."""

from __future__ import annotations


def test_hq_opens_the_hall_with_every_module(district):
    c = district.client(district.hq)
    r = c.get("/hall/")
    assert r.status_code == 200
    page = r.content.decode()
    for key in (
        "screening.arrivals_today",
        "testing.round_sampled",
        "containment.red",
        "command.tasks_overdue",
        "safety.hazards_open",
    ):
        assert f'data-key="{key}"' in page, key
    assert 'hx-trigger="every 30s"' in page and "hall/hall.js" in page
    assert f'href="?jurisdiction={district.s1.pk}"' in page  # drill down to a street


def test_the_wall_is_a_page_of_its_own(district):
    page = district.client(district.hq).get("/hall/", {"wall": 1}).content.decode()
    assert 'class="wall"' in page and 'data-wall="1"' in page
    assert "site_nav" not in page and 'id="site-nav"' not in page  # no navigation on the wall


def test_a_street_officer_drills_down_within_their_street_only(district):
    c = district.client(district.street1)
    page = c.get("/hall/").content.decode()
    assert district.s1.name in page and f"?jurisdiction={district.a.pk}" in page
    assert c.get("/hall/", {"jurisdiction": district.a.pk}).status_code == 200
    assert c.get("/hall/", {"jurisdiction": district.s2.pk}).status_code == 404
    assert c.get("/hall/panel", {"jurisdiction": district.s2.pk}).status_code == 404
    assert c.get("/hall/feed", {"jurisdiction": district.s2.pk}).status_code == 404


def test_the_panel_refreshes_alone(district):
    page = district.client(district.hq).get("/hall/panel").content.decode()
    assert page.startswith('<div id="hall-panel"') and "<html" not in page


def test_the_hall_is_in_the_navigation_of_those_who_have_one(district):
    assert 'href="/hall/"' in district.client(district.hq).get("/").content.decode()
    assert 'href="/hall/"' not in district.client(district.unit_staff).get("/").content.decode()
