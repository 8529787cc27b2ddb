"""Importing an article from an old site's page (HTML, or the text a browser saved): keep the title, date,
department, the category from its breadcrumb (当前位置) and the body; drop what the old site wrapped around it
(navigation, 关闭/打印, 上一篇/下一篇), what intruders injected (hidden elements, `<dfn>` tags, lines of spam) and
the pinyin a mangling plug-in inserted after characters ("當(dāng)前"); put back in step what the old site read
one byte out of step, where that can be proved (`mojibake`), and list what still looks garbled; convert
Traditional to Simplified characters (OpenCC) when the page is written in them; date the article from its text
(a year the text leaves out is guessed, and said to be). The result is a draft for an editor and a reviewer, who
see on its page every repair and every doubt (`ImportFinding`)."""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date

from . import mojibake
from .sanitise import _prune, parse_html

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin annotation right after a character: 當(dāng), 區（qū）; without tone marks only in a mangled page.
PINYIN_TONED = re.compile(rf"(?<=[{CJK}])[(（][a-zü]*[{TONED}][a-zü{TONED}]*[)）]")
PINYIN_PLAIN = re.compile(rf"(?<=[{CJK}])[(（][a-zü]{{1,6}}[)）]")
TAG = re.compile(r"<[^>]{0,200}>")
BULLET = re.compile(r"^[\s•·●◆▪■*\-–]+")
BREADCRUMB = re.compile(r"^(?:当前位置|當前位置|您的位置|你的位置|您现在的位置)\s*[:：]\s*(.*)$")
NAVIGATION = re.compile(
    r"^(?:关闭|關閉|打印|列印|返回|返回顶部|分享到|【?关闭窗口】?|【?打印本页】?|字号|字體|字体)(?:[\s|｜/]*(?:关闭|關閉|打印|列印|窗口|本页|大|中|小))*\s*$"
    r"|^(?:上一篇|下一篇|上一條|下一條|上一条|下一条)\s*[:：]"
)
SOURCE = re.compile(r"^(?:来源|來源|发布单位|發布單位)\s*[:：]\s*(\S.{0,40})$")
DEPARTMENT_TAIL = re.compile(r"[(（]([^()（）]{2,20}?(?:部|局|委|办|辦|中心|街道|社区|社區|政府|院|所|队|隊))[)）]\s*$")
DATE = re.compile(r"(20\d{2}|19\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
# A news story's dateline without the year: "4月27日下午，…" at the start of its first paragraph.
# "本报讯 4月27日…" too; a date further into the sentence ("要求5月5日前完成") is not the article's.
DATELINE = re.compile(r"^\s*(?:[^\d，。,]{0,12}?[讯訊电電][\s:：]*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]")
# Words of the spam injected into defaced government pages (gambling, pornography, "free online" sites).
SPAM_TERMS = (
    "国产", "精品", "无码", "福利", "在线观看", "久久", "伦片", "乱伦", "中文字幕", "免费观看", "成人", "午夜",
    "视频网站", "网址", "彩票", "博彩", "娱乐城", "赌场", "棋牌", "六合彩", "时时彩", "色情", "激情", "一本道",
    "日韩", "欧美", "自拍", "偷拍", "人妻", "巨乳", "av", "高清", "国语", "亚洲", "日本", "毛片", "黄片", "直播",
    "百家乐", "老虎机", "真人", "下注", "开户", "国產", "無碼", "線上", "觀看",
)  # fmt: skip


@dataclass(frozen=True)
class Finding:
    before: str  # as the page had it
    after: str  # as the draft has it (repairs)
    context: str  # the words around it, as the draft has them


@dataclass
class Cleaned:
    title: str
    paragraphs: list[str]
    department: str = ""
    date: date | None = None
    breadcrumb: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # what was removed as spam or navigation, for the editor
    simplified: bool = False
    date_guessed: bool = False  # the text gives the day but not the year
    repairs: list[Finding] = field(default_factory=list)  # garbled runs put back in step
    suspicions: list[Finding] = field(default_factory=list)  # what still looks garbled, left as it was

    @property
    def body_html(self) -> str:
        return "\n".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in self.paragraphs)


def decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def spam_score(line: str) -> int:
    low = line.lower()
    return sum(1 for term in SPAM_TERMS if term in low)


def is_spam(line: str) -> bool:
    score = spam_score(line)
    # A real paragraph of a news story may use one such word ("福利院", "高清"); spam strings many together.
    return score >= 3 or (score >= 2 and "。" not in line)


def _looks_html(text: str) -> bool:
    return bool(re.search(r"<(?:html|body|div|p|h1|article|table)\b", text, re.I))


BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "section", "article",
          "header", "footer", "ul", "ol", "table", "blockquote", "title"}  # fmt: skip


def _html_lines(text: str) -> tuple[list[str], str]:
    """Lines of text of an HTML page (hidden elements removed first) and its <h1> (or <title>)."""
    root = parse_html(text)
    heading = ""
    for tag in ("h1", "title"):
        el = root.find(f".//{tag}")
        if el is not None and "".join(el.itertext()).strip():
            heading = "".join(el.itertext()).strip()
            break
    body = root.find("body")
    if body is None:
        return [], heading
    _prune(body)
    out: list[str] = []

    def walk(el: ET.Element) -> None:
        block = el.tag in BLOCKS
        if block:
            out.append("\n")
        if el.text:
            out.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if block:
            out.append("\n")

    walk(body)
    return "".join(out).split("\n"), heading


def _simplify(texts: list[str], force: bool | None) -> tuple[list[str], bool]:
    import opencc

    converter = opencc.OpenCC("t2s")
    converted = [converter.convert(t) for t in texts]
    if force is None:
        cjk = sum(len(re.findall(f"[{CJK}]", t)) for t in texts)
        changed = sum(
            1 for a, b in zip("".join(texts), "".join(converted), strict=False) if a != b and re.match(f"[{CJK}]", a)
        )
        force = cjk > 0 and changed / cjk >= 0.01
    return (converted, True) if force else (texts, False)


def clean(raw: bytes | str, *, simplify: bool | None = None, today: date | None = None) -> Cleaned:
    """`simplify`: None converts a Traditional page to Simplified (detected), True always, False never. `today`:
    the import's day, from which a year the text leaves out is guessed (default: the district's today)."""
    text = decode(raw).replace("\r\n", "\n").replace("\r", "\n")
    heading = ""
    if _looks_html(text):
        lines, heading = _html_lines(text)
    else:
        lines = text.split("\n")
    toned = len(PINYIN_TONED.findall(text))
    dropped: list[str] = []
    kept: list[str] = []
    breadcrumb: list[str] = []
    department = ""
    repairs: list[mojibake.Repair] = []
    suspicious: list[mojibake.Suspicion] = []
    for line in lines:
        line = html_lib.unescape(TAG.sub("", line))
        line = PINYIN_TONED.sub("", line)
        if toned >= 3:  # a mangled page: its untoned annotations (neutral tone) go too
            line = PINYIN_PLAIN.sub("", line)
        line = BULLET.sub("", line).strip().replace("\u3000", " ")
        if not line:
            kept.append("")
            continue
        m = BREADCRUMB.match(line)
        if m:
            parts = [p.strip() for p in re.split(r"[>›»/]", m.group(1)) if p.strip()]
            breadcrumb = [p for p in parts if p not in ("首页", "首頁", "网站首页", "網站首頁")]
            dropped.append(line)
            continue
        if NAVIGATION.match(line) or is_spam(line):
            dropped.append(line)
            continue
        m = SOURCE.match(line)
        if m:
            department = m.group(1).strip()
            continue
        line, fixed, doubts = mojibake.repair_line(line)
        repairs += fixed
        suspicious += doubts
        kept.append(line)
    # Paragraphs: the kept lines (consecutive lines of an HTML block were one paragraph already).
    paragraphs = [p for p in kept if p]
    title = heading.strip()
    if not title or title not in paragraphs[:3]:
        title = next((p for p in paragraphs[:5] if len(p) <= 80 and not p.endswith(("。", "！", "？"))), title)
    paragraphs = [p for p in paragraphs if p != title]
    if paragraphs:
        m = DEPARTMENT_TAIL.search(paragraphs[-1])
        if m:
            department = department or m.group(1)
            paragraphs[-1] = paragraphs[-1][: m.start()].rstrip()
    found, guessed = _dated(heading, paragraphs, today)
    # What the editor is shown goes through the same conversion as the text, so that it can be found in the draft.
    notes = [(r.before, r.after, r.context) for r in repairs] + [(d.text, "", d.context) for d in suspicious]
    texts, simplified = _simplify(
        [title, department, *breadcrumb, *paragraphs, *(t for _b, a, c in notes for t in (a, c))], simplify
    )
    title, department = texts[0], texts[1]
    breadcrumb = texts[2 : 2 + len(breadcrumb)]
    paragraphs = texts[2 + len(breadcrumb) : 2 + len(breadcrumb) + len(paragraphs)]
    converted = texts[2 + len(breadcrumb) + len(paragraphs) :]
    findings = [Finding(b, converted[2 * i], converted[2 * i + 1]) for i, (b, _a, _c) in enumerate(notes)]
    return Cleaned(
        title=title,
        paragraphs=[p for p in paragraphs if p],
        department=department,
        date=found,
        breadcrumb=breadcrumb,
        dropped=dropped,
        simplified=simplified,
        date_guessed=guessed,
        repairs=findings[: len(repairs)],
        suspicions=findings[len(repairs) :],
    )


def _dated(heading: str, paragraphs: list[str], today: date | None) -> tuple[date | None, bool]:
    """The article's date from its text: a full date in the heading or near the start or end, else the dateline's
    month and day ("4月27日下午") in the most recent year in which that day is not after `today` — a guess."""
    for p in [heading, *paragraphs[:3], *paragraphs[-2:]]:
        d = DATE.search(p or "")
        if d:
            try:
                return date(int(d.group(1)), int(d.group(2)), int(d.group(3))), False
            except ValueError:
                continue
    m = DATELINE.match(paragraphs[0]) if paragraphs else None
    if m is None:
        return None, False
    if today is None:
        from fangkong.core import clock

        today = clock.localdate()
    month, day = int(m.group(1)), int(m.group(2))
    for year in range(today.year, today.year - 8, -1):  # eight years back reach a 29 February
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate, True
    return None, False


MAX_IMPORT_BYTES = 2_000_000


def article_import(
    *,
    actor,
    raw: bytes | str,
    source: str = "",
    category: int | str | None = None,
    simplify: bool | None = None,
    pinned: bool = False,
):
    """Clean a legacy page and save it as a draft (its category from the breadcrumb unless given; categories the
    old site had and this one lacks are added under their parents), dated from its text: the date goes into
    `published_at`, which approval keeps for a date in the past (the archive orders by it). What was repaired and
    what stays in doubt are kept with the draft (`ImportFinding`) for its page."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    from fangkong.core import clock
    from fangkong.core.audit import audit_record
    from fangkong.core.errors import Code, FieldError
    from fangkong.core.roles import Cap
    from fangkong.core.scoping import Forbidden, has_cap

    from .articles import article_create
    from .content_models import Category, ImportFinding

    if not has_cap(actor, Cap.PORTAL_EDIT):
        raise Forbidden(Cap.PORTAL_EDIT)
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > MAX_IMPORT_BYTES:
        raise FieldError("file", _("The file is too large (at most 2 MB)."), code=Code.TOO_LARGE)
    cleaned = clean(raw, simplify=simplify, today=clock.localdate())
    if not cleaned.title or not cleaned.paragraphs:
        raise FieldError("file", _("No article found in this file (a title and some text)."), code=Code.EMPTY)
    with transaction.atomic():
        if category in (None, ""):
            if not cleaned.breadcrumb:
                raise FieldError("category", _("The page has no breadcrumb: choose a category."), code=Code.REQUIRED)
            parent = None
            for name in cleaned.breadcrumb:
                node = Category.objects.filter(parent=parent, name=name[:60]).first()
                if node is None:
                    node = Category.objects.create(parent=parent, name=name[:60], slug=_free_slug(name))
                    audit_record(actor=actor, action="portal.category_create", obj=node, fields={"from": source})
                parent = node
            category = parent.pk if parent else None
        article = article_create(
            actor=actor,
            title=cleaned.title,
            body_html=cleaned.body_html,
            category=category,  # type: ignore[arg-type]
            department=cleaned.department,
            pinned=pinned,
            source=source or "import",
        )
        if cleaned.date is not None:
            article.published_at = clock.start_of_day(cleaned.date)
            article.save(update_fields=["published_at"])
        K = ImportFinding.Kind
        rows = [(K.REPAIRED, f) for f in cleaned.repairs] + [(K.SUSPICIOUS, f) for f in cleaned.suspicions]
        ImportFinding.objects.bulk_create(
            [
                ImportFinding(
                    article=article, kind=kind, before=f.before[:200], after=f.after[:200], context=f.context[:200]
                )
                for kind, f in rows
            ]
        )
        if cleaned.date is not None and cleaned.date_guessed:
            ImportFinding.objects.create(article=article, kind=K.DATE_GUESSED, after=cleaned.date.isoformat())
        audit_record(
            actor=actor,
            action="portal.article_import",
            obj=article,
            fields={
                "from": source,
                "dated": cleaned.date.isoformat() if cleaned.date else "",
                "date_guessed": cleaned.date_guessed,
                "repaired": len(cleaned.repairs),
                "suspicious": len(cleaned.suspicions),
                "dropped": len(cleaned.dropped),
            },
        )
    return article, cleaned


def _free_slug(name: str) -> str:
    from django.utils.text import slugify

    from .content_models import Category

    base = slugify(name, allow_unicode=False) or "c"
    slug, n = base, 1
    while Category.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
