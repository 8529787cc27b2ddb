"""What command announces: the command hall's alerts it raises (core.alerts; the kinds are registered in
apps.py)."""

from __future__ import annotations

TASK_ESCALATED_ALERT = "command.task_escalated"  # a task went overdue and the level above was told
