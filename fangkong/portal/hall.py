"""The portal on the command hall and the desk (registered in apps.py): integrity alarms (a published page
whose served text no longer matches its approved version) and, on a reviewer's desk, the articles to approve."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.desk import Todo
from fangkong.core.hall import Area, Figure, covers
from fangkong.core.models import HallAlert
from fangkong.core.roles import Cap
from fangkong.core.scoping import has_cap

from .content_models import Article, ArticleVersion
from .events import INTEGRITY_ALERT


def indicators(user, area: Area, now: datetime) -> list[Figure]:
    # The portal is the district's as a whole: the district's hall only, for those who keep the audit trail.
    if area.path.count("/") != 1 or not covers(user, Cap.AUDIT_VIEW, area):
        return []
    n = HallAlert.objects.filter(kind=INTEGRITY_ALERT, at__gte=now - timedelta(hours=24)).count()
    return [
        Figure(
            "integrity_alarms",
            _("Portal integrity alarms (24 h)"),
            n,
            url=reverse("audit") + "?action=portal.integrity_alarm",
            tone="bad",
        )
    ]


def articles_to_approve(user) -> Todo | None:
    if not has_cap(user, Cap.PORTAL_REVIEW):
        return None
    latest_author = ArticleVersion.objects.filter(article=OuterRef("pk")).order_by("-number").values("created_by")[:1]
    n = (
        Article.objects.filter(state=Article.State.SUBMITTED)
        .annotate(latest_author=Subquery(latest_author))
        .exclude(latest_author=user.pk)
        .count()
    )
    return Todo("portal.review", _("Articles to approve"), n, reverse("news_manage:list") + "?state=submitted")
