#!/usr/bin/env python3
"""Set up and run fangkong from a fresh clone with nothing but Python >= 3.11.

    python3 dev.py demo   install into .venv/, migrate the embedded SQLite database,
                          seed the demo district (once) and serve it on http://127.0.0.1:8000
    python3 dev.py test   install with the dev extras and run the whole test suite
                          (extra arguments go to pytest; DATABASE_URL picks PostgreSQL)

Only the standard library is used here, because nothing else is installed yet.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def run(*args: str | Path, **kwargs) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kwargs)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before anything checks the version
        sys.exit(f"fangkong needs Python >= 3.11; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    pyproject = ROOT / "pyproject.toml"
    # Reinstall only when pyproject.toml changed, so the second run starts at once.
    if not stamp.exists() or stamp.stat().st_mtime < pyproject.stat().st_mtime:
        target = f".[{extras}]" if extras else "."
        run(BIN / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", target)
        stamp.touch()


def demo() -> None:
    ensure_venv("")
    fangkong = BIN / "fangkong"
    run(fangkong, "migrate", "--no-input", "-v", "0")
    run(fangkong, "seed-demo", "--if-empty")
    run(fangkong, "serve", "--port", os.environ.get("PORT", "8000"))


def test(pytest_args: list[str]) -> None:
    ensure_venv("dev")
    result = subprocess.run([str(BIN / "python"), "-m", "pytest", *pytest_args], cwd=ROOT)
    sys.exit(result.returncode)


def main() -> None:
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "demo":
        demo()
    elif cmd == "test":
        test(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
