"""What the benchmarks share: a production-like `fangkong serve` on this machine, started and stopped around a run."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def server(*, port: int, workers: int, threads: int, log: Path, home: str | None = None) -> Iterator[str]:
    """Run the server (no debug, as in production) and yield its base URL once it answers. It hashes and encrypts
    with this process's keys, whatever its FANGKONG_HOME."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()  # the workers open their own
    env = {
        **os.environ,
        "FANGKONG_LOG_LEVEL": "WARNING",
        "FANGKONG_DEBUG": "0",
        "FANGKONG_DATA_KEY": settings.DATA_KEY,
        "FANGKONG_SECRET_KEY": settings.SECRET_KEY,
    }
    if home:
        env["FANGKONG_HOME"] = home
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/fangkong"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
