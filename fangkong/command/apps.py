from __future__ import annotations

from django.apps import AppConfig


class CommandConfig(AppConfig):
    name = "fangkong.command"
    label = "command"
    verbose_name = "Command"

    def ready(self) -> None:
        from . import subscriptions

        subscriptions.connect()

        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        tasks = navigation.any_cap(Cap.TASK_WORK)
        directives = navigation.any_cap(Cap.DIRECTIVE_ISSUE, Cap.TASK_OVERSEE)
        navigation.register("command:tasks", _("My tasks"), order=10, visible=tasks)
        navigation.register("command:directives", _("Directives"), order=20, visible=directives)
        navigation.register("command:report_overview", _("Report completeness"), order=30, visible=directives)
        navigation.register("command:situations", _("Daily situation"), order=40, visible=directives)
        navigation.register("command:reports", _("Reports to file"), order=50, visible=tasks)
        navigation.register("command:duty", _("Duty"), order=60, visible=tasks)
        navigation.register("command:incidents", _("Incidents"), order=70, visible=tasks)
        navigation.register(
            "command:supervision", _("Supervision"), order=280, visible=navigation.any_cap(Cap.SUPERVISE)
        )
        # An incident's inbox line (incidents, below command) leads to its page here.
        navigation.register_link("incident", lambda incident: reverse("command:incident", args=[incident.pk]))
