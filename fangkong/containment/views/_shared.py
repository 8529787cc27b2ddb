"""What containment pages share: a two-person refusal said on the page, the isolation sites."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fangkong.core.approvals import OwnRequest
from fangkong.core.errors import Code, FieldError
from fangkong.core.scoping import Forbidden


def _refused(exc: Forbidden) -> FieldError:
    """A two-person rule broken on a page: say so (outsiders never get here: the objects were found in scope)."""
    return FieldError(
        "state",
        exc.reason or _("You may not take this decision."),
        code=exc.code if isinstance(exc, OwnRequest) else Code.FORBIDDEN,
    )


def _sites():
    from ..transfers import sites_with_occupancy

    return sites_with_occupancy()
