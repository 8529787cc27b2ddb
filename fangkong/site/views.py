from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fangkong.core.dashboard import alerts_for


@login_required
def home(request):
    """The start page: the user's roles, their modules, and the standing alerts the domains register."""
    return render(request, "site/home.html", {"alerts": alerts_for(request.user)})
