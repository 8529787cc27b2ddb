"""Parsing page forms into service inputs. Field errors come back from the services as FieldError."""

from __future__ import annotations

import re

from .passages import PassageInput

SPLIT = re.compile(r"[,，、;；\n]+")


def places(text: str) -> list[str]:
    """ "长春市、北京市朝阳区" → ["长春市", "北京市朝阳区"] (Chinese and Western separators)."""
    return [p.strip() for p in SPLIT.split(text or "") if p.strip()]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def passage_input(post) -> PassageInput:
    return PassageInput(
        direction=post.get("direction", "in"),
        document_type=post.get("document_type", ""),
        document_number=post.get("document_number", ""),
        name=post.get("name", ""),
        phone=post.get("phone", ""),
        plate=post.get("plate", ""),
        origin=post.get("origin", ""),
        visited=places(post.get("visited", "")),
        destination_community=_int(post.get("destination_community")),
        destination_address=post.get("destination_address", ""),
        temperature=post.get("temperature") or None,
        status_code=post.get("status_code", ""),
        negative_test_48h=post.get("negative_test_48h") == "on",
    )
