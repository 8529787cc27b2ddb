"""Stock points (warehouses, supermarkets, community stations) and the goods they hold: every movement in or out
recorded with who, when, why and the balance after it, so a shortage and its history are one read."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Unit


class Goods(models.Model):
    """A kind of goods the district stocks and delivers (rice, oil, vegetables, insulin, infant formula …), counted
    in one unit (袋, 桶, 斤, 盒 …). Data the district keeps; a retired kind stays for the movements that name it."""

    class Category(models.TextChoices):
        STAPLE = "staple", _("Grain and oil")
        FRESH = "fresh", _("Vegetables, meat and eggs")
        MEDICINE = "medicine", _("Medicine")
        INFANT = "infant", _("Infant and maternal")
        DAILY = "daily", _("Daily necessities")
        OTHER = "other", pgettext_lazy("goods", "Other")

    name = models.CharField(_("name"), max_length=60, unique=True)
    unit = models.CharField(_("unit of count"), max_length=10)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, default=Category.OTHER)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("goods")

    def __str__(self) -> str:
        return self.name


class StockPoint(models.Model):
    """Where goods are kept and handed out from: a district warehouse, a supermarket that supplies the lockdown,
    a community's own station. Worked by whoever holds livelihood work over its jurisdiction."""

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("Warehouse")
        SUPERMARKET = "supermarket", _("Supermarket")
        STATION = "station", _("Community station")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(_("address"), max_length=200, blank=True)
    # A request open longer than this while the point holds none of what it needs counts as a shortage too.
    open_limit_hours = models.PositiveSmallIntegerField(_("requests open for more than (hours)"), default=24)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["jpath", "name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="stockpoint_name_once")]
        indexes = [models.Index(fields=["jpath"], name="stockpoint_jpath", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """How much of one kind of goods a point holds now, and below what it is short. Written only with its
    movement, under a row lock; never negative (a constraint, not only a check)."""

    point = models.ForeignKey(StockPoint, on_delete=models.PROTECT, related_name="levels")
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=Decimal(0))
    threshold = models.DecimalField(_("short below"), max_digits=12, decimal_places=2, default=Decimal(0))
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["goods__category", "goods__name"]
        constraints = [
            models.UniqueConstraint(fields=["point", "goods"], name="stocklevel_once"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stocklevel_not_negative"),
            models.CheckConstraint(condition=models.Q(threshold__gte=0), name="stocklevel_threshold_not_negative"),
        ]

    @property
    def short(self) -> bool:
        return self.quantity < self.threshold


class StockMovement(models.Model):
    """Goods in (from a supplier, a donation, another point) or out (to a delivery, another point, written off):
    the ledger the levels are the sum of. Append-only; a mistake is corrected by a movement the other way."""

    class Direction(models.TextChoices):
        IN = "in", pgettext_lazy("stock", "In")
        OUT = "out", pgettext_lazy("stock", "Out")

    class Reason(models.TextChoices):
        SUPPLIER = "supplier", _("From a supplier")
        DONATION = "donation", _("Donation")
        TRANSFER = "transfer", _("Between stock points")
        DELIVERY = "delivery", _("To households")
        WRITE_OFF = "write_off", _("Written off (spoilt, lost)")
        CORRECTION = "correction", _("Correction of a count")

    point = models.ForeignKey(StockPoint, on_delete=models.PROTECT, related_name="movements")
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    balance = models.DecimalField(_("balance after"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    source = models.CharField(_("from or to"), max_length=100, blank=True)  # the supplier, donor or other point
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(default=clock.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="stockmovement_positive")]
        indexes = [models.Index(fields=["point", "goods", "at"], name="stockmovement_point_goods")]
