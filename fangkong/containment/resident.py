"""What containment shows and takes from a signed-in resident (the residents' edge renders it): the status with
its reasons and the manual decisions about it, and an appeal against one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.actors import Resident
from fangkong.core.errors import FieldError
from fangkong.residents.home import Card
from fangkong.residents.session import resident_required

from .changes import appeal_file
from .selectors import change_of_residents, decisions_about
from .status import status_of


def status_card(person) -> Card:
    status = status_of(person.pk)
    return Card(
        "containment/resident/_status.html",
        {
            "status": status,
            "reasons": status.reasons_shown(),
            "changes": decisions_about(person),
        },
    )


@resident_required
@require_POST
def appeal(request, people: list[int], change_id: int):
    change = change_of_residents(person_ids=people, change_id=change_id)  # 404 (resident_required) otherwise
    try:
        appeal_file(actor=Resident(change.person_id), change_id=change.pk, text=request.POST.get("text", ""))
        messages.success(request, _("Your appeal was filed. Someone who took no part in the change will decide it."))
    except FieldError as exc:
        messages.error(request, exc.message)
    return redirect("me:me")
