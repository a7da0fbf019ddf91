"""A release slip (核放单) from raw input: field rules, slip-type rules and binding rules (§3.1, §3.2).

Pure: the caller hands in what the database knows about the linked lists (`ListFacts`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from stdnum import iso6346
from stdnum.exceptions import ValidationError as StdnumError

from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.inputs import collect_decimal, collect_id

from bondzone.supervision.domain.trade_modes import Crossing, crossing

from .codes import LISTS_ALLOWED, LISTS_REQUIRED, SLIP_CROSSINGS, Binding, ElockStatus, GoodsClass, SlipType

# Province character, issuing-office letter, then 5 (fuel) or 6 (new energy) letters/digits without I and O;
# trailer plates end in 挂. Upper-cased before matching.
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_RE = re.compile(rf"^[{_PROVINCES}][A-Z][A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂]$")
IC_CARD_RE = re.compile(r"^[A-Z0-9]{4,32}$")
ELOCK_RE = re.compile(r"^[A-Z0-9]{1,32}$")
SEAL_RE = re.compile(r"^[A-Z0-9-]+$")  # a seal's number: letters, digits, hyphens (at most 32)
MAX_CONTAINERS = 10  # on one vehicle; a gate's reading of them as well
MAX_CONTAINER_READ = 20  # characters of one container number as the gate read it (OCR: not checked further)
MAX_WEIGHT_KG = Decimal("200000")  # no road vehicle weighs 200 t


def normal_plate(raw: object) -> str:
    return re.sub(r"[\s·.\-]", "", str(raw or "")).upper()


def plate_problem(raw: object, field_name: str = "plate") -> Problem | None:
    plate = normal_plate(raw)
    if not plate:
        return problem(field_name, "required")
    if not PLATE_RE.match(plate):
        return problem(field_name, "bad_plate", value=str(raw))
    return None


def seal_number(raw: object, problems: list[Problem]) -> str:
    """A seal's number (封志号), upper-cased; "" when none."""
    seal = str(raw or "").strip().upper()
    if len(seal) > 32:
        problems.append(problem("seal", "too_long", max=32))
    elif seal and not SEAL_RE.match(seal):
        problems.append(problem("seal", "bad_seal", value=seal))
    return seal


def elock_number(raw: object, field_name: str, problems: list[Problem]) -> str:
    """An electronic lock's number (电子关锁号): letters and digits, at most 32, upper-cased; "" when none."""
    number = str(raw or "").strip().upper()
    if number and not ELOCK_RE.match(number):
        problems.append(problem(field_name, "bad_elock", value=str(raw)[:40]))
    return number


def elock_reading(raw_number: object, raw_status: object, problems: list[Problem]) -> tuple[str, ElockStatus | None]:
    """What the gate read of an electronic lock: its number and status together, or neither."""
    number = elock_number(raw_number, "elock_no", problems)
    raw = str(raw_status or "").strip().lower()
    status = None
    if raw:
        try:
            status = ElockStatus(raw)
        except ValueError:
            problems.append(problem("elock_status", "bad_choice", value=str(raw_status)[:20],
                                    choices=", ".join(s.value for s in ElockStatus)))
    if number and not raw:
        problems.append(problem("elock_status", "required"))
    elif raw and not number:
        problems.append(problem("elock_no", "required"))
    return number, status


@dataclass(frozen=True)
class LineFacts:
    line_id: int
    seq: int
    quantity: Decimal
    on_live_slips: Decimal  # already put on slips not cancelled (passportUsedQty)
    goods_status: str
    # the refusal the list's solid-waste hold keeps for this line (VerificationList.solid_waste_held), or None
    solid_waste_hold: dict | None = None


@dataclass(frozen=True)
class ListFacts:
    list_id: int
    number: str
    zone_id: int
    enterprise_id: int
    book_id: int
    direction: str
    trade_mode: str
    list_type: str
    approved: bool
    on_whole_slip: bool  # bound to a live 一车一票 / 一车多票 slip
    lines: tuple[LineFacts, ...]

    @property
    def crossing(self) -> Crossing:
        return crossing(self.trade_mode, self.list_type, self.direction)


def crossing_problem(slip_type: SlipType, facts: ListFacts, field_name: str) -> Problem | None:
    """A list goes only on a slip of a type made for the fence its goods cross (SLIP_CROSSINGS)."""
    if facts.crossing in SLIP_CROSSINGS.get(slip_type, frozenset()):
        return None
    about = {"list": facts.number, "mode": facts.trade_mode, "rule": f"list_crossing_{facts.crossing.value}"}
    fitting = [t.value for t, crossings in SLIP_CROSSINGS.items() if facts.crossing in crossings]
    if not fitting:
        return problem(field_name, "list_needs_no_slip", **about)
    return problem(field_name, "list_crossing_not_for_slip_type", type=slip_type.value,
                   allowed=", ".join(fitting), **about)


@dataclass(frozen=True)
class SlipLineDraft:
    list_id: int
    line_id: int
    quantity: Decimal


@dataclass(frozen=True)
class SlipDraft:
    slip_type: SlipType
    binding: Binding
    direction: str
    plate: str
    ic_card: str
    vehicle_wt: Decimal
    frame_wt: Decimal
    container_wt: Decimal
    total_gross_wt: Decimal
    containers: tuple[str, ...]
    seal: str
    bill_of_lading: str
    goods_class: GoodsClass
    list_ids: tuple[int, ...]
    lines: tuple[SlipLineDraft, ...] = field(default=())
    elock_no: str = ""  # the electronic lock customs applied at the port (一线 inbound transit)

    @property
    def expected_total_wt(self) -> Decimal:
        """totalWt: what the weighbridge should read (§3.1)."""
        return self.vehicle_wt + self.frame_wt + self.container_wt + self.total_gross_wt


def _choice(raw, enum, name: str, problems: list[Problem]):
    try:
        return enum(str(raw or "").strip())
    except ValueError:
        problems.append(problem(name, "bad_choice", value=str(raw or ""), choices=", ".join(e.value for e in enum)))
        return None


def _weight(raw, name: str, problems: list[Problem], *, required: bool, positive: bool) -> Decimal:
    value = collect_decimal(raw, name, problems, required=required)
    if value is None:
        return Decimal(0)
    if value < 0 or (positive and value == 0):
        problems.append(problem(name, "weight_not_positive" if positive else "amount_negative", value=value))
    elif value > MAX_WEIGHT_KG:
        problems.append(problem(name, "weight_too_large", value=value, max=MAX_WEIGHT_KG))
    elif value != value.quantize(Decimal("0.001")):
        problems.append(problem(name, "too_many_decimals", value=value, scale=3))
    return value


def _containers(raw, problems: list[Problem]) -> tuple[str, ...]:
    if raw in (None, ""):
        return ()
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for i, one in enumerate(items, start=1):
        number = re.sub(r"\s", "", str(one)).upper()
        if not number:
            continue
        try:
            out.append(iso6346.validate(number))
        except StdnumError:
            problems.append(problem(f"containers[{i}]", "bad_container", value=str(one)))
    if len(set(out)) != len(out):
        problems.append(problem("containers", "duplicate_value", value=", ".join(out)))
    elif len(out) > MAX_CONTAINERS:
        problems.append(problem("containers", "too_many_containers", max=MAX_CONTAINERS, count=len(out)))
    return tuple(out)


def validate_slip(data: dict, *, zone_id: int, enterprise_id: int, lists: dict[int, ListFacts]) -> tuple[SlipDraft | None, list[Problem]]:
    """Check a slip application. `lists`: facts of the lists the input names (missing ids: not found)."""
    problems: list[Problem] = []
    slip_type = _choice(data.get("slip_type"), SlipType, "slip_type", problems)
    binding = _choice(data.get("binding") or Binding.ONE_VEHICLE_ONE_LIST.value, Binding, "binding", problems)
    direction = str(data.get("direction") or "").strip().upper()
    if direction not in ("I", "E"):
        problems.append(problem("direction", "bad_choice", value=direction, choices="I, E"))
    plate_issue = plate_problem(data.get("plate"))
    if plate_issue:
        problems.append(plate_issue)
    ic_card = str(data.get("ic_card") or "").strip().upper()
    if ic_card and not IC_CARD_RE.match(ic_card):
        problems.append(problem("ic_card", "bad_ic_card", value=ic_card))
    empty = slip_type is SlipType.EMPTY
    vehicle_wt = _weight(data.get("vehicle_wt"), "vehicle_wt", problems, required=True, positive=True)
    frame_wt = _weight(data.get("frame_wt"), "frame_wt", problems, required=False, positive=False)
    container_wt = _weight(data.get("container_wt"), "container_wt", problems, required=False, positive=False)
    gross = _weight(data.get("total_gross_wt"), "total_gross_wt", problems, required=not empty, positive=not empty)
    if empty and gross:
        problems.append(problem("total_gross_wt", "empty_vehicle_has_goods", value=gross))
    containers = _containers(data.get("containers"), problems)
    if containers and not container_wt:
        problems.append(problem("container_wt", "required"))
    seal = seal_number(data.get("seal"), problems)
    elock_no = elock_number(data.get("elock_no"), "elock_no", problems)
    bill = str(data.get("bill_of_lading") or "").strip()
    if slip_type is SlipType.ENTER_FIRST and not bill:
        problems.append(problem("bill_of_lading", "required"))
    if len(bill) > 64:
        problems.append(problem("bill_of_lading", "too_long", max=64))

    list_ids = _ids(data.get("lists"), problems)
    chosen: list[ListFacts] = []
    if slip_type is not None:
        if slip_type in LISTS_REQUIRED and not list_ids:
            problems.append(problem("lists", "slip_needs_lists", type=slip_type.value))
        if slip_type not in LISTS_ALLOWED and list_ids:
            problems.append(problem("lists", "slip_takes_no_lists", type=slip_type.value))
    for n, list_id in enumerate(list_ids, start=1):
        facts = lists.get(list_id)
        if facts is None or facts.enterprise_id != enterprise_id:
            problems.append(problem(f"lists[{n}]", "not_found", model="verification list", id=str(list_id)))
        elif facts.zone_id != zone_id:
            problems.append(problem(f"lists[{n}]", "list_other_zone", list=facts.number))
        elif not facts.approved:
            problems.append(problem(f"lists[{n}]", "list_not_approved", list=facts.number))
        elif direction in ("I", "E") and facts.direction != direction:
            problems.append(problem(f"lists[{n}]", "list_direction_differs", list=facts.number, direction=facts.direction))
        elif slip_type in LISTS_ALLOWED and (misfit := crossing_problem(slip_type, facts, f"lists[{n}]")):
            problems.append(misfit)
        else:
            chosen.append(facts)
    lines: tuple[SlipLineDraft, ...] = ()
    if not list_ids and data.get("lines"):  # shares of no list: refused, not dropped
        problems.append(problem("lines", "lines_without_list"))
    if binding is not None and list_ids and len(chosen) == len(list_ids):
        lines = _bind(binding, chosen, data.get("lines"), problems)
    if problems:
        return None, problems
    goods_class = _goods_class(slip_type, chosen, data.get("goods_class"), problems)
    if problems:
        return None, problems
    return SlipDraft(
        slip_type=slip_type, binding=binding, direction=direction, plate=normal_plate(data.get("plate")),
        ic_card=ic_card, vehicle_wt=vehicle_wt, frame_wt=frame_wt, container_wt=container_wt,
        total_gross_wt=gross, containers=containers, seal=seal, bill_of_lading=bill, goods_class=goods_class,
        list_ids=tuple(list_ids), lines=lines, elock_no=elock_no,
    ), []


def _ids(raw, problems: list[Problem]) -> list[int]:
    if raw in (None, ""):
        return []
    out: list[int] = []
    for n, one in enumerate(raw if isinstance(raw, (list, tuple)) else str(raw).split(","), start=1):
        # ASCII digits within the ids' range: "１２３" is not a list id, and 23 digits are none either
        value = collect_id(one, f"lists[{n}]", problems)
        if value is None:
            continue
        if value in out:
            problems.append(problem(f"lists[{n}]", "duplicate_value", value=value))
        else:
            out.append(value)
    return out


def _bind(binding: Binding, chosen: list[ListFacts], raw_lines, problems: list[Problem]) -> tuple[SlipLineDraft, ...]:
    """Binding rules (§3.2): whole lists for 一车一票 / 一车多票, quantities per line for 一票多车; no N:M."""
    if binding is Binding.ONE_VEHICLE_ONE_LIST and len(chosen) != 1:
        problems.append(problem("lists", "binding_one_list", count=len(chosen)))
        return ()
    if binding is Binding.ONE_VEHICLE_MANY_LISTS and len(chosen) < 2:
        problems.append(problem("lists", "binding_many_lists", count=len(chosen)))
        return ()
    if binding is Binding.ONE_LIST_MANY_VEHICLES:
        if len(chosen) != 1:
            problems.append(problem("lists", "binding_one_list", count=len(chosen)))
            return ()
        return _split_lines(chosen[0], raw_lines, problems)
    if raw_lines:
        problems.append(problem("lines", "binding_whole_lists"))
    out: list[SlipLineDraft] = []
    for n, facts in enumerate(chosen, start=1):
        if facts.on_whole_slip or any(ln.on_live_slips for ln in facts.lines):
            problems.append(problem("lists", "list_already_on_slip", list=facts.number))
            continue
        held = [held_line_problem(f"lists[{n}]", ln.solid_waste_hold) for ln in facts.lines if ln.solid_waste_hold]
        if held:
            problems.extend(held)
            continue
        out.extend(SlipLineDraft(facts.list_id, ln.line_id, ln.quantity) for ln in facts.lines)
    return tuple(out)


def held_line_problem(field_name: str, hold: dict) -> Problem:
    """A list line held for solid waste (an item customs marked after the list's approval; `hold`: the line's
    entry of VerificationList.solid_waste_held) goes on no slip: the gate would refuse it with the same problem."""
    return problem(field_name, "trade_mode_solid_waste", **hold)


def _split_lines(facts: ListFacts, raw_lines, problems: list[Problem]) -> tuple[SlipLineDraft, ...]:
    if facts.on_whole_slip:
        problems.append(problem("lists", "list_already_on_slip", list=facts.number))
        return ()
    if not raw_lines:
        problems.append(problem("lines", "slip_needs_lines"))
        return ()
    by_seq = {ln.seq: ln for ln in facts.lines}
    out: list[SlipLineDraft] = []
    seen: set[int] = set()
    for n, raw in enumerate(raw_lines, start=1):
        name = f"lines[{n}]"
        seq_problems: list[Problem] = []
        seq = collect_decimal((raw or {}).get("seq"), f"{name}.seq", seq_problems, required=True)
        qty = collect_decimal((raw or {}).get("quantity"), f"{name}.quantity", seq_problems, required=True)
        if seq_problems:
            problems.extend(seq_problems)
            continue
        line = by_seq.get(int(seq)) if seq == seq.to_integral_value() else None
        if line is None:
            problems.append(problem(f"{name}.seq", "unknown_list_line", list=facts.number, value=seq))
            continue
        if line.seq in seen:
            problems.append(problem(f"{name}.seq", "duplicate_value", value=line.seq))
            continue
        seen.add(line.seq)
        remaining = line.quantity - line.on_live_slips
        if line.solid_waste_hold:
            problems.append(held_line_problem(f"{name}.seq", line.solid_waste_hold))
        elif qty <= 0:
            problems.append(problem(f"{name}.quantity", "quantity_not_positive", value=qty))
        elif qty > remaining:
            problems.append(problem(f"{name}.quantity", "slip_exceeds_list", line=line.seq, value=qty,
                                    remaining=remaining, list=facts.number))
        else:
            out.append(SlipLineDraft(facts.list_id, line.line_id, qty))
    return tuple(out)


def _goods_class(slip_type: SlipType, chosen: list[ListFacts], raw, problems: list[Problem]) -> GoodsClass:
    if slip_type is SlipType.EMPTY:
        return GoodsClass.EMPTY
    statuses = {ln.goods_status for facts in chosen for ln in facts.lines}
    if statuses:
        # The strictest class present governs the vehicle: one bonded line makes it a bonded load.
        for cls in (GoodsClass.BONDED, GoodsClass.NON_BONDED, GoodsClass.DUTY_PAID):
            if cls.value in statuses:
                return cls
    if raw in (None, ""):
        return GoodsClass.BONDED if slip_type in (SlipType.ENTER_FIRST, *LISTS_REQUIRED) else GoodsClass.NON_BONDED
    try:
        cls = GoodsClass(str(raw))
    except ValueError:
        cls = None
    if cls is None or cls is GoodsClass.EMPTY:
        problems.append(problem("goods_class", "bad_choice", value=str(raw), choices="bonded, non_bonded, duty_paid"))
        return GoodsClass.BONDED
    return cls
