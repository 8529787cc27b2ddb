"""Command pages: my tasks, a task, directives (issue and follow), reports, duty, incidents, the situation."""

from __future__ import annotations

from .duty import duty_page, roster_page
from .incidents import chain_page, incident_detail, incident_list
from .reports import my_reports, report_overview, template_page
from .situation import situation_detail, situation_export, situation_list
from .supervision import supervision_page
from .tasks import attachment, directive_detail, directive_list, my_tasks, task_detail

__all__ = [
    "attachment",
    "chain_page",
    "directive_detail",
    "directive_list",
    "duty_page",
    "incident_detail",
    "incident_list",
    "my_reports",
    "my_tasks",
    "report_overview",
    "roster_page",
    "situation_detail",
    "situation_export",
    "situation_list",
    "supervision_page",
    "task_detail",
    "template_page",
]
