"""Key places (重点场所) and their epidemic-control inspections: a venue's type, operator and supervising
department; inspections walked on a phone against a checklist the district keeps as data; each failed item a
rectification with its deadline; closure or a capacity limit by order, shown on the venue-code poster."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.core.bilingual import in_reader_language
from fangkong.registry.models import Unit


class PlaceCheckItem(models.Model):
    """One line of the inspection checklist (data the district edits): code scanning, temperature checks,
    ventilation and disinfection, the one-metre line, masks …"""

    code = models.SlugField(max_length=30, unique=True)
    text = models.CharField(_("item"), max_length=200)
    text_en = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    days_to_fix = models.PositiveSmallIntegerField(_("days to rectify"), default=3)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]

    @property
    def label(self) -> str:
        return in_reader_language(self.text, self.text_en)


class KeyPlace(models.Model):
    class Kind(models.TextChoices):
        MARKET = "market", _("Market")
        SUPERMARKET = "supermarket", _("Supermarket")
        RESTAURANT = "restaurant", _("Restaurant")
        HOTEL = "hotel", _("Hotel")
        ENTERTAINMENT = "entertainment", _("Entertainment venue")
        RELIGIOUS = "religious", _("Religious site")
        STATION = "station", _("Transport station")
        OTHER = "other", _("Other place")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        LIMITED = "limited", _("Open with a capacity limit")
        CLOSED = "closed", _("Closed by order")

    venue = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="key_place")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    operator = models.CharField(_("operator"), max_length=100, blank=True)
    supervisor = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supervising department"),
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    capacity = models.PositiveIntegerField(_("capacity limit"), null=True, blank=True)
    order_note = models.CharField(max_length=300, blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ordered_at = models.DateTimeField(null=True, blank=True)
    jpath = models.CharField(max_length=128)  # the venue's
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["jpath", "id"]
        indexes = [models.Index(fields=["jpath"], name="keyplace_jpath", opclasses=["varchar_pattern_ops"])]


class PlaceInspection(models.Model):
    place = models.ForeignKey(KeyPlace, on_delete=models.CASCADE, related_name="inspections")
    at = models.DateTimeField(default=clock.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    results = models.JSONField(default=dict)  # item code → "pass" | "fail"
    notes = models.JSONField(default=dict)  # item code → what was found
    failed = models.PositiveSmallIntegerField(default=0)
    jpath = models.CharField(max_length=128)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["place", "at"], name="placeinspection_place_at")]


class PlaceRectification(models.Model):
    """A failed item to put right by its deadline; closed when the place has done it (checked at the next visit or
    confirmed by the inspector)."""

    inspection = models.ForeignKey(PlaceInspection, on_delete=models.CASCADE, related_name="rectifications")
    place = models.ForeignKey(KeyPlace, on_delete=models.CASCADE, related_name="rectifications")
    item = models.CharField(max_length=30)
    text = models.CharField(max_length=200)  # the item as it read when found
    finding = models.CharField(max_length=300, blank=True)
    deadline = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    jpath = models.CharField(max_length=128)

    class Meta:
        ordering = ["deadline", "id"]
