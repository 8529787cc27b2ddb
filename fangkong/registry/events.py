"""The facts the registry announces (core.events), with their payloads: ids, never personal data. Subscribers import
the names from here; docs/architecture.md lists who listens."""

from __future__ import annotations

from typing import TypedDict

PERSON_MERGED = "registry.person_merged"  # a duplicate record merged into another (registry.merging)


class PersonMerged(TypedDict):
    kept: int
    merged: int


PERSON_MOVED = "registry.person_moved"  # a person's household or jurisdiction changed (registry.people.person_update)


class PersonMoved(TypedDict):
    person_id: int
