"""Parse a policy text (like 京政发〔2021〕33号) into sections, measures and their responsible units.

The text mixes full-width "：（）" and half-width ":()" punctuation, and lines wrap mid-sentence (a
wrapped line is followed by a blank line and the rest of the sentence). Paragraphs are rebuilt first:
a line continues the previous one when the previous neither ends a sentence nor is a heading, and the
line itself does not start a new numbered item.

Only measures that name responsible units (every "责任单位：…" clause) become tasks; their section and
group headings become the parent tasks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

CN_NUM = "一二三四五六七八九十"
SECTION_RE = re.compile(rf"^([{CN_NUM}]+)、\s*(.+)$")
GROUP_RE = re.compile(rf"^[（(]\s*([{CN_NUM}]+)\s*[)）]\s*(.*)$")
ITEM_RE = re.compile(r"^(\d+)\s*[.．、]\s*(.*)$")
RESP_RE = re.compile(r"[（(]\s*责任单位\s*[:：]\s*(?P<units>[^()（）]*?)\s*[)）]\s*$")
RESP_LINE_RE = re.compile(r"责任单位\s*[:：]")
SUFFIX_RE = re.compile(r"(等有关部门和单位|等有关单位|等部门)?\s*按职责分工负责\s*$")
CODE_RE = re.compile(r"[\u4e00-\u9fff]{1,4}〔\d{4}〕\d+号")
ISSUED_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*$")
TERMINAL = tuple("。；;：:）)」！？!?")
SPLIT_RE = re.compile(r"[、，,；;]")

# Zone names as they appear in the text -> zone code used by the platform.
ZONE_KEYWORDS: dict[str, str] = {
    "天竺综合保税区": "TZ",
    "大兴国际机场综合保税区": "DX",
    "亦庄综合保税区": "YZ",
    "中关村综合保税区": "ZGC",
    "海淀区研究论证设立": "ZGC",
}


@dataclass(frozen=True)
class ParsedTask:
    code: str
    title: str
    text: str
    level: str  # "section" | "group" | "measure"
    parent_code: str | None
    units: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    position: int = 0


@dataclass(frozen=True)
class ParsedPolicy:
    code: str
    title: str
    issuer: str
    issued_on: date | None
    tasks: tuple[ParsedTask, ...] = field(default_factory=tuple)

    @property
    def measures(self) -> tuple[ParsedTask, ...]:
        return tuple(t for t in self.tasks if t.level == "measure")

    @property
    def units(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for t in self.measures:
            for u in t.units:
                seen.setdefault(u, None)
        return tuple(seen)


def normalize(text: str) -> str:
    """Curly quotes for straight ones, no stray spaces between Chinese characters."""
    text = re.sub(r'"([^"]*)"', r"“\1”", text)
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text).strip()


def is_heading(line: str) -> bool:
    if SECTION_RE.match(line) and len(line) <= 30:
        return True
    m = GROUP_RE.match(line)
    return bool(m) and "。" not in line and len(line) <= 30


def starts_item(line: str) -> bool:
    return bool(SECTION_RE.match(line) or GROUP_RE.match(line) or ITEM_RE.match(line) or CODE_RE.fullmatch(line))


def paragraphs(text: str) -> list[str]:
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if (out and not out[-1].endswith(TERMINAL) and not is_heading(out[-1]) and not starts_item(line)
                and not CODE_RE.fullmatch(out[-1])):
            out[-1] += line
        else:
            out.append(line)
    return [normalize(p) for p in out]


def split_units(raw: str) -> tuple[str, ...]:
    raw = SUFFIX_RE.sub("", normalize(raw))
    names = [n.strip() for n in SPLIT_RE.split(raw)]
    return tuple(dict.fromkeys(n for n in names if n))


def zones_mentioned(text: str, keywords: dict[str, str] | None = None) -> tuple[str, ...]:
    keywords = ZONE_KEYWORDS if keywords is None else keywords
    return tuple(dict.fromkeys(code for word, code in keywords.items() if word in text))


def unit_kind(name: str) -> str:
    """city | district | zone_admin | customs | tax | other, from the unit's name."""
    if "海关" in name:
        return "customs"
    if "税务" in name:
        return "tax"
    if "综合保税区管理机构" in name:
        return "zone_admin"
    if name.endswith("区政府") or "开发区管委会" in name:
        return "district"
    if name.startswith("市"):
        return "city"
    return "other"


def _title_and_body(rest: str) -> tuple[str, str]:
    head, sep, body = rest.partition("。")
    if sep and len(head) <= 40:
        return head.strip(), body.strip()
    return rest[:40].strip(), rest.strip()


def count_responsibility_lines(text: str) -> int:
    """How many "责任单位" clauses the raw text holds (for checking the parse)."""
    return len(RESP_LINE_RE.findall(text))


def parse_policy(text: str) -> ParsedPolicy:
    paras = paragraphs(text)
    code_m = CODE_RE.search(text)
    code = code_m.group(0) if code_m else ""
    title, issuer, issued = "", "", None
    for i, p in enumerate(paras):
        if code and p == code and i > 0:
            title = paras[i - 1]
            break
    for p in reversed(paras):
        m = ISSUED_RE.search(p)
        if m:
            issued = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            break
    if title and "关于" in title:
        issuer = title.split("关于", 1)[0]

    tasks: list[ParsedTask] = []
    emitted: set[str] = set()
    section: tuple[str, str] | None = None  # (numeral, title)
    group: tuple[str, str] | None = None
    positions: dict[str | None, int] = {}

    def emit(code_: str, title_: str, text_: str, level: str, parent: str | None, units=(), zones=()):
        positions[parent] = positions.get(parent, 0) + 1
        tasks.append(ParsedTask(code_, title_, text_, level, parent, tuple(units), tuple(zones), positions[parent]))
        emitted.add(code_)

    def ensure_parents() -> str | None:
        parent = None
        if section is not None:
            if section[0] not in emitted:
                emit(section[0], section[1], "", "section", None)
            parent = section[0]
        if group is not None and group[2] is None:
            gcode = f"{section[0] if section else ''}({group[0]})"
            if gcode not in emitted:
                emit(gcode, group[1], "", "group", parent)
            parent = gcode
        return parent

    for p in paras:
        m = SECTION_RE.match(p)
        if m and is_heading(p):
            section, group = (m.group(1), m.group(2).strip()), None
            continue
        resp = RESP_RE.search(p)
        m = GROUP_RE.match(p)
        if m:
            rest = m.group(2)
            if resp is None:
                group = (m.group(1), rest.strip(), None)  # a heading over numbered measures
                continue
            # a group paragraph that is itself a measure (as in 三、实施保障)
            group = None
            parent = ensure_parents()
            body = rest[: resp.start() - (len(p) - len(rest))].strip()
            t, b = _title_and_body(body)
            emit(f"{section[0] if section else ''}({m.group(1)})", t, b, "measure", parent,
                 split_units(resp.group("units")), zones_mentioned(body))
            continue
        m = ITEM_RE.match(p)
        if m and resp is not None:
            parent = ensure_parents()
            rest = m.group(2)
            body = rest[: resp.start() - (len(p) - len(rest))].strip()
            t, b = _title_and_body(body)
            prefix = parent or ""
            emit(f"{prefix}{m.group(1)}", t, b, "measure", parent, split_units(resp.group("units")),
                 zones_mentioned(body))
    return ParsedPolicy(code=code, title=title, issuer=issuer, issued_on=issued, tasks=tuple(tasks))
