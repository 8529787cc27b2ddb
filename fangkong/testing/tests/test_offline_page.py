"""The sampling site page's side of the outbox (issue 22, point 1): a scan carries the page's key and its own time;
sent again it counts once; the outbox is answered in JSON; a signed-out phone is sent to sign in."""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.contrib.staticfiles import finders

from fangkong.core import clock, pii
from fangkong.testing.models import Sample


def _post(client, testing, person, *, key="k-1", at=None, tube="OFF-1", outbox=True, sent_at=None, time=True):
    headers = {"HTTP_X_FANGKONG_OUTBOX": "1"} if outbox else {}
    if sent_at is not None:
        headers["HTTP_X_FANGKONG_SENT_AT"] = sent_at.isoformat()
    return client.post(
        f"/testing/sites/{testing.site.pk}/",
        {
            "round": testing.round.pk,
            "person": pii.decrypt(person.doc_cipher),
            "tube_code": tube,
            "key": key,
            "at": (at or clock.now()).isoformat() if time else "",
        },
        **headers,
    )


def test_a_scan_sent_again_with_its_key_counts_once_at_its_own_time(district, testing):
    c = district.client(testing.sampler)
    person = testing.people_a[0]
    taken = clock.now() - timedelta(minutes=40)  # kept offline, sent now
    first = _post(c, testing, person, at=taken)
    assert first.status_code == 200 and first.json()["ok"] and first.json()["code"] == "sampled"
    again = _post(c, testing, person, at=taken)
    assert again.json() == first.json()  # the first reply, not "already sampled"
    sample = Sample.objects.get(person=person)
    assert sample.collected_at == taken
    assert Sample.objects.filter(person=person).count() == 1


def test_a_scan_posted_online_then_sent_again_with_its_time_is_the_same_scan(district, testing):
    """Posted online (its time left to the server) and the reply lost; the outbox sends it again with the time it
    was taken: the first reply, one sample (its time is not what makes it another scan)."""
    c = district.client(testing.sampler)
    person = testing.people_a[5]
    first = _post(c, testing, person, key="lost-1", outbox=False, time=False)
    assert first.status_code == 200
    again = _post(c, testing, person, key="lost-1", at=clock.now() - timedelta(seconds=3)).json()
    assert again["ok"] and again["code"] == "sampled"
    assert Sample.objects.filter(person=person).count() == 1


def test_a_phone_whose_clock_is_fast_has_its_scans_placed_at_their_real_time(district, testing):
    c = district.client(testing.sampler)
    phone_now = clock.now() + timedelta(minutes=20)  # twenty minutes fast: its scans would be "in the future"
    taken = phone_now - timedelta(minutes=10)
    assert _post(c, testing, testing.people_a[6], key="fast-1", at=taken, sent_at=phone_now).json()["ok"]
    sample = Sample.objects.get(person=testing.people_a[6])
    assert abs(sample.collected_at - (clock.now() - timedelta(minutes=10))) < timedelta(seconds=5)


def test_a_refused_scan_comes_back_with_its_reason(district, testing):
    c = district.client(testing.sampler)
    person = testing.people_a[1]
    assert _post(c, testing, person, key="a").json()["ok"]
    refused = _post(c, testing, person, key="b").json()  # the same person again, a new scan
    assert refused["ok"] is False and refused["code"] == "scan_refused" and refused["message"]
    future = _post(c, testing, testing.people_a[2], key="c", at=clock.now() + timedelta(hours=1)).json()
    assert future["ok"] is False and future["code"] == "scan_refused"


def test_a_key_sent_with_another_scan_is_refused(district, testing):
    c = district.client(testing.sampler)
    assert _post(c, testing, testing.people_a[3], key="same").json()["ok"]
    other = _post(c, testing, testing.people_a[4], key="same").json()
    assert other["ok"] is False and other["code"] == "duplicate"
    assert not Sample.objects.filter(person=testing.people_a[4]).exists()


def test_the_page_without_its_script_works_as_before(district, testing):
    c = district.client(testing.sampler)
    r = c.post(
        f"/testing/sites/{testing.site.pk}/",
        {"round": testing.round.pk, "person": pii.decrypt(testing.people_a[5].doc_cipher), "tube_code": "OFF-2"},
    )
    assert r.status_code == 200 and r.context["said"].code == "sampled"
    page = r.content.decode()
    assert "data-outbox" in page and 'id="outbox"' in page and 'name="key"' in page


def test_a_signed_out_phone_is_sent_to_sign_in(client, district, testing):
    r = _post(client, testing, testing.people_a[6])
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert not Sample.objects.filter(person=testing.people_a[6]).exists()


def test_the_service_worker_and_the_manifest(client, db):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    assert '"/testing/sites/"' in body and "fangkong/outbox.js" in body and "fangkong-field-" in body
    manifest = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="zh-CN")
    data = json.loads(manifest.content)
    assert manifest["Content-Type"] == "application/manifest+json" and data["start_url"] == "/"
    assert data["short_name"] == "防控"
    assert manifest["Cache-Control"] == "max-age=86400"
    icons = {(i["sizes"], i["purpose"]): i["src"] for i in data["icons"]}  # a phone offers to install it
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for src in icons.values():
        assert finders.find(src.removeprefix(settings.STATIC_URL)), src


def test_a_household_code_kept_offline_comes_back_refused_not_lost(district, testing):
    """A household's code shows its members to tick: sent by the outbox, nobody would be sampled, so it is
    refused with why, for the sampler to take it again online."""
    from fangkong.registry.codes import household_codes_for_print
    from fangkong.registry.models import Place

    home = Place.objects.create(kind="household", name="601室", jurisdiction=district.a1, jpath=district.a1.path)
    member = testing.people_a[7]
    member.household = home
    member.save(update_fields=["household"])
    code = household_codes_for_print(actor=district.hq, jurisdiction_id=district.a.pk)[0][1]
    reply = (
        district.client(testing.sampler)
        .post(
            f"/testing/sites/{testing.site.pk}/",
            {
                "round": testing.round.pk,
                "person": code,
                "tube_code": "OFF-H",
                "key": "h-1",
                "at": clock.now().isoformat(),
            },
            HTTP_X_FANGKONG_OUTBOX="1",
        )
        .json()
    )
    assert reply["ok"] is False and reply["code"] == "required" and reply["message"]


def test_the_worker_is_new_when_a_file_it_keeps_changes(monkeypatch, tmp_path):
    """Static names carry no hash: the worker's version follows the files' content, so a release's scripts reach
    the phones that keep the old ones."""
    from fangkong.site import views

    kept = tmp_path / "outbox.js"
    monkeypatch.setattr(views.finders, "find", lambda name: str(kept))
    try:
        kept.write_text("one")
        views.field_version.cache_clear()
        before = views.field_version()
        kept.write_text("two")
        views.field_version.cache_clear()
        assert views.field_version() != before
    finally:
        views.field_version.cache_clear()


def test_a_scan_still_being_recorded_is_to_be_sent_again_not_refused(district, testing):
    """Its first post is being recorded right now (another request holds its key): the outbox is told
    `in_progress` and sends it again later (outbox.js), when it gets the first reply."""
    from fangkong.core.idempotency import IN_PROGRESS
    from fangkong.core.models import IdempotencyRecord

    c = district.client(testing.sampler)
    person = testing.people_a[7]
    assert _post(c, testing, person, key="busy").json()["ok"]
    IdempotencyRecord.objects.filter(key="busy").update(status_code=IN_PROGRESS)  # as while the first still runs
    reply = _post(c, testing, person, key="busy").json()
    assert reply["ok"] is False and reply["code"] == "in_progress"
