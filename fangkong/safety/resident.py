"""Work safety's page for the public: anyone reports a hazard, anonymously or named."""

from __future__ import annotations

from fangkong.core.public_forms import public_report

from .tips import tip_submit


def report_hazard(request):
    return public_report(
        request,
        limit_key="tip",
        template="safety/resident/report_hazard.html",
        submit=lambda post, name, phone: tip_submit(
            enterprise_id=None,
            place=post.get("place", ""),
            description=post.get("description", ""),
            name=name,
            phone=phone,
        ),
    )
