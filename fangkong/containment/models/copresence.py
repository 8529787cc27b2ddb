"""The review of a co-presence candidate (时空伴随): confirmed as a contact, or dismissed with the reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import clock
from fangkong.registry.models import Person

from .cases import Case


class CopresenceReview(models.Model):
    """One person's review as a candidate of one case: never decided twice (a confirmed one is a contact, with
    its own record; a dismissed one stays dismissed, the reason on the list for whoever looks next)."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed as a contact")
        DISMISSED = "dismissed", pgettext_lazy("copresence", "Dismissed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="copresence_reviews")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="copresence_review_once")]
