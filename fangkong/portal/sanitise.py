"""Rich text as the portal accepts it: an allow-list of tags and attributes (nh3, the Rust `ammonia` sanitiser),
after a pass that removes hidden elements *with their content* — the way injected spam hides on defaced sites
(`display:none`, the `hidden` attribute, zero-size text, `<dfn>` wrappers). Links go to this site or to the
domains in FANGKONG["PORTAL_LINK_DOMAINS"]; anything else loses its href (the words stay). An image is kept only when
it is one of ours (uploaded for articles, served at IMAGE_PATH) and says what it shows (a non-empty alt, read by
screen readers and shown when the image cannot be): any other is removed, and the caller is told which
(`Removed`) — saving refuses an image without its description, the preview leaves it out."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import nh3
import tinyhtml5
from django.conf import settings

TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote", "ul", "ol", "li",
    "a", "img", "figure", "figcaption", "table", "caption", "thead", "tbody", "tr", "th", "td", "hr", "span",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
# Dropped with everything inside them (not just unwrapped).
DROP_WITH_CONTENT = {
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "dfn", "title",
    "textarea", "select", "button", "form", "input", "frame", "frameset", "applet", "head", "meta", "link",
}  # fmt: skip
HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])"
    r"|(?:left|top|text-indent)\s*:\s*-\d{3,}|(?:height|width|max-height)\s*:\s*0(?:px)?\s*(?:;|$)",
    re.I,
)
HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:hidden|hide|d-none|invisible|sr-only|visually-hidden)(?:\s|$)", re.I)
MAX_HTML = 200_000  # characters of rich text in one article
# Where our uploaded images are served (news_urls: "img/<name>"): the only images an article may show.
IMAGE_PATH = "/news/img/"
OWN_IMAGE = re.compile(re.escape(IMAGE_PATH) + r"[0-9a-f]{32}\.(?:jpg|png|webp|gif)")
DIMENSION = re.compile(r"[1-9]\d{0,3}")


@dataclass
class Removed:
    """Images sanitising took out, by their src: not ours, or ours without a description."""

    foreign_images: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)


def _hidden(el: ET.Element) -> bool:
    if el.tag in DROP_WITH_CONTENT:
        return True
    if "hidden" in el.attrib:
        return True
    if HIDDEN_STYLE.search(el.attrib.get("style", "")):
        return True
    return bool(HIDDEN_CLASS.search(el.attrib.get("class", "")))


def _prune(parent: ET.Element) -> None:
    """Remove hidden children with their content, keeping the text that follows each (its tail)."""
    previous: ET.Element | None = None
    for child in list(parent):
        if not isinstance(child.tag, str):  # a comment or processing instruction
            keep_tail(parent, previous, child.tail)
            parent.remove(child)
            continue
        if _hidden(child):
            keep_tail(parent, previous, child.tail)
            parent.remove(child)
            continue
        _prune(child)
        previous = child


def _images(parent: ET.Element, removed: Removed) -> None:
    """Keep our own images that have a description (src and alt, whitespace-collapsed; width and height as plain
    numbers); remove any other with its tail kept, and say which."""
    previous: ET.Element | None = None
    for child in list(parent):
        if child.tag != "img":
            _images(child, removed)
            previous = child
            continue
        src = browser_url(child.attrib.get("src", ""))
        alt = " ".join(child.attrib.get("alt", "").split())
        if OWN_IMAGE.fullmatch(src) and alt:
            sizes = {k: v for k in ("width", "height") if DIMENSION.fullmatch(v := child.attrib.get(k, "").strip())}
            child.attrib = {"src": src, "alt": alt, **sizes}
            previous = child
            continue
        (removed.images_without_alt if OWN_IMAGE.fullmatch(src) else removed.foreign_images).append(src)
        keep_tail(parent, previous, child.tail)
        parent.remove(child)


def keep_tail(parent: ET.Element, previous: ET.Element | None, tail: str | None) -> None:
    if not tail:
        return
    if previous is None:
        parent.text = (parent.text or "") + tail
    else:
        previous.tail = (previous.tail or "") + tail


def browser_url(value: str) -> str:
    """The URL as a browser reads it (WHATWG URL parsing): leading and trailing controls and spaces dropped, tabs
    and newlines removed anywhere, and a backslash read as a slash — so `/\\evil.example/` is `//evil.example/`,
    another host, and `java\tscript:` is `javascript:`. Checking the text as written would let those through."""
    value = value.strip("".join(chr(c) for c in range(0x21)))
    return re.sub(r"[\t\n\r]", "", value).replace("\\", "/")


def _allowed_url(value: str) -> bool:
    if not value:
        return False
    parts = urlsplit(value)
    if not parts.scheme and not parts.netloc:
        return True  # relative: this site
    if parts.scheme not in ("http", "https", "mailto"):
        return False
    if parts.scheme == "mailto":
        return True
    host = (parts.hostname or "").lower()
    domains = [d.lower() for d in settings.FANGKONG.get("PORTAL_LINK_DOMAINS", [])]
    return any(host == d or host.endswith("." + d) for d in domains)


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "a" and attr == "href":
        value = browser_url(value)  # what is kept is what was checked
        return value if _allowed_url(value) else None
    if tag == "img" and attr == "src":
        value = browser_url(value)
        return value if OWN_IMAGE.fullmatch(value) else None
    return value


def parse_html(html: str) -> ET.Element:
    """The HTML parsed. Handed over as a stream: tinyhtml5 reads a short string that names an existing file as that
    file's path (an article whose text is "/etc/passwd" would show the server's file), and one that cannot be a
    path (a paragraph of 90 hanzi, 270 bytes with no slash) makes it fail."""
    return tinyhtml5.parse(io.StringIO(html or ""), namespace_html_elements=False)


def sanitise(html: str, removed: Removed | None = None) -> str:
    """Allowed markup only; hidden content gone; links to allowed places only; images ours and described
    (`removed`, when given, is told which were taken out)."""
    root = parse_html(html)
    body = root.find("body")
    if body is None:
        return ""
    _prune(body)
    _images(body, removed if removed is not None else Removed())
    inner = (body.text or "").replace("&", "&amp;").replace("<", "&lt;") + "".join(
        ET.tostring(child, encoding="unicode", method="html") for child in body
    )
    return nh3.clean(
        inner,
        tags=TAGS,
        attributes=ATTRIBUTES,
        clean_content_tags=DROP_WITH_CONTENT,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_attribute_filter,
        strip_comments=True,
    ).strip()


def plain_text(html: str) -> str:
    """The words of sanitised HTML (for search and feeds)."""
    import html as html_lib

    spaced = re.sub(r"<(?:/p|br|/h\d|/li|/td|/th|/div|/blockquote|/figcaption)\b[^>]*>", " ", html or "")
    text = nh3.clean(spaced, tags=set(), clean_content_tags=DROP_WITH_CONTENT)

    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()
