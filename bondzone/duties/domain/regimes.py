"""Time-limited regimes (时限监管): the rule table and the date arithmetic of deadlines and extensions.

One row per kind: its legal basis, whole in Chinese and in English (as /work/shared/docs/domain-customs.md §1 and
§7 cite it, with the notes' own status: R = regulation text seen, K = known practice, "unconfirmed" = the notes could not
confirm the figure — those figures are defaults a customs office overrides with the approved period),
the default validity, how many extensions of what length, whether a guarantee covering the duty that
would fall due is required, and whether the goods leave the zone.

Deadlines count natural days (the rules say months or days, not working days): months are calendar
months, a day that does not exist in the target month falls back to the month's last day
(2026-08-31 + 6 months = 2027-02-28). Pure Python: no Django.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from bondzone.core.domain.errors import Problem, problem

OPEN, OVERDUE, RETURNED, CLOSED = "open", "overdue", "returned", "closed"
STATUSES = (OPEN, OVERDUE, RETURNED, CLOSED)
LIVE = (OPEN, OVERDUE)
# how a regime ends: the goods came back (复运/返区), or otherwise (sold and duty paid, re-exported, written off)
ENDINGS = (RETURNED, CLOSED)

DUE_SOON, OVERDUE_ALERT = "due_soon", "overdue"
DEFAULT_ALERT_DAYS = (30, 7, 1)


@dataclass(frozen=True)
class Period:
    months: int = 0
    days: int = 0

    def after(self, start: date) -> date:
        return add_months(start, self.months) + timedelta(days=self.days)

    def __str__(self) -> str:
        parts = ([f"{self.months}m"] if self.months else []) + ([f"{self.days}d"] if self.days else [])
        return " ".join(parts) or "0d"


def add_months(start: date, months: int) -> date:
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RegimeRule:
    kind: str
    name_zh: str
    legal_basis_zh: str  # the basis in each language, whole (a page shows the reader's: core.labels "regime_legal_basis")
    legal_basis_en: str
    status: str  # R / K / unconfirmed, as the domain notes mark the figures
    validity: Period
    max_extensions: int | None  # None: no limit in the rules (each still needs customs approval)
    extension: Period  # the longest single extension
    needs_guarantee: bool
    leaves_zone: bool
    trade_mode: str = ""
    alert_days: tuple[int, ...] = DEFAULT_ALERT_DAYS


RULES: dict[str, RegimeRule] = {r.kind: r for r in (
    RegimeRule(
        "temporary_entry", "暂时进出境货物",
        "《中华人民共和国海关暂时进出境货物管理办法》（海关总署令第233号，2017年）：6个月内复运；延期最多3次，每次不超过"
        "6个月（domain-customs.md §7.1）",
        "Measures of the PRC Customs on Temporary Entry and Exit Goods (GACC Order No. 233, 2017): taken back out "
        "within 6 months; at most 3 extensions of up to 6 months each (domain-customs.md §7.1)",
        "R", Period(months=6), 3, Period(months=6), True, False, "2600"),
    RegimeRule(
        "display_out", "出区展示 / 保税展示交易",
        "《中华人民共和国海关综合保税区管理办法》（海关总署令第256号）：保税货物出区展示凭担保，在核准期限内返区"
        "（domain-customs.md §1 出区展示、§7.6）；期限以海关核准为准，此处6个月为默认值",
        "Measures of the PRC Customs on Comprehensive Bonded Zones (GACC Order No. 256): bonded goods go out for "
        "display against a guarantee and come back within the approved period (domain-customs.md §1 display outside "
        "the zone, §7.6); the period is the one customs approves — 6 months here is a default",
        "unconfirmed", Period(months=6), 1, Period(months=6), True, True),
    RegimeRule(
        "repair_out", "出区检测 / 出区维修",
        "海关总署令第256号及其承接的海关特殊监管区域公告：60日内返区，可延期1次，不超过30日"
        "（domain-customs.md §1、§7.3；条款未确认）",
        "GACC Order No. 256 and the notices on special customs supervision zones it carries: back in the zone within "
        "60 days, one extension of up to 30 days (domain-customs.md §1, §7.3; article unconfirmed)",
        "K", Period(days=60), 1, Period(days=30), False, True),
    RegimeRule(
        "bonded_repair", "保税维修",
        "海关总署令第256号；综合保税区维修产品目录（domain-customs.md §7.4）：资料未能确认维修货物的停留期限，"
        "此处12个月为核准时设定的默认值",
        "GACC Order No. 256; the list of products that may be repaired in comprehensive bonded zones "
        "(domain-customs.md §7.4): the stay of repaired goods has no limit the notes confirm — 12 months is a default "
        "set on approval",
        "unconfirmed", Period(months=12), None, Period(months=6), False, False, "1371"),
    RegimeRule(
        "bonded_rnd", "保税研发",
        "海关总署令第256号（domain-customs.md §7.5）：料件按实际消耗核销；12个月依账册核销周期（不超过1年），为默认值",
        "GACC Order No. 256 (domain-customs.md §7.5): materials written off by actual consumption; 12 months follows "
        "the book's write-off cycle (at most 1 year), a default",
        "K", Period(months=12), None, Period(months=12), False, False, "5010"),
    RegimeRule(
        "relic_entry", "文物临时进境",
        "《文物进出境审核管理办法》（文化部令第42号，2007年）：临时进境文物在境内滞留不超过6个月，延期由国家文物局批准"
        "（domain-customs.md §7.2；所存规则不限延期次数）",
        "Measures on the Examination of Cultural Relics Entering and Leaving China (Ministry of Culture Order No. 42, "
        "2007): relics admitted temporarily stay no longer than 6 months, extensions approved by the National "
        "Cultural Heritage Administration (domain-customs.md §7.2; the stored rules do not limit the number of "
        "extensions)",
        "K", Period(months=6), None, Period(months=6), True, False, "2700"),
    RegimeRule(
        "bonded_auction", "保税拍卖",
        "海关总署令第256号；区内仓储 + 区外展拍（domain-customs.md §7.2）：货物凭与税款等额的担保出区拍卖，未售出的返区；"
        "期限于核准时确定，此处3个月为默认值",
        "GACC Order No. 256; storage in the zone, display and auction outside it (domain-customs.md §7.2): goods go "
        "out for auction against a guarantee equal to the duties and come back unless sold; the period is set on "
        "approval — 3 months here is a default",
        "unconfirmed", Period(months=3), 1, Period(months=3), True, True),
    RegimeRule(
        "lease_delivery", "融资租赁交付 (异地委托监管)",
        "区内融资租赁，1523 租赁贸易 / 异地委托监管（domain-customs.md §7.7）：税款随每期租金缴纳；监管期限随租期，"
        "此处12个月为默认值",
        "Finance leasing in zones, trade mode 1523 (lease trade) / supervision entrusted to another customs office "
        "(domain-customs.md §7.7): taxes fall due with each rent; the supervision period follows the lease — 12 months "
        "here is a default",
        "K", Period(months=12), None, Period(months=12), False, True, "1523"),
)}
KINDS = tuple(RULES)


def rule(kind: str) -> RegimeRule | None:
    return RULES.get(kind)


def default_deadline(kind: str, start: date) -> date:
    return RULES[kind].validity.after(start)


def check_opening(kind: str, start: date, deadline: date | None) -> tuple[date | None, list[Problem]]:
    """The deadline of a regime opened on `start`: the one customs approved (never past the rule's validity)
    or the rule's default."""
    r = RULES[kind]
    longest = r.validity.after(start)
    if deadline is None:
        return longest, []
    if deadline <= start:
        return None, [problem("deadline", "period_reversed", start=start, end=deadline)]
    if deadline > longest:
        return None, [problem("deadline", "regime_deadline_beyond_rule", value=deadline, latest=longest,
                              period=str(r.validity))]
    return deadline, []


def check_extension(kind: str, *, deadline: date, used: int, today: date, until: date | None,
                    status: str) -> tuple[date | None, list[Problem]]:
    """The new deadline of an extension asked on `today`, or why it is refused: the regime is not open, it
    has expired (an extension is asked before the deadline), the rule's extensions are used up, or the new
    deadline goes beyond one extension's length."""
    r = RULES[kind]
    if status not in LIVE:
        return None, [problem("status", "regime_not_open", state=status)]
    if today > deadline:
        return None, [problem("until", "regime_extension_after_expiry", deadline=deadline, today=today)]
    if r.max_extensions is not None and used >= r.max_extensions:
        return None, [problem("until", "regime_extensions_used", used=used, max=r.max_extensions)]
    longest = r.extension.after(deadline)
    if until is None:
        return longest, []
    if until <= deadline:
        return None, [problem("until", "regime_extension_not_later", value=until, deadline=deadline)]
    if until > longest:
        return None, [problem("until", "regime_extension_too_long", value=until, latest=longest,
                              period=str(r.extension))]
    return until, []


def state_on(status: str, deadline: date, today: date) -> str:
    """Where a regime stands today: a live one past its deadline is overdue."""
    if status in LIVE:
        return OVERDUE if today > deadline else OPEN
    return status


def alert_due(deadline: date, today: date, days_before: tuple[int, ...]) -> tuple[str, int] | None:
    """Which alert a live regime deserves today: ("overdue", days past) once the deadline has passed, else
    ("due_soon", N) for the tightest configured N with the deadline at most N days away, else None."""
    left = (deadline - today).days
    if left < 0:
        return OVERDUE_ALERT, 0
    reached = [d for d in days_before if d >= 0 and left <= d]
    return (DUE_SOON, min(reached)) if reached else None
