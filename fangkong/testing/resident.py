"""What testing shows a signed-in resident: their test results (a card on the residents' /me/ home)."""

from __future__ import annotations

from fangkong.residents.home import Card

from .selectors import results_of


def results_card(person) -> Card:
    return Card("testing/resident/_results.html", {"results": results_of(person.pk)})
