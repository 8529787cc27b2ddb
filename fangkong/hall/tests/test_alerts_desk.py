"""The alert feed (raised by the modules in the transaction of the fact, scoped per kind) and the desk."""

from __future__ import annotations

from datetime import timedelta

from fangkong.containment.zones import zone_request
from fangkong.core import clock
from fangkong.core.models import HallAlert, Notification
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.results import ResultRow, results_ingest
from fangkong.testing.tests.conftest import collect, scan

from .conftest import arrive


def feed(client, **params) -> list[dict]:
    r = client.get("/api/v1/hall/alerts", params)
    assert r.status_code == 200, r.content
    return r.json()["items"]


def test_a_high_risk_arrival_reaches_the_halls_above_its_destination_only(district, screening, api):
    arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.b.pk, name="张某")
    arrive(screening.staff1, screening.cp1, origin="沈阳市和平区", destination_community=district.a.pk)  # low: none
    items = feed(api(district.hq))
    assert [i["kind"] for i in items] == ["screening.high_risk_arrival"]
    item = items[0]
    assert "上海市浦东新区" in item["title"] and "胜利社区" in item["title"] and "张" not in item["title"]
    assert item["url"].startswith("/screening/followups/")
    assert feed(api(district.worker_b))[0]["id"] == item["id"]
    assert feed(api(district.street1)) == []  # street 1 is not where they went
    assert feed(api(district.worker_a)) == []


def test_since_and_jurisdiction_narrow_the_feed(district, screening, api):
    with clock.frozen_at(clock.now() - timedelta(hours=2)):
        arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
    arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.b.pk)
    c = api(district.hq)
    assert len(feed(c)) == 2
    since = (clock.now() - timedelta(hours=1)).isoformat()
    assert len(feed(c, since=since)) == 1
    assert len(feed(c, jurisdiction=district.s1.pk)) == 1
    newest_first = feed(c)
    assert newest_first[0]["at"] > newest_first[1]["at"]


def test_bad_feed_parameters_name_the_field(district, api):
    c = api(district.hq)
    r = c.get("/api/v1/hall/alerts", {"since": "yesterday-ish"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "since"
    r = c.get("/api/v1/hall/alerts", {"limit": 0})
    assert r.status_code == 400 and r.json()["code"] == "out_of_range"
    r = api(district.street1).get("/api/v1/hall/alerts", {"jurisdiction": district.s2.pk})
    assert r.status_code == 404
    assert api(district.unit_staff).get("/api/v1/hall/alerts").status_code == 404


def test_a_positive_pool_raises_one_alert_with_its_tube_and_site(district, testing, api):
    members = testing.people_a[:10]
    collect(testing.sampler, testing.round, [scan(p, "POOL-AL", testing.site, i) for i, p in enumerate(members)])
    bag_seal(actor=testing.sampler, seal_code="SEAL-AL", tube_codes=["POOL-AL"])
    bag_receive(actor=testing.lab, seal_code="SEAL-AL")
    results_ingest(actor=testing.lab, rows=[ResultRow(0, "POOL-AL", "positive")])
    items = feed(api(district.worker_a))
    assert [i["kind"] for i in items] == ["testing.pool_positive"]
    assert "POOL-AL" in items[0]["title"] and testing.site.name in items[0]["title"]
    assert feed(api(district.worker_b)) == []


def test_an_alert_rolls_back_with_its_fact(district, screening):
    from django.db import transaction

    try:
        with transaction.atomic():
            arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
            raise RuntimeError("the request failed after the registration")
    except RuntimeError:
        pass
    assert not HallAlert.objects.exists()


def test_the_feed_page_gives_list_items_after_the_last_one_seen(district, screening, api):
    arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
    first = HallAlert.objects.get()
    c = district.client(district.hq)
    page = c.get("/hall/feed", {"after": 0}).content.decode()
    assert f'data-id="{first.pk}"' in page and 'data-severity="bad"' in page
    assert f'href="/hall/alerts/{first.pk}/dispatch?jurisdiction=' in page  # HQ may dispatch it from the feed
    assert c.get("/hall/feed", {"after": first.pk}).content.decode().strip() == ""


def test_a_zone_proposed_waits_on_the_second_officers_desk_and_inbox(district, containment, api):
    zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )

    def desk(user) -> dict:
        r = api(user).get("/api/v1/desk")
        assert r.status_code == 200
        return {i["kind"]: i for i in r.json()["items"]}

    assert desk(containment.hq2)["containment.zones"]["count"] == 1
    assert desk(district.hq)["containment.zones"]["count"] == 0  # the requester does not decide
    assert "containment.zones" not in desk(district.worker_a)  # not a grid worker's work
    assert Notification.objects.filter(user=containment.hq2, link__startswith="/containment/zones/").count() == 1
    assert not Notification.objects.filter(user=district.hq, link__startswith="/containment/zones/").exists()
    kinds = [i["kind"] for i in feed(api(district.worker_a))]
    assert kinds == ["containment.zone_proposed"]


def test_the_desk_counts_what_waits_for_a_grid_worker(district, screening, api):
    arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
    with clock.advanced(timedelta(hours=3)):
        r = api(district.worker_a).get("/api/v1/desk")
    items = {i["kind"]: i for i in r.json()["items"]}
    assert items["screening.contact"]["count"] == 1 and items["screening.contact"]["overdue"] == 1
    assert items["screening.contact"]["url"].startswith("/screening/followups/")
    page = district.client(district.worker_a).get("/").content.decode()
    assert 'data-kind="screening.contact"' in page


def test_the_desk_needs_a_sign_in(client):
    assert client.get("/api/v1/desk").status_code == 401
