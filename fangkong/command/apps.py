from __future__ import annotations

from django.apps import AppConfig


class CommandConfig(AppConfig):
    name = "fangkong.command"
    label = "command"
    verbose_name = "Command"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS

        register_actions(ACTIONS, OBJECTS)  # the audit trail's words
        from . import subscriptions

        subscriptions.connect()

        # An alert a task was dispatched from stays as long as the task (core.alerts.alerts_purge).
        from django.db.models import Exists, OuterRef, Q

        from fangkong.core.purging import register_hold

        from .models import Directive

        register_hold("hall_alerts", "dispatched", lambda: Q(Exists(Directive.objects.filter(alert_id=OuterRef("pk")))))

        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        tasks = navigation.any_cap(Cap.TASK_WORK)
        directives = navigation.any_cap(Cap.DIRECTIVE_ISSUE, Cap.TASK_OVERSEE)
        navigation.register_group("command", _("Command"), order=10)
        navigation.register("command:tasks", _("My tasks"), order=10, visible=tasks, group="command")
        navigation.register("command:directives", _("Directives"), order=20, visible=directives, group="command")
        navigation.register(
            "command:report_overview", _("Report completeness"), order=30, visible=directives, group="command"
        )
        navigation.register("command:situations", _("Daily situation"), order=40, visible=directives, group="command")
        navigation.register("command:reports", _("Reports to file"), order=50, visible=tasks, group="command")
        navigation.register("command:duty", _("Duty"), order=60, visible=tasks, group="command")
        navigation.register("command:incidents", _("Incidents"), order=70, visible=tasks, group="command")
        navigation.register(
            "command:duty_roster",
            _("Duty roster"),
            order=61,
            visible=navigation.any_cap(Cap.DUTY_MANAGE),
            group="command",
        )
        navigation.register(
            "command:report_templates",
            _("Report templates"),
            order=51,
            visible=navigation.any_cap(Cap.DIRECTIVE_ISSUE),
            group="command",
        )
        navigation.register(
            "command:supervision",
            _("Supervision"),
            order=280,
            visible=navigation.any_cap(Cap.SUPERVISE),
            group="command",
        )
        # An incident's inbox line (incidents, below command) leads to its page here.
        navigation.register_link("incident", lambda incident: reverse("command:incident", args=[incident.pk]))

        # The command hall and the desk (core.hall, core.desk).
        from fangkong.core import desk, hall

        from . import hall as command_hall
        from .events import TASK_ESCALATED_ALERT

        hall.register_indicators("command", _("Command"), command_hall.indicators, order=50)
        hall.register_alert_kind(TASK_ESCALATED_ALERT, _("Task overdue"), cap=Cap.TASK_OVERSEE)
        desk.register_todo("command.tasks", command_hall.tasks_to_do, order=50)
        desk.register_todo("command.reports", command_hall.reports_to_file, order=51)
        desk.register_todo("command.outcomes", command_hall.outcomes_to_decide, order=52)
        hall.register_map_indicator("tasks_overdue", _("Tasks overdue"), command_hall.map_tasks_overdue)
        hall.register_map_points("incidents", _("Open incidents"), command_hall.incident_points, symbol="pin")
