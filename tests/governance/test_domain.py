"""Pure rules: seed parsing, roll-up, working days and lights (with holidays and make-up workdays),
cycles, weights, reporting periods and reminders."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from bondzone.core.domain import workdays
from bondzone.governance.domain import lights, schedule, seed, tree

SEED = Path(__file__).resolve().parents[2] / "bondzone" / "governance" / "seeds" / "jingzhengfa-2021-33.txt"


# ---------------------------------------------------------------- seed
@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_has_17_responsibility_lines_counted_independently(text):
    # counted here without the parser: raw lines that name responsible units, either punctuation
    lines = [ln for ln in text.splitlines() if re.search(r"[（(]\s*责任单位\s*[:：]", ln)]
    assert len(lines) == 17
    assert any("（责任单位：" in ln for ln in lines) and any("(责任单位:" in ln for ln in lines)


def test_parse_finds_every_measure_with_its_units(text):
    p = seed.parse_policy(text)
    raw = [ln for ln in text.splitlines() if "责任单位" in ln]
    assert len(p.measures) == len(raw) == 17
    assert p.code == "京政发〔2021〕33号"
    assert p.title == "北京市人民政府关于支持综合保税区高质量发展的实施意见"
    assert p.issued_on == date(2021, 11, 6)
    codes = [t.code for t in p.tasks]
    assert codes[:3] == ["二", "二(一)", "二(一)1"]
    assert [t.code for t in p.tasks if t.level == "section"] == ["二", "三"]
    assert [t.code for t in p.tasks if t.level == "group"] == ["二(一)", "二(二)", "二(三)", "二(四)", "二(五)"]
    assert len(p.tasks) == 17 + 2 + 5
    by_code = {t.code: t for t in p.tasks}
    # section 三's measures are its (一)…(四) paragraphs, directly under the section
    assert by_code["三(一)"].parent_code == "三" and by_code["三(一)"].title == "建立联席会议制度"
    assert by_code["三(一)"].units == ("市“两区”办", "市商务局")
    # full-width punctuation line; lead unit first
    assert by_code["二(二)1"].units[0] == "各综合保税区管理机构" and by_code["二(二)1"].units[-1] == "市商务局"
    # a unit name split by a line wrap ("市政" / "务服务局") is joined; "等有关部门和单位" is dropped
    assert "市政务服务局" in by_code["二(二)4"].units and len(by_code["二(二)4"].units) == 21
    assert by_code["二(二)4"].units[-1] == "各综合保税区管理机构"
    # a sentence wrapped mid-word ("支持海淀" / "区研究论证") stays one measure mentioning Zhongguancun
    assert "支持海淀区研究论证" in by_code["二(一)2"].text
    assert set(by_code["二(一)2"].zones) == {"TZ", "DX", "YZ", "ZGC"}
    # a comma instead of 、 between units still separates them
    assert "市文资中心" in by_code["二(五)1"].units and "人民银行营业管理部" in by_code["二(五)1"].units
    assert len(p.units) == 35 and all("按职责" not in u and "责任单位" not in u for u in p.units)


def test_parse_handles_half_and_full_width_and_wraps():
    text = "京政发〔2099〕1号\n\n二、主要任务\n\n(一)测试分组\n\n1. 第一项。内容跨\n\n行继续。(责任单位:市甲局、北京海关按职责分工负责)\n\n" \
           "2. 第二项。内容。（责任单位：市乙局，市丙局等有关部门和单位按职责分工负责）\n\n北京市人民政府\n\n2099年1月2日\n"
    p = seed.parse_policy(text)
    assert [t.code for t in p.measures] == ["二(一)1", "二(一)2"]
    assert p.measures[0].text == "内容跨行继续。"
    assert p.measures[1].units == ("市乙局", "市丙局")
    assert seed.count_responsibility_lines(text) == 2 and p.issued_on == date(2099, 1, 2)


def test_unit_kinds():
    assert seed.unit_kind("北京海关") == "customs"
    assert seed.unit_kind("北京市税务局") == "tax"
    assert seed.unit_kind("各综合保税区管理机构") == "zone_admin"
    assert seed.unit_kind("综合保税区所在区政府") == "district"
    assert seed.unit_kind("市商务局") == "city"
    assert seed.unit_kind("首都机场集团") == "other"


# ---------------------------------------------------------------- roll-up
def test_rollup_average_weighted_manual_and_nesting():
    nodes = [
        tree.Node(1, None, "weighted", D(0)),
        tree.Node(2, 1, "average", D(0), D(60)),
        tree.Node(3, 1, "manual", D(50), D(40)),
        tree.Node(4, 2, "manual", D(100)),
        tree.Node(5, 2, "manual", D(0)),
        tree.Node(6, 2, "manual", D("33.33")),
        tree.Node(7, None, "manual", D(12)),  # manual keeps its own value even with children
        tree.Node(8, 7, "manual", D(90)),
        tree.Node(9, None, "average", D(25)),  # computed without children: own value
    ]
    out = tree.rollup(nodes)
    assert out[2] == D("44.44")  # (100 + 0 + 33.33) / 3
    assert out[1] == D("46.66")  # 44.44 × 0.6 + 50 × 0.4 = 26.664 + 20
    assert out[7] == D(12) and out[9] == D(25)
    assert all(isinstance(v, D) for v in out.values())


def test_combine_caps_at_100_and_rounds_half_up():
    assert tree.combine("weighted", D(0), [(D(100), D(60)), (D(100), D(60))]) == D(100)
    assert tree.combine("average", D(0), [(D("0.01"), None), (D(0), None)]) == D("0.01")  # 0.005 → 0.01


def test_cycles_and_parent_checks():
    assert tree.find_cycle({1: None, 2: 1, 3: 2}) is None
    assert set(tree.find_cycle({1: 3, 2: 1, 3: 2, 4: None})) == {1, 2, 3}
    parents = {1: None, 2: 1, 3: 2}
    assert tree.check_parent(1, 3, parents)[0].code == "task_cycle"
    assert tree.check_parent(2, 2, parents)[0].code == "task_cycle"
    assert tree.check_parent(3, 1, parents) == []


def test_weight_checks():
    assert tree.check_weights("weighted", {1: D(60), 2: D(40)}) == []
    p = tree.check_weights("weighted", {1: D(60), 2: D(30)})
    assert [x.code for x in p] == ["weights_not_100"] and p[0].params["total"] == D(90)
    assert tree.check_weights("weighted", {1: D(100), 2: None})[0].code == "weight_missing"
    assert tree.check_weights("average", {1: D(60), 2: D(30)}) == []  # weights unused
    assert tree.check_weights("average", {1: D(120)})[0].code == "weight_out_of_range"
    assert tree.check_progress(D(101))[0].code == "progress_out_of_range"
    assert tree.check_progress(D("1.234"))[0].code == "too_many_decimals"


# ---------------------------------------------------------------- working days and lights
LIB = workdays.library_days()
CAL = workdays.WorkCalendar.build(LIB, [(d, k) for days in LIB.values() for d, k, _ in days])
WEEKDAYS_ONLY = workdays.WorkCalendar.build(LIB, [])  # the same years with no holidays or make-up days
NO_MAKE_UP = workdays.WorkCalendar.build(LIB, [(d, k) for days in LIB.values() for d, k, _ in days if k == "holiday"])


def test_light_yellow_over_the_holiday_where_weekdays_alone_say_green():
    kw = dict(due=date(2025, 10, 9), progress=D(90), start=date(2025, 9, 1))
    assert lights.light(date(2025, 9, 30), calendar=CAL, **kw) == lights.Light.YELLOW  # only 10-09 is a working day left
    assert lights.light(date(2025, 9, 30), calendar=WEEKDAYS_ONLY, **kw) == lights.Light.GREEN


def test_light_counts_the_make_up_saturday():
    kw = dict(due=date(2025, 10, 13), progress=D(95), start=date(2025, 9, 1))
    assert lights.light(date(2025, 10, 8), calendar=CAL, **kw) == lights.Light.GREEN  # 10-09, 10-10, 10-11 (调休), 10-13
    assert lights.light(date(2025, 10, 8), calendar=NO_MAKE_UP, **kw) == lights.Light.YELLOW


def test_light_red_when_overdue_green_when_closed_and_thresholds_configurable():
    kw0 = dict(calendar=CAL)
    assert lights.light(date(2025, 10, 10), due=date(2025, 10, 9), progress=D(99), **kw0) == lights.Light.RED
    assert lights.light(date(2025, 10, 10), due=date(2025, 10, 9), progress=D(0), closed=True,
                        **kw0) == lights.Light.GREEN
    kw = dict(due=date(2025, 11, 28), progress=D(90), start=date(2025, 11, 3), calendar=CAL)
    assert lights.light(date(2025, 11, 21), **kw) == lights.Light.GREEN  # 5 working days left
    assert lights.light(date(2025, 11, 21), rules=lights.LightRules(near_due_workdays=5), **kw) == lights.Light.YELLOW


def test_light_on_the_due_day_is_not_red_and_the_day_after_is():
    kw = dict(due=date(2025, 12, 31), progress=D(50), start=date(2025, 12, 1), calendar=CAL)
    assert lights.light(date(2025, 12, 31), **kw) == lights.Light.YELLOW  # due today: 0 working days left
    assert lights.light(date(2026, 1, 1), **kw) == lights.Light.RED  # the day after (a holiday) is overdue
    assert lights.light(date(2026, 1, 1), **{**kw, "calendar": workdays.WorkCalendar.build([], [])}) \
        == lights.Light.RED  # overdue needs no calendar


def test_light_without_deadline_and_without_calendar():
    assert lights.light(date(2025, 10, 10), due=None, progress=D(0), calendar=CAL) == lights.Light.NO_DEADLINE
    assert lights.light(date(2025, 10, 10), due=None, progress=D(0), closed=True, calendar=CAL) == lights.Light.GREEN
    # 2027 is not in the calendar: a task due then is "no calendar", never a Monday–Friday count
    kw = dict(due=date(2027, 1, 8), progress=D(10), start=date(2026, 11, 1), calendar=CAL)
    assert lights.light(date(2026, 12, 30), **kw) == lights.Light.NO_CALENDAR
    with_2027 = workdays.WorkCalendar.build(list(LIB) + [2027], [(date(2027, 1, 1), "holiday")])
    assert lights.light(date(2026, 12, 30), **{**kw, "calendar": with_2027}) == lights.Light.YELLOW
    # far from a due date in an unknown year: the known years alone prove "not near" and, with no start or
    # progress ahead of the most favourable share, green; behind it, the unknown year decides: no calendar
    far = dict(due=date(2028, 6, 30), calendar=CAL)
    assert lights.light(date(2026, 3, 2), progress=D(0), **far) == lights.Light.GREEN
    assert lights.light(date(2026, 3, 2), progress=D(0), start=date(2026, 1, 5), **far) == lights.Light.NO_CALENDAR
    assert lights.light(date(2026, 3, 2), progress=D(60), start=date(2026, 1, 5), **far) == lights.Light.GREEN
    # a start in a year without a calendar: the pro-rata share cannot be worked out either
    assert lights.light(date(2026, 3, 2), due=date(2026, 12, 1), start=date(2003, 1, 1), progress=D(90),
                        calendar=CAL) == lights.Light.NO_CALENDAR


def test_light_behind_pro_rata():
    start, due = date(2025, 9, 1), date(2025, 12, 31)
    today = date(2025, 11, 3)  # 41 of 83 working days elapsed (National Day holidays not counted)
    assert lights.expected_progress(CAL, today, start, due).quantize(D("0.01")) == D("49.40")
    kw = dict(due=due, start=start, calendar=CAL)
    assert lights.light(today, progress=D(39), **kw) == lights.Light.YELLOW  # < 49.40 − 10
    assert lights.light(today, progress=D(40), **kw) == lights.Light.GREEN
    assert lights.light(today, progress=D(30), **kw) == lights.Light.YELLOW
    loose = lights.LightRules(behind_tolerance=D(40))
    assert lights.light(today, progress=D(30), rules=loose, **kw) == lights.Light.GREEN


# ---------------------------------------------------------------- periods and reminders
def test_periods():
    assert schedule.period_of(date(2026, 5, 3), "quarterly") == "2026Q2"
    assert schedule.period_of(date(2026, 5, 3), "monthly") == "2026-05"
    assert schedule.period_of(date(2026, 7, 1), "half_yearly") == "2026H2"
    assert schedule.period_end("2026Q2") == date(2026, 6, 30) and schedule.period_end("2026-02") == date(2026, 2, 28)
    assert schedule.valid_period("2026H1") and not schedule.valid_period("2026Q5") and not schedule.valid_period("x")


def test_reminders_owed():
    clock = schedule.TaskClock(1, date(2025, 10, 9), False, "quarterly")
    assert ("near_due", "2025-10-09") in schedule.reminders_for(clock, date(2025, 9, 30), CAL)
    assert schedule.reminders_for(clock, date(2025, 10, 10), CAL)[:1] == [("overdue", "2025-10-09")]
    late = schedule.reminders_for(clock, date(2025, 10, 20), CAL)
    assert ("escalated", "2025-10-09") in late
    # the quarter ends 2025-12-31: a report reminder near the end unless the period was reported
    assert ("report_due", "2025Q4") in schedule.reminders_for(schedule.TaskClock(2, None, False, "quarterly"),
                                                             date(2025, 12, 29), CAL)
    reported = schedule.TaskClock(2, None, False, "quarterly", frozenset({"2025Q4"}))
    # due in a year without a calendar: far away it owes nothing; near, it is refused, not guessed
    assert schedule.reminders_for(schedule.TaskClock(4, date(2028, 1, 5), False, "quarterly"), date(2026, 5, 6),
                                  CAL) == []
    with pytest.raises(workdays.CalendarMissing):
        schedule.reminders_for(schedule.TaskClock(4, date(2027, 1, 5), False, "quarterly"), date(2026, 12, 30), CAL)
    assert schedule.reminders_for(reported, date(2025, 12, 29), CAL) == []
    assert schedule.reminders_for(schedule.TaskClock(3, date(2025, 1, 1), True, "monthly"), date(2025, 12, 29), CAL) == []
