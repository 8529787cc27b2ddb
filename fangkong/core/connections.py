"""Database connections outside Django's request cycle (the WSGI layers that answer before Django)."""

from __future__ import annotations

from django.db import connections


def tidy() -> None:
    """What Django does at each request's start and end: drop broken or aged connections (not one inside a
    transaction — only a test calls these layers from within one)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()
