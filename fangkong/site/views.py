from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from fangkong.core.dashboard import alerts_for
from fangkong.core.desk import todos_for

from . import health


@login_required
def home(request):
    """The start page: the user's desk (what waits for them, counted, from core.desk), their roles, their
    modules, and the standing alerts the domains register."""
    todos = sorted(todos_for(request.user), key=lambda t: (not t.overdue, not t.count))  # what is late, then waiting
    return render(request, "site/home.html", {"alerts": alerts_for(request.user), "todos": todos})


def healthz(request):
    """Alive: the process answers (for a load balancer's liveness check)."""
    return JsonResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


def readyz(request):
    """Ready: the database, the shared cache and the broker answer (503 naming the one that does not)."""
    ready, checks = health.readiness()
    return JsonResponse(checks, status=200 if ready else 503, headers={"Cache-Control": "no-store"})
