"""Command pages: my tasks, a task, directives (issue and follow), reports, duty, incidents, the situation."""

from __future__ import annotations

from .incidents import chain_page, incident_detail, incident_list
from .reports import duty_page, my_reports, report_overview
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
    "situation_detail",
    "situation_export",
    "situation_list",
    "supervision_page",
    "task_detail",
]
