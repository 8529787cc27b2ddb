"""`fangkong stack up|down|status`: the production stack on one host, from Debian's packages, on loopback.

PostgreSQL (a cluster of the stack's own), PgBouncer in transaction pooling before it, Redis (cache, sessions,
broker), the app under Granian (one or more nodes), a Celery worker and Celery beat, and nginx in front serving
static files and spreading requests over the nodes. No Docker: each is the distribution's program, started with
a configuration this module writes into the stack's directory, its process id and log kept there.

Roles: the database belongs to `fangkong_owner`, which runs migrations; the app signs in as `fangkong`, which may
read and write rows but owns no table (it cannot drop the audit trail's triggers or truncate it). Passwords and
keys are generated once into `secrets/` (0600) and handed to the processes as files (`*_FILE` settings), never on
a command line.

The real servers' counterparts — systemd units and the nginx site — are in deploy/ (docs/deployment.md).
"""

from __future__ import annotations

from .base import Layout, StackError, app_env, ensure_programs
from .services import down, purge, status, up

__all__ = ["Layout", "StackError", "app_env", "down", "ensure_programs", "purge", "status", "up"]
