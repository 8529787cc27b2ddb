"""A recalled member of a positive pool sampled again, alone: the single-tube retest."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock, daily, pii
from fangkong.core.audit import audit_record
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for, unit_ids_for

from ..collection import CLOCK_SKEW, clean_code
from ..hall import SAMPLES
from ..models import Recall, Sample, Tube


class RecallSampleInput(FormInput):
    """The retest's tube: the API's body, or the recalls page's form (which names the recall too) — with the time
    it was taken when the page kept it offline (`at`; else now)."""

    tube_code: str
    at: Moment | None = None


@transaction.atomic
def recall_sample(*, actor, recall_id: int, tube_code: str, at: datetime | None = None) -> Recall:
    """The retest: one person, one new tube (closed at once). Taken again when the last one came back invalid
    (the recall is then ordered again: results.ingest); the new tube replaces it as the recall's, the audit naming
    the one it replaces."""
    if not unit_ids_for(actor, Cap.TESTING_SAMPLE) and scope_for(actor, Cap.TESTING_RECALL).empty:
        raise Forbidden(Cap.TESTING_SAMPLE)
    recall = Recall.objects.select_for_update().filter(pk=recall_id).select_related("person").first()
    if recall is None or not (
        unit_ids_for(actor, Cap.TESTING_SAMPLE) or scope_for(actor, Cap.TESTING_RECALL).covers(recall.jpath)
    ):
        raise NotFound
    if recall.state != Recall.State.ORDERED:
        raise FieldError("state", _("This retest was sampled already."), code=Code.WRONG_STATE)
    code = clean_code("tube_code", tube_code)
    if Tube.objects.filter(code=code).exists():
        raise FieldError("tube_code", _("This tube was used already."), code=Code.DUPLICATE)
    # An ordered recall with a retest tube: that retest came back invalid (one query, only then).
    replaced = Tube.objects.get(pk=recall.retest_tube_id).code if recall.retest_tube_id else ""
    now = _taken(at, recall)
    tube = Tube.objects.create(
        code=code,
        round_id=recall.round_id,
        pool_size=1,
        count=1,
        retest=True,
        opened_at=now,
        closed_at=now,
        jpath=recall.jpath,
    )
    Sample.objects.create(
        round_id=recall.round_id,
        tube=tube,
        person=recall.person,
        collected_at=now,
        recorded_by=actor,
        retest=True,
        jpath=recall.jpath,
    )
    daily.add(SAMPLES, now, recall.jpath, shard=recall.pk)  # the hall's tests per day
    recall.retest_tube, recall.state, recall.sampled_at = tube, Recall.State.SAMPLED, now
    recall.save(update_fields=["retest_tube", "state", "sampled_at"])
    audit_record(
        actor=actor,
        action="testing.recall_sample",
        obj=recall,
        object_repr=pii.mask_name(recall.person.name),
        fields={
            "tube": code,
            **({"replaces": replaced} if replaced else {}),
            **({"taken_at": now.isoformat()} if at is not None else {}),  # kept offline: when it was taken
        },
    )
    return recall


def _taken(at: datetime | None, recall: Recall) -> datetime:
    """When the retest was taken: now, or the time the page kept it offline — not ahead of the server's clock
    (beyond a phone's skew), not before the recall was ordered."""
    now = clock.now()
    if at is None:
        return now
    if at.tzinfo is None:
        raise FieldError("at", _("Give the collection time with its offset."), code=Code.INVALID)
    if at > now + CLOCK_SKEW:
        raise FieldError("at", _("The collection time is in the future."), code=Code.IN_FUTURE)
    if at < recall.ordered_at:
        raise FieldError("at", _("The collection time is before the retest was ordered."), code=Code.OUT_OF_RANGE)
    return at
