"""Who answers for what: the named people of each jurisdiction (secretaries and heads at district, street and
community level) and of each unit (its principal), from which the responsibility chain of any task, zone,
checkpoint or enterprise is read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.registry.models import Jurisdiction, Unit


class Responsible(models.Model):
    class Duty(models.TextChoices):
        SECRETARY = "secretary", _("Party secretary")
        HEAD = "head", _("Head")
        PRINCIPAL = "principal", _("Principal (first responsible person)")
        CONTACT = "contact", _("Contact on duty")

    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    duty = models.CharField(max_length=10, choices=Duty.choices)
    name = models.CharField(_("name"), max_length=64)
    post = models.CharField(_("post"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jurisdiction__isnull=False) | models.Q(unit__isnull=False),
                name="responsible_has_a_post",
            ),
        ]
