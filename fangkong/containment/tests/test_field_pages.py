"""The field pages: a clinic's report form, the community's alerts, the transfers board; outsiders refused."""

from __future__ import annotations

from fangkong.conftest import make_user
from fangkong.containment.cases import case_confirm
from fangkong.containment.models import IsolationSite, SentinelAlert, Transfer
from fangkong.containment.transfers import transfer_dispatch
from fangkong.core import pii
from fangkong.core.actors import System
from fangkong.registry.models import Unit


def test_clinic_reports_on_the_page_and_the_community_handles_the_alert(district):
    unit = Unit.objects.create(kind="clinic", name="卫生站", code="C-9", jurisdiction=district.a, jpath=district.a.path)
    doctor = district.client(make_user("doc9", "clinic_staff", unit=unit))
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    bad = doctor.post("/containment/sentinel/", {"kind": "fever", "temperature": "55"})
    assert bad.status_code == 400 and "temperature" in bad.content.decode().lower()
    r = doctor.post(
        "/containment/sentinel/",
        {
            "kind": "fever",
            "document_number": pii.decrypt(district.person_a.doc_cipher),
            "name": "李四",
            "temperature": "38.5",
        },
        follow=True,
    )
    # The clinic reads the same message whoever the person is; the community gets the alert.
    assert "Reported." in r.content.decode() and "alerted" not in r.content.decode()
    worker = district.client(district.worker_a)
    page = worker.get("/containment/alerts/").content.decode()
    assert district.person_a.name in page and "Confirmed positive" in page
    alert = SentinelAlert.objects.get()
    worker.post("/containment/alerts/", {"alert": alert.pk, "note": "已联系"})
    alert.refresh_from_db()
    assert alert.handled_at is not None
    assert district.client(district.worker_a).get("/containment/sentinel/").status_code == 404


def test_transfers_board_steps_and_outsiders(district):
    unit = Unit.objects.create(
        kind="clinic", name="定点医院", code="H-9", jurisdiction=district.d, jpath=district.d.path
    )
    site = IsolationSite.objects.create(name="定点医院", kind="hospital", capacity=5, unit=unit, jpath=district.d.path)
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    transfer_dispatch(
        actor=district.hq,
        person_id=district.person_a.pk,
        destination_id=site.pk,
        pickup_address="园丁小区",
        vehicle="辽L1",
        crew="甲乙",
    )
    hq = district.client(district.hq)
    page = hq.get("/containment/transfers/").content.decode()
    assert "定点医院" in page and "0 / 5" not in page and "1 / 5" in page
    t = Transfer.objects.get()
    hq.post("/containment/transfers/", {"transfer": t.pk, "step": "pick_up"})
    t.refresh_from_db()
    assert t.state == "picked_up" and t.picked_up_by == district.hq
    assert district.client(district.worker_a).get("/containment/transfers/").status_code == 404


def test_dispatch_from_the_status_page_and_the_inpatient_register(district):
    unit = Unit.objects.create(
        kind="clinic", name="定点医院", code="H-8", jurisdiction=district.d, jpath=district.d.path
    )
    site = IsolationSite.objects.create(name="定点医院", kind="hospital", capacity=5, unit=unit, jpath=district.d.path)
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    hq = district.client(district.hq)
    r = hq.post(
        f"/containment/people/{district.person_a.pk}/",
        {
            "action": "transfer",
            "destination_id": site.pk,
            "pickup_address": "园丁小区",
            "vehicle": "辽L2",
            "crew": "丙丁",
        },
    )
    assert r.status_code == 302 and Transfer.objects.get().destination == site
    doctor = district.client(make_user("ward", "clinic_staff", unit=unit))
    number = pii.decrypt(district.person_a.doc_cipher)
    doctor.post(
        "/containment/inpatients/",
        {"action": "admit", "document_number": number, "name": "李小四", "ward": "感染科", "bed": "3"},
    )
    page = doctor.get("/containment/inpatients/").content.decode()
    # The hospital's register shows the name it took, never the population register's (李四).
    assert "李小四" in page and "李四<" not in page and "感染科" in page
    assert district.client(district.worker_a).get("/containment/inpatients/").status_code == 404
