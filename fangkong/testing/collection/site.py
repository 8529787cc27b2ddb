"""A scan on a sampling site's page (a phone at the queue), as the sampler types or scans it: a personal code, an
ID number, or a household's code — whose members are then ticked. It becomes a batch of one (or of the household's
members) for `collections_ingest`, the API's bulk path, under the same rules; the page's input is its own (one
person or one household, no batch id), hence its own schema."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.registry import codes

from .. import errors
from ..models import Tube
from . import collections_ingest
from .scan import Scan, code_or_blank


class SiteScanInput(FormInput):
    """The site page's form."""

    person: str  # a personal code, an ID number, or a household's code
    tube_code: str = ""
    member: list[int] | None = None  # a household's members ticked; None until the household was shown
    # Filled by the page's script (fangkong/core/static/fangkong/outbox.js): the scan's own time and a fresh key,
    # so that a scan kept while the network was down, sent later, counts once and at the time it was taken.
    key: str = ""
    at: datetime | None = None


@dataclass
class SiteScan:
    """What a scan came to: how many were sampled; for a household's code not yet ticked (or ticked wrongly),
    the household to show; the refusal, naming the field, if any — beside a partial success, not instead of it."""

    sampled: int = 0
    household: dict | None = None  # {"code", "place", "members"}
    error: FieldError | None = None
    tube: Tube | None = None  # the tube sampled into, as the scan left it (full and closed, or how full)

    @property
    def tube_full(self) -> bool:
        """The scan filled the tube and closed it: the next scan opens a new one."""
        return self.tube is not None and self.tube.closed_at is not None


def _done(sampled: int, tube_code: str, **more) -> SiteScan:
    """What the scan came to, with the tube it filled read back (its count and whether it closed)."""
    tube = (
        Tube.objects.filter(code=code_or_blank(tube_code)).only("code", "count", "pool_size", "closed_at").first()
        if sampled
        else None
    )
    return SiteScan(sampled=sampled, tube=tube, **more)


def site_scan(
    *,
    actor,
    site_id: int,
    round_id: int,
    person: str,
    tube_code: str = "",
    member: list[int] | None = None,
    collected_at: datetime | None = None,
) -> SiteScan:
    """Sample the person (or the ticked members of the household) into the tube at this site, now — or at
    `collected_at`, the time the page took the scan (checked by the ingest: not before the round, not ahead)."""
    now = collected_at or clock.now()
    if codes.is_household_code(person):
        return _household_scan(actor, site_id, round_id, person, tube_code, member, now)
    who = person.strip()
    by_code = codes.is_person_code(who)
    scan = Scan(
        index=0,
        person_code=who if by_code else "",
        document_number="" if by_code else who,
        tube_code=tube_code,
        site_id=site_id,
        collected_at=now,
    )
    reply = collections_ingest(actor=actor, round_id=round_id, scans=[scan])
    if reply["rejected"]:
        return SiteScan(error=FieldError("person", reply["rejected"][0]["message"], code=errors.Code.SCAN_REFUSED))
    return _done(reply["accepted"], tube_code)


def _household_scan(actor, site_id: int, round_id: int, code: str, tube_code: str, member, now) -> SiteScan:
    """First the household's residents are shown (all ticked), then the ticked ones are sampled into the tube."""
    found = codes.household_by_code(code)
    if found is None:
        return SiteScan(error=FieldError("person", _("Unknown household code."), code=Code.NOT_FOUND))
    household, members = found
    shown = {"code": code.strip().upper(), "place": household, "members": members}
    if member is None:
        return SiteScan(household=shown)
    ticked = set(member)
    chosen = [m for m in members if m.pk in ticked]
    if not chosen:
        return SiteScan(
            household=shown,
            error=FieldError("member", _("Tick the members who were sampled."), code=Code.REQUIRED),
        )
    scans = [
        Scan(index=i, person_id=m.pk, tube_code=tube_code, site_id=site_id, collected_at=now)
        for i, m in enumerate(chosen)
    ]
    reply = collections_ingest(actor=actor, round_id=round_id, scans=scans)
    if reply["rejected"]:
        problems = "; ".join(f"{chosen[r['index']].name[:1]}*: {r['message']}" for r in reply["rejected"])
        return _done(reply["accepted"], tube_code, error=FieldError("member", problems, code=errors.Code.SCAN_REFUSED))
    return _done(reply["accepted"], tube_code)
