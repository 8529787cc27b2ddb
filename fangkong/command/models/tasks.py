"""Directives going down the chain as tasks.

A directive is issued by someone to jurisdictions or units within their reach; each recipient gets a task. A task
is acknowledged, reported on, completed — or, past its deadline, overdue (derived from the clock, never stored)
and escalated once to the level above. A task can be split further down as a directive of its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Unit


class Directive(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("instructions"), blank=True)
    evidence = models.CharField(_("evidence required"), max_length=300, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=clock.now)
    from_task = models.ForeignKey(  # a sub-directive: how a recipient passes its task further down
        "Task", null=True, blank=True, on_delete=models.PROTECT, related_name="subdirectives"
    )
    jpath = models.CharField(max_length=128)  # the issuer's reach: who oversees it
    # Dispatched from an alert on the command hall (hall.services.alert_dispatch): the hall follows it to its close.
    alert = models.ForeignKey(
        "core.HallAlert", null=True, blank=True, on_delete=models.PROTECT, related_name="directives"
    )

    class Meta:
        indexes = [models.Index(fields=["jpath"], name="directive_jpath", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DONE = "done", _("Done")

    class Status(models.TextChoices):
        """What a task shows (`state_now`): its state, or overdue as read from the clock — the one place its
        words are kept, for every page that shows a task."""

        OPEN = "open", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DONE = "done", pgettext_lazy("task", "Done")
        OVERDUE = "overdue", pgettext_lazy("task", "Overdue")

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="tasks")
    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)  # the level above was told it is overdue
    jpath = models.CharField(max_length=128)  # the recipient's (a unit's own jpath)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jurisdiction__isnull=False) | models.Q(unit__isnull=False),
                name="task_has_a_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "state", "deadline"], name="task_jurisdiction_open"),
            models.Index(fields=["unit", "state", "deadline"], name="task_unit_open"),
            models.Index(fields=["jpath"], name="task_jpath", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["state", "deadline"], name="task_state_deadline"),
            # What escalation looks for on each task page: small, whatever the number of tasks.
            models.Index(
                fields=["deadline"],
                condition=models.Q(escalated_at__isnull=True) & ~models.Q(state="done"),
                name="task_to_escalate",
            ),
        ]

    @property
    def recipient(self):
        return self.jurisdiction or self.unit

    def state_now(self, now=None) -> str:
        """open | acknowledged | done | overdue — overdue is read from the clock."""
        if self.state != self.State.DONE and (now or clock.now()) > self.deadline:
            return self.Status.OVERDUE.value
        return self.state

    @property
    def status_label(self) -> str:
        return str(self.Status(self.state_now()).label)


class TaskUpdate(models.Model):
    """Progress reported on a task, with an optional attachment (a photo, a sheet)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now)
    text = models.TextField()
    attachment = models.FileField(upload_to="task-updates/%Y/%m/", blank=True)
