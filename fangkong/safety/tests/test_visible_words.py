"""What people read on the work-safety pages and in the statistics workbook: in Chinese, never a stored value (a
state such as `found`, an assurance's key such as `time_limit`, a risk's key); in English, never the Chinese of
a fixed list (an industry, a size, a special risk) where its English label exists."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import html as lxml_html

from fangkong.core import clock
from fangkong.core.tests import files
from fangkong.safety import labels
from fangkong.safety.accidents import accident_report
from fangkong.safety.checklists import checklists_latest, ensure_builtin_checklists
from fangkong.safety.hazards import (
    hazard_create,
    hazard_extend,
    hazard_list_supervision,
    hazard_photo,
    hazard_transition,
)
from fangkong.safety.inspections import inspection_record, inspection_sign, inspection_start
from fangkong.safety.models import Accident, Checklist, ChecklistItem, EnterpriseProfile, Hazard, PublicReport

from .test_inspections import signature_png

FIVE = {"responsibility": "厂长张某", "measures": "更换", "funds": "2万元", "time_limit": "5天", "contingency": "预案"}
# A stored identifier: lower-case words joined by underscores (time_limit, photo_before, hazardous_chemicals).
IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_])")
# A run of Latin words: one standing alone among Chinese or punctuation is a value; several are a sentence (an
# English message not yet translated), which is the translators' and not a raw value.
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?: +[A-Za-z][A-Za-z0-9_]*)*")


def stored_values() -> set[str]:
    """Every value work safety stores for people to read through a label."""
    values = set()
    for choices in (
        Hazard.State,
        Hazard.Grade,
        Accident.Kind,
        PublicReport.State,
        ChecklistItem.Severity,
        Checklist.Audience,
    ):
        values |= set(choices.values)
    for fixed in (labels.SPECIAL_RISKS, labels.ASSURANCE_CHOICES, labels.STEP_CHOICES):
        values |= {key for key, _label in fixed}
    return values | {"inspection", "self", "public"}  # a hazard's source


def visible_text(content: bytes) -> list[str]:
    """The text nodes a person reads: no tags, scripts, styles or attributes."""
    doc = lxml_html.fromstring(content)
    for hidden in doc.xpath("//script|//style|//template|//noscript"):
        hidden.drop_tree()
    return [t.strip() for t in doc.xpath("//text()") if t.strip()]


def raw_codes(texts: list[str], values: set[str]) -> set[str]:
    found = set()
    for text in texts:
        found |= set(IDENTIFIER.findall(text))
        found |= {run for run in LATIN_RUN.findall(text) if run in values}
    return found


def test_the_detector_finds_what_it_is_for():
    values = stored_values()
    page = "<ul><li>05-01 10:00 · found · reg</li><li title='found'>time_limit</li><script>x_y</script></ul>".encode()
    assert raw_codes(visible_text(page), values) == {"found", "time_limit"}
    assert raw_codes(["Not from found to closed", "已发现 · 整改期限"], values) == set()


def _world(district, safety) -> dict:
    """Hazards with every kind of step, a walked and signed inspection with a failure, an accident, a profile with a
    size and special risks."""
    reg, ent = safety["regulator"], safety["officer"]
    plant = safety["plant"]
    EnterpriseProfile.objects.filter(unit=plant).update(size="中型", special_risks=["hazardous_chemicals", "dust"])
    deadline = clock.now() + timedelta(days=7)
    major = hazard_create(actor=reg, enterprise_id=plant.pk, grade="major", description="液氨泄漏", deadline=deadline)
    hazard_transition(actor=reg, hazard_id=major.pk, to="registered")
    hazard_transition(actor=reg, hazard_id=major.pk, to="ordered")
    hazard_transition(actor=ent, hazard_id=major.pk, to="rectifying", assurances=FIVE)
    hazard_extend(actor=reg, hazard_id=major.pk, deadline=deadline + timedelta(days=5), note="设备到货延迟")
    hazard_list_supervision(actor=reg, hazard_id=major.pk, listed=True, note="兴安委〔2022〕3号")
    hazard_photo(actor=ent, hazard_id=major.pk, photo=SimpleUploadedFile("b.jpg", files.jpeg()), stage="before")
    general = hazard_create(
        actor=ent, enterprise_id=plant.pk, grade="general", description="通道堵塞", deadline=deadline
    )
    overdue = hazard_create(
        actor=reg, enterprise_id=plant.pk, grade="general", description="灭火器过期", deadline=deadline
    )
    Hazard.objects.filter(pk=overdue.pk).update(deadline=clock.now() - timedelta(days=2))
    fitting = ensure_builtin_checklists()["hazardous-chemicals"]
    signed = inspection_start(actor=reg, enterprise_id=plant.pk, checklist_id=fitting.pk)
    items = list(fitting.items.all())
    for item in items:
        failed = item == items[0]
        inspection_record(
            actor=reg, inspection_id=signed.pk, item_id=item.pk, passed=not failed, note="未考核" if failed else ""
        )
    inspection_sign(actor=reg, inspection_id=signed.pk, signature=signature_png())
    walking = inspection_start(actor=reg, enterprise_id=plant.pk, checklist_id=fitting.pk)
    accident = accident_report(
        actor=ent, enterprise_id=plant.pk, kind="poisoning", occurred_at=clock.now(), text="有限空间中毒一人"
    )
    return {
        "pages": [
            "/safety/",
            "/safety/?state=overdue",
            f"/safety/hazards/{major.pk}/",
            f"/safety/hazards/{general.pk}/",
            "/safety/review/",
            "/safety/statistics/",
            "/safety/accidents/",
            f"/safety/accidents/{accident.pk}/",
            "/safety/inspections/new/",
            f"/safety/inspections/new/?enterprise_id={plant.pk}",
            f"/safety/inspections/{signed.pk}/",
            f"/safety/inspections/{walking.pk}/",
            "/safety/enterprises/",
            f"/safety/enterprises/{plant.pk}/",
            "/safety/industries/",
            "/safety/checklists/",
        ],
        "personas": [ent, reg, district.hq, district.street1],
    }


def test_chinese_pages_and_the_workbook_show_no_stored_values(district, safety):
    from openpyxl import load_workbook

    world = _world(district, safety)
    values = stored_values()
    codes = {c.code for c in checklists_latest()}
    found, read = [], 0
    for user in world["personas"]:
        client = district.client(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
        for path in world["pages"]:
            response = client.get(path)
            if response.status_code != 200:
                continue
            read += 1
            texts = visible_text(response.content)
            found += [(user.username, path, code) for code in raw_codes(texts, values)]
            # A checklist is named, never shown by its code (state-council-15).
            found += [(user.username, path, text) for text in texts if text in codes]
        workbook = client.get("/safety/statistics.xlsx")
        if workbook.status_code == 200:
            read += 1
            wb = load_workbook(io.BytesIO(workbook.content), read_only=True)
            cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
            found += [(user.username, "statistics.xlsx", code) for code in raw_codes(cells, values)]
    assert read >= 50
    assert not found, found


def test_english_pages_name_the_fixed_lists_in_english(district, safety):
    world = _world(district, safety)
    chinese = {key for fixed in (labels.INDUSTRIES, labels.SIZES) for key, _label in fixed}
    for user in world["personas"]:
        client = district.client(user)  # English
        for path in world["pages"]:
            response = client.get(path)
            if response.status_code != 200:
                continue
            tokens = {t for text in visible_text(response.content) for t in re.split(r"[\s·、,:：]+", text) if t}
            assert not tokens & chinese, (user.username, path, tokens & chinese)
    street = district.client(district.street1).get(f"/safety/enterprises/{safety['plant'].pk}/").content.decode()
    assert "Hazardous chemicals" in street and "Medium" in street and "Combustible dust" in street
