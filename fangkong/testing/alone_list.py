"""Who is tested alone, for a sampling phone offline (issue 22).

People under closed-loop management (an open follow-up) or tagged key population are sampled one to a tube
(collection: its people rules). Online the server refuses such a person in a pooled tube; offline the phone could
only find out when the scan is sent — the swab already in a pooled tube, the pool spoilt. So a sampling page
keeps this list: the personal codes of the people tested alone, as short salted hashes (core.hashlist), so that
offline a scanned personal code is looked up and the sampler told to take a new tube for that person alone.

Only personal codes are listed: they are random, so the list says nothing to anyone who does not hold a code. ID
numbers are not — a list of hashes of ID numbers would let anyone holding it test a known number for "under
closed-loop management" (the status list keeps them keyed with the server's secret for the same reason): a typed
ID number is checked when the scan arrives. District-wide, as a person may be sampled at any site; rebuilt at most
every five minutes (kept in the shared cache), not signed: the page fetches it from its own server, signed in.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Q

from fangkong.core import clock, hashlist
from fangkong.core.scoping import NotFound
from fangkong.registry.models import PersonCode, PersonTag
from fangkong.screening.models import FollowUp

from .selectors import sites_workable

CACHE_KEY = "testing:alone-list:1"
REBUILD_SECONDS = 5 * 60


def alone_codes() -> list[str]:
    """The personal codes of the people tested alone: the same rule as the collection's (collection/people.py)."""
    tagged = PersonTag.objects.filter(tag=PersonTag.Tag.KEY_POPULATION).values("person_id")
    followed = FollowUp.objects.filter(released_at__isnull=True).values("person_id")
    return list(
        PersonCode.objects.filter(Q(person_id__in=tagged) | Q(person_id__in=followed)).values_list("code", flat=True)
    )


def alone_list_build() -> dict[str, Any]:
    payload = {"issued_at": clock.now().replace(microsecond=0).isoformat(), **hashlist.pack(alone_codes())}
    cache.set(CACHE_KEY, payload, timeout=REBUILD_SECONDS)
    return payload


def alone_list_for_site(*, user, site_id: int) -> dict[str, Any]:
    """The list, for someone who samples at the site (404 otherwise, as the site's page)."""
    if not sites_workable(user=user).filter(pk=site_id).exists():
        raise NotFound
    return cache.get(CACHE_KEY) or alone_list_build()
