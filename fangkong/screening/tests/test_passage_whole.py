"""A registration is written whole or not at all: a visitor's new record, the passage, the day's count and the
case commit together (a helper once slipped in between `passage_register` and its `@transaction.atomic`)."""

from __future__ import annotations

import pytest

from fangkong.conftest import make_id_number
from fangkong.registry.models import Person
from fangkong.screening import passages
from fangkong.screening.models import ArrivalCount, Passage
from fangkong.screening.passages import PassageInput, passage_register


def test_a_failure_after_the_new_persons_record_leaves_nothing(district, screening, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the rules failed")

    monkeypatch.setattr(passages.rules, "decide", broken)  # after the visitor's record is made, before the passage
    people = Person.objects.count()
    data = PassageInput(direction="in", document_number=make_id_number(), name="过路人", origin="沈阳",
                        destination_community=district.a.pk)  # fmt: skip
    with pytest.raises(RuntimeError):
        passage_register(actor=screening.staff1, checkpoint_id=screening.cp1.pk, data=data)
    assert Person.objects.count() == people
    assert not Passage.objects.exists() and not ArrivalCount.objects.exists()
