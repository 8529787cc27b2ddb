"""The demo's residents: generated as rows (deterministic names, ID numbers, birth dates) and written with COPY."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from fangkong.core import clock, pii
from fangkong.core.bulk import write_rows
from fangkong.core.ids import DocType, check_char

from .. import demo_names as names
from ..models import Person, PersonTag, Unit
from .common import BIRTH_FIRST, BIRTH_LAST, first_free_id, reset_sequences
from .district import _Household

# ---------------------------------------------------------------- people


def _birth_dates() -> list[date]:
    days = (BIRTH_LAST - BIRTH_FIRST).days + 1
    return [BIRTH_FIRST + timedelta(days=d) for d in range(days)]


def _person_rows(
    n: int,
    households: list[_Household],
    units: list[Unit],
    start_id: int,
    rng: random.Random,
    tags_out: list[tuple[int, str]],
) -> Iterator[tuple]:
    """Rows of registry_person. Resident ID numbers are unique by construction: person i gets birth date
    (r·P mod D) and sequence 2k+sex for i = k·D + r, with P prime to D."""
    dates = _birth_dates()
    n_dates = len(dates)
    stride = 7919 if n_dates % 7919 else 7927
    date_strings = [d.strftime("%Y%m%d") for d in dates]
    area = names.DISTRICT[0]
    today = clock.now().date()
    schools = [u for u in units if u.kind == "school"]
    workplaces = [u for u in units if u.kind in ("employer", "enterprise")]
    departments = [u for u in units if u.kind == "department"]
    surnames = names.SURNAMES
    encrypt, lookup = pii.encrypt, pii.lookup_hash
    now = clock.now()
    hh_index, hh_left = 0, 0
    household = households[0]
    for i in range(n):
        if hh_left <= 0 and hh_index < len(households):
            household = households[hh_index]
            hh_index += 1
            hh_left = rng.randint(1, 5)
        hh_left -= 1
        k, r = divmod(i, n_dates)
        d_index = (r * stride) % n_dates
        male = rng.random() < 0.51
        seq = f"{(2 * k + (1 if male else 0)) % 1000:03d}"
        first17 = area + date_strings[d_index] + seq
        number = first17 + check_char(first17)
        birth = dates[d_index]
        age = today.year - birth.year
        given = names.GIVEN_MALE if male else names.GIVEN_FEMALE
        name = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
        pid = start_id + i
        phone = ""
        if age >= 14 and rng.random() < 0.95:
            phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        unit_id = None
        if 6 <= age <= 18:
            unit_id = schools[pid % len(schools)].pk
            tags_out.append((pid, "student"))
        elif 19 <= age <= 22 and rng.random() < 0.5:
            tags_out.append((pid, "student"))
        elif 23 <= age <= 60:
            roll = rng.random()
            if roll < 0.02:
                unit_id = departments[pid % len(departments)].pk
                tags_out.append((pid, "public_official"))
            elif roll < 0.6:
                unit_id = workplaces[pid % len(workplaces)].pk
        elif age >= 75 and rng.random() < 0.05:
            tags_out.append((pid, "elderly_alone" if rng.random() < 0.8 else "bedridden"))
        if rng.random() < 0.005:
            tags_out.append((pid, "key_population"))
        yield (
            pid,
            name,
            DocType.RESIDENT_ID,
            encrypt(number),
            lookup(number),
            encrypt(phone) if phone else None,
            lookup(phone) if phone else "",
            "M" if male else "F",
            birth,
            household.community.pk,
            household.grid.pk,
            household.grid.path,
            household.id,
            unit_id,
            household.address,
            True,
            now,
            now,
        )


PERSON_COLUMNS = [
    "id",
    "name",
    "doc_type",
    "doc_cipher",
    "doc_hash",
    "phone_cipher",
    "phone_hash",
    "sex",
    "birth_date",
    "community_id",
    "jurisdiction_id",
    "jpath",
    "household_id",
    "unit_id",
    "address",
    "is_resident",
    "created_at",
    "updated_at",
]


def _make_people(
    n: int, households: list[_Household], units: list[Unit], progress: Callable[[int], None] | None
) -> int:
    rng = random.Random(20220501)
    tags: list[tuple[int, str]] = []
    start_id = first_free_id(Person)

    def counted() -> Iterator[tuple]:
        for i, row in enumerate(_person_rows(n, households, units, start_id, rng, tags), start=1):
            if progress and i % 100_000 == 0:
                progress(i)
            yield row

    written = write_rows("registry_person", PERSON_COLUMNS, counted())
    write_rows("registry_persontag", ["person_id", "tag"], tags)
    reset_sequences(Person, PersonTag)
    return written
