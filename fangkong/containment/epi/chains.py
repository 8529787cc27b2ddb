"""A case's transmission chain: the tree it belongs to, from its root (the earliest case reached through the
source links) down through everyone the root's cases infected, with each case's close contacts.

A case's parent is its recorded source case; failing one, the case whose close contact the person was (the
earliest such contact before the case was reported) — a contact who became a case is a link even before anyone
records it as the source. Generations count from the root (0). The tree is read by levels (a few queries per
generation, never one per case) so that a 500-case cluster's chain stays within 300 ms.

Read by those who work cases (Cap.CASE_WORK), as the case pages are. Nodes of cases outside the viewer's reach
are kept (the chain would be wrong without them) but show no name, date or link: only that a case is there, its
classification and its place in the chain."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from fangkong.core import pii
from fangkong.core.roles import Cap
from fangkong.core.scoping import Scope, scope_for

from ..cases import case_get
from ..models import Case, CloseContact

MAX_CASES = 5000  # a chain past this is cut (and says so): a page cannot draw more, nor would anyone read it

_CASE_FIELDS = (
    "pk",
    "person_id",
    "person__name",
    "source_case_id",
    "source_certainty",
    "classification",
    "onset_date",
    "confirmed_at",
    "released_at",
    "jpath",
)


def case_url(case_id: int) -> str:
    """The case's page, once containment has one ("" otherwise: then no link is drawn)."""
    try:
        return reverse("containment:case", args=[case_id])
    except NoReverseMatch:
        return ""


def person_url(person_id: int) -> str:
    return reverse("containment:person", args=[person_id])


@dataclass
class Chain:
    case_id: int  # the case asked about
    root_id: int
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    truncated: bool = False

    @property
    def cases(self) -> list[dict]:
        return [n for n in self.nodes if n["kind"] == "case"]

    @property
    def contacts(self) -> list[dict]:
        return [n for n in self.nodes if n["kind"] == "contact"]

    @property
    def generations(self) -> int:
        """How many generations of cases the chain spans (1: the root alone)."""
        return max((n["generation"] for n in self.cases), default=0) + 1

    @property
    def unknown_source(self) -> int:
        return sum(1 for n in self.cases if n["unknown_source"])

    def by_generation(self) -> list[tuple[int, list[dict]]]:
        """The cases by generation, for the page's list beside the drawing."""
        out: dict[int, list[dict]] = defaultdict(list)
        for n in self.cases:
            out[n["generation"]].append(n)
        return sorted(out.items())

    def as_dict(self) -> dict:
        return {
            "case_id": self.case_id,
            "root_id": self.root_id,
            "generations": self.generations,
            "truncated": self.truncated,
            "nodes": self.nodes,
            "edges": self.edges,
        }


def _rows(**filters) -> list[dict]:
    return list(Case.objects.filter(**filters).values(*_CASE_FIELDS).order_by("confirmed_at", "pk"))


def _contact_parents(cases: list[dict]) -> dict[int, int]:
    """{case id: the case whose close contact its person was} for cases without a recorded source: the earliest
    contact (by its last day) before the case was reported, with another case. One query for all of them."""
    if not cases:
        return {}
    by_person: dict[int, list[dict]] = defaultdict(list)
    for c in cases:
        by_person[c["person_id"]].append(c)
    records = (
        CloseContact.objects.filter(person_id__in=list(by_person))
        .values_list("person_id", "case_id", "last_contact_at", "pk")
        .order_by("last_contact_at", "pk")
    )
    out: dict[int, int] = {}
    for person_id, source_id, at, _pk in records:
        for c in by_person[person_id]:
            if c["pk"] in out or source_id == c["pk"] or at > c["confirmed_at"]:
                continue
            out[c["pk"]] = source_id
    return out


def _parent_of(row: dict) -> tuple[int | None, str]:
    """(parent id, how linked): the recorded source, else the case the person was a contact of."""
    if row["source_case_id"] is not None:
        return row["source_case_id"], "source"
    found = _contact_parents([row])
    return (found[row["pk"]], "contact") if row["pk"] in found else (None, "")


def chain_of(*, user, case_id: int) -> Chain:
    """The transmission tree holding the case, as the viewer may see it."""
    start = case_get(user=user, case_id=case_id)
    scope = scope_for(user, Cap.CASE_WORK)
    # Up to the root: one or two small queries a generation; a loop in the links (two cases recorded as each
    # other's source) stops where it closes.
    row = _rows(pk=start.pk)[0]
    seen = {row["pk"]}
    while True:
        parent_id, _how = _parent_of(row)
        if parent_id is None or parent_id in seen:
            break
        parents = _rows(pk=parent_id)
        if not parents:
            break
        row = parents[0]
        seen.add(row["pk"])
    root = row
    chain = Chain(case_id=start.pk, root_id=root["pk"])

    # Down by levels: the cases infected by this generation (recorded), and the contacts of this generation who
    # became cases without a recorded source, each under the case it was a contact of.
    generation = {root["pk"]: 0}
    cases: list[dict] = [root]
    parent: dict[int, tuple[int, str]] = {}
    level = [root]
    contacts: list[dict[str, Any]] = []
    while level and not chain.truncated:
        ids = [c["pk"] for c in level]
        here = set(ids)
        following: list[dict] = []
        for c in _rows(source_case_id__in=ids):
            if c["pk"] not in generation:
                parent[c["pk"]] = (c["source_case_id"], "source")
                following.append(c)
        met = list(
            CloseContact.objects.filter(case_id__in=ids)
            .values("pk", "case_id", "person_id", "person__name", "kind", "last_contact_at", "jpath")
            .order_by("last_contact_at", "pk")
        )
        contacts += [dict(m) for m in met]
        persons = {m["person_id"] for m in met}
        if persons:
            candidates = [
                c for c in _rows(person_id__in=list(persons), source_case__isnull=True) if c["pk"] not in generation
            ]
            by_pk = {c["pk"]: c for c in candidates}
            for pk, source in _contact_parents(candidates).items():
                if source in here and pk not in parent:
                    parent[pk] = (source, "contact")
                    following.append(by_pk[pk])
        added = []
        for c in following:
            if c["pk"] in generation:  # reached twice in one level
                continue
            if len(generation) >= MAX_CASES:
                chain.truncated = True
                break
            generation[c["pk"]] = generation[parent[c["pk"]][0]] + 1
            cases.append(c)
            added.append(c)
        level = added

    linked = {c["pk"]: (parent.get(c["pk"]) or (None, ""))[1] for c in cases}
    for c in cases:
        chain.nodes.append(_case_node(c, generation[c["pk"]], scope, linked=linked[c["pk"]]))
        if c["pk"] in parent:
            source_id, how = parent[c["pk"]]
            chain.edges.append(
                {
                    "from": source_id,
                    "to": c["pk"],
                    "link": how,
                    "certainty": c["source_certainty"] if how == "source" else "suspected",
                }
            )
    _add_contacts(chain, contacts, cases, generation, scope)
    return chain


def _case_node(c: dict, generation: int, scope: Scope, *, linked: str) -> dict:
    shown = scope.covers(c["jpath"])
    return {
        "id": c["pk"],
        "kind": "case",
        "generation": generation,
        "classification": c["classification"],
        "certainty": c["source_certainty"],
        # Nothing links this case to a source: neither a recorded source case nor a contact with a case.
        "unknown_source": not linked,
        "label": pii.mask_name(c["person__name"]) if shown else "",
        "onset_date": c["onset_date"] if shown else None,
        "confirmed_at": c["confirmed_at"] if shown else None,
        "released": c["released_at"] is not None,
        "outside": not shown,
        "url": case_url(c["pk"]) if shown else "",
    }


def _add_contacts(chain: Chain, contacts: list[dict], cases: list[dict], generation: dict, scope: Scope) -> None:
    """Each case's close contacts: a contact who is a case of this chain is that case (an extra edge when the tree
    links them otherwise); one who became a case elsewhere says so; the others are nodes of their own."""
    case_of_person: dict[int, list[dict]] = defaultdict(list)
    for c in cases:
        case_of_person[c["person_id"]].append(c)
    edges = {(e["from"], e["to"]) for e in chain.edges}
    rest = []
    for m in contacts:
        became = [c for c in case_of_person.get(m["person_id"], []) if c["pk"] != m["case_id"]]
        if became:
            target = became[-1]["pk"]
            if (m["case_id"], target) not in edges and (target, m["case_id"]) not in edges:
                chain.edges.append({"from": m["case_id"], "to": target, "link": "contact", "certainty": "suspected"})
                edges.add((m["case_id"], target))
            continue
        rest.append(m)
    # Those of the rest who are cases in another chain (or not yet linked): one query for all.
    elsewhere = dict(
        Case.objects.filter(person_id__in=[m["person_id"] for m in rest])
        .order_by("confirmed_at")
        .values_list("person_id", "pk")
    )
    for m in rest:
        shown = scope.covers(m["jpath"])
        node_id = f"contact-{m['pk']}"
        became_id = elsewhere.get(m["person_id"])
        chain.nodes.append(
            {
                "id": node_id,
                "kind": "contact",
                "generation": generation[m["case_id"]] + 1,
                "contact_kind": m["kind"],
                "label": pii.mask_name(m["person__name"]) if shown else "",
                "last_contact_at": m["last_contact_at"] if shown else None,
                "became_case": became_id,
                "outside": not shown,
                "url": (case_url(became_id) if became_id else person_url(m["person_id"])) if shown else "",
            }
        )
        chain.edges.append({"from": m["case_id"], "to": node_id, "link": "contact", "certainty": "known"})
