"""Built-in defaults — the domain brief's screening protocol, zone and incident levels, the State Council's 15
measures — are written when the database is migrated, never on a read. Data migrations wrote them first; an app
also registers an idempotent `ensure` function here, which core runs after every `migrate` (and Django after
every flush, so a test database or a district that emptied a table gets them back). A page or an endpoint only
reads what is there.
"""

from __future__ import annotations

from collections.abc import Callable

_ensurers: dict[str, Callable[[], object]] = {}


def register(name: str, ensure: Callable[[], object]) -> None:
    """Named, so that registering again (a second ready()) replaces rather than adds."""
    _ensurers[name] = ensure


def ensure_all(*, plan=None, **_signal_kwargs) -> None:
    """post_migrate's handler (core's AppConfig): every app's defaults, once the whole schema exists. Not after
    migrating backwards (`migrate portal zero`): the tables a default goes into may be gone."""
    if plan and any(backwards for _migration, backwards in plan):
        return
    for ensure in _ensurers.values():
        ensure()
