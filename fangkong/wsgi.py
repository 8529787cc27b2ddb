from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
application = get_wsgi_application()

# What was loaded at start-up lives as long as the process: keep the collector from walking it again and again
# (and, loaded before gunicorn forks, from touching those pages, which the workers then share). A 10,000-scan
# batch allocates hundreds of thousands of objects: with the default threshold of 700 the collector ran about
# ninety times per batch (measured); with 50,000 it runs a few times.
gc.freeze()
gc.set_threshold(50_000, 20, 20)
