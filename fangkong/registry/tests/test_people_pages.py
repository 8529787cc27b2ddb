from __future__ import annotations

from django.test import Client

from fangkong.core import pii
from fangkong.core.models import AuditEvent


def test_login_page_and_home(district):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.get("/login/").status_code == 200
    r = c.post("/login/", {"username": "worker_a", "password": "test-password-123"})
    assert r.status_code == 302
    home = c.get("/").content.decode()
    assert "园丁社区" in home and "People" in home
    assert AuditEvent.objects.filter(action="auth.login", actor_name="worker_a").exists()


def test_home_in_chinese_by_default(district):
    c = Client()
    c.force_login(district.worker_a)
    assert "人员" in c.get("/").content.decode()


def test_pages_need_login(district):
    for url in ("/", "/people/", f"/people/{district.person_a.pk}/", "/registry/", "/people/import/"):
        r = Client().get(url)
        assert r.status_code == 302 and "/login/" in r["Location"], url


def test_people_list_shows_only_own_community_masked(district):
    page = district.client(district.worker_a).get("/people/").content.decode()
    assert "李四" in page and "王五" not in page
    number = pii.decrypt(district.person_a.doc_cipher)
    assert number not in page and "13912345678" not in page
    assert pii.mask_document(number) in page and "139****5678" in page


def test_people_list_htmx_returns_rows_only(district):
    r = district.client(district.hq).get("/people/", {"q": "王"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "王五" in body and "李四" not in body and "<html" not in body


def test_person_page_scoped_and_masked(district):
    url = f"/people/{district.person_a.pk}/"
    page = district.client(district.worker_a).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    number = pii.decrypt(district.person_a.doc_cipher)
    assert number not in body and "13912345678" not in body
    assert pii.mask_document(number) in body and "139****5678" in body
    assert district.client(district.worker_b).get(url).status_code == 404
    assert district.client(district.unit_staff).get(url).status_code == 404


def test_reveal_form_round_trip(district):
    c = district.client(district.worker_a)
    url = f"/people/{district.person_a.pk}/reveal"
    bad = c.post(url, {"reason": ""})
    assert (bad.context["error"].field, bad.context["error"].code) == ("reason", "reason_required")
    assert "aria-invalid" in bad.content.decode() and "13912345678" not in bad.content.decode()
    # The form read as the API reads its body (PersonRevealInput): no reason at all is a required field.
    missing = c.post(url, {})
    assert (missing.context["error"].field, missing.context["error"].code) == ("reason", "required")
    ok = c.post(url, {"reason": "family contact"}).content.decode()
    assert "13912345678" in ok
    assert district.client(district.worker_b).post(url, {"reason": "nosy"}).status_code == 404
    assert AuditEvent.objects.filter(action="person.reveal").count() == 1


def test_jurisdiction_tree_counts_and_scope(district):
    hq = district.client(district.hq)
    root = hq.get("/registry/").content.decode()
    assert "兴隆台区" in root
    streets = hq.get(f"/registry/{district.d.pk}/").content.decode()
    assert "新工街道" in streets and "振兴街道" in streets
    grids = hq.get(f"/registry/{district.a.pk}/")
    assert [(r.jurisdiction.name, r.people) for r in grids.context["rows"]] == [("第一网格", 1), ("第二网格", 0)]
    streets_rows = hq.get(f"/registry/{district.d.pk}/").context["rows"]
    assert [(r.jurisdiction.name, r.people, r.children) for r in streets_rows] == [
        ("新工街道", 1, 1),
        ("振兴街道", 1, 1),
    ]
    worker = district.client(district.worker_b)
    assert worker.get(f"/registry/{district.a.pk}/").status_code == 404
    assert worker.get(f"/registry/{district.d.pk}/").status_code == 404
    assert [r.jurisdiction.name for r in worker.get("/registry/").context["rows"]] == ["胜利社区"]
    assert district.client(district.unit_staff).get("/registry/").status_code == 404


def test_foreign_jurisdiction_filter_is_404(district):
    r = district.client(district.worker_b).get("/people/", {"jurisdiction": district.a.pk})
    assert r.status_code == 404


def test_unit_role_has_no_people_pages(district):
    c = district.client(district.unit_staff)
    assert c.get("/people/").status_code == 404
    assert c.get("/people/import/").status_code == 404
    assert c.get("/people/export.xlsx").status_code == 404
