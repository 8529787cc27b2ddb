"""Work safety's page for the public: anyone reports a hazard, anonymously or named."""

from __future__ import annotations

from fangkong.core.public_forms import public_report

from .tips import TipSubmitInput, tip_submit


def report_hazard(request):
    def submit(post, name: str, phone: str):
        # The name and phone as public_report passes them: only when the reporter chose to be named.
        data = TipSubmitInput.from_form(post).dict() | {"name": name, "phone": phone}
        return tip_submit(**data)

    return public_report(request, limit_key="tip", template="safety/resident/report_hazard.html", submit=submit)
