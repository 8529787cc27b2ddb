"""Residents a journey samples into a pooled tube: in the community of the demo's grid worker A, none tested alone
(a case, an open closed-loop follow-up, the key population) — whom the sampling rules would give a tube each."""

from __future__ import annotations

from fangkong.registry.models import Person, PersonTag, RoleAssignment
from fangkong.screening.models import FollowUp


def poolable(n: int) -> list[Person]:
    community = RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction
    alone = FollowUp.objects.filter(released_at__isnull=True).values("person_id")
    return list(
        Person.objects.filter(community=community, cases__isnull=True, merged_into__isnull=True)
        .exclude(pk__in=alone)
        .exclude(tags__tag=PersonTag.Tag.KEY_POPULATION)
        .order_by("pk")[:n]
    )
