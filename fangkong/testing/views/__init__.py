"""Testing pages: rounds (HQ), the sampler's site page (a phone), bags, the lab, the grid worker's recalls. Every
action answers with what happened and what follows (`Said` on the page it renders, a message before a redirect)."""

from __future__ import annotations

from .lab import lab_page, results_template_download
from .pools import round_pools
from .rounds import code_sheet, codes_issue, household_sheet, recall_list, round_detail, round_list
from .sampling import bag_page, site_alone_list, site_page

__all__ = [
    "bag_page",
    "code_sheet",
    "codes_issue",
    "household_sheet",
    "lab_page",
    "recall_list",
    "results_template_download",
    "round_detail",
    "round_list",
    "round_pools",
    "site_alone_list",
    "site_page",
]
