from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.core import clock, pii
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Bag, Recall, Round, Sample, Tube
from fangkong.testing.tests.conftest import collect, scan


def test_sampler_fills_a_tube_on_the_site_page(district, testing):
    c = district.client(testing.sampler)
    page = c.get(f"/testing/sites/{testing.site.pk}/")
    assert page.status_code == 200 and "Record sample" in page.content.decode()
    for i, person in enumerate(testing.people_a[:10]):
        r = c.post(
            f"/testing/sites/{testing.site.pk}/",
            {"round": testing.round.pk, "person": pii.decrypt(person.doc_cipher), "tube_code": "PG-1"},
        )
        assert r.status_code == 200, r.content.decode()[:500]
        if i == 8:
            assert "9 of 10" in r.content.decode()
    assert Tube.objects.get(code="PG-1").closed_at is not None
    again = c.post(
        f"/testing/sites/{testing.site.pk}/",
        {"round": testing.round.pk, "person": pii.decrypt(testing.people_a[0].doc_cipher), "tube_code": "PG-2"},
    )
    assert again.status_code == 400 and "already sampled" in again.content.decode()
    assert (again.context["error"].field, again.context["error"].code) == ("person", "scan_refused")
    assert district.client(testing.other_sampler).get(f"/testing/sites/{testing.site.pk}/").status_code == 404
    assert district.client(district.worker_a).get(f"/testing/sites/{testing.site.pk}/").status_code == 404


def test_the_site_page_lists_the_last_samples_taken_there(district, testing):
    from datetime import timedelta

    start = clock.now() - timedelta(minutes=30)
    people = testing.people_a
    # Three single tubes and a pooled one at this site, a minute apart; one at the other site in between.
    scans = [
        scan(p, f"SNGL-{i}", testing.site, i, collected_at=start + timedelta(minutes=i))
        for i, p in enumerate(people[:3])
    ]
    scans += [
        scan(p, "S-POOL", testing.site, 3 + i, collected_at=start + timedelta(minutes=5 + i))
        for i, p in enumerate(people[3:11])
    ]
    reply = collect(testing.sampler, testing.round, scans)
    assert reply["accepted"] == 11, reply
    collect(
        testing.other_sampler,
        testing.round,
        [scan(people[11], "OTHR-1", testing.other_site, collected_at=start + timedelta(minutes=4))],
    )
    recent = district.client(testing.sampler).get(f"/testing/sites/{testing.site.pk}/").context["recent"]
    assert [s.person_id for s in recent] == [p.pk for p in reversed(people[1:11])]  # the newest ten, this site's


def test_results_file_upload_and_recalls_page(district, testing):
    collect(
        testing.sampler,
        testing.round,
        [scan(p, "FILE-1", testing.site, i) for i, p in enumerate(testing.people_a[:10])],
    )
    bag_seal(actor=testing.sampler, seal_code="SEAL-F", tube_codes=["FILE-1"])
    bag_receive(actor=testing.lab, seal_code="SEAL-F")
    sheet = "管号,结果,Ct值\r\nFILE-1,阳性,28.1\r\nNOPE-9,阴性,\r\n".encode("gbk")
    lab = district.client(testing.lab)
    r = lab.post("/testing/lab/", {"file": SimpleUploadedFile("results.csv", sheet)})
    result = r.context["result"]
    assert (result["accepted"], result["positive"]) == (1, 1)
    assert [(x["row"], x["field"], x["code"]) for x in result["rejected"]] == [(3, "tube_code", "not_found")]
    body = r.content.decode()
    assert 'data-code="pool_positive" data-tube="FILE-1" data-people="10"' in body
    assert 'data-code="not_found" data-field="tube_code" data-row="3"' in body
    assert Recall.objects.count() == 10
    worker = district.client(district.worker_a).get("/testing/recalls/").content.decode()
    assert worker.count('class="card recall"') == 10 and "FILE-1" in worker
    assert 'class="card recall"' not in district.client(district.worker_b).get("/testing/recalls/").content.decode()
    bad = lab.post("/testing/lab/", {"file": SimpleUploadedFile("r.csv", "管号,结果,医生\r\nX,阴性,张\r\n".encode())})
    assert "Unknown column" in bad.content.decode()
    assert district.client(testing.sampler).get("/testing/lab/").status_code == 404


def test_bag_page_seals_and_hands_over(district, testing):
    collect(
        testing.sampler, testing.round, [scan(p, "BAG-T", testing.site, i) for i, p in enumerate(testing.people_a[:10])]
    )
    c = district.client(testing.sampler)
    r = c.post("/testing/bags/", {"seal_code": "S-PAGE", "tube_codes": "BAG-T\n"})
    said = r.context["said"]  # the bag, the tubes sealed in it, and what comes next
    assert said.code == "bag_sealed" and "S-PAGE" in said.text and "BAG-T" in said.text
    r = c.post("/testing/bags/", {"handover": "S-PAGE"})
    said = r.context["said"]
    assert said.code == "bag_handed_over" and "S-PAGE" in said.text
    assert clock.localtime(Bag.objects.get(seal_code="S-PAGE").handed_over_at) in said.text
    bad = c.post("/testing/bags/", {"seal_code": "S-BAD", "tube_codes": "GHOST"})
    assert bad.status_code == 400 and "Unknown tube GHOST" in bad.content.decode()
    assert (bad.context["error"].field, bad.context["error"].code) == ("tube_codes", "not_found")


def _error(response) -> tuple[int, str, str]:
    return response.status_code, response.context["error"].field, response.context["error"].code


def test_bag_page_reads_its_form_as_the_api_its_body(district, testing):
    c = district.client(testing.sampler)
    assert _error(c.post("/testing/bags/", {"seal_code": "S-NONE"})) == (400, "tube_codes", "required")
    assert _error(c.post("/testing/bags/", {"seal_code": "", "tube_codes": "X-1"})) == (400, "seal_code", "required")


def test_lab_page_reconciles_the_tubes_typed(district, testing):
    collect(
        testing.sampler, testing.round, [scan(p, "LAB-T", testing.site, i) for i, p in enumerate(testing.people_a[:10])]
    )
    bag_seal(actor=testing.sampler, seal_code="S-LAB", tube_codes=["LAB-T"])
    lab = district.client(testing.lab)
    wrong = lab.post("/testing/lab/", {"seal_code": "S-LAB", "tube_codes": "LAB-T, GHOST-2"})
    assert _error(wrong) == (400, "tube_codes", "mismatch")
    assert lab.post("/testing/lab/", {"seal_code": "S-LAB", "tube_codes": ""}).status_code == 200  # none counted
    assert Tube.objects.get(code="LAB-T").bag.received_at is not None


def test_retest_recorded_from_the_recall_page(district, testing):
    collect(
        testing.sampler, testing.round, [scan(p, "RC-1", testing.site, i) for i, p in enumerate(testing.people_a[:10])]
    )
    bag_seal(actor=testing.sampler, seal_code="SEAL-R", tube_codes=["RC-1"])
    bag_receive(actor=testing.lab, seal_code="SEAL-R")
    from fangkong.testing.results import ResultRow, results_ingest

    results_ingest(actor=testing.lab, rows=[ResultRow(0, "RC-1", "positive")])
    recall = Recall.objects.first()
    worker = district.client(district.worker_a)
    assert _error(worker.post("/testing/recalls/", {"recall": recall.pk})) == (400, "tube_code", "required")
    r = worker.post("/testing/recalls/", {"recall": recall.pk, "tube_code": "RT-PAGE"})
    assert r.status_code == 302
    recall.refresh_from_db()
    assert recall.state == "sampled" and Sample.objects.filter(retest=True).count() == 1
    other = Recall.objects.exclude(pk=recall.pk).first()
    used = worker.post("/testing/recalls/", {"recall": other.pk, "tube_code": "RT-PAGE"})
    assert _error(used) == (400, "tube_code", "duplicate")
    assert _error(worker.post("/testing/recalls/", {"recall": recall.pk, "tube_code": "RT-2"})) == (
        400,
        "state",
        "wrong_state",
    )


def test_round_page(district, testing):
    hq = district.client(district.hq)
    assert "第一轮全员核酸" in hq.get("/testing/").content.decode()
    assert hq.post("/testing/", {"name": "第二轮", "pool_size": "20"}).status_code == 302
    # The form is read as the API reads its body (RoundCreateInput): what it refuses names the field and why.
    assert _error(hq.post("/testing/", {"name": "第三轮", "pool_size": "abc"})) == (400, "pool_size", "invalid")
    assert _error(hq.post("/testing/", {"name": "第三轮", "pool_size": "7"})) == (400, "pool_size", "unknown_choice")
    past = hq.post("/testing/", {"name": "第三轮", "deadline": "2020-01-01T10:00"})
    assert _error(past) == (400, "deadline", "end_before_start")
    assert _error(hq.post("/testing/", {"pool_size": "10"})) == (400, "name", "required")
    assert district.client(testing.sampler).post("/testing/", {"name": "x"}).status_code == 404  # HQ only
    assert district.client(testing.sampler).get("/testing/").status_code == 200  # but the sampler sees the rounds
    from fangkong.conftest import make_user
    from fangkong.registry.models import Unit

    regulator = make_user("regulator", "safety_regulator", unit=Unit.objects.get(code="H2"))
    assert district.client(regulator).get("/testing/").status_code == 404  # no part in testing
    assert not Round.objects.filter(name="x").exists()


def test_code_sheet_for_a_grid(district, testing):
    from fangkong.core.models import AuditEvent
    from fangkong.registry.models import PersonCode

    c = district.client(district.worker_a)
    page = c.get(f"/testing/codes/{district.a1.pk}/").content.decode()
    assert page.count('class="code-card"') == 13 and "<svg" in page  # twelve residents and 李四
    assert PersonCode.objects.count() == 13
    again = c.get(f"/testing/codes/{district.a1.pk}/").content.decode()
    assert again.count('class="code-card"') == 13 and PersonCode.objects.count() == 13  # codes are stable
    assert AuditEvent.objects.filter(action="testing.codes_print").count() == 2
    assert district.client(district.worker_b).get(f"/testing/codes/{district.a1.pk}/").status_code == 404
    assert district.client(testing.sampler).get(f"/testing/codes/{district.a1.pk}/").status_code == 404
