from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
django_application = get_wsgi_application()

from fangkong.containment import fastpath  # noqa: E402  (needs the apps loaded above)
from fangkong.site import health  # noqa: E402

# Scanners' status look-ups are answered before Django's stack (see fastpath's docstring for why), and so are the
# load balancers' probes (health.install's docstring).
application = health.install(fastpath.install(django_application))

# What was loaded at start-up lives as long as the process: keep the collector from walking it again and again
# (and, where a server loads the application before forking workers, from touching the pages they share). A 10,000-scan
# batch allocates hundreds of thousands of objects: with the default threshold of 700 the collector ran about
# ninety times per batch (measured); with 50,000 it runs a few times.
gc.freeze()
gc.set_threshold(50_000, 20, 20)
