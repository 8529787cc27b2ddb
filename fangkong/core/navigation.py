"""The navigation and the links between apps' pages, without a lower app naming a higher one's URLs.

Each app registers, in its AppConfig.ready:

- the entries of a navigation it owns pages in (`register`): the staff's main navigation (section "main", rendered
  by core's base.html for the signed-in user, in `order`), the residents' links under the sign-in form ("login").
  An entry says who sees it (`visible`, usually `any_cap(...)`, as the template used to check) and may carry a
  badge (the inbox's unread count). In the main navigation an entry belongs to a module's group (`group`, one
  `register_group` each: "Screening", "Testing" …), shown as one menu, so that a role with thirty pages sees nine
  words, not thirty links; a group with one page for this user is that page's link.
- the links another app's page or message may show to one of its pages (`register_link`): registry's person page
  asks for "person.status" and containment answers with its status page; incidents asks for "incident" when it
  writes an inbox line, and command answers. A template asks with `{% load navigation %}{% link_for "kind" obj as
  url %}` and shows the link only when there is one: without the app that answers (or for a user the answer is
  not for), no link.

Entries and links are an in-memory registry (no query); visibility and badges are evaluated per request, and only
when the navigation is rendered. Hiding a link is a courtesy, never the check: the page behind it checks again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from .scoping import has_cap

Visible = Callable[[Any], bool]  # called with the user
Badge = Callable[[Any], int]  # called with the user: a count shown next to the label, none when 0
LinkUrl = Callable[[Any], str | None]  # called with the object the link is about (None for a link about nothing)


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise
    section: str
    order: int
    visible: Visible | None = None  # None: everyone who sees the section
    badge: Badge | None = None
    group: str = ""


@dataclass(frozen=True)
class Item:
    """An entry as one user sees it."""

    url_name: str
    url: str
    label: str | Promise
    badge: int = 0


@dataclass(frozen=True)
class GroupDef:
    name: str
    label: str | Promise
    order: int


@dataclass(frozen=True)
class Group:
    """A module's entries as one user sees them: a menu (several items), or one link (`items` of one)."""

    name: str
    label: str | Promise
    items: list[Item]

    @property
    def single(self) -> Item | None:
        return self.items[0] if len(self.items) == 1 else None

    @property
    def badge(self) -> int:
        return sum(i.badge for i in self.items)


@dataclass(frozen=True)
class Link:
    url: LinkUrl
    visible: Visible | None = None


_entries: dict[tuple[str, str], Entry] = {}
_links: dict[str, Link] = {}
_groups: dict[str, GroupDef] = {}


def any_cap(*caps: str) -> Visible:
    """Visible to a user holding any of `caps` (core.roles.Cap)."""

    def visible(user) -> bool:
        return any(has_cap(user, cap) for cap in caps)

    return visible


def register(
    url_name: str,
    label: str | Promise,
    *,
    order: int,
    section: str = "main",
    visible: Visible | None = None,
    badge: Badge | None = None,
    group: str = "",
) -> None:
    """An entry of a navigation; registering the same URL name in a section again (a second ready()) replaces it.
    `group`: the module's menu it sits in (main navigation; "" stands alone: home, the hall, the inbox)."""
    _entries[(section, url_name)] = Entry(url_name, label, section, order, visible, badge, group)


def register_group(name: str, label: str | Promise, *, order: int) -> None:
    """A module's menu in the main navigation, placed by `order` among the entries that stand alone."""
    _groups[name] = GroupDef(name, label, order)


def entries(section: str = "main") -> list[Entry]:
    """Every registered entry of `section`, in order (whoever sees them)."""
    return sorted((e for e in _entries.values() if e.section == section), key=lambda e: (e.order, e.url_name))


def entries_for(user, section: str = "main") -> list[Item]:
    """The entries of `section` that `user` may see, in order, with their URL and badge."""
    return [
        Item(e.url_name, reverse(e.url_name), e.label, e.badge(user) if e.badge else 0)
        for e in entries(section)
        if _sees(user, e.visible)
    ]


def grouped_for(user) -> list[Group]:
    """The main navigation as `user` sees it: entries standing alone (a group of one, named after the entry) and
    the modules' groups, in order; a group with nothing for this user is left out."""
    entries_ = [e for e in entries("main") if _sees(user, e.visible)]
    out: list[tuple[tuple[int, str], Group]] = []
    members: dict[str, list[Item]] = {}
    for e in entries_:
        item = Item(e.url_name, reverse(e.url_name), e.label, e.badge(user) if e.badge else 0)
        if e.group and e.group in _groups:
            members.setdefault(e.group, []).append(item)
        else:
            out.append(((e.order, e.url_name), Group(e.url_name, e.label, [item])))
    for name, items in members.items():
        g = _groups[name]
        out.append(((g.order, name), Group(name, g.label, items)))
    return [g for _, g in sorted(out, key=lambda pair: pair[0])]


def _sees(user, visible: Visible | None) -> bool:
    """Whether `user` sees what `visible` guards: everyone when nothing guards it, else only a signed-in user
    `visible` admits."""
    return visible is None or (user is not None and user.is_authenticated and visible(user))


class Navigation:
    """The navigations for one request's user, each computed when a template first reads it (`site_nav.main`)."""

    def __init__(self, user) -> None:
        self._user = user
        self._sections: dict[str, list[Item]] = {}

    def __getitem__(self, section: str) -> list[Item]:
        if section not in {key[0] for key in _entries}:
            raise KeyError(section)  # a template's `site_nav.grouped` then reads the attribute
        if section not in self._sections:
            self._sections[section] = entries_for(self._user, section)
        return self._sections[section]

    @property
    def grouped(self) -> list[Group]:
        """The main navigation in its modules' groups (`site_nav.grouped`)."""
        if not hasattr(self, "_grouped"):
            self._grouped = grouped_for(self._user)
        return self._grouped


def register_link(kind: str, url: LinkUrl, *, visible: Visible | None = None) -> None:
    """The page a link of `kind` leads to, for an object; registering a kind again replaces it."""
    _links[kind] = Link(url, visible)


def link_for(kind: str, obj: Any = None, *, user: Any = None) -> str:
    """The URL of the link of `kind` about `obj`, or "" when no app answers it (or it is not for `user`).

    Without a user (an inbox line written for several people) the visibility is not asked: the page checks."""
    link = _links.get(kind)
    if link is None:
        return ""
    if user is not None and not _sees(user, link.visible):
        return ""
    return link.url(obj) or ""
