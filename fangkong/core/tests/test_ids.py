from __future__ import annotations

from datetime import date

import pytest

from fangkong.conftest import make_id_number
from fangkong.core.ids import (
    DocType,
    InvalidDocument,
    check_char,
    clean_document,
    clean_phone,
    parse_doc_type,
    resident_id_facts,
)

VALID = "11010519491231002X"  # the GB 11643 example number


def test_valid_resident_id_passes_unchanged():
    assert clean_document(DocType.RESIDENT_ID, VALID) == VALID


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",  # lower-case check character
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and letter
        "110105 1949 1231 002X",  # spaces
        " 110105-19491231-002x ",  # dashes, surrounding blanks
        "１１０１０５　１９４９１２３１００２ｘ",  # ideographic space, full-width lower x
    ],
)
def test_resident_id_is_normalised(typed):
    assert clean_document(DocType.RESIDENT_ID, typed) == VALID


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("110105194912310021", "check character"),
        ("11010519491231002", "18 characters"),
        ("1101051949123100211", "18 characters"),
        ("1101051949123A002X", "17 digits"),
        ("", "empty"),
    ],
)
def test_bad_resident_ids_are_rejected_with_a_reason(typed, reason):
    with pytest.raises(InvalidDocument) as exc:
        clean_document(DocType.RESIDENT_ID, typed)
    assert reason in str(exc.value)
    assert exc.value.code == ("required" if typed == "" else "invalid")


def test_an_unknown_document_type_is_not_one_of_the_choices():
    with pytest.raises(InvalidDocument) as exc:
        parse_doc_type("驾驶证")
    assert exc.value.code == "unknown_choice"


def test_impossible_birth_date_with_good_checksum_is_rejected():
    first17 = "110105" + "19491331" + "002"  # month 13
    with pytest.raises(InvalidDocument, match="birth date"):
        clean_document(DocType.RESIDENT_ID, first17 + check_char(first17))


def test_future_birth_date_is_rejected():
    first17 = "211103" + "29990101" + "123"
    with pytest.raises(InvalidDocument):
        clean_document(DocType.RESIDENT_ID, first17 + check_char(first17))


def test_unknown_area_code_is_accepted():
    # 999999 is in no area-code table; codes change, so the checksum is what counts.
    first17 = "999999" + "19900101" + "123"
    number = first17 + check_char(first17)
    assert clean_document(DocType.RESIDENT_ID, number) == number


def test_old_15_digit_number_is_upgraded_to_18():
    # 15-digit 110105491231002 is the first-generation form of the GB 11643 example.
    assert clean_document(DocType.RESIDENT_ID, "110105491231002") == VALID


def test_other_documents_have_no_checksum():
    assert clean_document(DocType.PASSPORT, " e1234 5678 ") == "E12345678"
    assert clean_document(DocType.HK_MACAO, "H12345678") == "H12345678"
    with pytest.raises(InvalidDocument):
        clean_document(DocType.PASSPORT, "E123/45678")


def test_facts_from_resident_id():
    facts = resident_id_facts(VALID)
    assert facts.birth_date == date(1949, 12, 31)
    assert facts.sex == "F"  # sequence 002 is even
    assert facts.area_code == "110105"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("居民身份证", "resident_id"),
        ("", "resident_id"),
        ("护照", "passport"),
        ("passport", "passport"),
        ("台胞证", "taiwan_permit"),
    ],
)
def test_doc_type_aliases(typed, expected):
    assert parse_doc_type(typed) == expected


def test_unknown_doc_type_rejected():
    with pytest.raises(InvalidDocument):
        parse_doc_type("驾驶证")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("０４２７－２８１２３４５", "04272812345"),
    ],
)
def test_phone_normalised(typed, expected):
    assert clean_phone(typed) == expected


@pytest.mark.parametrize("typed", ["12345", "12012345678", "phone"])
def test_bad_phone_rejected(typed):
    with pytest.raises(InvalidDocument):
        clean_phone(typed)


# ---------------------------------------------------------------- other scripts' digits (issue 14)

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


@pytest.mark.parametrize("script", [ARABIC_INDIC, DEVANAGARI], ids=["arabic-indic", "devanagari"])
def test_resident_id_in_another_scripts_digits_is_refused(script):
    # int() reads these digits, so the checksum passed and "١١٠١٠٥..." became a second person beside "110105...".
    for typed in (
        VALID.translate(script),
        "110105491231002".translate(script),
        VALID[:6] + VALID[6:].translate(script),
    ):
        with pytest.raises(InvalidDocument) as exc:
            clean_document(DocType.RESIDENT_ID, typed)
        assert exc.value.code == "digits"


@pytest.mark.parametrize("doc_type", [DocType.PASSPORT, DocType.HK_MACAO, DocType.TAIWAN, DocType.OTHER])
def test_other_documents_in_another_scripts_digits_are_refused(doc_type):
    with pytest.raises(InvalidDocument) as exc:
        clean_document(doc_type, "E12345678".translate(ARABIC_INDIC))
    assert exc.value.code == "digits"


def test_passport_with_lookalike_letters_is_refused():
    with pytest.raises(InvalidDocument):
        clean_document(DocType.PASSPORT, "\u0415" + "12345678")  # Cyrillic Е, not Latin E


def test_full_width_still_folds_and_other_documents_keep_chinese():
    assert clean_document(DocType.PASSPORT, "Ｅ１２３４５６７８") == "E12345678"
    assert clean_document(DocType.OTHER, "军字第123456号") == "军字第123456号"


@pytest.mark.parametrize("script", [ARABIC_INDIC, DEVANAGARI], ids=["arabic-indic", "devanagari"])
def test_phone_in_another_scripts_digits_is_refused(script):
    with pytest.raises(InvalidDocument) as exc:
        clean_phone("13812345678".translate(script))
    assert exc.value.code == "digits"
    assert clean_phone("１３８１２３４５６７８") == "13812345678"


def test_plate_in_another_scripts_digits_is_refused():
    from fangkong.core.errors import FieldError
    from fangkong.core.ids import clean_plate

    with pytest.raises(FieldError) as exc:
        clean_plate("辽L١٢٣٤٥")
    assert (exc.value.field, exc.value.code) == ("plate", "digits")
    assert clean_plate("辽Ｌ·１２３４５") == "辽L12345"


def test_api_refuses_a_second_person_in_another_script(district, client, api_token):
    from fangkong.core import pii
    from fangkong.registry.models import Person

    number = pii.decrypt(district.person_a.doc_cipher)
    r = client.post(
        "/api/v1/people",
        {"name": "李四", "document_number": number.translate(ARABIC_INDIC), "community": district.a.pk},
        content_type="application/json",
        **api_token(district.worker_a),
    )
    assert r.status_code == 400 and r.json()["errors"][0] == {
        "field": "document_number",
        "message": r.json()["errors"][0]["message"],
        "code": "digits",
    }
    phone = client.post(
        "/api/v1/people",
        {"name": "赵六", "document_number": make_id_number(), "phone": "١٣٨١٢٣٤٥٦٧٨", "community": district.a.pk},
        content_type="application/json",
        **api_token(district.worker_a),
    )
    assert phone.status_code == 400 and phone.json()["errors"][0]["code"] == "digits"
    assert Person.objects.count() == 2  # the district's two people, nobody new


@pytest.mark.parametrize("typed", ["²", "①", "٣", "j:²", "unit:३"])
def test_ids_in_text_are_ascii_digits(district, typed):
    # str.isdigit() said yes to all of these, and int() then failed ("²": a 500) or read another script's digits.
    from fangkong.command.directives import parse_recipients
    from fangkong.containment.changes import _record_concerns
    from fangkong.core.errors import FieldError
    from fangkong.portal.articles import category_resolve

    with pytest.raises(FieldError) as exc:
        parse_recipients([typed])
    assert (exc.value.field, exc.value.code, exc.value.row) == ("recipients", "invalid", 0)
    assert _record_concerns(f"case:{typed}", district.person_a.pk) is False
    with pytest.raises(FieldError) as exc:
        category_resolve(typed)
    assert (exc.value.field, exc.value.code) == ("category", "not_found")  # not a category id: none by that name
