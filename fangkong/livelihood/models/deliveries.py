"""Deliveries: supply requests fulfilled from a stock point (their goods in lines, taken out of stock when packed),
batched by building for a courier — a community worker or a volunteer on shift — and confirmed by the recipient:
the one-time code they tell the courier at the door, or "received" on their own phone at /me/."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Place

from .stock import Goods, StockPoint


class Delivery(models.Model):
    """A batch of requests packed at one stock point for the homes of one building (or a few), carried by one
    courier."""

    class State(models.TextChoices):
        PACKED = "packed", _("Packed")
        OUT = "out", _("On the way")
        DONE = "done", _("Done")

    point = models.ForeignKey(StockPoint, on_delete=models.PROTECT, related_name="deliveries")
    jpath = models.CharField(max_length=128)  # the narrowest jurisdiction holding all its homes
    building = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    courier = models.CharField(_("courier"), max_length=60, blank=True)  # a name, as the community writes it
    courier_volunteer = models.ForeignKey(
        "livelihood.Volunteer", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PACKED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    out_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["jpath"], name="delivery_jpath", opclasses=["varchar_pattern_ops"])]


class SupplyLine(models.Model):
    """What of a request is sent: goods and how many, taken out of the stock point's stock when packed."""

    request = models.ForeignKey("livelihood.SupplyRequest", on_delete=models.CASCADE, related_name="lines")
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "goods"], name="supplyline_once"),
            models.CheckConstraint(condition=models.Q(quantity__gt=Decimal(0)), name="supplyline_positive"),
        ]
