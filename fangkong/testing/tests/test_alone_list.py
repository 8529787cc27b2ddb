"""Who is tested alone, as a sampling phone keeps it for offline (testing.alone_list): the personal codes of the
people under closed-loop management or tagged key population, as salted short hashes; only for those who sample
at the site (404 otherwise)."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache

from fangkong.core import clock, hashlist
from fangkong.registry.models import PersonCode, PersonTag
from fangkong.screening.models import FollowUp

ALL = "(every code on the list)"


def _follow(person, district, *, released: bool = False) -> None:
    now = clock.now()
    FollowUp.objects.create(
        person=person,
        level="medium",
        measure="home_health",
        reason="来自中风险地区",
        community=district.a,
        jurisdiction=district.a,
        jpath=district.a.path,
        contact_due_at=now + timedelta(hours=12),
        measure_ends_at=now + timedelta(days=7),
        released_at=now if released else None,
    )


def test_the_list_holds_the_codes_of_those_tested_alone_and_no_others(district, testing):
    key, followed, released, plain = testing.people_a[:4]
    PersonTag.objects.create(person=key, tag=PersonTag.Tag.KEY_POPULATION)
    _follow(followed, district)
    _follow(released, district, released=True)
    codes = {p.pk: PersonCode.objects.create(person=p).code for p in (key, followed, released, plain)}
    cache.clear()
    c = district.client(testing.sampler)
    reply = c.get(f"/testing/sites/{testing.site.pk}/alone.json")
    assert reply.status_code == 200 and "no-cache" in reply["Cache-Control"] and "private" in reply["Cache-Control"]
    payload = reply.json()
    assert payload["count"] == 2 and payload["format"] == "h32-delta-leb128"
    assert hashlist.holds(payload, codes[key.pk]) and hashlist.holds(payload, codes[followed.pk].lower())
    assert not hashlist.holds(payload, codes[released.pk]) and not hashlist.holds(payload, codes[plain.pk])
    assert codes[key.pk] not in reply.content.decode()  # hashes, never the codes
    # Kept for a few minutes (every phone of the district asks): a new follow-up shows at the next build.
    _follow(plain, district)
    assert c.get(f"/testing/sites/{testing.site.pk}/alone.json").json()["count"] == 2
    cache.clear()
    assert c.get(f"/testing/sites/{testing.site.pk}/alone.json").json()["count"] == 3


def test_only_those_who_sample_at_the_site_get_it(district, testing):
    assert district.client(testing.other_sampler).get(f"/testing/sites/{testing.site.pk}/alone.json").status_code == 404
    assert district.client(district.worker_a).get(f"/testing/sites/{testing.site.pk}/alone.json").status_code == 404
    assert district.client(testing.sampler).post(f"/testing/sites/{testing.site.pk}/alone.json").status_code == 405
    assert district.client(testing.sampler).get("/testing/sites/999999/alone.json").status_code == 404
