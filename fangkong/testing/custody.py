"""Closed tubes into sealed bags, handed to transport, received at the lab: who and when, at each step."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for, unit_ids_for

from . import errors
from .collection import clean_code, code_or_blank
from .models import Bag, Tube


def _typed_codes(typed: list[str]) -> list[str]:
    """Tube codes as a page's text box holds them: one per line, or separated by commas or blanks."""
    return [c for text in typed for c in str(text).replace(",", "\n").split() if c]


class BagSealInput(FormInput):
    """A bag sealed: the API's body, or the bags page's form (its tubes typed one per line)."""

    seal_code: str
    tube_codes: list[str]

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        if "tube_codes" in values:
            values["tube_codes"] = _typed_codes(values["tube_codes"])
        return values


class BagReceiveInput(FormInput):
    """What the lab found inside a bag it receives (the seal is the API's address, a field of the lab page's
    form). Without tubes the bag is taken as sealed; with them they must be exactly the sealed ones."""

    tube_codes: list[str] | None = None

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        # The page's box is optional: left empty, nothing was counted (not "the bag was empty").
        codes = _typed_codes(values.pop("tube_codes", None) or [])
        return values | ({"tube_codes": codes} if codes else {})


def _seal(code: str) -> str:
    return clean_code("seal_code", code)


def _may_sample(actor) -> bool:
    return bool(unit_ids_for(actor, Cap.TESTING_SAMPLE)) or not scope_for(actor, Cap.TESTING_ADMIN).empty


def _reaches(actor, tube: Tube) -> bool:
    """A site's tube is a sampling team's own when one of the team's units runs the site (as tube_close asks), or
    it lies within a testing admin's scope: another team's tubes and bags are not theirs to seal or hand over. A
    retest tube has no site (whichever team the person went to took it) and stays anyone's who samples."""
    if tube.site is None:
        return _may_sample(actor)
    return tube.site.unit_id in unit_ids_for(actor, Cap.TESTING_SAMPLE) or scope_for(actor, Cap.TESTING_ADMIN).covers(
        tube.jpath
    )


@transaction.atomic
def bag_seal(*, actor, seal_code: str, tube_codes: list[str]) -> Bag:
    """All tubes must exist, be closed and be in no other bag; else nothing is sealed and the tube is named."""
    if not _may_sample(actor):
        raise Forbidden(Cap.TESTING_SAMPLE)
    seal = _seal(seal_code)
    if Bag.objects.filter(seal_code=seal).exists():
        raise FieldError("seal_code", _("This seal code is already used."), code=Code.DUPLICATE)
    codes = [code_or_blank(c) for c in tube_codes]
    if not codes:
        raise FieldError("tube_codes", _("A bag holds at least one tube."), code=Code.REQUIRED)
    if len(set(codes)) != len(codes):
        raise FieldError("tube_codes", _("A tube is listed twice."), code=Code.DUPLICATE)
    tubes = {
        t.code: t for t in Tube.objects.select_for_update(of=("self",)).filter(code__in=codes).select_related("site")
    }
    for code, raw in zip(codes, tube_codes, strict=True):
        tube = tubes.get(code)
        if tube is None or not _reaches(actor, tube):  # another team's tube is as unknown as a missing one
            raise FieldError("tube_codes", _("Unknown tube %(c)s.") % {"c": raw}, code=Code.NOT_FOUND)
        if tube.closed_at is None:
            raise FieldError(
                "tube_codes", _("Tube %(c)s is still open: close it first.") % {"c": raw}, code=Code.WRONG_STATE
            )
        if tube.bag_id is not None:
            raise FieldError(
                "tube_codes", _("Tube %(c)s is already in another bag.") % {"c": raw}, code=Code.WRONG_STATE
            )
    bag = Bag.objects.create(seal_code=seal, sealed_by=actor)
    Tube.objects.filter(pk__in=[t.pk for t in tubes.values()]).update(bag=bag)
    audit_record(
        actor=actor,
        action="testing.bag_seal",
        object_type="testing.bag",
        object_id=bag.pk,
        object_repr=seal,
        fields={"tubes": len(codes)},
    )
    return bag


def _bag(seal_code: str) -> Bag:
    bag = Bag.objects.select_for_update().filter(seal_code=_seal(seal_code)).first()
    if bag is None:
        raise NotFound
    return bag


@transaction.atomic
def bag_handover(*, actor, seal_code: str) -> Bag:
    if not _may_sample(actor):
        raise Forbidden(Cap.TESTING_SAMPLE)
    bag = _bag(seal_code)
    tubes = list(bag.tubes.select_related("site"))
    if not tubes or not all(_reaches(actor, t) for t in tubes):
        raise NotFound  # another team's bag, answered as a seal code that does not exist
    if bag.handed_over_at is None:
        bag.handed_over_at, bag.handed_over_by = clock.now(), actor
        bag.save(update_fields=["handed_over_at", "handed_over_by"])
        audit_record(
            actor=actor,
            action="testing.bag_handover",
            object_type="testing.bag",
            object_id=bag.pk,
            object_repr=bag.seal_code,
        )
    return bag


@transaction.atomic
def bag_receive(*, actor, seal_code: str, tube_codes: list[str] | None = None) -> Bag:
    """The lab scans the seal, and (optionally) the tubes it finds inside: they must be exactly the sealed ones."""
    labs = unit_ids_for(actor, Cap.TESTING_LAB)
    if not labs:
        raise Forbidden(Cap.TESTING_LAB)
    bag = _bag(seal_code)
    if bag.received_at is not None:
        raise FieldError("seal_code", _("This bag was received already."), code=Code.WRONG_STATE)
    sealed = set(bag.tubes.values_list("code", flat=True))
    if tube_codes is not None:
        found = {code_or_blank(c) for c in tube_codes}
        missing, extra = sorted(sealed - found), sorted(found - sealed)
        if missing or extra:
            raise FieldError(
                "tube_codes",
                _("The tubes do not match the seal: missing %(m)s; not sealed in it %(e)s.")
                % {"m": ", ".join(missing) or "—", "e": ", ".join(extra) or "—"},
                code=errors.Code.MISMATCH,
            )
    now = clock.now()
    bag.received_at, bag.received_by, bag.lab_id = now, actor, min(labs)
    if bag.handed_over_at is None:  # handed straight to the lab: the handover is the receipt
        bag.handed_over_at, bag.handed_over_by = now, actor
    bag.save(update_fields=["received_at", "received_by", "lab", "handed_over_at", "handed_over_by"])
    audit_record(
        actor=actor,
        action="testing.bag_receive",
        object_type="testing.bag",
        object_id=bag.pk,
        object_repr=bag.seal_code,
        fields={"tubes": len(sealed)},
    )
    return bag
