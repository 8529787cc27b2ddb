"""The Simplified Chinese catalogue: django.po is the one source of the translations, and django.mo is compiled from it.

Every message of django.po has its translation and none is fuzzy (a guess of makemessages that nobody checked);
the placeholders of a translation are those of its English; the committed django.mo holds exactly what django.po
says. That makemessages finds no string missing from django.po is CI's own step (.ci/run, "translations"). How to
add a string: README, "Translations".
"""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import polib
import pytest

LC_MESSAGES = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

COMPILE = "(cd fangkong && ../.venv/bin/fangkong compilemessages -l zh_Hans)"
WORKFLOW = f"write the msgstr in {PO.relative_to(PO.parents[4])} (and drop the fuzzy flag once checked), then {COMPILE}"

# A printf-style conversion as Python's % operator reads it: %(name)s, %d, %5.1f; %% is a literal percent sign.
_CONVERSION = re.compile(r"%(?:\((\w+)\))?[#0 +\-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?([diouxXeEfFgGcrsa%])")


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(PO))


def _name(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def _translations(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if entry.msgid_plural else [entry.msgstr]


def _conversions(text: str) -> list[str]:
    return sorted(f"%({m[1]}){m[2]}" if m[1] else f"%{m[2]}" for m in _CONVERSION.finditer(text) if m[2] != "%")


def _catalogue(translations: gettext.GNUTranslations) -> tuple[dict, dict]:
    """The messages (header aside) and the parsed header, as Django's gettext reads them from a .mo file.

    msgfmt leaves the POT-Creation-Date out of the .mo, so that a makemessages which found nothing new changes nothing.
    """
    messages = {key: value for key, value in vars(translations)["_catalog"].items() if key != ""}
    header = {key: value for key, value in vars(translations)["_info"].items() if key != "pot-creation-date"}
    return messages, header


def test_the_header_declares_utf8_and_one_plural_form(po):
    # msgfmt ignores a fuzzy header, and with it the charset: every Chinese string would come out garbled.
    assert not po.metadata_is_fuzzy, "remove '#, fuzzy' above the header (msgid \"\") of django.po"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert po.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"


def test_every_message_is_translated_and_none_is_fuzzy(po):
    untranslated = [_name(e) for e in po if not e.obsolete and not all(_translations(e))]
    fuzzy = [_name(e) for e in po.fuzzy_entries()]
    problems = [f"untranslated: {m!r}" for m in untranslated] + [f"fuzzy: {m!r}" for m in fuzzy]
    assert not problems, f"{len(problems)} messages of django.po need a translator ({WORKFLOW}):\n" + "\n".join(
        problems
    )


def test_plural_messages_have_exactly_the_one_chinese_form(po):
    wrong = [_name(e) for e in po if e.msgid_plural and not e.obsolete and sorted(e.msgstr_plural) != [0]]
    assert not wrong, "Chinese has one plural form: give msgstr[0] only, for " + ", ".join(map(repr, wrong))


def test_translations_keep_the_placeholders_of_the_english(po):
    wrong = []
    for entry in po:
        if entry.obsolete or "python-format" not in entry.flags:
            continue
        english = [_conversions(entry.msgid), _conversions(entry.msgid_plural)]
        for text in _translations(entry):
            if text and _conversions(text) not in english:
                wrong.append(f"{_name(entry)!r} → {text!r}: has {_conversions(text)}, the English {english[0]}")
    assert not wrong, "translations whose placeholders differ from the English:\n" + "\n".join(wrong)


def test_the_committed_mo_is_compiled_from_the_po(po):
    with MO.open("rb") as f:
        committed, committed_header = _catalogue(gettext.GNUTranslations(f))
    compiled, compiled_header = _catalogue(gettext.GNUTranslations(io.BytesIO(po.to_binary())))
    stale = sorted(
        (repr(key) for key in committed.keys() | compiled.keys() if committed.get(key) != compiled.get(key)), key=str
    )
    advice = "django.mo is not compiled from django.po: run " + COMPILE
    assert not stale, f"{advice}; messages that differ:\n" + "\n".join(stale)
    assert committed_header == compiled_header, advice
