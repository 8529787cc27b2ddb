"""The audit trail's words for what this app records (core.audit_labels): each action's label and the
name of each kind of object, translated when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "testing.round_create": _("Round opened"),
    "testing.round_pool_sizes": _("Pool sizes chosen"),
    "testing.site_create": _("Sampling site added"),
    "testing.collections": _("Samples collected"),
    "testing.tube_close": _("Tube closed"),
    "testing.bag_seal": _("Bag sealed"),
    "testing.bag_handover": _("Bag handed over"),
    "testing.bag_receive": _("Bag received"),
    "testing.results": _("Results recorded"),
    "testing.recall_sample": _("Recall sampled"),
}
OBJECTS = {
    "testing.round": _("Round"),
    "testing.site": _("Sampling site"),
    "testing.bag": _("Bag"),
    "testing.tube": _("Tube"),
    "testing.sample": _("Sample"),
    "testing.recall": _("Recall"),
}
