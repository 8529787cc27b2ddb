"""Alerts that come from the clock (core.alerts.register_sweep, run by `fangkong escalate`): a contact deadline
missed (one alert per community, each case once), a transfer late at its step (once per step); scoped like every
alert."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command

from fangkong.containment.cases import case_confirm
from fangkong.containment.events import TRANSFER_LATE_ALERT
from fangkong.containment.models import IsolationSite
from fangkong.containment.transfers import transfer_dispatch, transfer_step
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.alerts import sweep_all
from fangkong.core.models import HallAlert
from fangkong.registry.models import Unit
from fangkong.screening.events import CONTACT_MISSED_ALERT
from fangkong.screening.models import FollowUp

from .conftest import arrive


def _escalate() -> str:
    out = io.StringIO()
    call_command("escalate", stdout=out)
    return out.getvalue()


def test_missed_contact_deadlines_raise_one_alert_per_community_once(district, screening, api):
    with clock.frozen_at(clock.now() - timedelta(hours=5)):
        for community in (district.a, district.a, district.b):
            arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=community.pk)
    arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)  # in time
    assert "2 hall alerts raised by screening.contact_missed" in _escalate()
    alerts = {a.jpath: a for a in HallAlert.objects.filter(kind=CONTACT_MISSED_ALERT)}
    assert set(alerts) == {district.a.path, district.b.path}
    assert alerts[district.a.path].subject == f"{district.a.name}（2）"
    assert alerts[district.b.path].subject == f"{district.b.name}（1）"
    missed = FollowUp.objects.filter(missed_alerted_at__isnull=False)
    assert missed.count() == 3  # the one still in time is not announced

    assert sweep_all()["screening.contact_missed"] == 0  # each case once
    items = api(district.worker_a).get("/api/v1/hall/alerts").json()["items"]
    worker = [a for a in items if a["kind"] == CONTACT_MISSED_ALERT]
    assert len(worker) == 1 and "（2）" in worker[0]["title"]  # community A's, not B's
    assert worker[0]["url"].endswith(f"?state=missed&jurisdiction={district.a.pk}")  # the community's list
    hq = api(district.hq).get("/api/v1/hall/alerts").json()["items"]
    assert sum(a["kind"] == CONTACT_MISSED_ALERT for a in hq) == 2

    # The fourth misses its deadline later: one more alert, for its community alone.
    with clock.frozen_at(clock.now() + timedelta(days=1)):
        assert sweep_all()["screening.contact_missed"] == 1
    assert HallAlert.objects.filter(kind=CONTACT_MISSED_ALERT).count() == 3


def test_a_contacted_or_released_case_is_not_announced(district, screening):
    from fangkong.screening.followups import followup_contact

    with clock.frozen_at(clock.now() - timedelta(hours=5)):
        result = arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
    followup_contact(actor=district.hq, followup_id=result.followup.pk)
    assert sweep_all()["screening.contact_missed"] == 0


def test_a_late_transfer_raises_an_alert_once_per_step(district, api):
    unit = Unit.objects.create(
        kind="clinic", name="定点医院", code="H-S", jurisdiction=district.d, jpath=district.d.path
    )
    site = IsolationSite.objects.create(name="定点医院", kind="hospital", capacity=5, unit=unit, jpath=district.d.path)
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    with clock.frozen_at(clock.now() - timedelta(hours=3)):
        t = transfer_dispatch(
            actor=district.hq,
            person_id=district.person_a.pk,
            destination_id=site.pk,
            pickup_address="园丁小区",
            vehicle="辽L1",
            crew="甲乙",
        )
    assert "1 hall alerts raised by containment.transfer_late" in _escalate()
    assert sweep_all()["containment.transfer_late"] == 0
    alert = HallAlert.objects.get(kind=TRANSFER_LATE_ALERT)
    assert alert.subject == "辽L1 → 定点医院" and alert.jpath == district.person_a.jpath
    assert alert.ref == f"containment.transfer:{t.pk}:pick_up"
    # Picked up now, then late at the next step: a second alert.
    transfer_step(actor=district.hq, transfer_id=t.pk, step="pick_up")
    assert sweep_all()["containment.transfer_late"] == 0
    with clock.frozen_at(clock.now() + timedelta(hours=3)):
        assert sweep_all()["containment.transfer_late"] == 1
    items = api(district.worker_a).get("/api/v1/hall/alerts").json()["items"]
    assert [a["kind"] for a in items if a["kind"] == TRANSFER_LATE_ALERT] == [TRANSFER_LATE_ALERT] * 2
    assert api(district.worker_b).get("/api/v1/hall/alerts").json()["items"] == []  # not theirs


def test_old_alerts_are_purged_but_those_a_task_came_from_stay(district, screening, api):
    from fangkong.core.alerts import ALERT_DAYS, alerts_purge, raise_alert
    from fangkong.dataprotection.housekeeping import housekeeping
    from fangkong.hall.services import alert_dispatch
    from fangkong.screening.events import HIGH_RISK_ARRIVAL

    with clock.frozen_at(clock.now() - timedelta(days=ALERT_DAYS + 1)):
        old = [raise_alert(kind=HIGH_RISK_ARRIVAL, subject=f"道口{i}", jpath=district.a.path) for i in range(3)]
        kept = old[0]
        alert_dispatch(
            actor=district.hq,
            alert_id=kept.pk,
            recipients=[str(district.a.pk)],
            deadline=clock.now() + timedelta(hours=4),
            body="核查",
        )
    arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)  # today's
    assert HallAlert.objects.count() == 4
    assert housekeeping()["hall_alerts"] == 2
    assert set(HallAlert.objects.values_list("pk", flat=True)) == {kept.pk, HallAlert.objects.latest("id").pk}
    assert alerts_purge() == 0


def test_deadlines_missed_long_ago_are_marked_without_an_alert(district, screening):
    """The first sweep after an upgrade, or after cron stopped for days: old misses are not news for the wall."""
    with clock.frozen_at(clock.now() - timedelta(hours=5)):
        old = arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
        arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.b.pk)
    # A's deadline passed three days ago (its arrival moved back in time: the fixture's risk areas are a day old).
    FollowUp.objects.filter(pk=old.followup.pk).update(contact_due_at=clock.now() - timedelta(days=3))
    assert sweep_all()["screening.contact_missed"] == 1  # community B's, not A's of three days ago
    assert not HallAlert.objects.filter(kind=CONTACT_MISSED_ALERT, jpath=district.a.path).exists()
    assert FollowUp.objects.filter(missed_alerted_at__isnull=True, contacted_at__isnull=True).count() == 0


def test_a_sweep_another_run_holds_is_skipped(district, screening):
    """Two `escalate` runs overlapping (a slow one and the next): the second skips a sweep the first is in, so an
    alert is never raised twice. PostgreSQL: an advisory lock per sweep, held here by another connection."""
    import pytest
    from django.db import connection

    from fangkong.conftest import other_connection

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite runs one writing transaction at a time")
    with clock.frozen_at(clock.now() - timedelta(hours=5)):
        arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
    with other_connection(autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(hashtext('fangkong.sweep:screening.contact_missed'))")
        assert sweep_all()["screening.contact_missed"] == 0
        other.execute("SELECT pg_advisory_unlock_all()")
    assert sweep_all()["screening.contact_missed"] == 1


def test_a_rebuild_keeps_the_days_whose_records_retention_deleted(district, screening):
    from fangkong.core import daily
    from fangkong.core.models import DailyCount

    arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.a.pk)
    long_ago = clock.localdate() - timedelta(days=200)  # its follow-ups purged since; their count stays
    DailyCount.objects.create(metric="screening.followups_opened", day=long_ago, jpath=district.a.path, n=7)
    daily.rebuild("screening.followups_opened")
    kept = dict(DailyCount.objects.filter(metric="screening.followups_opened").values_list("day", "n"))
    assert kept == {long_ago: 7, clock.localdate(): 1}
