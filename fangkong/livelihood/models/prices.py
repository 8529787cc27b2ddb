"""Price monitoring (哄抬物价): market inspectors record the prices of staple goods at named markets and shops; an
item has a baseline (its price before the emergency) and a margin the district sets; a price above the margin
opens a case for the market regulator with the observation as evidence, and the public's reports of the same
market join the case."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Unit


class Market(models.Model):
    """A named place where prices are watched: a farmers' market, a supermarket, a shop, a pharmacy."""

    class Kind(models.TextChoices):
        MARKET = "market", _("Farmers' market")
        SUPERMARKET = "supermarket", _("Supermarket")
        SHOP = "shop", _("Shop")
        PHARMACY = "pharmacy", _("Pharmacy")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MARKET)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["jpath", "name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="market_name_once")]
        indexes = [models.Index(fields=["jpath"], name="market_jpath", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name


class PriceItem(models.Model):
    """A staple watched for price gouging: its unit (per 斤, per 袋 …), its baseline and the margin above it that
    the district tolerates (in per cent). Data the district edits; each change audited."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    unit = models.CharField(_("unit"), max_length=10)
    baseline = models.DecimalField(_("baseline price"), max_digits=10, decimal_places=2)
    margin_percent = models.DecimalField(_("margin (%)"), max_digits=5, decimal_places=1, default=Decimal(20))
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=models.Q(baseline__gt=0), name="priceitem_baseline_positive")]

    def __str__(self) -> str:
        return self.name

    @property
    def ceiling(self) -> Decimal:
        """The highest price within the margin."""
        return (self.baseline * (1 + self.margin_percent / 100)).quantize(Decimal("0.01"))


class PriceCase(models.Model):
    """A suspected case of price gouging or hoarding at a market, worked by the market regulator: opened by an
    observation above the margin or by the public's report, joined by later ones, closed with an outcome."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CONFIRMED = "confirmed", _("Confirmed: action taken")
        DISMISSED = "dismissed", _("Not confirmed")

    market = models.ForeignKey(Market, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    item = models.ForeignKey(PriceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    hoarding = models.BooleanField(_("hoarding (goods withheld)"), default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(default=clock.now)
    jpath = models.CharField(max_length=128, blank=True)  # the market's, when known
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        ordering = ["state", "-opened_at"]
        constraints = [
            # One open case per market and item: later evidence joins it.
            models.UniqueConstraint(
                fields=["market", "item"], condition=models.Q(state="open"), name="pricecase_open_once"
            )
        ]
        indexes = [models.Index(fields=["state", "opened_at"], name="pricecase_state")]


class PriceObservation(models.Model):
    """A price seen by an inspector at a market, with when and by whom; the evidence of a case when above the
    margin."""

    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="observations")
    item = models.ForeignKey(PriceItem, on_delete=models.PROTECT, related_name="observations")
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    observed_at = models.DateTimeField(default=clock.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    case = models.ForeignKey(PriceCase, null=True, blank=True, on_delete=models.PROTECT, related_name="observations")

    class Meta:
        ordering = ["-observed_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(price__gt=0), name="priceobservation_positive")]
        indexes = [models.Index(fields=["item", "market", "observed_at"], name="priceobs_item_market")]
