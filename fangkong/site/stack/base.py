"""What the stack's services share: its layout on disk and its ports, the secrets, the processes' environment and
the helpers that start, wait for and stop a process."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import configs

PACKAGES = {  # program → the Debian package that brings it
    "nginx": "nginx-light",
    "pgbouncer": "pgbouncer",
    "redis-server": "redis-server",
    "initdb": "postgresql",
}


class StackError(Exception):
    pass


@dataclass
class Layout:
    """Where the stack lives and which ports it takes (kept in stack.json so that `down` and `status` find it)."""

    dir: Path
    port: int = 8400  # nginx: the address people use
    nodes: int = 1
    workers: int = 1  # Granian processes per node
    pg_dir: Path = field(default=Path())

    def __post_init__(self) -> None:
        self.dir = Path(self.dir).resolve()
        if self.pg_dir == Path():
            self.pg_dir = _pg_home(self.dir)

    @property
    def pg_port(self) -> int:
        return self.port + 10

    @property
    def bouncer_port(self) -> int:
        return self.port + 11

    @property
    def redis_port(self) -> int:
        return self.port + 12

    def node_port(self, n: int) -> int:
        return self.port + 20 + n

    def path(self, *parts: str) -> Path:
        return self.dir.joinpath(*parts)

    def save(self) -> None:
        data = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
        configs.write(self.path("stack.json"), json.dumps(data, indent=2) + "\n")

    @classmethod
    def load(cls, directory: Path) -> Layout:
        file = Path(directory).resolve() / "stack.json"
        if not file.exists():
            raise StackError(f"no stack in {file.parent} (start one with `fangkong stack up`)")
        data = json.loads(file.read_text())
        return cls(**{**data, "dir": Path(data["dir"]), "pg_dir": Path(data["pg_dir"])})


def as_root() -> bool:
    return os.geteuid() == 0


def _pg_home(stack_dir: Path) -> Path:
    """PostgreSQL and PgBouncer refuse to run as root: started by root, they run as the `postgres` account, in a
    directory of its own (the stack's directory may sit where that account cannot reach, a private /tmp dir)."""
    if as_root():
        digest = hashlib.sha256(str(stack_dir).encode()).hexdigest()[:12]
        return Path("/var/lib/postgresql/fangkong-stack") / digest
    return stack_dir / "pg"


def pg_bindir() -> Path:
    if os.environ.get("FANGKONG_PG_BINDIR"):
        return Path(os.environ["FANGKONG_PG_BINDIR"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise StackError(_missing(["initdb"]))
    return found[-1].parent


def _missing(programs: list[str]) -> str:
    packages = " ".join(sorted({PACKAGES[p] for p in programs}))
    return f"not installed: {', '.join(programs)} (apt-get install {packages})"


def ensure_programs(out) -> None:
    """The Debian packages the stack runs, installed when missing (as root, with apt-get)."""
    missing = [p for p in ("nginx", "pgbouncer", "redis-server") if not shutil.which(p, path=_path())]
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        missing.append("initdb")
    if not missing:
        return
    if not (as_root() and shutil.which("apt-get")):
        raise StackError(_missing(missing))
    packages = sorted({PACKAGES[p] for p in missing})
    out(f"installing {' '.join(packages)} (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-q", *packages], check=True, env=env, stdout=subprocess.DEVNULL)
    # Debian starts a package's service at install; the stack runs its own on its own ports.
    for service in ("nginx", "pgbouncer"):
        if service in missing:
            subprocess.run(["service", service, "stop"], check=False, capture_output=True)


def _path() -> str:
    return os.environ.get("PATH", "") + ":/usr/sbin:/sbin"


def which(program: str) -> str:
    found = shutil.which(program, path=_path())
    if not found:
        raise StackError(_missing([program]))
    return found


def as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if as_root() else cmd


# --- secrets -------------------------------------------------------------------------------------------------


def secret(layout: Layout, name: str, make=lambda: secrets.token_urlsafe(24)) -> str:
    path = layout.path("secrets", name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    if not path.exists():
        configs.write(path, make(), 0o600)
    return path.read_text().strip()


def _urls(layout: Layout) -> dict[str, Path]:
    """The connection URLs, each in a 0600 file the processes read through `*_FILE`."""
    owner, app, redis = (secret(layout, n) for n in ("db_owner_password", "db_app_password", "redis_password"))
    pg, bouncer = f"127.0.0.1:{layout.pg_port}", f"127.0.0.1:{layout.bouncer_port}"
    urls = {
        "owner_url": f"postgres://fangkong_owner:{owner}@{pg}/fangkong",
        "direct_url": f"postgres://fangkong:{app}@{pg}/fangkong",
        "pooled_url": f"postgres://fangkong:{app}@{bouncer}/fangkong",
        "cache_url": f"redis://:{redis}@127.0.0.1:{layout.redis_port}/1",
        "broker_url": f"redis://:{redis}@127.0.0.1:{layout.redis_port}/0",
    }
    paths = {}
    for name, url in urls.items():
        path = layout.path("secrets", name)
        if not path.exists() or path.read_text().strip() != url:
            configs.write(path, url, 0o600)
        paths[name] = path
    return paths


def app_env(layout: Layout, *, database: str = "pooled_url") -> dict[str, str]:
    """The environment of the stack's app processes: settings as production reads them, secrets as files."""
    urls = _urls(layout)
    secret(layout, "secret_key", lambda: secrets.token_urlsafe(50))
    secret(layout, "data_key", lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    secret(layout, "status_list_key", lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "FANGKONG_", "CELERY_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
            "FANGKONG_HOME": str(layout.path("home")),
            "DATABASE_URL_FILE": str(urls[database]),
            "FANGKONG_CACHE_URL_FILE": str(urls["cache_url"]),
            "CELERY_BROKER_URL_FILE": str(urls["broker_url"]),
            "FANGKONG_SECRET_KEY_FILE": str(layout.path("secrets", "secret_key")),
            "FANGKONG_DATA_KEY_FILE": str(layout.path("secrets", "data_key")),
            "FANGKONG_STATUS_LIST_KEY_FILE": str(layout.path("secrets", "status_list_key")),
            "FANGKONG_STATIC_ROOT": str(layout.path("static")),
            "FANGKONG_MEDIA_ROOT": str(layout.path("media")),
            "FANGKONG_TRUSTED_PROXIES": "127.0.0.1,::1",
            "FANGKONG_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
    )
    if database == "pooled_url":
        env["FANGKONG_PGBOUNCER"] = "1"
    # The operator's own settings (NAME=value lines), as /etc/fangkong/fangkong.env holds them on a server.
    extra = layout.path("fangkong.env")
    if extra.exists():
        for line in extra.read_text().splitlines():
            name, sep, value = line.strip().partition("=")
            if sep and not name.startswith("#"):
                env[name.strip()] = value.strip()
    return env


# --- processes -----------------------------------------------------------------------------------------------


def pid_of(file: Path, program: str) -> int | None:
    """The live process a pid file names, if it is `program`'s (a pid file left from before a reboot may name some
    other process by now, which must not be taken for ours, nor be signalled)."""
    try:
        pid = int(file.read_text().split()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, ValueError, IndexError):
        return None
    return pid if program in cmdline else None


def spawn(layout: Layout, name: str, args: list[str], env: dict[str, str]) -> int:
    """A fangkong process in its own session (stopping it stops its children: Granian's, Celery's workers)."""
    layout.path("log").mkdir(parents=True, exist_ok=True)
    layout.path("run").mkdir(parents=True, exist_ok=True)
    with open(layout.path("log", f"{name}.log"), "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "fangkong.cli", *args],
            env=env,
            cwd=layout.dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    layout.path("run", f"{name}.pid").write_text(f"{proc.pid}\n")
    return proc.pid


def stop_group(pid: int, *, timeout: float = 20) -> None:
    """SIGTERM to the process and its children (its session), SIGKILL after `timeout`."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def wait_http(url: str, *, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}: {exc.read()[:200]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.3)
    hint = f" (see {log})" if log else ""
    raise StackError(f"{what} did not answer {url} within {timeout:.0f} s: {last}{hint}")


def wait_until(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise StackError(f"{what} did not start within {timeout:.0f} s")
