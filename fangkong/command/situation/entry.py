"""The daily report's sections on entry screening, closed-loop management and testing. Each reads the module below
command that owns the records (the layers allow it: command reads every domain below it) and words its day in one
sentence; the codes in its tables read as their enum's labels (contract.choice)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from .contract import Compiled, Facts, Kind, Tables, TableSpec, bounds, choice, listing, number, ordered, people

# --- entry screening -------------------------------------------------------------------------------------------


def _arrivals(day: date) -> Compiled:
    from fangkong.screening.models import FollowUp, Instruction, Measure, Passage, RiskLevel

    start, end = bounds(day)
    passages = Passage.objects.filter(at__gte=start, at__lt=end)
    counts = passages.aggregate(
        passages=Count("pk"),
        arrivals=Count("pk", filter=Q(direction=Passage.Direction.IN)),
        departures=Count("pk", filter=Q(direction=Passage.Direction.OUT)),
        from_risk=Count(
            "pk",
            filter=Q(direction=Passage.Direction.IN, risk_area__level__in=[RiskLevel.HIGH, RiskLevel.MEDIUM]),
        ),
    )
    instructions = dict(passages.values_list("instruction").annotate(n=Count("pk")).order_by())
    by_level = dict(
        passages.filter(direction=Passage.Direction.IN, risk_area__isnull=False)
        .values_list("risk_area__level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    opened = (  # arrivals' loops: a case's contacts have loops too, counted with the closed loop below
        FollowUp.objects.filter(opened_at__gte=start, opened_at__lt=end, kind=FollowUp.Kind.ARRIVAL)
        .values_list("level", "measure")
        .annotate(n=Count("pk"))
        .order_by()
    )
    measures: dict[tuple[str, str], int] = {(level, measure): n for level, measure, n in opened}
    facts = dict(counts)
    for m in Measure.values:  # the measures taken for the arrivals from medium- and high-risk areas
        facts[m] = sum(n for (level, measure), n in measures.items() if measure == m and level != RiskLevel.LOW)
    levels = [lv for lv in RiskLevel.values if by_level.get(lv) or any(k[0] == lv for k in measures)]
    risk = [[lv, by_level.get(lv, 0), *[measures.get((lv, m), 0) for m in Measure.values]] for lv in levels]
    return Compiled(
        facts=facts,
        tables={"instructions": ordered(instructions, list(Instruction.values)), "risk": risk},
    )


def _arrivals_sentence(f: Facts, tables: Tables) -> str:
    from fangkong.screening.models import Measure

    values = {"arrivals": number(f["arrivals"]), "departures": number(f["departures"])}
    if not f["from_risk"]:
        return (
            _(
                "Today the checkpoints registered %(arrivals)s arrivals and %(departures)s departures; nobody came"
                " from a medium- or high-risk area."
            )
            % values
        )
    label = choice(Measure)
    measures = listing([(label(m), f.get(m, 0)) for m in Measure.values], people)
    return _(
        "Today the checkpoints registered %(arrivals)s arrivals and %(departures)s departures; %(risk)s of the"
        " arrivals came from medium- or high-risk areas, measures taken: %(measures)s."
    ) % {**values, "risk": number(f["from_risk"]), "measures": measures or pgettext("measures", "none yet")}


def _arrivals_kind() -> Kind:
    from fangkong.screening.models import Instruction, Measure, RiskLevel

    return Kind(
        key="arrivals",
        title=gettext_lazy("Preventing imported cases: checkpoints and arrivals"),
        compute=_arrivals,
        facts=(
            ("passages", gettext_lazy("Passages registered")),
            ("arrivals", gettext_lazy("Arrivals")),
            ("departures", gettext_lazy("Departures")),
            ("from_risk", gettext_lazy("Arrivals from medium- and high-risk areas")),
            *[(m, label) for m, label in Measure.choices],
        ),
        sentence=_arrivals_sentence,
        tables=(
            TableSpec(
                "instructions",
                gettext_lazy("Instructions given at the checkpoints"),
                (gettext_lazy("Instruction"), pgettext_lazy("count", "People")),
                choice(Instruction),
            ),
            TableSpec(
                "risk",
                gettext_lazy("Arrivals from risk areas and the measures taken"),
                (gettext_lazy("Level"), gettext_lazy("Arrivals"), *[label for _m, label in Measure.choices]),
                choice(RiskLevel),
            ),
        ),
        chart="arrivals",
    )


# --- closed-loop management ------------------------------------------------------------------------------------


def _closed_loop(day: date) -> Compiled:
    from fangkong.screening.models import FollowUp, Measure

    start, end = bounds(day)
    open_ = FollowUp.objects.filter(released_at__isnull=True)
    late = Q(contacted_at__isnull=True, contact_due_at__lt=end)
    # The measure in force at the day's end: a close contact is in central isolation before the days at home.
    in_force = models.Case(
        models.When(central_until__gt=end, then=models.Value(Measure.CENTRAL_ISOLATION.value)),
        default=models.F("measure"),
        output_field=models.CharField(),
    )
    by_measure = {
        m: (n, missed)
        for m, n, missed in open_.annotate(in_force=in_force)
        .values_list("in_force")
        .annotate(n=Count("pk"), missed=Count("pk", filter=late))
        .values_list("in_force", "n", "missed")
        .order_by()
    }
    facts = {
        "opened": FollowUp.objects.filter(opened_at__gte=start, opened_at__lt=end).count(),
        "open": sum(n for n, _missed in by_measure.values()),
        "missed": sum(missed for _n, missed in by_measure.values()),
        "released": FollowUp.objects.filter(released_at__gte=start, released_at__lt=end).count(),
    }
    codes = [m for m in Measure.values if m in by_measure] + [m for m in by_measure if m not in Measure.values]
    return Compiled(facts=facts, tables={"measures": [[m, *by_measure[m]] for m in codes]})


def _closed_loop_sentence(f: Facts, tables: Tables) -> str:
    return _(
        "Today %(opened)s people were taken into closed-loop management and %(released)s released; %(open)s are"
        " under closed-loop management, %(missed)s of them not contacted in time."
    ) % {k: number(f[k]) for k in ("opened", "released", "open", "missed")}


def _closed_loop_kind() -> Kind:
    from fangkong.screening.models import Measure

    return Kind(
        key="closed_loop",
        title=gettext_lazy("Closed-loop management"),
        compute=_closed_loop,
        facts=(
            ("opened", gettext_lazy("Opened today")),
            ("open", gettext_lazy("Under closed-loop management")),
            ("missed", gettext_lazy("Not contacted in time")),
            ("released", gettext_lazy("Released today")),
        ),
        sentence=_closed_loop_sentence,
        tables=(
            TableSpec(
                "measures",
                gettext_lazy("Under closed-loop management by measure"),
                (
                    gettext_lazy("Measure"),
                    gettext_lazy("Under closed-loop management"),
                    gettext_lazy("Not contacted in time"),
                ),
                choice(Measure),
            ),
        ),
        chart="followups",
    )


# --- testing ---------------------------------------------------------------------------------------------------


def _testing(day: date) -> Compiled:
    from fangkong.core import daily
    from fangkong.testing.hall import SAMPLES
    from fangkong.testing.models import Recall, Tube

    start, end = bounds(day)
    resulted = dict(
        Tube.objects.filter(resulted_at__gte=start, resulted_at__lt=end)
        .values_list("result")
        .annotate(n=Count("pk"))
        .order_by()
    )
    waiting = [Recall.State.ORDERED, Recall.State.SAMPLED]
    recalls = dict(Recall.objects.filter(state__in=waiting).values_list("state").annotate(n=Count("pk")).order_by())
    facts = {
        # From the day's count kept with each sample (core.daily): counting the samples themselves by time would
        # read every round's partition, a million and a half rows each.
        "samples": daily.series(SAMPLES, "", day, day).get(day, 0),
        "tubes": sum(resulted.values()),
        "positive": resulted.get(Tube.Result.POSITIVE, 0),
        "recalls": sum(recalls.values()),
    }
    return Compiled(
        facts=facts,
        tables={
            "results": ordered(resulted, list(Tube.Result.values)),
            "recalls": ordered(recalls, list(Recall.State.values)),
        },
    )


def _testing_sentence(f: Facts, tables: Tables) -> str:
    return _(
        "Today %(samples)s samples were taken and %(tubes)s tubes resulted, %(positive)s of them positive pools;"
        " %(recalls)s people from positive pools await a retest."
    ) % {k: number(f[k]) for k in ("samples", "tubes", "positive", "recalls")}


def _testing_kind() -> Kind:
    from fangkong.testing.models import Recall, Tube

    return Kind(
        key="testing",
        title=gettext_lazy("Nucleic acid testing"),
        compute=_testing,
        facts=(
            ("samples", gettext_lazy("Samples taken")),
            ("tubes", gettext_lazy("Tubes resulted")),
            ("positive", gettext_lazy("Positive pools")),
            ("recalls", gettext_lazy("Recalls awaiting a retest")),
        ),
        sentence=_testing_sentence,
        tables=(
            TableSpec(
                "results",
                gettext_lazy("Tubes resulted today"),
                (gettext_lazy("Result"), pgettext_lazy("count", "Tubes")),
                choice(Tube.Result),
            ),
            TableSpec(
                "recalls",
                gettext_lazy("Recalls awaiting a retest"),
                (gettext_lazy("State"), pgettext_lazy("count", "People")),
                choice(Recall.State),
            ),
        ),
        chart="tests",
    )


def kinds() -> list[Kind]:
    return [_arrivals_kind(), _closed_loop_kind(), _testing_kind()]
