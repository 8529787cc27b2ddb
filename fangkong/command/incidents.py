"""The duty desk's incident fast reports as they come in: one input schema per write, the API's body and the
incidents pages' form alike (core.forms). The writes are incidents' own (`incidents.services`); their input lives
here, beside the only page and endpoint that take it, until that app declares it beside its services."""

from __future__ import annotations

from fangkong.core.dates import Moment
from fangkong.core.forms import FormInput


class IncidentReportInitialInput(FormInput):
    """The first written report, which opens an incident (`incidents.services.incident_report_initial`)."""

    title: str
    level: str  # I | II | III | IV (data: /incidents/levels)
    occurred_at: Moment
    known_at: Moment | None = None  # when the duty room learned of it, if earlier than now
    jurisdiction_id: int
    text: str  # the initial written report


class IncidentReportAddInput(FormInput):
    """A follow-up or the final report (`incidents.services.incident_report_add`)."""

    kind: str  # followup | final
    text: str
