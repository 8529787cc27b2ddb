"""Reads of the portal's content for the public (what is online now) and for its editors."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .articles import articles_public
from .content_models import Article


def search_public(q: str) -> QuerySet[Article]:
    """Online articles whose title or text contains every word of `q`."""
    qs = articles_public()
    for word in q.split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(body_html__icontains=word))
    return qs
