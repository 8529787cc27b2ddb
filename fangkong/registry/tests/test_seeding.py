from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from fangkong.core import pii
from fangkong.core.ids import DocType, clean_document
from fangkong.core.models import AccountState, AuditEvent
from fangkong.registry.models import Jurisdiction, Person, PersonTag, Place, StaffProfile
from fangkong.registry.seeding import DEMO_USERS, AlreadySeeded, seed_demo


@pytest.mark.django_db
def test_demo_district_shape_and_people():
    report = seed_demo(people=600)
    assert report.people == 600
    communities = Jurisdiction.objects.filter(level="community")
    assert communities.filter(kind="community").count() == 106
    assert communities.filter(kind="village").count() == 13
    assert Jurisdiction.objects.get(level="district").name == "兴隆台区"
    assert Jurisdiction.objects.filter(name__in=["新工街道", "振兴街道"]).count() == 2
    assert communities.filter(name="粮家村", parent__name="新工街道").exists()
    # The official codes a real district imports: 12 digits for streets, communities and villages (2xx a village).
    assert Jurisdiction.objects.get(name="新工街道").code == "211103001000"
    assert communities.get(name="粮家村").code == "211103001201"
    assert not Jurisdiction.objects.filter(level="community", children__isnull=True).exists()  # every one has grids
    assert Person.objects.count() == 600
    numbers = [pii.decrypt(c) for c in Person.objects.values_list("doc_cipher", flat=True)]
    assert len(set(numbers)) == 600
    for n in numbers:
        assert n.startswith("211103")
        assert clean_document(DocType.RESIDENT_ID, n) == n  # valid checksum and birth date
    p = Person.objects.select_related("household__parent__parent").first()
    assert p.household.kind == "household" and p.household.parent.parent.kind == "compound"
    assert p.jpath.startswith(p.community.path)
    assert Place.objects.filter(kind="household").count() >= 600 / 5
    assert PersonTag.objects.filter(tag="student").exists()


@pytest.mark.django_db
def test_demo_users_exist_with_password_and_roles():
    seed_demo(people=50)
    for username, role, _where, _desc in DEMO_USERS:
        user = authenticate(username=username, password="fangkong-demo")
        assert user is not None, username
        assert list(user.roles.values_list("role", flat=True)) == [role]
    # Made as an administrator makes them: each account by the staff service, on the record, not to change the
    # published demo password at the first sign-in.
    made = AuditEvent.objects.filter(action="staff.create").values_list("object_repr", flat=True)
    assert len(made) == len(DEMO_USERS) - 1  # the first is the district's own administrator, from its set-up
    assert StaffProfile.objects.count() == len(DEMO_USERS) - 1
    assert not AccountState.objects.filter(must_change_password=True).exists()
    a = authenticate(username="grid_worker_a", password="fangkong-demo").roles.get().jurisdiction
    b = authenticate(username="grid_worker_b", password="fangkong-demo").roles.get().jurisdiction
    assert a.level == b.level == "community" and a.parent_id != b.parent_id


@pytest.mark.django_db
def test_seed_refuses_twice_unless_fresh():
    from fangkong.site.demo import seed_demo as whole_demo  # a fresh demo clears every module's part first

    seed_demo(people=20)
    with pytest.raises(AlreadySeeded):
        seed_demo(people=20)
    report = whole_demo(people=30, fresh=True)
    assert report.people == 30
    assert Jurisdiction.objects.filter(level="district").count() == 1
    # Fresh over a whole demo: what every module made (an accident's incident, the published daily report, the
    # isolation sites) is cleared before the tree it points at.
    assert whole_demo(people=30, fresh=True).people == 30
    from fangkong.command.models import SituationReport

    assert SituationReport.objects.get().state == SituationReport.State.PUBLISHED  # the demo's 日报 第 1 期
    # The per-day counts are those of the records there are, not of every seeding: the trends read them.
    from fangkong.core import daily
    from fangkong.core.models import DailyCount
    from fangkong.screening.models import ArrivalCount, Passage

    assert sum(ArrivalCount.objects.values_list("n", flat=True)) == Passage.objects.filter(direction="in").count()
    kept = sorted(DailyCount.objects.values_list("metric", "day", "jpath", "n"))
    daily.rebuild()
    assert sorted(DailyCount.objects.values_list("metric", "day", "jpath", "n")) == kept


@pytest.mark.django_db
def test_seed_command_prints_logins(capsys):
    call_command("seed_demo", people=10)
    out = capsys.readouterr().out
    assert "grid_worker_a" in out and "fangkong-demo" in out
    call_command("seed_demo", people=10, if_empty=True)
    assert "already seeded" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_password_from_environment(settings):
    settings.FANGKONG = {**settings.FANGKONG, "DEMO_PASSWORD": "another-secret-1"}
    seed_demo(people=5)
    assert authenticate(username="hq_admin", password="another-secret-1") is not None


@pytest.mark.django_db
def test_a_city_s_places_are_imported_in_several_sheets(monkeypatch):
    """1.4 million people live in more households than one sheet may hold (core.tables' TABLE_MAX_ROWS): the seed
    imports them file by file, each starting at a compound, and every household is made."""
    from fangkong.registry.models import Person, Place
    from fangkong.registry.seeding import district

    monkeypatch.setattr(district, "PLACES_PER_FILE", 5)
    seed_demo(people=40)
    files = AuditEvent.objects.filter(action="places.import").count()
    assert files > 1
    assert Person.objects.filter(household__kind=Place.Kind.HOUSEHOLD).count() == Person.objects.count() == 40
