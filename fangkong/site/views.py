from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fangkong.core.dashboard import alerts_for
from fangkong.core.desk import todos_for


@login_required
def home(request):
    """The start page: the user's desk (what waits for them, counted, from core.desk), their roles, their
    modules, and the standing alerts the domains register."""
    todos = sorted(todos_for(request.user), key=lambda t: (not t.overdue, not t.count))  # what is late, then waiting
    return render(request, "site/home.html", {"alerts": alerts_for(request.user), "todos": todos})
