"""What testing shows a signed-in resident: their test results (a card on the residents' /me/ home).

A pooled tube that tested positive says nothing yet about each person in it: they are told it was abnormal and that
a single-tube retest follows (混检异常，待复核), never "positive" — that word is for their own single tube."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.residents.home import Card

from .models import Recall, Tube
from .selectors import results_of


class ResultSeen(models.TextChoices):
    """A result as the person it belongs to reads it."""

    PENDING = "pending", _("No result yet")
    NEGATIVE = "negative", _("Negative")
    INVALID = "invalid", _("Invalid")
    POOL_ABNORMAL = "pool_abnormal", _("Pooled test abnormal, awaiting a retest")
    POOL_RETESTED = "pool_retested", _("Pooled test abnormal; retested alone (see the retest)")
    POSITIVE = "positive", _("Positive")


def result_seen(*, result: str, pooled: bool, recall: str | None) -> ResultSeen:
    if result == Tube.Result.POSITIVE and pooled:
        resolved = recall in (Recall.State.NEGATIVE, Recall.State.POSITIVE)
        return ResultSeen.POOL_RETESTED if resolved else ResultSeen.POOL_ABNORMAL
    own: dict[str, ResultSeen] = {
        Tube.Result.NEGATIVE: ResultSeen.NEGATIVE,
        Tube.Result.POSITIVE: ResultSeen.POSITIVE,  # their own tube (a retest, or tested alone)
        Tube.Result.INVALID: ResultSeen.INVALID,
    }
    return own.get(result, ResultSeen.PENDING)


def results_card(person) -> Card:
    results = [
        {**r, "seen": result_seen(result=r["result"], pooled=r["pooled"], recall=r["recall"])}
        for r in results_of(person.pk)
    ]
    return Card("testing/resident/_results.html", {"results": results})
