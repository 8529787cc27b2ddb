"""Text messages through a pluggable channel. `FANGKONG_SMS_CHANNEL` names a class with `send(phone, text)`;
the default writes the message to the log (the demo's console shows residents' one-time codes there). A real
deployment points it at the operator's gateway."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .pii import mask_phone

log = logging.getLogger("fangkong.sms")


class LogChannel:
    """Writes each message to the log instead of sending it (demo and tests)."""

    sent: list[tuple[str, str]] = []  # the last messages, for tests to read

    def send(self, phone: str, text: str) -> None:
        LogChannel.sent.append((phone, text))
        del LogChannel.sent[:-50]
        # The phone is masked even here: logs travel further than the database.
        log.warning("SMS to %s: %s", mask_phone(phone), text)


def send_sms(phone: str, text: str) -> None:
    channel = import_string(settings.FANGKONG["SMS_CHANNEL"])()
    channel.send(phone, text)
