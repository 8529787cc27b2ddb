"""谁查看了我的信息: for each of the phone's people, who revealed their numbers, traced them or changed their status
by hand — what for, from which office, when (registry.selectors.access_log_for_person)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import clock
from fangkong.registry.models import Person

from .session import my_people

# The colours a status change names, said as the resident's status page says them.
COLOURS = {"green": gettext_lazy("Green"), "yellow": gettext_lazy("Yellow"), "red": gettext_lazy("Red")}


@dataclass
class Access:
    """One line of "who looked at my data"."""

    at: object
    what: str
    purpose: str
    where: str
    officer: str


def _access_text(entry) -> str:
    from datetime import datetime

    fields = entry.fields
    colour = COLOURS.get(fields.get("colour", ""), "")
    if entry.kind == "reveal":
        return _("Revealed your full ID number and phone")
    if entry.kind == "whereabouts":
        return _("Looked up where you scanned in during the last %(days)s days") % {"days": fields.get("days", "")}
    if entry.kind == "venue_trace":
        period = ""
        try:
            since, until = (clock.localtime(datetime.fromisoformat(fields[k])) for k in ("since", "until"))
            period = f"{since}–{until}"
        except (KeyError, TypeError, ValueError):
            pass
        return _("Looked up who was at %(venue)s (%(period)s), while you were there") % {
            "venue": entry.about,
            "period": period,
        }
    return {
        "status_change.request": _("Asked for a manual change of your status to %(colour)s") % {"colour": colour},
        "status_change.approve": _("Approved a manual change of your status to %(colour)s") % {"colour": colour},
        "status_change.reject": _("Rejected a requested change of your status"),
        "status_change.revoke": _("Revoked a manual change of your status"),
        "status_change.revoke_on_appeal": _("Revoked a manual change of your status after your appeal"),
    }.get(entry.action, entry.action)


def my_access_log(person_ids: list[int]) -> list[tuple[Person, list[Access]]]:
    """For each of the signed-in phone's people: who revealed their numbers, traced them or changed their status
    by hand — what for, from which office, when (registry.selectors.access_log_for_person)."""
    from fangkong.registry.selectors import access_log_for_person

    return [
        (
            person,
            [
                Access(at=e.at, what=_access_text(e), purpose=e.purpose, where=e.where, officer=e.officer)
                for e in access_log_for_person(person)
            ],
        )
        for person in my_people(person_ids)
    ]
