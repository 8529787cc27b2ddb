"""What a person sees on a page or in an export, and what in it is a raw code rather than words.

A walk starts at a role's start page and follows the links it is shown (the same pages a person clicks through),
one page per shape of address (``/people/12/`` and ``/people/13/`` are the same page), and reads the exports those
pages link to (.xlsx cells, PDF text). In Simplified Chinese, it flags what a person should never read there: enum
values (``yellow``, ``let_pass``), identifiers (``time_limit``, ``zone.request``) and English words outside a short
allow-list. In English, it flags the Chinese labels of enums (a level, a reason, a state left untranslated).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import translation
from lxml import html as lxml_html

# Words a Chinese page may carry in Latin letters: names of formats, standards and things people call so.
ALLOWED_WORDS = {
    "PDF",
    "Excel",
    "xlsx",
    "csv",
    "CSV",
    "API",
    "ID",
    "QR",
    "SMS",
    "RSS",
    "Atom",
    "GBK",
    "UTF",
    "HTML",
    "JSON",
    "URL",
    "PNG",
    "JPEG",
    "WebP",
    "GIF",
    "Wi",
    "Fi",
    "ECharts",
    "GeoJSON",
    "TOTP",
    "App",
    "fangkong",
    "English",  # the language switch names the language in itself
    "MB",
    "KB",
    "Ct",  # the cycle threshold of a PCR test: Ct 值 in Chinese too
    "Bearer",
    "HTTPS",
    "CT",
    "ICU",
    "CPR",
    "AED",
    "PPE",
    "N95",
    "GPS",
    "km",
    "kg",
    "m",
    "cm",
    "mm",
    "h",
    "min",
    "s",
    "ms",
    "x",
    "A",
    "B",
    "C",
    "D",
}
# Addresses not walked: they end the session, switch language, change passwords, or are not pages.
SKIP = re.compile(r"/logout|/i18n/|/lang/|password|/otp|two-factor|/static/|/media/|^/api/|mailto:|javascript:|tel:")
EXPORT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/pdf": "pdf",
}
# A Latin token standing alone: not the check letter of a masked ID number (…120X) nor part of a code.
_LATIN = re.compile(
    r"(?<![A-Za-z0-9*_.\-])[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9_]|(?<![A-Za-z0-9*_.\-])[A-Za-z](?![A-Za-z0-9])"
)
_URL = re.compile(r"https?://\S+")
# A code made of capitals and dashes (a unit's code, D-YJ), or of eight capitals or more (a personal code drawn
# from letters, PWGHRJTQSDUJ): data, not words.
_CODE = re.compile(r"^[A-Z]+(-[A-Z0-9]+)+$|^[A-Z]{8,}$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Finding:
    url: str
    token: str
    context: str

    def __str__(self) -> str:
        return f"{self.url}: {self.token!r} in …{self.context}…"


@dataclass
class Walk:
    findings: list[Finding] = field(default_factory=list)
    pages: int = 0
    exports: int = 0
    visited: set[str] = field(default_factory=set)


def enum_values() -> set[str]:
    """Every stored value of every TextChoices field in the project, as people must never read them."""
    values: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("fangkong."):
            continue
        for f in model._meta.get_fields():
            choices = getattr(f, "choices", None)
            if isinstance(f, models.Field) and choices:
                for value, _label in f.flatchoices:
                    if isinstance(value, str) and value.isascii() and value:
                        values.add(value)
    return values


def enum_labels_zh() -> set[str]:
    """The Chinese labels of every choice: what an English page must not show."""
    labels: set[str] = set()
    with translation.override("zh-hans"):
        for model in apps.get_models():
            if not model.__module__.startswith("fangkong."):
                continue
            for f in model._meta.get_fields():
                if isinstance(f, models.Field) and getattr(f, "choices", None):
                    for _value, label in f.flatchoices:
                        text = str(label)
                        if _CJK.search(text):
                            labels.add(text)
    return labels


def visible_text(content: bytes) -> list[str]:
    """The text nodes a person reads, with the attributes read aloud or shown (title, placeholder, alt, labels)."""
    try:
        doc = lxml_html.fromstring(content)
    except Exception:  # lxml refuses an empty document
        return []
    # [data-raw]: the stored record behind a labelled line (the audit trail's evidence), opened on request; kbd: a
    # command to type; textarea: what the person is editing.
    for bad in doc.xpath("//script|//style|//template|//noscript|//kbd|//textarea|//*[@data-raw]"):
        bad.drop_tree()
    out = [t.strip() for t in doc.xpath("//text()") if t.strip()]
    for attr in ("title", "placeholder", "alt", "aria-label"):
        out += [v.strip() for v in doc.xpath(f"//@{attr}") if v.strip()]
    out += [v.strip() for v in doc.xpath("//input[@type='submit' or @type='button']/@value") if v.strip()]
    return out


def links(content: bytes, base: str) -> Iterator[str]:
    try:
        doc = lxml_html.fromstring(content)
    except Exception:
        return
    for href in doc.xpath("//a/@href"):
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in ("testserver", ""):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not SKIP.search(path):
            yield path


def xlsx_text(content: bytes) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    out = []
    for ws in wb.worksheets:
        out.append(ws.title)
        for row in ws.iter_rows(values_only=True):
            out += [str(v) for v in row if isinstance(v, str) and v.strip()]
    return out


def pdf_text(content: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return [line for page in reader.pages for line in (page.extract_text() or "").splitlines() if line.strip()]


def shape(path: str) -> str:
    """One page per shape of address: digits and long codes stand for any id."""
    path, _, query = path.partition("?")
    path = re.sub(r"/[0-9A-Za-z_-]*\d[0-9A-Za-z_-]*(?=/|$)", "/N", path)
    keys = sorted(k.split("=", 1)[0] for k in query.split("&") if k)
    return path + ("?" + "&".join(keys) if keys else "")


class Rules:
    """What counts as a raw code in one language."""

    def __init__(self, *, language: str, allowed: Iterable[str] = ()):
        self.language = language
        self.enum_values = enum_values()
        self.allowed = ALLOWED_WORDS | set(allowed)
        self.zh_labels = enum_labels_zh() if language == "en" else set()

    def raw_tokens(self, text: str) -> Iterator[str]:
        if self.language == "en":
            if text in self.zh_labels:
                yield text
            return
        for token in _LATIN.findall(_URL.sub(" ", text)):
            if token in self.allowed or any(c.isdigit() for c in token) or _CODE.match(token):
                continue
            if "@" in text and "." in token:  # an e-mail address is data
                continue
            yield token


def _context(text: str, token: str) -> str:
    at = text.find(token)
    return text[max(0, at - 20) : at + len(token) + 20].replace("\n", " ")


def walk(
    client: Client,
    start: Iterable[str],
    rules: Rules,
    *,
    who: str,
    budget: int = 120,
    seen_shapes: set[str] | None = None,
) -> Walk:
    """Follow the links from ``start`` breadth first, one page per shape, and record what reads as a raw code."""
    result = Walk()
    shapes = seen_shapes if seen_shapes is not None else set()
    queue = list(start)
    while queue and result.pages + result.exports < budget:
        path = queue.pop(0)
        key = shape(path)
        if key in shapes:
            continue
        shapes.add(key)
        response = client.get(path)
        result.visited.add(path)
        if response.status_code != 200 or response.streaming:
            continue
        kind = EXPORT_TYPES.get(response.get("Content-Type", "").split(";")[0])
        if kind == "xlsx":
            texts, result.exports = xlsx_text(response.content), result.exports + 1
        elif kind == "pdf":
            texts, result.exports = pdf_text(response.content), result.exports + 1
        elif response.get("Content-Type", "").startswith("text/html"):
            texts, result.pages = visible_text(response.content), result.pages + 1
            queue += [p for p in links(response.content, path) if shape(p) not in shapes]
        else:
            continue
        for text in texts:
            for token in rules.raw_tokens(text):
                result.findings.append(Finding(f"{who} {path}", token, _context(text, token)))
    return result
