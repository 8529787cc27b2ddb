"""Registry's pages link to higher apps' pages (a person's status, the code sheets of a community) only through the
links those apps register (core.navigation): without the app, or for a reader it is not for, no link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.core import navigation


@pytest.fixture
def without_links(monkeypatch):
    """Forget the links of the given kinds, as if the app that registers them were not installed."""

    def forget(*kinds: str) -> None:
        monkeypatch.setattr(navigation, "_links", {k: v for k, v in navigation._links.items() if k not in kinds})

    return forget


def _page(district, user, path: str) -> str:
    """The page's own content, without the navigation (which links to every app's pages)."""
    page = district.client(user).get(path)
    assert page.status_code == 200
    return page.content.decode().split('<main id="main">', 1)[1]


def test_the_person_page_links_to_status_and_whereabouts_as_the_reader_may(district):
    person = district.person_a
    status = reverse("containment:person", args=[person.pk])
    whereabouts = f"{reverse('containment:tracing')}?person={person.pk}&amp;days=7"
    html = _page(district, district.street1, f"/people/{person.pk}/")  # status and tracing
    assert f'href="{status}"' in html and f'href="{whereabouts}"' in html
    html = _page(district, district.worker_a, f"/people/{person.pk}/")  # status, no tracing
    assert f'href="{status}"' in html and "Where was this person" not in html


def test_without_containment_the_person_page_has_no_status_links(district, without_links):
    without_links("person.status", "person.whereabouts")
    html = _page(district, district.street1, f"/people/{district.person_a.pk}/")
    assert "Status and its reasons" not in html and "Where was this person" not in html
    assert "/containment/" not in html


def test_a_community_page_offers_testings_code_sheets(district):
    html = _page(district, district.hq, f"/registry/{district.a.pk}/")
    assert f'href="{reverse("testing:codes", args=[district.a.pk])}"' in html
    assert f'href="{reverse("testing:household_codes", args=[district.a.pk])}"' in html
    assert f'action="{reverse("testing:codes_issue", args=[district.a.pk])}"' in html
    html = _page(district, district.hq, f"/registry/{district.s1.pk}/")  # a street: issuing only, as before
    assert "Print personal codes" not in html
    assert f'action="{reverse("testing:codes_issue", args=[district.s1.pk])}"' in html


def test_without_testing_a_community_page_has_no_code_sheets(district, without_links):
    without_links("jurisdiction.personal_codes", "jurisdiction.household_codes", "jurisdiction.issue_codes")
    html = _page(district, district.hq, f"/registry/{district.a.pk}/")
    assert "People here" in html
    assert "Print personal codes" not in html and "Print household codes" not in html
    assert "Issue personal codes" not in html and "/testing/" not in html
