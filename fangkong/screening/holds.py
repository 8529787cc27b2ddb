"""What keeps screening's records past their retention period, decided by modules above screening (which it may
not import). Containment registers, in its AppConfig.ready, a hold on the closed-loop cases of a person whose
manual status change still runs: the change may cite the case ("[followup:12]") as its basis, and whoever decides
an appeal against it must still find it."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

_followup_holds: dict[str, Callable[[], Q]] = {}


def register_followup_hold(name: str, condition: Callable[[], Q]) -> None:
    """A condition on FollowUp rows (it may refer to the case's `person_id` with OuterRef) that keeps a released
    case from being deleted. Named, so that registering twice replaces rather than adds."""
    _followup_holds[name] = condition


def followup_holds() -> list[Q]:
    return [condition() for condition in _followup_holds.values()]
