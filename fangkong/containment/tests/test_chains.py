"""Transmission chains: the whole tree from any of its cases, generations from the root, contacts who became cases,
unknown sources flagged, cases outside the reader's reach kept without name; outsiders refused; queries per
generation, not per case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.conftest import make_person, make_user
from fangkong.containment.cases import case_confirm, case_source_set, contact_add
from fangkong.containment.epi.chains import chain_of
from fangkong.containment.models import Case
from fangkong.core import clock

T0 = datetime(2022, 5, 1, 2, 0, tzinfo=UTC)


def confirm(district, name: str, *, community=None, grid=None, at=None) -> Case:
    person = make_person(community or district.a, grid or district.a1, name=name)
    with clock.frozen_at(at or T0):
        return case_confirm(actor=district.hq, person_id=person.pk, source="testing")


def link(district, case: Case, source: Case, certainty: str = "known") -> None:
    case_source_set(actor=district.hq, case_id=case.pk, source_case_id=source.pk, source_certainty=certainty)


@dataclass
class Tree:
    root: Case
    c1: Case
    c2: Case
    c3: Case
    c4: Case  # was C2's close contact, no source recorded
    other: Case  # in community B, infected by C1
    loner: Case  # no link to anyone
    contact_id: int  # C3's close contact, not a case


@pytest.fixture
def tree(district) -> Tree:
    root = confirm(district, "根甲")
    c1 = confirm(district, "一乙", at=T0 + timedelta(days=2))
    c2 = confirm(district, "二丙", at=T0 + timedelta(days=2))
    c3 = confirm(district, "三丁", at=T0 + timedelta(days=4))
    other = confirm(district, "外戊", community=district.b, grid=district.b1, at=T0 + timedelta(days=4))
    loner = confirm(district, "独己", at=T0 + timedelta(days=4))
    link(district, c1, root)
    link(district, c2, root, "suspected")
    link(district, c3, c1)
    link(district, other, c1)
    x = make_person(district.a, district.a2, name="密接庚")
    y = make_person(district.a, district.a2, name="密接辛")
    with clock.frozen_at(T0 + timedelta(days=5)):
        contact_add(actor=district.hq, case_id=c2.pk, person_id=x.pk, last_contact_at=T0 + timedelta(days=1))
        contact = contact_add(actor=district.hq, case_id=c3.pk, person_id=y.pk, last_contact_at=T0 + timedelta(days=3))
    with clock.frozen_at(T0 + timedelta(days=6)):
        c4 = case_confirm(actor=district.hq, person_id=x.pk, source="contact")
    return Tree(root, c1, c2, c3, c4, other, loner, contact.pk)


def _by_id(chain) -> dict:
    return {n["id"]: n for n in chain.nodes}


def test_the_whole_tree_from_any_of_its_cases_with_generations(district, tree):
    for start in (tree.c3, tree.root, tree.c4):
        chain = chain_of(user=district.hq, case_id=start.pk)
        nodes = _by_id(chain)
        assert chain.root_id == tree.root.pk
        generations = {pk: nodes[pk]["generation"] for pk in nodes if isinstance(pk, int)}
        assert generations == {
            tree.root.pk: 0,
            tree.c1.pk: 1,
            tree.c2.pk: 1,
            tree.c3.pk: 2,
            tree.c4.pk: 2,  # through the contact with C2
            tree.other.pk: 2,
        }
        assert tree.loner.pk not in nodes
        assert chain.generations == 3
    contact = nodes[f"contact-{tree.contact_id}"]
    assert contact["kind"] == "contact" and contact["generation"] == 3
    edges = {(e["from"], e["to"]): e for e in chain.edges}
    assert edges[(tree.root.pk, tree.c1.pk)]["certainty"] == "known"
    assert edges[(tree.root.pk, tree.c2.pk)]["certainty"] == "suspected"
    assert edges[(tree.c2.pk, tree.c4.pk)]["link"] == "contact"  # the contact became a case: no contact node
    assert (tree.c3.pk, f"contact-{tree.contact_id}") in edges
    assert len([n for n in chain.nodes if n["kind"] == "contact"]) == 1
    # Unknown source: the root only (C4's contact with C2 links it).
    assert [pk for pk, n in nodes.items() if n.get("unknown_source")] == [tree.root.pk]


def test_a_loner_is_a_chain_of_one_with_its_source_unknown(district, tree):
    chain = chain_of(user=district.hq, case_id=tree.loner.pk)
    assert [n["id"] for n in chain.nodes] == [tree.loner.pk]
    assert chain.edges == [] and chain.generations == 1 and chain.unknown_source == 1


def test_a_contact_who_became_a_case_elsewhere_says_so(district, tree):
    z = make_person(district.a, district.a1, name="密接壬")
    with clock.frozen_at(T0 + timedelta(days=6)):
        contact = contact_add(
            actor=district.hq, case_id=tree.c1.pk, person_id=z.pk, last_contact_at=T0 + timedelta(days=2)
        )
        became = case_confirm(actor=district.hq, person_id=z.pk, source="contact")
    link(district, became, tree.loner)  # recorded as the loner's: in the loner's chain, not this one
    nodes = _by_id(chain_of(user=district.hq, case_id=tree.root.pk))
    assert became.pk not in nodes
    assert nodes[f"contact-{contact.pk}"]["became_case"] == became.pk


def test_cases_outside_the_readers_reach_are_there_without_name_or_link(district, tree):
    chain = chain_of(user=district.street1, case_id=tree.c3.pk)
    nodes = _by_id(chain)
    outside = nodes[tree.other.pk]
    assert outside["outside"] and outside["label"] == "" and outside["url"] == ""
    assert outside["confirmed_at"] is None and outside["onset_date"] is None
    inside = nodes[tree.c3.pk]
    assert not inside["outside"] and inside["label"] == "三*" and inside["url"]


def test_a_loop_in_the_links_ends(district, tree):
    Case.objects.filter(pk=tree.root.pk).update(source_case=tree.c3, source_certainty="suspected")  # set-up only
    chain = chain_of(user=district.hq, case_id=tree.c1.pk)
    ids = [n["id"] for n in chain.nodes if n["kind"] == "case"]
    assert len(ids) == len(set(ids)) == 6


def test_the_api_contract(client, district, tree, api_token):
    r = client.get(f"/api/v1/cases/{tree.c3.pk}/chain", **api_token(district.street1))
    assert r.status_code == 200
    body = r.json()
    assert body["root_id"] == tree.root.pk and body["generations"] == 3
    assert all({"id", "kind", "generation"} <= set(n) for n in body["nodes"])
    assert {"from": tree.c1.pk, "to": tree.c3.pk} in [{"from": e["from"], "to": e["to"]} for e in body["edges"]]
    assert "外戊" not in r.content.decode() and "三丁" not in r.content.decode()  # names masked, outsiders blank


def test_outsiders_are_refused(client, district, tree, api_token):
    street2 = make_user("street2", "street_officer", jurisdiction=district.s2)
    assert client.get(f"/api/v1/cases/{tree.c3.pk}/chain", **api_token(street2)).status_code == 404
    assert client.get("/api/v1/cases/999999/chain", **api_token(street2)).status_code == 404
    # Those who do not work cases at all: refused the same whether the case exists or not.
    for user in (district.worker_a, district.unit_staff):
        assert client.get(f"/api/v1/cases/{tree.c3.pk}/chain", **api_token(user)).status_code == 403
        assert client.get("/api/v1/cases/999999/chain", **api_token(user)).status_code == 403
    assert district.client(street2).get(f"/containment/cases/{tree.c3.pk}/chain/").status_code == 404


def test_the_chain_page_draws_and_lists_it(district, tree):
    page = district.client(district.street1).get(f"/containment/cases/{tree.c3.pk}/chain/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="chain-data"' in html and "containment/chain.js" in html
    assert f"/containment/cases/{tree.c1.pk}/" in html  # each case a link to its page
    assert "Generation 2" in html


def _chain_of_width(district, width: int, depth: int) -> Case:
    """A root, then `depth` generations of `width` cases each, each infected by one of the generation before."""
    root = confirm(district, "根")
    level = [root]
    for g in range(depth):
        following = []
        for i in range(width):
            case = confirm(district, f"代{g}{i}", at=T0 + timedelta(days=g + 1))
            Case.objects.filter(pk=case.pk).update(source_case=level[i % len(level)], source_certainty="known")
            following.append(case)
        level = following
    return root


def test_queries_grow_with_generations_not_with_cases(district, django_assert_max_num_queries):
    small = _chain_of_width(district, 2, 3)
    large = _chain_of_width(district, 12, 3)
    counts = []
    for root in (small, large):
        with CaptureQueriesContext(connection) as seen:
            chain = chain_of(user=district.hq, case_id=root.pk)
        counts.append(len(seen))
        assert chain.generations == 4
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(25):
        chain_of(user=district.hq, case_id=large.pk)
