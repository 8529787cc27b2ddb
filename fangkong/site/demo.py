"""The demo district, every module's part in one transaction: `fangkong seed-demo` runs this."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from fangkong.command import seeding as command_seeding
from fangkong.containment import seeding as containment_seeding
from fangkong.core import daily
from fangkong.core.models import DailyCount
from fangkong.livelihood import seeding as livelihood_seeding
from fangkong.portal import seeding as portal_seeding
from fangkong.registry import seeding as registry_seeding
from fangkong.registry.models import Jurisdiction
from fangkong.safety import seeding as safety_seeding
from fangkong.screening import seeding as screening_seeding
from fangkong.testing import seeding as testing_seeding


def seed_demo(*, people: int, fresh: bool = False, progress: Callable[[str], None] | None = None):
    say = progress or (lambda message: None)
    with transaction.atomic():
        if fresh and Jurisdiction.objects.exists():
            portal_seeding.wipe()
            livelihood_seeding.wipe()
            safety_seeding.wipe()  # modules that point at the register go first
            command_seeding.wipe()
            containment_seeding.wipe()
            testing_seeding.wipe()
            screening_seeding.wipe()
            # Every module's per-day counts (the hall's and the daily report's trends) went with the records they
            # counted: kept, a re-seed's day would count its arrivals, samples and cases twice.
            DailyCount.objects.all().delete()
        report = registry_seeding.seed_demo(people=people, fresh=fresh, progress=say)
        screening_seeding.seed(progress=say)
        testing_seeding.seed(progress=say)
        containment_seeding.seed(progress=say)
        command_seeding.seed(progress=say)
        safety_seeding.seed(progress=say)
        livelihood_seeding.seed(progress=say)
        portal_seeding.seed(progress=say)
        # The seeders backdate what they made (a hazard found last week, a follow-up opened yesterday) after the
        # writes counted it today: recounted from the records, as after any bulk load, before the report reads them.
        say("recounting the daily figures")
        daily.rebuild_everything()
        command_seeding.situation(progress=say)  # last: it reads every module
    say("analysing tables")
    registry_seeding.analyse(
        ["registry_person", "registry_persontag", "registry_place", "registry_jurisdiction", "containment_personstatus"]
    )
    return report
