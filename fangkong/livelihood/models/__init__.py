"""Livelihood (民生保障): supplies requested by households in sealed or controlled zones and delivered by their
community; volunteers signing up and accepted by their community; the public's reports of price gouging and
hoarding (哄抬物价、囤积居奇), worked by the market regulator. Stock points and their goods (stock.py) and price
monitoring at named markets (prices.py) beside them, volunteers' shifts (volunteering.py), gatherings
(gatherings.py), deliveries (deliveries.py), logistics passes (logistics.py), schools' holidays
(schools.py) and key places with their inspections (places.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import clock
from fangkong.registry.models import Person


class SupplyRequest(models.Model):
    class Kind(models.TextChoices):
        GROCERIES = "groceries", _("Food and daily necessities")
        MEDICINE = "medicine", _("Medicine")
        OTHER = "other", _("Other")

    class Need(models.TextChoices):
        MEDICINE = "medicine", _("Medicine")
        INFANT = "infant", _("Infant")
        DIALYSIS = "dialysis", _("Dialysis")
        BEDRIDDEN = "bedridden", _("Bedridden")

    class Confirmation(models.TextChoices):
        CODE = "code", _("Recipient's code at the door")
        PHONE = "phone", _("Recipient on their phone")
        OFFICER = "officer", _("Recorded by the community")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Being delivered")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey("containment.Zone", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    items = models.TextField(_("what is needed"))
    urgent = models.BooleanField(_("urgent (medicine, infants, the sick or elderly)"), default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    created_at = models.DateTimeField(default=clock.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # delivered or cancelled: retention counts from it
    note = models.CharField(max_length=300, blank=True)
    jpath = models.CharField(max_length=128)  # the person's
    # Who needs it most goes first (medicine, infants, dialysis, the bedridden), then the urgent, then by age.
    need = models.CharField(_("special need"), max_length=10, choices=Need.choices, blank=True)
    raised_by = models.ForeignKey(  # the community raised it for the household (else the household itself)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivery = models.ForeignKey(
        "livelihood.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    # The one-time code the recipient tells the courier at the door (encrypted; shown only on their /me/ page).
    door_code_cipher = models.BinaryField(null=True, blank=True, editable=False)
    code_tries = models.PositiveSmallIntegerField(default=0)
    confirmed_with = models.CharField(max_length=8, choices=Confirmation.choices, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["jpath"], name="supply_jpath", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["state", "created_at"], name="supply_state"),
        ]


class Volunteer(models.Model):
    class Skill(models.TextChoices):
        DELIVERY = "delivery", _("Delivering supplies")
        CHECKPOINT = "checkpoint", _("Checkpoint duty")
        TESTING = "testing", _("Helping at testing sites")
        MEDICAL = "medical", _("Medical training")
        DRIVING = "driving", _("Driving")
        COUNSELLING = "counselling", _("Counselling")
        TRANSLATION = "translation", _("Languages")

    class State(models.TextChoices):
        # Own context: "Applied" of a status change means it took effect (已生效); a volunteer has only signed up.
        APPLIED = "applied", pgettext_lazy("volunteer", "Applied")
        ACCEPTED = "accepted", pgettext_lazy("volunteer", "Accepted")
        DECLINED = "declined", pgettext_lazy("volunteer", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("volunteer", "Withdrawn")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    skills = models.JSONField(default=list)
    availability = models.CharField(_("when available"), max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.APPLIED)
    applied_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    jpath = models.CharField(max_length=128)

    @property
    def skills_shown(self) -> str:
        """The skills in the reader's language (stored as their codes)."""
        labels = dict(self.Skill.choices)
        return "、".join(str(labels.get(s, s)) for s in self.skills)

    class Meta:
        constraints = [
            # One open application or enrolment per person.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(state__in=["applied", "accepted"]), name="volunteer_once"
            )
        ]
        indexes = [models.Index(fields=["jpath"], name="volunteer_jpath", opclasses=["varchar_pattern_ops"])]


class PriceReport(models.Model):
    """A report of price gouging or hoarding from the public, anonymous or named (the reporter's identity is
    encrypted; the shop never sees it)."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        CONFIRMED = "confirmed", _("Confirmed: action taken")
        DISMISSED = "dismissed", _("Not confirmed")

    shop = models.CharField(_("shop or seller"), max_length=100)
    place = models.CharField(_("where"), max_length=200)
    goods = models.CharField(_("goods"), max_length=100)
    price = models.CharField(_("price asked"), max_length=60, blank=True)
    hoarding = models.BooleanField(_("hoarding (goods withheld)"), default=False)
    description = models.TextField(_("what happened"))
    reported_at = models.DateTimeField(default=clock.now)
    anonymous = models.BooleanField(default=True)
    name_cipher = models.BinaryField(null=True, blank=True)
    phone_cipher = models.BinaryField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    # The case it joined (the regulator names the market it is about): worked and closed with the case.
    case = models.ForeignKey(
        "livelihood.PriceCase", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )

    class Meta:
        indexes = [models.Index(fields=["state", "reported_at"], name="price_state")]


from .deliveries import Delivery, SupplyLine  # noqa: E402
from .gatherings import Gathering, GatheringLimit  # noqa: E402
from .logistics import LogisticsPass  # noqa: E402
from .places import KeyPlace, PlaceCheckItem, PlaceInspection, PlaceRectification  # noqa: E402
from .prices import Market, PriceCase, PriceItem, PriceObservation  # noqa: E402
from .schools import SchoolHoliday  # noqa: E402
from .stock import Goods, StockLevel, StockMovement, StockPoint  # noqa: E402
from .volunteering import Shift  # noqa: E402

__all__ = [
    "Delivery",
    "Gathering",
    "GatheringLimit",
    "Goods",
    "KeyPlace",
    "LogisticsPass",
    "Market",
    "PlaceCheckItem",
    "PlaceInspection",
    "PlaceRectification",
    "PriceCase",
    "PriceItem",
    "PriceObservation",
    "PriceReport",
    "SchoolHoliday",
    "Shift",
    "StockLevel",
    "StockMovement",
    "StockPoint",
    "SupplyLine",
    "SupplyRequest",
    "Volunteer",
]
