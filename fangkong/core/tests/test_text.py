"""Text on the way in: control and bidirectional formatting characters never reach the database (PostgreSQL
refuses a NUL: a 500), invisible-only strings count as empty — for the API's JSON bodies, query strings and
forms, and for the pages' forms. Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...)."""

from __future__ import annotations

import orjson
import pytest
from django.test import Client

from fangkong.core.text import clean_data, clean_text, fold_digits, foreign_digits, json_needs_cleaning

JSON = "application/json"
NASTY = "\x00\x01\x1b[31m\x7f\x85\u202e\u2066\u200e\u061c"  # NUL, SOH, ESC, DEL, NEL (C1), RLO, LRI, LRM, ALM


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("张三\x00", "张三"),
        ("a\x01b\x1bc\x7fd", "abcd"),
        ("\u202eexe.jpg", "exe.jpg"),
        ("名\u2066字\u2069\u200f", "名字"),
        ("\x85王\x9f五", "王五"),
        ("line one\r\nline two\tend", "line one\r\nline two\tend"),  # multi-line text keeps its breaks
        ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # a ZWJ inside visible text is part of it
        ("\u200b", ""),
        ("\u3164", ""),  # the Hangul filler: looks like nothing, is not whitespace to str.split
        ("\u200b \u3000\ufeff\u2060\u00ad\u115f\uffa0", ""),
        ("\x00\u200b", ""),
        ("", ""),
    ],
)
def test_clean_text(typed, kept):
    assert clean_text(typed) == kept


def test_printable_ascii_is_returned_as_it_is():
    value = "AB12345678-X"
    assert clean_text(value) is value


def test_clean_data_reaches_every_string_and_key():
    data = {"a\x00": ["x\x00", {"b": "\u200b", "n": 3, "f": 1.5, "t": True, "z": None}], "c": "ok"}
    assert clean_data(data) == {"a": ["x", {"b": "", "n": 3, "f": 1.5, "t": True, "z": None}], "c": "ok"}


@pytest.mark.parametrize(
    ("body", "needs"),
    [
        (orjson.dumps({"scans": [{"tube_code": "AB1234", "person_code": "P1"}]}), False),
        (orjson.dumps({"note": "two\nlines"}), False),
        (orjson.dumps({"name": "张三", "place": "园丁小区（3号楼），南门—“东”…"}), False),  # Chinese text as such
        (orjson.dumps({"name": "张三\u200b"}), True),
        (orjson.dumps({"name": "\u3164"}), True),
        (orjson.dumps({"name": "张三"}, option=orjson.OPT_INDENT_2), True),  # line breaks between tokens: walked
        (b'{"name": "\\u0000"}', True),
        (b'{"name": "\\b"}', True),
        (b'{"name": "\x7f"}', True),
    ],
)
def test_json_fast_path_only_skips_bodies_that_cannot_hold_a_bad_character(body, needs):
    assert json_needs_cleaning(body) is needs


def test_json_fast_path_misses_no_character_that_cleaning_changes():
    # The fast path judges the body as a whole; it must see every code point clean_text would drop or blank,
    # raw (UTF-8) or escaped, alone or inside visible text.
    import json

    changed = [
        ch
        for ch in map(chr, range(0x110000))
        if not "\ud800" <= ch <= "\udfff" and (clean_text(ch) != ch or clean_text(f"a{ch}") != f"a{ch}")
    ]
    assert "\x00" in changed and "\u202e" in changed and "\u3164" in changed and "\ufe0f" in changed
    for ch in changed:
        for value in (ch, f"a{ch}b"):
            for body in (orjson.dumps({"k": value, "z": "张"}), json.dumps({"k": value}).encode()):
                assert json_needs_cleaning(body), (hex(ord(ch)), body)


def test_digits_of_other_scripts():
    assert foreign_digits("١٢٣") and foreign_digits("AB१२") and not foreign_digits("AB12")
    assert fold_digits("上海٣١٠١١٥") == "上海310115"


# ---------------------------------------------------------------- end to end (SQLite and PostgreSQL)


def test_api_json_body_with_control_characters_is_stored_clean(client, district):
    from fangkong.safety.models import PublicReport

    r = client.post(
        "/api/v1/public/hazard-reports",
        {"place": "南门\x00", "description": f"储罐区{NASTY}无人值守，夜间偷排", "name": "\u200b", "phone": "\x00"},
        content_type=JSON,
    )
    assert r.status_code == 201, r.content
    report = PublicReport.objects.get(pk=r.json()["id"])
    assert (report.place, report.description) == ("南门", "储罐区[31m无人值守，夜间偷排")
    assert report.anonymous  # an invisible name and a lone NUL for a phone are no name and no phone


def test_api_invisible_only_text_counts_as_empty(client, district):
    r = client.post(
        "/api/v1/public/hazard-reports",
        {"place": "\u3164\u3164", "description": "\u200b" * 10},
        content_type=JSON,
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "place"


def test_api_query_parameter_with_nul_is_cleaned(client, district, api_token):
    r = client.get("/api/v1/people", {"q": "李\x00"}, **api_token(district.hq))
    assert r.status_code == 200, r.content
    assert [p["name"] for p in r.json()["items"]] == ["李四"]


def test_public_hazard_form_with_nul_is_stored_clean(district):
    from fangkong.safety.models import PublicReport

    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    r = c.post("/me/report-hazard/", {"place": "园丁小区\x00南门", "description": f"燃气管道{NASTY}裸露在外"})
    assert r.status_code == 200 and "Thank you" in r.content.decode()
    report = PublicReport.objects.get()
    assert (report.place, report.description) == ("园丁小区南门", "燃气管道[31m裸露在外")


def test_public_price_form_with_nul_and_invisible_shop(district):
    from fangkong.livelihood.models import PriceReport

    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    form = {"shop": "\u3164", "place": "兴隆台\x00市场", "goods": "白菜", "description": "一斤二十元\x00"}
    assert c.post("/me/report-price/", form).status_code == 400  # the shop is required; an invisible one is none
    assert not PriceReport.objects.exists()
    r = c.post("/me/report-price/", {**form, "shop": "\u202e某\x00超市"})
    assert r.status_code == 200
    assert PriceReport.objects.values_list("shop", "place", "description").get() == (
        "某超市",
        "兴隆台市场",
        "一斤二十元",
    )


def test_multipart_form_fields_are_cleaned(district):
    from fangkong.safety.models import PublicReport

    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    # Client.post without content_type sends multipart/form-data
    r = c.post("/me/report-hazard/", {"place": "南门\x1b", "description": "燃气管道裸露在外\x00"})
    assert r.status_code == 200
    assert PublicReport.objects.values_list("place", "description").get() == ("南门", "燃气管道裸露在外")


def test_page_query_with_nul(district):
    r = district.client(district.hq).get("/people/", {"q": "王\x00"})
    assert r.status_code == 200 and "王五" in r.content.decode()


def test_a_path_with_a_control_character_names_nothing(client, district, api_token):
    # A text path parameter reaches a look-up: on PostgreSQL a NUL in it was a 500.
    assert client.post("/api/v1/users/hq%00/tokens:revoke", **api_token(district.hq)).status_code == 404


# ---------------------------------------------------------------- text on the way out: the shared writer


def test_shared_writer_quotes_formulas_keeps_numbers_and_drops_controls():
    import csv
    import io
    from datetime import date
    from decimal import Decimal

    import openpyxl

    from fangkong.core.xlsx import csv_chunks, workbook_bytes

    row = ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "＝1", -3, 2.5, Decimal("-1.5"), date(2022, 5, 1), "a\x00b", "-"]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes("t", ["=h"], [row]))).worksheets[0]
    header, cells = list(sheet.iter_rows())
    assert header[0].value == "'=h"
    assert [c.value for c in cells[:6]] == ["'=1+1", "'+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'＝1"]
    assert all(c.data_type == "s" for c in cells[:6])
    assert [(c.value, c.data_type) for c in cells[6:9]] == [(-3, "n"), (2.5, "n"), (-1.5, "n")]
    assert [c.value for c in cells[10:]] == ["ab", "'-"]
    text = "".join(csv_chunks(["=h"], [row]))
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["'=h"],
        ["'=1+1", "'+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'＝1", "-3", "2.5", "-1.5", "2022-05-01", "ab", "'-"],
    ]


def test_a_control_character_in_an_api_path_is_a_json_404_even_in_demo_mode(client, settings, db):
    settings.DEBUG = True
    r = client.get("/api/v1/people/\x01")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
