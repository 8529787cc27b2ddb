from __future__ import annotations

from django.conf import settings

from .navigation import Navigation, link_for
from .roles import Cap, role_label
from .scoping import has_cap, in_force


def navigation(request) -> dict:
    """The site's title and navigation for every page: `site_nav.main` (the staff's, core.navigation),
    `site_nav.login` (the residents' links on the sign-in page), `home_url` (the start page, which the composition
    root registers; the templates fall back on "/", as they must when Django renders an error page without a
    request)."""
    user = getattr(request, "user", None)
    common = {"site_title": settings.FANGKONG["TITLE"], "site_nav": Navigation(user), "home_url": link_for("home")}
    if user is None or not user.is_authenticated:
        return common
    return {
        **common,
        "can": {
            "people": has_cap(user, Cap.PEOPLE_VIEW),
            "import": has_cap(user, Cap.PEOPLE_IMPORT),
            "registry": has_cap(user, Cap.REGISTRY_VIEW),
            "audit": has_cap(user, Cap.AUDIT_VIEW),
            "retention": has_cap(user, Cap.RETENTION),
            "checkpoints": has_cap(user, Cap.CHECKPOINT_WORK),
            "passages": has_cap(user, Cap.PASSAGE_VIEW),
            "followups": has_cap(user, Cap.FOLLOWUP_WORK),
            "reconcile": has_cap(user, Cap.RECONCILE_VIEW),
            "risk_edit": has_cap(user, Cap.RISK_EDIT),
            "discipline": has_cap(user, Cap.DISCIPLINE_VIEW),
            "travel": has_cap(user, Cap.TRAVEL_REPORT) or has_cap(user, Cap.TRAVEL_APPROVE),
            "violations": has_cap(user, Cap.VIOLATION_HANDLE),
            "testing_admin": has_cap(user, Cap.TESTING_ADMIN),
            "sampling": has_cap(user, Cap.TESTING_SAMPLE),
            "lab": has_cap(user, Cap.TESTING_LAB),
            "recalls": has_cap(user, Cap.TESTING_RECALL),
            "zones": has_cap(user, Cap.ZONE_VIEW),
            "status_changes": has_cap(user, Cap.STATUS_VIEW),
            "status": has_cap(user, Cap.STATUS_VIEW),
            "trace": has_cap(user, Cap.TRACE),
            "sentinel": has_cap(user, Cap.SENTINEL_REPORT),
            "transfers": has_cap(user, Cap.CASE_WORK) or has_cap(user, Cap.TRANSFER_WORK),
            "tasks": has_cap(user, Cap.TASK_WORK),
            "supervise": has_cap(user, Cap.SUPERVISE),
            "safety": has_cap(user, Cap.SAFETY_VIEW)
            or has_cap(user, Cap.SAFETY_REGULATE)
            or has_cap(user, Cap.SAFETY_SELF),
            "directives": has_cap(user, Cap.DIRECTIVE_ISSUE) or has_cap(user, Cap.TASK_OVERSEE),
            "livelihood": has_cap(user, Cap.LIVELIHOOD_WORK),
            "prices": has_cap(user, Cap.PRICE_WATCH),
            "portal": has_cap(user, Cap.PORTAL_EDIT),
        },
        "user_roles": [
            {"role": role_label(r.role), "where": r.jurisdiction or r.unit}
            for r in user.roles.filter(in_force()).select_related("jurisdiction", "unit")
        ],
    }
