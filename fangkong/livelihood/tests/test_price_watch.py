"""Price monitoring: inspectors record prices at markets; a price above the item's margin opens a case at the market
regulator (later ones join it), the public's reports join the same cases, a case closes with its outcome and its
reports with it; the district keeps the markets and goods; outsiders are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from fangkong.conftest import make_user
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent, Notification
from fangkong.livelihood import price_watch as pw
from fangkong.livelihood.hall import price_reports_to_handle
from fangkong.livelihood.models import Market, PriceCase, PriceItem, PriceObservation, PriceReport
from fangkong.livelihood.services import price_report_decide, price_report_submit

JSON = "application/json"


@pytest.fixture
def goods(district, market):
    """Two markets (one in each street) and two staples, kept by the market regulator (district-wide)."""
    rice = pw.price_item_create(actor=market, name="大米", unit="元/斤", baseline="2.80", margin_percent="20")
    cabbage = pw.price_item_create(actor=market, name="白菜", unit="元/斤", baseline="1.50", margin_percent="15")
    xinggong = pw.market_create(actor=market, name="兴隆农贸市场", kind="market", jurisdiction_id=district.s1.pk)
    zhenxing = pw.market_create(actor=market, name="振兴超市", kind="supermarket", jurisdiction_id=district.s2.pk)
    return rice, cabbage, xinggong, zhenxing


def _observe(client, headers, market, item, price, **extra):
    body = {"market_id": market.pk, "item_id": item.pk, "price": price}
    return client.post("/api/v1/price-observations", body, content_type=JSON, **headers, **extra)


def test_the_lists_an_inspector_needs(client, api_token, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    reg = api_token(market)
    items = client.get("/api/v1/price-items", **reg).json()
    assert isinstance(items, list) and sorted(i["name"] for i in items) == sorted(["大米", "白菜"])  # a plain list
    first = next(i for i in items if i["id"] == rice.pk)
    assert (first["name"], first["unit"], first["baseline"], first["ceiling"]) == ("大米", "元/斤", 2.8, 3.36)
    markets = client.get("/api/v1/markets", **reg).json()
    assert {"id": xinggong.pk, "name": "兴隆农贸市场"}.items() <= markets["items"][0].items()


def test_a_price_within_the_margin_opens_no_case(client, api_token, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    r = _observe(client, api_token(market), xinggong, rice, 3.36)  # the ceiling itself: 2.80 × 1.2
    assert r.status_code == 201 and r.json()["case_id"] is None
    assert PriceObservation.objects.get().price == Decimal("3.36") and not PriceCase.objects.exists()


def test_a_price_above_the_margin_opens_a_case_and_tells_the_regulator(client, api_token, district, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    r = _observe(client, api_token(district.hq), xinggong, rice, "3.37")  # HQ watches prices too
    assert r.status_code == 201
    case = PriceCase.objects.get()
    assert r.json()["case_id"] == case.pk and r.json()["id"] == case.observations.get().pk
    assert (case.state, case.market, case.item, case.jpath) == ("open", xinggong, rice, district.s1.path)
    told = Notification.objects.get(user=market)
    assert "大米" in told.title and "兴隆农贸市场" in told.title and told.link == f"/livelihood/prices/cases/{case.pk}/"
    assert not Notification.objects.filter(user=district.hq).exists()  # the bureau has a regulator: they hear of it
    assert AuditEvent.objects.filter(action="livelihood.price_case_open", object_id=str(case.pk)).exists()
    assert AuditEvent.objects.get(action="livelihood.price_observe").fields["case"] == case.pk


def test_the_ceiling_shown_decides_in_fen(client, api_token, market, goods):
    _rice, cabbage, xinggong, _zhenxing = goods  # 1.50 + 15 % = 1.725: shown as 1.72
    assert pw.ceiling_of(cabbage) == Decimal("1.72")
    reg = api_token(market)
    assert _observe(client, reg, xinggong, cabbage, "1.72").json()["case_id"] is None
    assert _observe(client, reg, xinggong, cabbage, "1.73").json()["case_id"] is not None


def test_later_prices_above_join_the_open_case_of_that_market_and_item(client, api_token, market, goods):
    rice, cabbage, xinggong, zhenxing = goods
    reg = api_token(market)
    first = _observe(client, reg, xinggong, rice, 4).json()["case_id"]
    assert _observe(client, reg, xinggong, rice, "4.50").json()["case_id"] == first
    assert _observe(client, reg, xinggong, rice, "3.00").json()["case_id"] is None  # within: no evidence
    other_item = _observe(client, reg, xinggong, cabbage, 3).json()["case_id"]
    other_market = _observe(client, reg, zhenxing, rice, 4).json()["case_id"]
    assert len({first, other_item, other_market}) == 3
    assert PriceCase.objects.get(pk=first).observations.count() == 2
    assert Notification.objects.filter(user=market).count() == 3  # one per case opened, none for a join


@pytest.mark.parametrize(
    ("price", "code"),
    [
        (0, "out_of_range"),
        (-2, "out_of_range"),
        ("0.00", "out_of_range"),
        ("abc", "invalid"),
        ("NaN", "invalid"),
        ("3.555", "invalid"),
        ("", "required"),
        (2800, "absurd_price"),  # 1,000 times the baseline of 2.80
        ("1e400", "absurd_price"),
    ],
)
def test_a_bad_price_is_refused_naming_the_field_and_nothing_is_written(client, api_token, market, goods, price, code):
    rice, _cabbage, xinggong, _zhenxing = goods
    r = _observe(client, api_token(market), xinggong, rice, price)
    assert r.status_code == 400, r.content
    assert (r.json()["code"], r.json()["errors"][0]["field"]) == (code, "price")
    assert not PriceObservation.objects.exists() and not PriceCase.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["livelihood.price_observe", "livelihood.price_case_open"]).exists()


def test_just_under_the_absurd_bound_is_a_price(client, api_token, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    r = _observe(client, api_token(market), xinggong, rice, "2799.99")
    assert r.status_code == 201 and r.json()["case_id"] is not None


def test_a_market_or_goods_unknown_or_no_longer_watched_is_not_found(client, api_token, market, goods):
    rice, cabbage, xinggong, zhenxing = goods
    reg = api_token(market)
    Market.objects.filter(pk=zhenxing.pk).update(active=False)
    PriceItem.objects.filter(pk=cabbage.pk).update(active=False)
    cases = [
        ({"market_id": 987654, "item_id": rice.pk}, "market_id", "not_found"),
        ({"market_id": zhenxing.pk, "item_id": rice.pk}, "market_id", "not_found"),
        ({"market_id": xinggong.pk, "item_id": cabbage.pk}, "item_id", "not_found"),
        ({"market_id": xinggong.pk, "item_id": 987654}, "item_id", "not_found"),
        ({"item_id": rice.pk}, "market_id", "required"),
    ]
    for body, field, code in cases:
        r = client.post("/api/v1/price-observations", body | {"price": 3}, content_type=JSON, **reg)
        assert (r.status_code, r.json()["code"], r.json()["errors"][0]["field"]) == (400, code, field), body
    assert not PriceObservation.objects.exists()
    assert [i["name"] for i in client.get("/api/v1/price-items", **reg).json()] == ["大米"]  # in use only
    assert len(client.get("/api/v1/price-items?all=true", **reg).json()) == 2


def test_a_retried_request_never_records_twice(client, api_token, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    reg = api_token(market)
    first = _observe(client, reg, xinggong, rice, 5, HTTP_IDEMPOTENCY_KEY="phone-1-0001")
    again = _observe(client, reg, xinggong, rice, 5, HTTP_IDEMPOTENCY_KEY="phone-1-0001")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert PriceObservation.objects.count() == 1 and PriceCase.objects.count() == 1


def test_a_watcher_over_a_street_sees_and_records_its_markets_only(client, api_token, district, goods):
    rice, _cabbage, xinggong, zhenxing = goods
    street_hq = make_user("hq_s1", "hq_admin", jurisdiction=district.s1)
    token = api_token(street_hq)
    assert [m["id"] for m in client.get("/api/v1/markets", **token).json()["items"]] == [xinggong.pk]
    r = _observe(client, token, zhenxing, rice, 4)
    assert (r.status_code, r.json()["code"]) == (400, "not_found")
    case = PriceCase.objects.get(pk=_observe(client, api_token(district.hq), zhenxing, rice, 4).json()["case_id"])
    assert client.get(f"/api/v1/price-cases/{case.pk}", **token).status_code == 404
    assert client.get("/api/v1/price-cases", **token).json()["count"] == 0
    created = client.post(
        "/api/v1/price-items", {"name": "鸡蛋", "unit": "元/斤", "baseline": 5.5}, content_type=JSON, **token
    )
    assert created.status_code == 403  # the goods are the district's list: kept district-wide
    moved = client.put(
        f"/api/v1/markets/{xinggong.pk}", {"name": "兴隆市场", "jurisdiction_id": district.s1.pk}, content_type=JSON,
        **token,
    )  # fmt: skip
    assert moved.status_code == 403  # and so are the markets


def test_outsiders_are_refused_everywhere(client, api_token, district, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    obs = pw.price_observation_record(actor=market, market_id=xinggong.pk, item_id=rice.pk, price="9")
    report = price_report_submit(shop="某超市", place="兴隆大街", goods="大米", description="一斤九元")
    worker = api_token(district.worker_a)
    for url in ("/api/v1/price-items", "/api/v1/markets", "/api/v1/price-cases"):
        assert client.get(url, **worker).status_code == 403, url
    assert client.get(f"/api/v1/price-cases/{obs.case_id}", **worker).status_code == 404
    chart = f"/api/v1/price-observations?market_id={xinggong.pk}&item_id={rice.pk}"
    assert client.get(chart, **worker).status_code == 404
    posts = [
        ("/api/v1/price-observations", {"market_id": xinggong.pk, "item_id": rice.pk, "price": 9}, 403),
        ("/api/v1/price-items", {"name": "鸡蛋", "unit": "元/斤", "baseline": 5.5}, 403),
        ("/api/v1/markets", {"name": "某店", "jurisdiction_id": district.s1.pk}, 403),
        (f"/api/v1/price-items/{rice.pk}", None, 403),
        (f"/api/v1/markets/{xinggong.pk}", None, 403),
        (f"/api/v1/price-cases/{obs.case_id}/close", {"confirmed": True, "outcome": "罚款"}, 403),
        (f"/api/v1/livelihood/price-reports/{report.pk}/link", {"market_id": xinggong.pk, "hoarding": True}, 403),
    ]
    for url, body, status in posts:
        if body is None:
            change = {"name": "某店", "unit": "元/斤", "baseline": 1, "jurisdiction_id": district.s1.pk}
            r = client.put(url, change, content_type=JSON, **worker)
        else:
            r = client.post(url, body, content_type=JSON, **worker)
        assert r.status_code == status, (url, r.status_code)
    page = district.client(district.worker_a)
    for url in (
        "/livelihood/prices/cases/",
        f"/livelihood/prices/cases/{obs.case_id}/",
        "/livelihood/prices/record/",
        f"/livelihood/prices/chart/?market={xinggong.pk}&item={rice.pk}",
        "/livelihood/prices/markets/",
        "/livelihood/prices/items/",
        f"/livelihood/prices/reports/{report.pk}/",
    ):
        assert page.get(url).status_code == 404, url
    assert (
        page.post(
            "/livelihood/prices/record/", {"market_id": xinggong.pk, "item_id": rice.pk, "price": "9"}
        ).status_code
        == 404
    )
    assert PriceObservation.objects.count() == 1 and PriceCase.objects.get().state == "open"
    assert PriceReport.objects.get().case_id is None
    assert (rice.name, xinggong.name) == tuple(
        PriceItem.objects.filter(pk=rice.pk).values_list("name", flat=True)
    ) + tuple(Market.objects.filter(pk=xinggong.pk).values_list("name", flat=True))


def test_goods_without_a_unit_cannot_be_watched(client, api_token, market):
    reg = api_token(market)
    for body in ({"name": "鸡蛋", "baseline": 5.5}, {"name": "鸡蛋", "unit": "  ", "baseline": 5.5}):
        r = client.post("/api/v1/price-items", body, content_type=JSON, **reg)
        assert (r.status_code, r.json()["code"], r.json()["errors"][0]["field"]) == (400, "required", "unit")
    bad_baseline = client.post(
        "/api/v1/price-items", {"name": "鸡蛋", "unit": "元/斤", "baseline": 0}, content_type=JSON, **reg
    )
    assert (bad_baseline.json()["code"], bad_baseline.json()["errors"][0]["field"]) == ("out_of_range", "baseline")
    bad_margin = client.post(
        "/api/v1/price-items", {"name": "鸡蛋", "unit": "元/斤", "baseline": 5.5, "margin_percent": -1},
        content_type=JSON, **reg,
    )  # fmt: skip
    assert (bad_margin.json()["code"], bad_margin.json()["errors"][0]["field"]) == ("out_of_range", "margin_percent")
    assert not PriceItem.objects.exists()


def test_a_change_of_goods_is_audited_with_before_and_after(client, api_token, market, goods):
    rice, _cabbage, _xinggong, _zhenxing = goods
    reg = api_token(market)
    r = client.put(
        f"/api/v1/price-items/{rice.pk}", {"name": "大米", "unit": "元/斤", "baseline": "3.00", "margin_percent": 10},
        content_type=JSON, **reg,
    )  # fmt: skip
    assert r.status_code == 200 and (r.json()["baseline"], r.json()["ceiling"]) == (3.0, 3.3)
    event = AuditEvent.objects.get(action="livelihood.price_item_update")
    assert event.fields["before"]["baseline"] == "2.80" and event.fields["after"]["baseline"] == "3.00"
    assert (event.fields["before"]["margin_percent"], event.fields["after"]["margin_percent"]) == ("20.0", "10.0")
    duplicate = client.post(
        "/api/v1/price-items", {"name": "大米", "unit": "元/袋", "baseline": 50}, content_type=JSON, **reg
    )
    assert (duplicate.status_code, duplicate.json()["code"]) == (400, "duplicate")


def test_markets_are_kept_on_their_page(district, market, goods):
    _rice, _cabbage, xinggong, _zhenxing = goods
    page = district.client(market)
    r = page.post(
        "/livelihood/prices/markets/", {"name": "便民粮油店", "kind": "shop", "jurisdiction_id": district.a.pk}
    )
    assert r.status_code == 302
    shop = Market.objects.get(name="便民粮油店")
    assert (shop.kind, shop.jpath) == ("shop", district.a.path)
    assert "Market 便民粮油店 added." in page.get(r["Location"]).content.decode()
    again = page.post(
        "/livelihood/prices/markets/", {"name": "便民粮油店", "kind": "shop", "jurisdiction_id": district.a.pk}
    )
    assert (again.status_code, again.context["error"].code) == (400, "duplicate")
    assert 'value="便民粮油店"' in again.content.decode()  # what was typed stays
    odd = page.post("/livelihood/prices/markets/", {"name": "某店", "kind": "bazaar", "jurisdiction_id": district.a.pk})
    assert (odd.context["error"].field, odd.context["error"].code) == ("kind", "unknown_choice")
    closed = page.post(
        "/livelihood/prices/markets/",
        {
            "market": xinggong.pk,
            "name": "兴隆农贸市场",
            "kind": "market",
            "jurisdiction_id": district.s1.pk,
            "address": "兴隆大街88号",
        },
    )  # the box "still watched" left unticked
    assert closed.status_code == 302
    xinggong.refresh_from_db()
    assert not xinggong.active and xinggong.address == "兴隆大街88号"
    event = AuditEvent.objects.get(action="livelihood.market_update")
    assert event.fields["before"]["active"] is True and event.fields["after"]["active"] is False


def test_public_reports_join_the_markets_case_and_close_with_it(client, api_token, district, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    case_id = pw.price_observation_record(actor=market, market_id=xinggong.pk, item_id=rice.pk, price="5").case_id
    r1 = price_report_submit(
        shop="兴隆农贸市场", place="兴隆大街", goods="大米", price="5元/斤", description="涨价近一倍"
    )
    r2 = price_report_submit(shop="兴隆农贸市场", place="兴隆大街", goods="口罩", hoarding=True, description="有货不卖")
    reg = api_token(market)
    url = "/api/v1/livelihood/price-reports/{}/link"
    neither = client.post(url.format(r2.pk), {"market_id": xinggong.pk}, content_type=JSON, **reg)
    assert (neither.status_code, neither.json()["code"], neither.json()["errors"][0]["field"]) == (
        400,
        "required",
        "item_id",
    )
    joined = client.post(url.format(r1.pk), {"market_id": xinggong.pk, "item_id": rice.pk}, content_type=JSON, **reg)
    assert joined.status_code == 200 and joined.json()["case_id"] == case_id
    hoarding = client.post(url.format(r2.pk), {"market_id": xinggong.pk, "hoarding": True}, content_type=JSON, **reg)
    hoarding_case = PriceCase.objects.get(pk=hoarding.json()["case_id"])
    assert hoarding_case.pk != case_id and hoarding_case.hoarding and hoarding_case.item is None
    with pytest.raises(FieldError) as exc:  # a report in a case is decided with the case
        price_report_decide(actor=market, report_id=r1.pk, confirmed=True, outcome="罚款")
    assert exc.value.code == "wrong_state"
    detail = client.get(f"/api/v1/price-cases/{case_id}", **reg).json()
    assert [r["id"] for r in detail["joined_reports"]] == [r1.pk] and detail["highest"] == 5.0
    closed = client.post(
        f"/api/v1/price-cases/{case_id}/close", {"confirmed": True, "outcome": "责令退还差价，罚款五千元"},
        content_type=JSON, **reg,
    )  # fmt: skip
    assert closed.status_code == 200 and closed.json()["state"] == "confirmed"
    r1.refresh_from_db()
    assert (r1.state, r1.outcome, r1.handled_by) == ("confirmed", "责令退还差价，罚款五千元", market)
    assert AuditEvent.objects.filter(action="livelihood.price_decide", object_id=str(r1.pk)).exists()
    r2.refresh_from_db()
    assert r2.state == "received"  # its own case is still open
    late = client.post(url.format(r1.pk), {"market_id": xinggong.pk, "item_id": rice.pk}, content_type=JSON, **reg)
    assert (late.status_code, late.json()["code"]) == (400, "not_pending")


def test_a_case_is_closed_on_its_page_with_an_outcome(district, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    case_id = pw.price_observation_record(actor=market, market_id=xinggong.pk, item_id=rice.pk, price="5").case_id
    page = district.client(market)
    shown = page.get(f"/livelihood/prices/cases/{case_id}/").content.decode()
    assert "¥5.00" in shown and "above the ceiling" in shown and "¥3.36" in shown
    blank = page.post(f"/livelihood/prices/cases/{case_id}/", {"confirmed": "0", "outcome": " "})
    assert (blank.status_code, blank.context["error"].field, blank.context["error"].code) == (
        400,
        "outcome",
        "required",
    )
    done = page.post(
        f"/livelihood/prices/cases/{case_id}/", {"confirmed": "0", "outcome": "价格已回落，系误记"}, follow=True
    )
    assert "Case closed: Not confirmed" in done.content.decode()
    case = PriceCase.objects.get(pk=case_id)
    assert (case.state, case.closed_by, case.outcome) == ("dismissed", market, "价格已回落，系误记")
    twice = page.post(f"/livelihood/prices/cases/{case_id}/", {"confirmed": "1", "outcome": "复查"})
    assert (twice.status_code, twice.context["error"].code) == (400, "wrong_state")
    after = pw.price_observation_record(actor=market, market_id=xinggong.pk, item_id=rice.pk, price="5")
    assert after.case_id not in (None, case_id)  # a closed case takes no more evidence: a new one opens


def test_the_regulators_desk_counts_open_cases_and_reports_in_no_case(district, market, goods):
    rice, cabbage, xinggong, _zhenxing = goods
    assert price_reports_to_handle(district.worker_a) is None
    pw.price_observation_record(actor=market, market_id=xinggong.pk, item_id=rice.pk, price="5")
    pw.price_observation_record(actor=market, market_id=xinggong.pk, item_id=cabbage.pk, price="5")
    report = price_report_submit(shop="某店", place="振兴街", goods="鸡蛋", description="一斤二十元")
    price_report_submit(shop="某店", place="振兴街", goods="土豆", description="一斤十元")
    todo = price_reports_to_handle(market)
    assert todo is not None and todo.count == 4 and todo.url == "/livelihood/prices/cases/"
    pw.price_report_link(actor=market, report_id=report.pk, market_id=xinggong.pk, item_id=rice.pk)
    todo = price_reports_to_handle(market)
    assert todo is not None and todo.count == 3


def test_an_items_price_chart_at_a_market(client, api_token, district, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    for price in ("2.90", "3.10", "4.20"):
        pw.price_observation_record(actor=market, market_id=xinggong.pk, item_id=rice.pk, price=price)
    data = client.get(
        f"/api/v1/price-observations?market_id={xinggong.pk}&item_id={rice.pk}&days=7", **api_token(market)
    ).json()
    today = data["days"][-1]
    assert len(data["days"]) == 7 and (today["low"], today["high"], today["count"], today["above"]) == (
        2.9,
        4.2,
        3,
        True,
    )
    assert [o["price"] for o in data["observations"]] == [4.2, 3.1, 2.9]
    page = (
        district.client(market).get(f"/livelihood/prices/chart/?market={xinggong.pk}&item={rice.pk}").content.decode()
    )
    assert "situation-chart-box" in page and "vendor/echarts/echarts.min.js" in page and "command/situation.js" in page
    assert "<script>" not in page  # drawn by our own script file: no inline code under the CSP
    assert "¥4.20" in page and "above the ceiling" in page and "&quot;days&quot;" in page


def test_the_inspectors_form_records_and_keeps_the_market(district, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    page = district.client(market)
    form = page.get("/livelihood/prices/record/").content.decode()
    assert 'inputmode="decimal"' in form and 'name="price"' in form and "ceiling ¥3.36" in form
    bad = page.post("/livelihood/prices/record/", {"market_id": xinggong.pk, "item_id": rice.pk, "price": "三块"})
    assert (bad.status_code, bad.context["error"].field, bad.context["error"].code) == (400, "price", "invalid")
    assert 'value="三块"' in bad.content.decode()
    ok = page.post("/livelihood/prices/record/", {"market_id": xinggong.pk, "item_id": rice.pk, "price": "5"})
    assert ok.status_code == 302 and ok["Location"] == f"/livelihood/prices/record/?market={xinggong.pk}"
    shown = page.get(ok["Location"]).content.decode()
    case = PriceCase.objects.get()
    assert f"above the ceiling of ¥3.36 — evidence in case {case.pk}" in shown
    assert f'<option value="{xinggong.pk}" selected>' in shown  # the next goods at the same market


def test_reports_are_joined_to_a_case_from_their_page(district, market, goods):
    rice, _cabbage, xinggong, _zhenxing = goods
    report = price_report_submit(shop="兴隆农贸市场", place="兴隆大街", goods="大米", description="一斤五元")
    page = district.client(market)
    listing = page.get("/livelihood/prices/").content.decode()
    assert f"/livelihood/prices/reports/{report.pk}/" in listing
    r = page.post(
        f"/livelihood/prices/reports/{report.pk}/", {"market_id": xinggong.pk, "item_id": rice.pk}, follow=True
    )
    case = PriceCase.objects.get()
    assert r.redirect_chain[-1][0] == f"/livelihood/prices/cases/{case.pk}/" and "兴隆农贸市场" in r.content.decode()
    assert Notification.objects.filter(user=market).count() == 1  # a case opened by a report is announced too
    assert f"Case {case.pk}" in page.get("/livelihood/prices/").content.decode()


def test_the_demo_watches_a_week_of_prices_with_one_case(district, market):
    price_report_submit(shop="某某平价超市", place="兴隆大街", goods="青菜", description="封控后蔬菜价格翻了三倍")
    made = pw.seed_demo()
    assert (made["items"], made["markets"]) == (7, 4) and made["observations"] == 3 * 7 * 7
    case = PriceCase.objects.get()
    assert (case.item.name, case.observations.count(), case.reports.count()) == ("白菜", 2, 1)
    assert pw.seed_demo()["items"] == 0  # once
    days = {o.observed_at.date() for o in PriceObservation.objects.all()}
    assert len(days) >= 7
    pw.wipe()
    assert not Market.objects.exists() and not PriceItem.objects.exists() and PriceReport.objects.count() == 1


def test_money_is_read_as_typed_on_a_phone():
    from fangkong.livelihood.price_watch.values import money

    assert money("３．５０", field="price") == Decimal("3.50")
    assert money("¥12", field="price") == Decimal("12.00")
    assert money("1,234.5元", field="price") == Decimal("1234.50")


def test_anonymous_visitors_are_sent_to_sign_in(district):
    assert Client().get("/livelihood/prices/record/").status_code == 302
