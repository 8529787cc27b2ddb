"""How long mass testing keeps who was tested (the district sets the period: fangkong.dataprotection).

Samples stay for the statistics and lose their person: once a round's deadline is longer ago than the period,
each of its samples keeps its round, tube, site, time and grid (so the round's coverage by grid and its stage
timings read the same as before) and forgets whose swab it was. The recalls of the round (members of positive
pools) are deleted, their counts per day and grid kept. A round with a recall not yet resolved waits; a sample
of a person whose confirmed case is still open keeps its person until the case is released.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat

from fangkong.core.purging import Tally, by_day, daily, holds, in_ranges, raw_delete, tally_and

from .models import Recall, Round, Sample, Tube

UNRESOLVED = (Recall.State.ORDERED, Recall.State.SAMPLED)


def samples_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> dict[str, int]:
    """Anonymise the samples and delete the recalls of rounds whose deadline passed before `before`."""
    pending = Exists(Recall.objects.filter(round=OuterRef("pk"), state__in=UNRESOLVED))
    rounds = Round.objects.filter(deadline__lt=before).exclude(pending).order_by("pk").values_list("pk", flat=True)
    keep = holds("samples")  # a person whose confirmed case is still open (containment registers it)
    counts = {"anonymised": 0, "recalls_deleted": 0}
    for round_id in rounds:
        # Cheap probes first: a round done on an earlier night answers from the (round, person) index.
        pooled = Sample.objects.filter(round_id=round_id, retest=False, person__isnull=False)
        recalls = Recall.objects.filter(round_id=round_id)
        if not pooled.exists() and not recalls.exists():
            continue
        # Every retest of the recalled people, by the person (indexed): a retest that came back invalid is no longer
        # its recall's `retest_tube` once the next one is taken, and must lose its person too.
        retests = Sample.objects.filter(round_id=round_id, retest=True, person_id__in=recalls.values("person_id"))
        for samples in (pooled, retests):
            counts["anonymised"] += in_ranges(samples, _anonymise, keep=keep, dry_run=dry_run)
        counts["recalls_deleted"] += in_ranges(
            recalls, tally_and(tally, "recalls", _recall_counts, raw_delete), keep=keep, dry_run=dry_run
        )
    return counts


def _anonymise(rows) -> int:
    return rows.update(person=None)


def _recall_counts(rows) -> list[tuple]:
    return daily(rows, day="ordered_at", where="jpath", what="state")


# ---------------------------------------------------------------- the end of the emergency


def emergency_destroy(*, dry_run: bool = False, tally: Tally | None = None) -> dict[str, int]:
    """Every record of testing that concerns a person: recalls, samples (their counts per day, grid and round
    kept) and the household a tube was kept for (personal and household codes are the register's). Rounds,
    sites, bags and tubes (a tube is a lab's result for a site, no longer anyone's) stay."""
    counts = {
        "recalls": in_ranges(
            Recall.objects.all(), tally_and(tally, "recalls", _recall_counts, raw_delete), dry_run=dry_run
        )
    }
    which_round = Concat(Value("round:"), Cast("round_id", CharField()), output_field=CharField())
    counts["samples"] = in_ranges(
        Sample.objects.all(),
        tally_and(tally, "samples", by_day("collected_at", which_round), raw_delete),
        dry_run=dry_run,
    )
    counts["household_tubes"] = in_ranges(
        Tube.objects.filter(household__isnull=False), lambda rows: rows.update(household=None), dry_run=dry_run
    )
    return counts
