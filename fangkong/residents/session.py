"""The resident's session: which registered people the signed-in phone may act for. Every resident page, in
whichever app owns its data, is wrapped in `resident_required` and works only for those people."""

from __future__ import annotations

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect

from fangkong.core.scoping import NotFound
from fangkong.registry.models import Person

SESSION_KEY = "fangkong_resident"
IDLE_SECONDS = 30 * 60


def resident_required(view):
    """The view gets the phone's people (a list of person ids) after the request; anyone else is sent to sign in.
    Another person's data reads as if it did not exist."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        people = request.session.get(SESSION_KEY)
        if not people:
            return redirect("me:login")
        request.session.set_expiry(IDLE_SECONDS)  # sliding: half an hour without a click signs out
        try:
            return view(request, people, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc

    return wrapper


def sign_in(request, people: list[int]) -> None:
    request.session.cycle_key()  # a new session id at sign-in
    request.session[SESSION_KEY] = people
    request.session.set_expiry(IDLE_SECONDS)


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)


def my_people(person_ids: list[int]) -> list[Person]:
    """The people the signed-in phone may act for (the forms' "for whom")."""
    return list(Person.objects.filter(pk__in=person_ids).order_by("pk"))


def person_choice(request, people: list[int]) -> int:
    """Whom a resident's form is for: the one chosen, else the phone's first person (checked by the service)."""
    try:
        return int(request.POST.get("person") or people[0])
    except ValueError:
        return 0
