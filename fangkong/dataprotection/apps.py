from __future__ import annotations

from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "fangkong.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from fangkong.core.audit_labels import register_actions

        from .audit_actions import ACTIONS, OBJECTS, purge_label

        register_actions(ACTIONS, OBJECTS, family=purge_label)  # the audit trail's words
        from django.utils.translation import gettext_lazy as _

        from fangkong.core import navigation
        from fangkong.core.roles import Cap

        navigation.register(
            "dataprotection:retention",
            _("Retention"),
            order=320,
            visible=navigation.any_cap(Cap.RETENTION),
            group="admin",
        )

        from fangkong.core import defaults

        from .classes import CLASSES
        from .models import RetentionPeriod

        def periods() -> None:
            # Each class's default period where none is stored (after every migrate and flush). A missing row
            # already reads as the default (services.period_days), so writing it changes nothing a district set.
            stored = set(RetentionPeriod.objects.values_list("data_class", flat=True))
            RetentionPeriod.objects.bulk_create(
                [RetentionPeriod(data_class=c.key, days=c.default_days) for c in CLASSES if c.key not in stored]
            )

        defaults.register("dataprotection.periods", periods)

        from fangkong.core.idempotency import register_reply_period

        from .classes import BY_KEY
        from .services import period_days

        # The field pages' outbox refuses a scan kept longer than its key is remembered (core.outbox).
        register_reply_period(lambda: period_days(BY_KEY["api_replies"]))
