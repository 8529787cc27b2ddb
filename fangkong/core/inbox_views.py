"""The inbox page: a user's own notifications (core.inbox), newest first; a post marks them all read."""

from __future__ import annotations

from django.shortcuts import redirect, render

from .decorators import scoped
from .inbox import inbox as notifications_of
from .inbox import mark_read
from .paging import page_of


@scoped
def inbox(request):
    if request.method == "POST":
        mark_read(user=request.user)
        return redirect("inbox")
    page, query = page_of(request, notifications_of(user=request.user))
    return render(request, "core/inbox.html", {"page": page, "query": query})
