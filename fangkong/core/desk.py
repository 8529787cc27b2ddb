"""The work desk: what waits for *this* person, counted, on their home page and at /api/v1/desk.

Each module registers, in its AppConfig.ready, the kinds of work it puts on people's desks (`register_todo`):
zones and status changes awaiting a second officer, closed-loop cases to contact, recalls to sample, tasks due,
hazards to review, articles to approve … A provider answers for one user — its own capability checks and
scoping — with a count and the list to open, or None when the kind is not this user's work at all (a count of
0 is shown as "nothing waiting" to someone whose work it is). The start page and the API render whatever is
registered; neither imports a module.

The inbox tells a person that something arrived; the desk counts what still waits. Both come from the same
transaction as the fact, so neither can show something the other does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Todo:
    kind: str
    label: str | Promise
    count: int
    url: str
    overdue: int = 0  # of `count`, those past their time limit
    order: int = 0


TodoProvider = Callable[[Any], Todo | None]
_todos: dict[str, tuple[int, TodoProvider]] = {}


def register_todo(kind: str, provider: TodoProvider, *, order: int) -> None:
    """Named, so that registering again (a second ready()) replaces rather than adds."""
    _todos[kind] = (order, provider)


def todos_for(user) -> list[Todo]:
    """Every registered kind of work that is `user`'s, in order (those with nothing waiting included)."""
    out = []
    for kind, (order, provider) in sorted(_todos.items(), key=lambda item: (item[1][0], item[0])):
        todo = provider(user)
        if todo is not None:
            out.append(Todo(kind, todo.label, todo.count, todo.url, todo.overdue, order))
    return out
