"""Background jobs, run after the transaction that asked for them commits.

- CELERY_BROKER_URL set (production): sent to Celery workers (`fangkong worker`).
- No broker, serving (`FANGKONG_INLINE_JOBS_IN_THREAD`, the default): a thread of the web process, so the
  page that started the job can show its progress.
- Tests: synchronously at commit.

Jobs are plain functions taking JSON-able arguments (ids), registered with @job.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction

log = logging.getLogger(__name__)
_JOBS: dict[str, Callable[..., Any]] = {}
# A job whose function moved keeps its old name here: one queued before an upgrade still runs after it.
MOVED = {
    "fangkong.command.notifications.send_messages": "fangkong.core.inbox.send_messages",
    "fangkong.portal.residents.login_code_deliver": "fangkong.residents.signin.login_code_deliver",
}


def job(func: Callable[..., Any]) -> Callable[..., Any]:
    _JOBS[f"{func.__module__}.{func.__qualname__}"] = func
    return func


def _name(func: Callable[..., Any]) -> str:
    name = f"{func.__module__}.{func.__qualname__}"
    if _JOBS.get(name) is not func:
        raise ValueError(f"{name} is not registered with @jobs.job")
    return name


def run_registered(name: str, args: list) -> None:
    name = MOVED.get(name, name)
    func = _JOBS.get(name)
    if func is None:
        _import_owner(name)
        func = _JOBS.get(name)
    if func is None:
        raise ValueError(f"unknown job {name!r}")
    try:
        func(*args)
    finally:
        close_old_connections()


def _import_owner(name: str) -> None:
    # A worker may not have imported the module that registers the job yet.
    import importlib

    module = name.rsplit(".", 1)[0]
    try:
        importlib.import_module(module)
    except ImportError:
        log.warning("job module %s cannot be imported", module)


def _in_thread(name: str, args: list) -> None:
    from django.db import connections

    try:
        run_registered(name, args)
    except Exception:
        log.exception("background job %s failed", name)
    finally:
        # The thread's own database connections end with it (left open, they outlive the job: a test database
        # could not be dropped, a server would hold idle connections).
        connections.close_all()


def run_after_commit(func: Callable[..., Any], *args: Any) -> None:
    name = _name(func)
    if settings.CELERY_BROKER_URL:
        from fangkong.core.celery_app import app

        transaction.on_commit(lambda: app.send_task("fangkong.run_job", args=[name, list(args)]))
    elif settings.FANGKONG["INLINE_JOBS_IN_THREAD"]:
        transaction.on_commit(lambda: threading.Thread(target=_in_thread, args=(name, list(args)), daemon=True).start())
    else:
        transaction.on_commit(lambda: func(*args))
