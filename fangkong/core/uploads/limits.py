"""Upload limits (settings.FANGKONG overrides each) and the refusals every upload check shares."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import Code, FieldError

MB = 1024 * 1024
# Defaults of the limits (settings.FANGKONG overrides each).
DEFAULTS: dict[str, int] = {
    "UPLOAD_MAX_BYTES": 50 * MB,  # any one file, enforced while it arrives
    "UPLOAD_MAX_REQUEST_BYTES": 200 * MB,  # all the files of one request (an inspection posts a photo per item)
    "IMAGE_MAX_BYTES": 20 * MB,
    "IMAGE_MAX_PIXELS": 64_000_000,  # a 64-megapixel phone photo; a decompression bomb claims far more
    "ATTACHMENT_MAX_BYTES": 20 * MB,
}


def limit(name: str) -> int:
    return int(settings.FANGKONG.get(name, DEFAULTS[name]))


def megabytes(n: int) -> str:
    return f"{n / MB:.0f}" if n >= MB else f"{n / MB:.1f}"


def too_large(field: str, max_bytes: int) -> FieldError:
    return FieldError(
        field, _("The file is larger than %(mb)s MB.") % {"mb": megabytes(max_bytes)}, code=Code.TOO_LARGE
    )


def unreadable(field: str, message: str | None = None) -> FieldError:
    return FieldError(field, message or _("This file is damaged or not what it claims to be."), code=Code.UNREADABLE)
