from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fangkong.core.dashboard import alerts_for
from fangkong.core.desk import todos_for


@login_required
def home(request):
    """The start page: the user's desk (what waits for them, counted, from core.desk), their roles, their
    modules, and the standing alerts the domains register."""
    todos = sorted(todos_for(request.user), key=lambda t: (not t.overdue, not t.count))  # what is late, then waiting
    return render(request, "site/home.html", {"alerts": alerts_for(request.user), "todos": todos})


# The field pages a phone keeps for when the network drops (issue 22): the service worker serves them from its
# cache then, and the files they need.
# The recalls page names the members of positive pools: kept too (a retest is taken where the network may drop), and
# deleted from the phone at the next sign-in, or as soon as it finds itself signed out (outbox.js).
FIELD_PAGES = (
    "/testing/sites/",
    "/screening/checkpoints/",
    "/testing/recalls/",
    "/containment/venues/door/",
    "/safety/inspections/",  # the walk: an enterprise's workshop floor or a tank farm may have no network
)
FIELD_FILES = (
    "fangkong/site.css",
    "fangkong/site.js",
    "fangkong/picker.js",
    "fangkong/outbox.js",
    "fangkong/scan.js",
    "fangkong/rules.js",
    "fangkong/checkpoint.js",
    "fangkong/statuslist.js",
    "containment/venue_door.js",
    "testing/alone.js",
    "safety/walk.js",
    "fangkong/signature.js",
    "vendor/htmx/htmx.min.js",
    "vendor/zxing/zxing.min.js",
    "vendor/noble-ed25519/index.js",
)


@functools.cache
def field_version() -> str:
    """Changes with any of the files (their names carry no hash): a phone then installs the new worker, which
    drops the old cache — else it would keep serving the old scripts after every release."""
    digest = hashlib.sha256("\n".join(FIELD_PAGES).encode())
    for name in FIELD_FILES:
        path = finders.find(name)
        if path:
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:12]


def service_worker(request):
    """At the root, so that it may serve every page of the site (a worker's reach is its own path and below)."""
    response = render(
        request,
        "site/sw.js",
        {"files": FIELD_FILES, "pages": FIELD_PAGES, "version": field_version()},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"  # a phone asks for a new worker at each visit, as browsers do
    return response


def manifest(request):
    """The web app manifest: a field phone can put the platform on its home screen."""
    response = JsonResponse(
        {
            "name": str(settings.FANGKONG["TITLE"]),
            "short_name": str(_("Fangkong")),
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#a4161a",
            # So that a phone offers to put it on its home screen (made once from the site's mark: 防 on its red).
            "icons": [
                {
                    "src": static(f"fangkong/icons/icon-{size}{suffix}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": purpose,
                }
                for size in (192, 512)
                for suffix, purpose in (("", "any"), ("-maskable", "maskable"))
            ],
            "lang": get_language() or "zh-hans",
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    # Every page links it (a manifest belongs in the head): browsers keep it for a day rather than ask each time.
    response["Cache-Control"] = "max-age=86400"
    patch_vary_headers(response, ["Accept-Language"])  # its name is in the reader's language
    return response
