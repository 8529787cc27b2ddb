"""The words people read for the values work safety stores: one place per list, translated when shown.

A model's own choices carry their labels (`Hazard.State`, `Accident.Kind` …); the fixed lists that are not a model's
choices live here: an enterprise's industries, sizes and special risks, a major hazard's five assurances, and the
kinds of step in a hazard's history. A list whose stored values are Chinese (industries, sizes: the district's data
was written so before these labels existed) keeps them as its keys; the English is the message id and the Chinese
its translation, so that an English page reads "Metallurgy" where a Chinese one reads 冶金.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from .models import Hazard

# The industries a profile is given and a checklist applies to: the industry-and-trade sectors of the 2023
# criteria for major hazards (冶金 … 商贸), then the others a district supervises. A district may name more in its
# industry matrix; those show as written.
INDUSTRIES = (
    ("冶金", pgettext_lazy("industry", "Metallurgy")),
    ("有色", pgettext_lazy("industry", "Non-ferrous metals")),
    ("建材", pgettext_lazy("industry", "Building materials")),
    ("机械", pgettext_lazy("industry", "Machinery")),
    ("轻工", pgettext_lazy("industry", "Light industry")),
    ("食品", pgettext_lazy("industry", "Food processing")),
    ("纺织", pgettext_lazy("industry", "Textiles")),
    ("烟草", pgettext_lazy("industry", "Tobacco")),
    ("商贸", pgettext_lazy("industry", "Commerce and trade")),
    ("冷库（涉氨制冷）", pgettext_lazy("industry", "Cold storage (ammonia refrigeration)")),
    ("危险化学品", pgettext_lazy("industry", "Hazardous chemicals")),
    ("化工", pgettext_lazy("industry", "Chemical industry")),
    ("建筑施工", pgettext_lazy("industry", "Building construction")),
    ("交通运输", pgettext_lazy("industry", "Transport")),
    ("城镇燃气", pgettext_lazy("industry", "Town gas")),
)

SIZES = (
    ("大型", pgettext_lazy("enterprise size", "Large")),
    ("中型", pgettext_lazy("enterprise size", "Medium")),
    ("小型", pgettext_lazy("enterprise size", "Small")),
    ("微型", pgettext_lazy("enterprise size", "Micro")),
)

SPECIAL_RISKS = (
    ("hazardous_chemicals", _("Hazardous chemicals")),
    ("dust", _("Combustible dust")),
    ("confined_spaces", _("Confined spaces")),
    ("ammonia", _("Ammonia refrigeration")),
    ("construction", _("Construction")),
    ("gas", _("Gas")),
)

# 五落实: what a major hazard's rectification must have settled before it starts.
ASSURANCE_CHOICES = (
    ("responsibility", pgettext_lazy("assurance", "Responsibility")),
    ("measures", pgettext_lazy("assurance", "Measures")),
    ("funds", pgettext_lazy("assurance", "Funds")),
    ("time_limit", pgettext_lazy("assurance", "Time limit")),
    ("contingency", pgettext_lazy("assurance", "Contingency plan")),
)

# A hazard's history: each state it entered, and the other things done to it (HazardStep.to).
STEP_CHOICES = (
    *Hazard.State.choices,
    ("extended", _("Deadline extended")),
    ("listed", _("Put under listed supervision")),
    ("unlisted", _("Listed supervision lifted")),
    ("photo_before", _("Photo before rectification")),
    ("photo_after", _("Photo after rectification")),
)

_INDUSTRY = dict(INDUSTRIES)
_SIZE = dict(SIZES)
_RISK = dict(SPECIAL_RISKS)
_ASSURANCE = dict(ASSURANCE_CHOICES)
_STEP = dict(STEP_CHOICES)


def industry_label(value: str) -> str:
    """A known industry in the reader's language; one the district named itself as it was written."""
    return str(_INDUSTRY.get(value, value or ""))


def size_label(value: str) -> str:
    return str(_SIZE.get(value, value or ""))


def risk_label(value: str) -> str:
    return str(_RISK.get(value, value or ""))


def assurance_label(value: str) -> str:
    return str(_ASSURANCE.get(value, value or ""))


def step_label(value: str) -> str:
    return str(_STEP.get(value, value or ""))


def joined(labels: Iterable[str]) -> str:
    """Labels in a sentence, with the reader's list separator (、 in Chinese)."""
    return pgettext("list separator", ", ").join(str(label) for label in labels)
