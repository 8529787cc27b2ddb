from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest

from fangkong.conftest import make_id_number
from fangkong.core import clock, pii
from fangkong.core.actors import System
from fangkong.core.models import AuditEvent
from fangkong.screening.models import FollowUp, Passage, RiskArea
from fangkong.screening.passages import PassageInput, passage_register
from fangkong.screening.tests.test_passages import arrive


def form(district, **kw):
    return {
        "key": "k-1",
        "direction": "in",
        "document_number": make_id_number(),
        "name": "来客",
        "origin": "上海市浦东新区",
        "destination_community": str(district.a.pk),
        "temperature": "36.6",
        "status_code": "green",
        **kw,
    }


def test_staff_page_registers_and_shows_the_instruction(district, screening):
    c = district.client(screening.staff1)
    assert c.get("/screening/checkpoints/").status_code == 302  # straight to their only checkpoint
    page = c.get(f"/screening/checkpoints/{screening.cp1.pk}/")
    assert page.status_code == 200 and "高速道口" in page.content.decode()
    data = form(district)
    r = c.post(f"/screening/checkpoints/{screening.cp1.pk}/", data)
    body = r.content.decode()
    assert r.status_code == 200 and "Send to central isolation" in body and "上海市浦东新区" in body
    assert "instr-central_isolation" in body
    # The same form sent again (double tap, reload) registers nothing new and shows the same result.
    again = c.post(f"/screening/checkpoints/{screening.cp1.pk}/", data)
    assert "Send to central isolation" in again.content.decode()
    assert Passage.objects.count() == 1 and FollowUp.objects.count() == 1


def test_staff_page_errors_keep_the_form(district, screening):
    c = district.client(screening.staff1)
    r = c.post(f"/screening/checkpoints/{screening.cp1.pk}/", form(district, temperature="49", key="k-2"))
    body = r.content.decode()
    assert r.status_code == 400 and 'aria-invalid="true"' in body and "between 34 and 43" in body
    assert 'value="49"' in body and Passage.objects.count() == 0
    # A value the input schema cannot read at all names its field the same way.
    r = c.post(f"/screening/checkpoints/{screening.cp1.pk}/", form(district, temperature="hot", key="k-3"))
    assert r.status_code == 400 and r.context["error"].field == "temperature" and 'value="hot"' in r.content.decode()


def test_staff_cannot_open_another_checkpoint(district, screening):
    c = district.client(screening.staff1)
    assert c.get(f"/screening/checkpoints/{screening.cp2.pk}/").status_code == 404
    assert c.post(f"/screening/checkpoints/{screening.cp2.pk}/", form(district)).status_code == 404
    assert district.client(district.worker_a).get("/screening/checkpoints/").status_code == 404


def test_lookup_shows_the_status_and_what_to_do(district, screening):
    from fangkong.containment.cases import case_confirm

    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    c = district.client(screening.staff1)
    number = pii.decrypt(district.person_a.doc_cipher)
    body = c.get(f"/screening/checkpoints/{screening.cp1.pk}/lookup", {"document_number": number}).content.decode()
    assert "Do not let through" in body and "Confirmed positive" in body
    # Unmistakable: a full-width alert in the stop colour, with the stop icon and the word, not small red text.
    assert 'class="signal signal-stop" role="alert"' in body and 'class="signal-icon"' in body
    assert '<p class="signal-word">Red · ' in body


def test_pass_request_page(district, screening):
    c = district.client(screening.staff1)
    r = c.post(
        f"/screening/checkpoints/{screening.cp1.pk}/pass-request/",
        {"requester_name": "某局长", "requester_unit_name": "区住建局", "outcome": "refused"},
    )
    assert "Recorded." in r.content.decode()
    listing = district.client(screening.inspector).get("/screening/pass-requests/").content.decode()
    assert "某局长" in listing and "区住建局" in listing
    assert district.client(district.worker_a).get("/screening/pass-requests/").status_code == 404


def test_grid_worker_works_a_case_through_the_page(district, screening):
    f = arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk).followup
    c = district.client(district.worker_a)
    listing = c.get("/screening/followups/").content.decode()
    assert "来客" in listing and "Contact by" in listing
    assert district.client(district.worker_b).get(f"/screening/followups/{f.pk}/").status_code == 404
    r = c.post(f"/screening/followups/{f.pk}/contact", HTTP_HX_REQUEST="true")
    assert "Saved." in r.content.decode() and FollowUp.objects.get().contacted_at
    r = c.post(f"/screening/followups/{f.pk}/test", {"day": "1", "result": "negative"})
    assert r.status_code == 200
    r = c.post(f"/screening/followups/{f.pk}/release")
    assert r.status_code == 400 and "Cannot release yet" in r.content.decode()
    assert FollowUp.objects.get().released_at is None
    r = c.post(f"/screening/followups/{f.pk}/location", {"where": ""})
    assert r.status_code == 400 and "Say where" in r.content.decode()


def test_missed_case_alerts_street_and_hq(district, screening):
    arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk)
    with clock.advanced(timedelta(hours=3)):
        for user in (district.street1, district.hq):
            page = district.client(user).get("/screening/reconciliation/").content.decode()
            assert "not contacted in time" in page and "来客" in page
        missed = district.client(district.worker_a).get("/screening/followups/", {"state": "missed"})
        assert "Missed" in missed.content.decode()
    assert district.client(district.worker_a).get("/screening/reconciliation/").status_code == 404


def test_exports_are_masked_and_audited(district, screening):
    number = pii.decrypt(district.person_a.doc_cipher)
    arrive(
        screening.staff1,
        screening.cp1,
        document_number=number,
        origin="吉林省长春市",
        destination_community=district.a.pk,
    )
    c = district.client(district.hq)
    for url in (
        "/screening/passages/",
        "/screening/followups/",
        "/screening/reconciliation/",
        "/screening/pass-requests/",
        "/screening/travel/",
        "/screening/violations/",
    ):
        r = c.get(url, {"format": "xlsx"})
        assert r.status_code == 200, url
        rows = list(
            openpyxl.load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0].iter_rows(values_only=True)
        )
        assert number not in str(rows), url
    assert AuditEvent.objects.filter(action__endswith=".export").count() == 6


def test_risk_area_page_hq_only_edits(district, screening):
    hq = district.client(district.hq)
    r = hq.post("/screening/risk-areas/", {"name": "大连市金州区", "level": "medium", "valid_from": "2022-05-01"})
    assert r.status_code == 302 and RiskArea.objects.filter(name="大连市金州区").exists()
    worker = district.client(district.worker_a)
    assert "大连市金州区" in worker.get("/screening/risk-areas/").content.decode()
    r = worker.post("/screening/risk-areas/", {"name": "x", "level": "low"})
    assert r.status_code == 404 and not RiskArea.objects.filter(name="x").exists()
    area = RiskArea.objects.get(name="大连市金州区")
    hq.post("/screening/risk-areas/", {"end": str(area.pk)})
    area.refresh_from_db()
    assert area.valid_to is not None


def test_travel_and_violation_pages(district, screening):
    c = district.client(district.worker_a)
    today = clock.localdate()
    r = c.post(
        "/screening/travel/",
        {
            "document_number": pii.decrypt(district.person_a.doc_cipher),
            "destination": "北京",
            "depart_on": str(today),
            "return_on": str(today + timedelta(days=2)),
            "reason": "探亲",
            "transport": "高铁",
        },
    )
    assert r.status_code == 302
    page = c.get("/screening/travel/").content.decode()
    assert "北京" in page
    r = c.post(
        "/screening/travel/",
        {
            "document_number": pii.decrypt(district.person_b.doc_cipher),
            "destination": "北京",
            "depart_on": str(today),
            "return_on": str(today),
            "reason": "x",
            "transport": "y",
        },
    )
    assert "No one you answer for" in r.content.decode()
    assert district.client(screening.staff1).get("/screening/travel/").status_code == 404
    assert district.client(screening.staff1).get("/screening/violations/").status_code == 404


@pytest.mark.parametrize("url", ["/screening/passages/", "/screening/followups/", "/screening/violations/"])
def test_lists_need_the_capability(district, screening, url):
    assert district.client(district.unit_staff).get(url).status_code == 404


def test_home_shows_the_roles_modules(district, screening):
    staff_home = district.client(screening.staff1).get("/").content.decode()
    assert "Register every passage" in staff_home and "residents register" not in staff_home
    worker_home = district.client(district.worker_a).get("/").content.decode()
    assert "Closed-loop cases" in worker_home


def test_risk_area_edited_in_the_page(district, screening):
    hq = district.client(district.hq)
    form = hq.get("/screening/risk-areas/", {"edit": screening.medium.pk}).content.decode()
    assert 'name="area"' in form and "吉林省长春市" in form
    r = hq.post(
        "/screening/risk-areas/",
        {"area": screening.medium.pk, "name": "吉林省长春市", "level": "high", "valid_from": "2022-05-01"},
    )
    assert r.status_code == 302
    screening.medium.refresh_from_db()
    assert screening.medium.level == "high"


def test_home_alerts_street_and_hq_to_missed_contacts(district, screening):
    arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk)
    with clock.advanced(timedelta(hours=3)):
        assert "not contacted in time" in district.client(district.street1).get("/").content.decode()
        assert "not contacted in time" not in district.client(district.worker_b).get("/").content.decode()


def test_violations_page_lists_and_counts(district, screening):
    passage_register(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        data=PassageInput(direction="out", document_number=pii.decrypt(district.person_b.doc_cipher), name="出行人"),
    )
    page = district.client(district.worker_b).get("/screening/violations/").content.decode()
    assert "王五" in page and "胜利社区: <strong>1</strong>" in page
    listing = district.client(screening.inspector).get("/screening/pass-requests/")
    assert listing.status_code == 200


def test_passages_export_neutralises_formulas_and_survives_control_characters(district, screening):
    from fangkong.registry.models import Person

    formulas = ['=HYPERLINK("http://evil.example/","x")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    for text in formulas:
        r = arrive(screening.staff1, screening.cp1, origin="沈阳市", destination_community=district.a.pk)
        # As rows stored before input was cleaned would be.
        Passage.objects.filter(pk=r.passage.pk).update(origin=text)
        Person.objects.filter(pk=r.passage.person_id).update(name=text)
    r = arrive(
        screening.staff1, screening.cp1, origin="沈阳市", destination_community=district.a.pk, temperature="36.6"
    )
    Passage.objects.filter(pk=r.passage.pk).update(origin="吉林\x1f省\x1b长春市")
    export = district.client(district.hq).get("/screening/passages/", {"format": "xlsx"})
    assert export.status_code == 200  # openpyxl refused the control characters: a 500
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(min_row=2))
    origins = [row[6] for row in rows]
    assert "吉林省长春市" in [c.value for c in origins]
    risky = [row for row in rows if row[6].value != "吉林省长春市"]
    assert len(risky) == len(formulas)
    for row in risky:
        for cell in (row[3], row[6]):  # the name, where they came from
            assert cell.data_type != "f" and cell.value.startswith("'"), cell.value
    assert next(row[9] for row in rows if row[9].value is not None).data_type == "n"  # a number stays a number


def test_the_outbox_is_answered_in_json_and_a_kept_registration_counts_once_at_its_time(district, screening):
    """A registration kept offline by the page (issue 22): sent with its key and its own time, answered in JSON;
    an instruction other than "let pass" is marked for the staff to act on; a refusal says why."""
    c = district.client(screening.staff1)
    url = f"/screening/checkpoints/{screening.cp1.pk}/"
    taken = clock.now() - timedelta(minutes=20)
    data = form(district, key="off-1", occurred_at=taken.isoformat())
    reply = c.post(url, data, HTTP_X_FANGKONG_OUTBOX="1").json()
    assert reply["ok"] and reply["code"] == "central_isolation" and reply["attention"] is True
    assert c.post(url, data, HTTP_X_FANGKONG_OUTBOX="1").json() == reply  # sent again: the first reply
    passage = Passage.objects.get()
    assert passage.at == taken
    low = form(district, key="off-2", origin="", destination_community=str(district.a.pk))
    assert c.post(url, low, HTTP_X_FANGKONG_OUTBOX="1").json()["attention"] is False
    refused = c.post(url, form(district, key="off-3", document_number="123"), HTTP_X_FANGKONG_OUTBOX="1").json()
    assert refused["ok"] is False and refused["code"] and refused["message"]
    assert Passage.objects.count() == 2


def test_a_kept_registration_from_a_phone_whose_clock_is_slow_is_placed_at_its_real_time(district, screening):
    """The phone's clock runs an hour slow: it took the registration "an hour and five minutes ago" by its clock,
    and says it sends it "an hour ago" — so it was taken five minutes ago (core/outbox.py)."""
    c = district.client(screening.staff1)
    phone_now = clock.now() - timedelta(hours=1)
    data = form(district, key="slow-1", occurred_at=(phone_now - timedelta(minutes=5)).isoformat())
    reply = c.post(
        f"/screening/checkpoints/{screening.cp1.pk}/",
        data,
        HTTP_X_FANGKONG_OUTBOX="1",
        HTTP_X_FANGKONG_SENT_AT=phone_now.isoformat(),
    ).json()
    assert reply["ok"]
    assert abs(Passage.objects.get().at - (clock.now() - timedelta(minutes=5))) < timedelta(seconds=5)


def test_the_outbox_is_told_to_retry_a_registration_still_being_recorded_and_refused_a_reused_key(district, screening):
    from fangkong.core.idempotency import IN_PROGRESS
    from fangkong.core.models import IdempotencyRecord

    c = district.client(screening.staff1)
    url = f"/screening/checkpoints/{screening.cp1.pk}/"
    data = form(district, key="busy-1", occurred_at=(clock.now() - timedelta(minutes=1)).isoformat())
    assert c.post(url, data, HTTP_X_FANGKONG_OUTBOX="1").json()["ok"]
    IdempotencyRecord.objects.filter(key="busy-1").update(status_code=IN_PROGRESS)  # as while the first still runs
    assert c.post(url, data, HTTP_X_FANGKONG_OUTBOX="1").json()["code"] == "in_progress"
    other = form(district, key="busy-1", name="另一人")  # the key with another registration: refused for good
    assert c.post(url, other, HTTP_X_FANGKONG_OUTBOX="1").json()["code"] == "duplicate"
    assert Passage.objects.count() == 1


def test_a_registration_kept_longer_than_keys_are_remembered_is_refused_not_counted_twice(district, screening):
    """Stored replies are kept two days: a registration kept on the phone longer may have arrived before with its
    reply lost, and the server could not know it — refused with its reason, nothing registered (issue 22)."""
    c = district.client(screening.staff1)
    url = f"/screening/checkpoints/{screening.cp1.pk}/"
    old = form(district, key="off-old", occurred_at=(clock.now() - timedelta(days=2, minutes=1)).isoformat())
    refused = c.post(url, old, HTTP_X_FANGKONG_OUTBOX="1").json()
    assert refused == {"ok": False, "code": "too_old", "message": refused["message"]} and "2" in refused["message"]
    assert not Passage.objects.exists()
    recent = form(district, key="off-recent", occurred_at=(clock.now() - timedelta(hours=46)).isoformat())
    assert c.post(url, recent, HTTP_X_FANGKONG_OUTBOX="1").json()["ok"] is True


def test_a_post_given_up_on_a_weak_network_is_answered_with_its_first_reply(district, screening):
    """The page gave up waiting for the server's answer (a weak network) and keeps the registration as it was
    posted, its time added: the outbox's send is answered with the first post's reply — it had arrived — and
    counts once (issue 22)."""
    c = district.client(screening.staff1)
    url = f"/screening/checkpoints/{screening.cp1.pk}/"
    first = form(district, key="weak-1")
    assert c.post(url, first).status_code == 200  # arrived; its answer never reached the phone
    kept = {**first, "occurred_at": (clock.now() - timedelta(seconds=8)).isoformat()}
    reply = c.post(url, kept, HTTP_X_FANGKONG_OUTBOX="1").json()
    assert reply["ok"] and reply["code"] == "central_isolation"
    assert Passage.objects.count() == 1
