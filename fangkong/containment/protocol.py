"""The zone protocol's defaults (domain brief). Migration 0002 seeded them; `ensure_default_levels` puts them
back after a migrate or flush wherever the table was emptied (core.defaults; never on a read)."""

from __future__ import annotations

from .defaults import DEFAULT_ENGLISH, DEFAULT_LEVELS
from .models import ZoneLevel


def ensure_default_levels() -> None:
    if ZoneLevel.objects.exists():
        return
    ZoneLevel.objects.bulk_create(
        ZoneLevel(
            code=code,
            name=name,
            name_en=DEFAULT_ENGLISH[code][0],
            colour=colour,
            restrictions=restrictions,
            restrictions_en=DEFAULT_ENGLISH[code][1],
            rank=rank,
            quiet_days=quiet,
            contact_days=contact,
            negative_days=negative,
            lifts_with_others=with_others,
            active=active,
        )
        for code, name, colour, restrictions, rank, quiet, contact, negative, with_others, active in DEFAULT_LEVELS
    )


def level_update(
    *,
    actor,
    code: str,
    name: str,
    colour: str,
    restrictions: str,
    rank: int,
    quiet_days: int,
    contact_days: int,
    negative_days: int,
    lifts_with_others: bool,
    active: bool,
    name_en: str = "",
    restrictions_en: str = "",
) -> ZoneLevel:
    """HQ edits a level of the zone protocol (or adds one: the high/medium/low scheme is three rows). Audited
    with before and after; the version counts the edits. Zones in force keep their level and see the edit. The
    English name and restrictions are optional: a reader in English reads the Chinese where they are blank."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    from fangkong.core.audit import audit_record
    from fangkong.core.errors import Code, FieldError
    from fangkong.core.roles import Cap
    from fangkong.core.scoping import Forbidden, scope_for

    from .models import Colour
    from .models.zones import zone_levels_by_code

    if not scope_for(actor, Cap.ZONE_PROTOCOL).district_wide:
        raise Forbidden(Cap.ZONE_PROTOCOL)  # a district-wide rule: district HQ only
    if colour not in Colour.values:
        raise FieldError("colour", _("The colour is green, yellow or red."), code=Code.UNKNOWN_CHOICE)
    if not (name or "").strip():
        raise FieldError("name", _("Name the level."), code=Code.REQUIRED)
    for field, value in (("quiet_days", quiet_days), ("contact_days", contact_days), ("negative_days", negative_days)):
        if not 0 <= value <= 60:
            raise FieldError(field, _("From 0 to 60 days."), code=Code.OUT_OF_RANGE)
    if not 1 <= rank <= 9:
        raise FieldError("rank", _("A rank from 1 (strictest) to 9."), code=Code.OUT_OF_RANGE)
    with transaction.atomic():
        row = ZoneLevel.objects.select_for_update().filter(code=code).first()
        before = (
            {
                f: getattr(row, f)
                for f in (
                    "name",
                    "name_en",
                    "colour",
                    "rank",
                    "quiet_days",
                    "contact_days",
                    "negative_days",
                    "lifts_with_others",
                    "active",
                )
            }
            if row
            else {}
        )
        if row is None:
            if not code or not code.replace("_", "").isalnum():
                raise FieldError("code", _("A code of letters, digits and underscores."), code=Code.INVALID)
            row = ZoneLevel(code=code)
        else:
            row.version += 1
        row.name, row.colour, row.restrictions, row.rank = name.strip()[:40], colour, restrictions, rank
        row.name_en, row.restrictions_en = " ".join((name_en or "").split())[:60], (restrictions_en or "").strip()
        row.quiet_days, row.contact_days, row.negative_days = quiet_days, contact_days, negative_days
        row.lifts_with_others, row.active = lifts_with_others, active
        row.save()
        after = {f: getattr(row, f) for f in before} if before else {"created": True}
        # The record names the level as the district does, whatever language the officer reads.
        audit_record(
            actor=actor,
            action="zone.level_update",
            obj=row,
            object_repr=row.name,
            fields={"before": before, "after": after},
        )
        zone_levels_by_code.forget()  # status reasons name the level from it
    return row
