"""Background jobs. With no broker configured they run in-process after the transaction commits: in a
thread when serving (so the page can show progress), synchronously in tests and commands.

Celery is the production plan (CELERY_BROKER_URL); it is not wired yet — see docs/deployment.md.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, transaction

log = logging.getLogger(__name__)


def _guarded(func: Callable[..., None], *args) -> None:
    try:
        func(*args)
    except Exception:
        log.exception("background job %s failed", getattr(func, "__name__", func))
    finally:
        close_old_connections()


def run_after_commit(func: Callable[..., None], *args) -> None:
    if settings.FANGKONG["INLINE_JOBS_IN_THREAD"]:
        transaction.on_commit(lambda: threading.Thread(target=_guarded, args=(func, *args), daemon=True).start())
    else:
        transaction.on_commit(lambda: func(*args))
