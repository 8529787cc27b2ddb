"""Command's models, one module per sub-domain: tasks (directives down the chain), chain (who answers for what),
duty, reporting, situation (the daily report), supervision. Django finds them through this package."""

from __future__ import annotations

from .chain import Responsible
from .duty import DutyAssignment, DutyLogEntry, DutyShift
from .reporting import ReportAssignment, ReportSubmission, ReportTemplate
from .situation import SituationReport, SituationSection, SituationSectionVersion
from .supervision import Finding, Outcome
from .tasks import Directive, Task, TaskUpdate

__all__ = [
    "Directive",
    "DutyAssignment",
    "DutyLogEntry",
    "DutyShift",
    "Finding",
    "Outcome",
    "ReportAssignment",
    "ReportSubmission",
    "ReportTemplate",
    "Responsible",
    "SituationReport",
    "SituationSection",
    "SituationSectionVersion",
    "Task",
    "TaskUpdate",
]
