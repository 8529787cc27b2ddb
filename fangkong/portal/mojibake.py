"""Text a legacy page lost one byte of: GBK read one byte out of step, and put back in step where that can be
proved.

How it happens. A GBK page stores a Chinese character as two bytes, a lead byte (0x81–0xFE) and a trail byte.
When one byte goes missing — a lead byte cut off at a buffer's end and shown as "?" by the old site, or dropped
outright — every later pair is read one byte late: the trail of one character with the lead of the next, which
makes other, mostly rare, characters ("拔逡弧逼陂"). The reading stays out of step until a trail byte below 0x80
shows up as an ASCII character ("g": the trail of 間, E9 67); after it the text is in step again.

What counts as proof that a run R of the text is such a shift and that T is what it said — all of:
1. R is garbled: it holds the lone-byte marker ("?" or U+FFFD) where a character should be, or characters that
   are not common (below). A run with no marker needs two of them: real text has rare characters (a name, 陂塘).
2. R's characters encoded back to GBK (an ASCII punctuation mark inside R read as its full-width form, which the
   old site folded: "!" is ！, A3 A1), plus its closing ASCII character as the raw trail byte it was, and with one
   lead byte put in front (in place of the marker), decode *strictly* to T: every byte used, no error, and the last
   byte completing the last character — so the repair ends exactly where the text is in step again.
3. Every character of T is common: a GB2312 level-1 hanzi (the 3,755 characters of everyday use) or the
   Traditional form of one (the page may be written in them; OpenCC says which), or common CJK punctuation.
4. The lost byte is settled. Only the first character of T depends on it: with a marker, that character's lead
   byte is the one lost; without one, the missing byte may as well have been its trail, and both readings count.
   Of the readings that make it common, a single common punctuation mark wins (row A1 of GBK holds 。，、“” … —
   each more frequent in prose than any of the forty-odd level-1 hanzi a trail byte could also complete), else a
   single common character; several candidates of one kind prove nothing. Without a marker, the run must also
   start at the one place from which it reads so. (This character is the repair's one judgement: the editor sees
   every repair, before → after, on the draft's page.)
5. T fits its surroundings: a clause mark (。，、；：？！) it starts with follows a character, not another mark or
   the start of the line; an opening quote or bracket it ends with is not followed by a clause mark; and the
   paragraph's quotation marks are no less balanced than before.

A suspicious run that cannot be proved so (a marker with nothing that decodes, a shift that ends on a lost byte)
is left as it is and reported: the editor decides."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MARKERS = "?\ufffd"
# Common CJK punctuation: what a repaired run may hold besides common characters.
COMMON_PUNCTUATION = set("。，、；：？！“”‘’（）《》〈〉「」『』【】—…·")
CLAUSE_MARKS = set("。，、；：？！")
OPENING = set("“‘（《〈「『【")
CLOSING = set("”’）》〉」』】")
PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "〈": "〉", "「": "」", "『": "』", "【": "】"}
MAX_RUN = 40  # characters: a shift longer than this is reported, not repaired
ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>@[\\]^_`{|}~")  # '?' inside a run is ？ too, but starts a run


@dataclass(frozen=True)
class Repair:
    start: int  # where the run was, in the line as read
    end: int
    before: str
    after: str
    candidates: int  # how many common readings the lost byte allowed (1: none guessed)
    context: str  # the words around it


@dataclass(frozen=True)
class Suspicion:
    start: int
    end: int
    text: str
    context: str


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@cache
def is_common(ch: str) -> bool:
    """A common character (GB2312 level 1, or Traditional for one) or common CJK punctuation."""
    if ch in COMMON_PUNCTUATION:
        return True
    if not CJK.match(ch):
        return False
    for form in (ch, _t2s().convert(ch)):
        try:
            raw = form.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if len(raw) == 2 and 0xB0 <= raw[0] <= 0xD7:
            return True
    return False


def _double_byte(ch: str) -> bytes | None:
    """The GBK bytes a character inside a shifted run stood for: a pair, or None when it cannot be one."""
    if ch in ASCII_PUNCTUATION or ch == "?":
        return bytes([0xA3, ord(ch) + 0x80])  # the full-width form the old site folded to ASCII
    if ord(ch) < 0x80:
        return None
    try:
        raw = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return raw if len(raw) == 2 else None


def _trail(ch: str) -> int | None:
    """A character that ends a shift: a trail byte below 0x80, which GBK reads as ASCII (0x40–0x7E)."""
    return ord(ch) if 0x40 <= ord(ch) <= 0x7E else None


def _fits(line: str, start: int, end: int, reading: str) -> bool:
    before = line[start - 1] if start > 0 else ""
    after = line[end] if end < len(line) else ""
    if reading[0] in CLAUSE_MARKS and (not before or before in CLAUSE_MARKS or before in OPENING):
        return False
    if reading[-1] in OPENING and (after in CLAUSE_MARKS or after in CLOSING):
        return False
    # Quotation marks pair within a few sentences: the balance is read around the run, not over a whole page.
    left, right = line[max(0, start - 200) : start], line[end : end + 200]
    return _unbalanced(left + reading + right) <= _unbalanced(left + line[start:end] + right)


def _unbalanced(text: str) -> int:
    out = 0
    for open_, close in PAIRS.items():
        depth = 0
        for ch in text:
            if ch == open_:
                depth += 1
            elif ch == close:
                if depth:
                    depth -= 1
                else:
                    out += 1
        out += depth
    return out


@cache
def _first(byte: int, *, marked: bool) -> tuple[str, int] | None:
    """The first character of a repaired run, from the one byte of it that is left, and how many common readings
    that byte had (rule 4). With a marker, the lost byte was this character's lead: (?, byte). Without one, the
    byte that went missing may as well have been its trail: (byte, ?) — both readings count."""
    pairs = [bytes([lead, byte]) for lead in range(0x81, 0xFF)]
    if not marked:
        pairs += [bytes([byte, trail]) for trail in range(0x40, 0xFF) if trail != 0x7F]
    firsts: set[str] = set()
    for pair in pairs:
        try:
            ch = pair.decode("gbk")
        except UnicodeDecodeError:
            continue
        if len(ch) == 1 and is_common(ch):
            firsts.add(ch)
    marks = [ch for ch in firsts if ch in COMMON_PUNCTUATION]
    if len(marks) == 1:
        return marks[0], len(firsts)
    if not marks and len(firsts) == 1:
        return firsts.pop(), 1
    return None


def _try_end(line: str, end: int) -> Repair | None:
    """A shift ending at `end` (its raw trail byte at end - 1), if one can be proved: it starts at a marker, or
    else at the one place from which it reads as common text (two such places prove neither).

    Read backwards from the end, a run one character longer reads as one more character in front of the same text
    (the pairs keep their alignment): so the text after the first character is built a character at a time, and
    once it is not common no longer run can be either."""
    trail = _trail(line[end - 1])
    if trail is None or end < 2:
        return None
    found: list[tuple[int, str, int]] = []
    rest = ""  # the repaired text after its first character, for the run starting at `start`
    follows = trail  # the first byte of what comes after the character at `start`
    rare = folded = 0  # the signs of a shift in the run so far (rule 1)
    for start in range(end - 2, max(-1, end - 2 - MAX_RUN), -1):
        ch = line[start]
        if ch in MARKERS and rest:
            first = _first(follows, marked=True)
            if first and (rare or folded) and _fits(line, start, end, first[0] + rest):
                found = [(start, first[0] + rest, first[1])]
            break  # a marker is where the shift began: nothing before it belongs to the run
        raw = _double_byte(ch)
        if raw is None:
            break
        try:
            added = bytes([raw[1], follows]).decode("gbk")
        except UnicodeDecodeError:
            break
        if len(added) != 1 or not is_common(added):
            break
        rest, follows = added + rest, raw[0]
        if ch in ASCII_PUNCTUATION:
            folded += 1
        elif not is_common(ch):
            rare += 1
        first = _first(follows, marked=False) if rare >= 2 else None
        if first and _fits(line, start, end, first[0] + rest):
            found.append((start, first[0] + rest, first[1]))
    if len(found) != 1:
        return None
    start, after, candidates = found[0]
    shown = line[:start] + after + line[end:]  # the context as the repaired text reads
    return Repair(start, end, line[start:end], after, candidates, _context(shown, start, start + len(after)))


def _context(line: str, start: int, end: int, width: int = 8) -> str:
    return line[max(0, start - width) : start] + "[" + line[start:end] + "]" + line[end : end + width]


def repair_line(line: str) -> tuple[str, list[Repair], list[Suspicion]]:
    """The line with every provable shift put back in step, the repairs, and what stays suspicious."""
    repairs: list[Repair] = []
    out: list[str] = []
    i = 0
    for end in range(2, len(line) + 1):
        if end - 1 < i:
            continue
        repair = _try_end(line, end)
        if repair is None or repair.start < i:
            continue
        out.append(line[i : repair.start])
        out.append(repair.after)
        repairs.append(repair)
        i = end
    out.append(line[i:])
    fixed = "".join(out)
    return fixed, repairs, suspicions(fixed)


def suspicions(line: str) -> list[Suspicion]:
    """What still looks garbled, for the editor: a replacement character; a "?" inside Chinese text; a lone
    lowercase letter or an ASCII symbol next to a hanzi (a trail byte read alone: "陂g離"); or two other signs
    within four characters (rare characters, a symbol from GBK's other rows, a lone capital next to a hanzi)."""
    signs = [_sign(line, i) for i in range(len(line))]
    found: list[Suspicion] = []
    i = floor = 0
    while i < len(line):
        if signs[i] == 2 or (signs[i] and sum(1 for j in range(i, min(i + 4, len(line))) if signs[j]) >= 2):
            start, end = i, i + 1
            while start > floor and signs[start - 1]:
                start -= 1
            while end < len(line) and end - start < MAX_RUN and signs[end]:
                end += 1
            found.append(Suspicion(start, end, line[start:end], _context(line, start, end)))
            i = floor = end
        else:
            i += 1
    return found


def _sign(line: str, i: int) -> int:
    """How strongly line[i] says the text was read out of step: 2 alone suffices, 1 needs another nearby."""
    ch = line[i]
    if ch == "\ufffd":
        return 2
    if CJK.match(ch):
        return 0 if is_common(ch) else 1
    if ch in COMMON_PUNCTUATION or ch.isspace() or ch.isdigit():
        return 0
    before = line[i - 1] if i > 0 else ""
    after = line[i + 1] if i + 1 < len(line) else ""
    if ch == "?":  # in Chinese text, ？ is full-width: a half-width one between characters stands for a lone byte
        glued = bool(CJK.match(before)) and bool(CJK.match(after) or after in ASCII_PUNCTUATION)
        return 2 if glued else 0
    if ord(ch) < 0x80:
        if not (CJK.match(before) or CJK.match(after)):
            return 0
        if ch in "@[\\]^_`{|}~":  # never in Chinese prose: a trail byte read alone
            return 2
        lone = not any(c.isascii() and (c.isalnum() or c in "-._'") for c in (before, after) if c)
        if not (ch.isalpha() and lone):
            return 0  # a word (APP, Wi-Fi) or a number
        return 2 if ch.islower() else 1  # a capital may be meant: B超, X光
    return 0 if ch.isalnum() else 1  # kana, Greek, box drawing… from GBK's symbol rows, in Chinese text
