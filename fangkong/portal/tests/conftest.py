"""Portal personas: two editors and two reviewers of the publicity department (so there is always someone else to
approve); the district's fixture supplies the outsiders."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from fangkong.conftest import make_user
from fangkong.registry.models import Unit


@pytest.fixture
def newsroom(district):
    cache.clear()  # rendered pages and the generation counter are per test
    dept = Unit.objects.create(
        kind="department", name="区委宣传部", code="XCB", jurisdiction=district.d, jpath=district.d.path
    )
    return {
        "dept": dept,
        "editor": make_user("editor", "portal_editor", unit=dept),
        "editor2": make_user("editor2", "portal_editor", unit=dept),
        "reviewer": make_user("reviewer", "portal_reviewer", unit=dept),
        "reviewer2": make_user("reviewer2", "portal_reviewer", unit=dept),
    }


@pytest.fixture
def publish(newsroom):
    """publish(title, body, category=…) → a published article, written by `editor`, approved by `reviewer`."""
    from fangkong.portal.articles import article_approve, article_create, article_submit

    def run(title="通知", body="<p>正文内容</p>", category="兴隆要闻", **extra):
        a = article_create(actor=newsroom["editor"], title=title, body_html=body, category=category, **extra)
        article_submit(actor=newsroom["editor"], article_id=a.pk)
        return article_approve(actor=newsroom["reviewer"], article_id=a.pk)

    return run
