"""Reads of the gate. Every actor-facing query starts from scoping.restrict(); the few system reads
(capacity of lists, settings, first-time goods) serve the services' rules and say so."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from bondzone.core import rawrows
from bondzone.core.actor import Actor
from bondzone.core.domain.quantity import from_units
from bondzone.core.models import Zone
from bondzone.core.scoping import get_scoped, restrict

from .domain.codes import Binding, InspectionState, SlipStatus
from .domain.decision import GateRules
from .domain.inspection import RiskRules, parse_set
from .models import DoorPassage, Gate, GateSettings, Inspection, Passage, Slip, SlipLine
from .scopes import settings_zones


def live_slips_q(prefix: str = "") -> Q:
    """Slips that hold their quantities: passed, or applied/approved and not expired."""
    p = prefix
    return Q(**{f"{p}status__in": [SlipStatus.PASSED.value, SlipStatus.PASSED_FIRST.value]}) | (
        Q(**{f"{p}status__in": [SlipStatus.APPLIED.value, SlipStatus.APPROVED.value]})
        & (Q(**{f"{p}valid_until__isnull": True}) | Q(**{f"{p}valid_until__gt": timezone.now()}))
    )


# ---------------------------------------------------------------- system reads for the rules
def quantities_on_live_slips(list_ids: list[int]) -> dict[int, Decimal]:
    """list line id → quantity already on live slips (金关二期 passportUsedQty)."""
    rows = (SlipLine.objects.filter(live_slips_q("slip__"), vlist_id__in=list_ids)
            .values("list_line_id").annotate(total=Sum("quantity")))
    return {r["list_line_id"]: r["total"] for r in rows}


def lists_on_whole_slips(list_ids: list[int]) -> set[int]:
    whole = [Binding.ONE_VEHICLE_ONE_LIST.value, Binding.ONE_VEHICLE_MANY_LISTS.value]
    return set(Slip.objects.filter(live_slips_q(), binding__in=whole, links__vlist_id__in=list_ids)
               .values_list("links__vlist_id", flat=True))


def hs_codes_passed(enterprise_id: int, *, exclude_slip: int | None = None) -> frozenset[str]:
    """HS codes of goods this enterprise has already moved through a gate (for first-time goods)."""
    qs = SlipLine.objects.filter(slip__enterprise_id=enterprise_id, slip__status=SlipStatus.PASSED.value)
    if exclude_slip:
        qs = qs.exclude(slip_id=exclude_slip)
    return frozenset(qs.values_list("list_line__hs_code", flat=True).distinct())


def settings_of(zone_id: int) -> GateSettings:
    """The zone's settings row, or the defaults (unsaved) when customs has not set any."""
    return GateSettings.objects.filter(zone_id=zone_id).first() or GateSettings(zone_id=zone_id)


def gate_rules(s: GateSettings) -> GateRules:
    return GateRules(
        weight_tolerance_pct=s.weight_tolerance_pct, weight_tolerance_kg=s.weight_tolerance_kg,
        empty_tolerance_kg=s.empty_tolerance_kg, weigh_non_bonded=s.weigh_non_bonded,
        check_seal_non_bonded=s.check_seal_non_bonded, double_gate=s.double_gate, check_elock=s.check_elock,
    )


def risk_rules(s: GateSettings) -> RiskRules:
    return RiskRules(
        random_rate_pct=s.random_rate_pct, credit_classes=parse_set(s.risk_credit_classes),
        trade_modes=parse_set(s.risk_trade_modes, 4), hs_chapters=parse_set(s.risk_hs_chapters, 2),
        first_time_goods=s.inspect_first_time_goods,
    )


# ---------------------------------------------------------------- scoped reads
def slips(actor: Actor, *, status: str = "", direction: str = "", q: str = "", inspection: str = "") -> QuerySet[Slip]:
    qs = restrict(Slip, actor).select_related("enterprise")
    if status:
        qs = qs.filter(status=status)
    if direction:
        qs = qs.filter(direction=direction)
    if inspection:
        qs = qs.filter(inspection=inspection)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(plate__icontains=q.upper()))
    return qs


def slip(actor: Actor, slip_id: int) -> Slip:
    return get_scoped(Slip.objects.select_related("enterprise", "zone", "created_by", "approved_by"), actor, slip_id)


def slip_lines(s: Slip) -> QuerySet[SlipLine]:
    return s.lines.select_related("vlist", "list_line__item").order_by("vlist_id", "seq")


def slip_lists(s: Slip):
    return [link.vlist for link in s.links.select_related("vlist").order_by("vlist_id")]


def passages(actor: Actor, *, outcome: str = "", gate_id: int | None = None, plate: str = "") -> QuerySet[Passage]:
    qs = restrict(Passage, actor).select_related("gate", "slip")
    if outcome:
        qs = qs.filter(outcome=outcome)
    if gate_id:
        qs = qs.filter(gate_id=gate_id)
    if plate:
        qs = qs.filter(plate__icontains=plate.upper())
    return qs


def inspections(actor: Actor, *, open_only: bool = False) -> QuerySet[Inspection]:
    qs = restrict(Inspection, actor).select_related("slip", "enterprise")
    if open_only:
        qs = qs.filter(slip__inspection=InspectionState.PENDING.value)
    return qs


def gates(actor: Actor) -> QuerySet[Gate]:
    return restrict(Gate, actor).select_related("zone", "user")


def gate_of(actor: Actor) -> Gate | None:
    """The active gate whose user is acting (the gate hardware's own user)."""
    return Gate.objects.select_related("zone__gate_settings").filter(user_id=actor.user_id, active=True).first()


def gate_and_first_answer(actor: Actor, event_id: str) -> tuple[Gate | None, GateSettings | None, dict | None]:
    """`gate_of`, its zone's settings (or their defaults when customs has not set any) and, in the same
    statement, the answer already given to this event id at that gate (with its passage), or None.
    Hand-written SQL (rawrows): compiling the equivalent queryset cost more than the query."""
    with connection.cursor() as cur:
        cur.execute(_gate_sql(connection.vendor), [event_id, actor.user_id])
        row = cur.fetchone()
    return _gate_row(row)


def gate_answer_and_plate_slips(actor: Actor, event_id: str, plate: str, limit: int) -> tuple[
        Gate | None, GateSettings | None, dict | None, list[tuple[Slip, list[tuple[int, int, Decimal]]]]]:
    """Inside the caller's transaction: `gate_and_first_answer` and, when the event is new, the plate's
    slips locked with their lines (`lock_plate_slips`) — one statement on PostgreSQL (the slips a LATERAL
    subquery that locks them), two on SQLite."""
    if connection.vendor != "postgresql":
        gate, settings, first = gate_and_first_answer(actor, event_id)
        if gate is None or first is not None:
            return gate, settings, first, []
        return gate, settings, None, lock_plate_slips(gate.zone_id, plate, limit)
    with rawrows.prepared_cursor() as cur:
        cur.execute(_gate_and_slips_sql(connection.vendor), [event_id, plate, limit, actor.user_id])
        rows = cur.fetchall()
    n = len(Gate._meta.concrete_fields) + len(GateSettings._meta.concrete_fields) + 2
    gate, settings, first = _gate_row(rows[0][:n] if rows else None)
    return gate, settings, first, [_slip_row(r[n:]) for r in rows if r[n] is not None]


def _gate_row(row) -> tuple[Gate | None, GateSettings | None, dict | None]:
    if row is None:
        return None, None, None
    n, m = len(Gate._meta.concrete_fields), len(GateSettings._meta.concrete_fields)
    gate = rawrows.instance(Gate, row[:n])
    settings = rawrows.instance(GateSettings, row[n:n + m]) if row[n] is not None else GateSettings(zone_id=gate.zone_id)
    passage_id, answer = row[n + m:]
    if passage_id is None:
        return gate, settings, None
    return gate, settings, answer_of(passage_id, rawrows.convert(_answer_converters(connection.vendor), [answer])[0])


@lru_cache(maxsize=4)
def _gate_and_slips_sql(vendor: str) -> str:
    return (f"SELECT {rawrows.columns(Gate, 'g')}, {rawrows.columns(GateSettings, 's')}, p.id, p.answer, "
            f"{rawrows.columns(Slip, 'x')}, x.lines "
            "FROM gate_gate g LEFT JOIN gate_gatesettings s ON s.zone_id = g.zone_id "
            "LEFT JOIN gate_passage p ON p.gate_id = g.id AND p.event_id = %s "
            f"LEFT JOIN LATERAL ({_plate_slips_sql(vendor, 'g.zone_id', 'p.id IS NULL')}) x ON true "
            "WHERE g.user_id = %s AND g.active ORDER BY g.id, x.id DESC")


@lru_cache(maxsize=4)
def _gate_sql(vendor: str) -> str:
    return (f"SELECT {rawrows.columns(Gate, 'g')}, {rawrows.columns(GateSettings, 's')}, p.id, p.answer "
            "FROM gate_gate g LEFT JOIN gate_gatesettings s ON s.zone_id = g.zone_id "
            "LEFT JOIN gate_passage p ON p.gate_id = g.id AND p.event_id = %s "
            "WHERE g.user_id = %s AND g.active ORDER BY g.id LIMIT 1")


@lru_cache(maxsize=4)
def _answer_converters(vendor: str) -> list:
    return rawrows.converters([Passage._meta.get_field("answer")])


def lock_plate_slips(zone_id: int, plate: str, limit: int) -> list[tuple[Slip, list[tuple[int, int, Decimal]]]]:
    """The plate's latest `limit` slips in the zone, newest first, locked (FOR UPDATE on PostgreSQL;
    SQLite's IMMEDIATE transaction holds the write lock), each with its lines (list, line, quantity), in
    one statement."""
    with connection.cursor() as cur:
        cur.execute(_plate_slips_sql(connection.vendor, "%s", "true"), [plate, zone_id, limit])
        return [_slip_row(row) for row in cur.fetchall()]


def _slip_row(row) -> tuple[Slip, list[tuple[int, int, Decimal]]]:
    lines = row[-1]
    if isinstance(lines, str):  # JSON as text (SQLite)
        lines = json.loads(lines)
    # quantities as QuantityField stores them (integer units)
    return rawrows.instance(Slip, row[:-1]), [(int(v), int(seq), from_units(int(q))) for v, seq, q in lines or ()]


@lru_cache(maxsize=8)
def _plate_slips_sql(vendor: str, zone: str, condition: str) -> str:
    if vendor == "postgresql":
        lines, lock = "json_agg(json_build_array(l.vlist_id, l.seq, l.quantity))", " FOR UPDATE OF x"
    else:
        lines, lock = "json_group_array(json_array(l.vlist_id, l.seq, l.quantity))", ""
    return (f"SELECT {rawrows.columns(Slip, 'x')}, "
            f"(SELECT {lines} FROM gate_slipline l WHERE l.slip_id = x.id) AS lines "
            f"FROM gate_slip x WHERE x.plate = %s AND {condition} AND x.zone_id = {zone} "
            "ORDER BY x.id DESC LIMIT %s" + lock)


def answer_of(passage_id: int, stored: dict) -> dict:
    """A passage's answer as the gate receives it. The row is written once, with its answer, before its id
    is known, so the id is added here."""
    return {**stored, "passage": passage_id}


def queue(actor: Actor, *, limit: int = 30) -> dict:
    """The officer's screen: the latest gate events and the vehicles waiting for inspection."""
    return {
        "passages": list(passages(actor).select_related("gate", "slip", "enterprise")[:limit]),
        "waiting": list(inspections(actor, open_only=True).order_by("selected_at")[:limit]),
    }


def zone_settings(actor: Actor, zone_id: int) -> GateSettings:
    """A zone's settings as the actor may see them (its defaults until customs sets them): the settings' scoping
    rule decides, on the zone as well for a zone without a settings row yet (another zone's are 404)."""
    actor.require("gate.view_settings")
    zone = get_scoped(settings_zones("pk")(Zone.objects.all(), actor, "view"), actor, zone_id)
    return restrict(GateSettings, actor).filter(zone_id=zone.pk).first() or GateSettings(zone_id=zone.pk)


def door_passages(actor: Actor, *, book_id: int | None = None, door: str = "") -> QuerySet[DoorPassage]:
    """库门 passages the actor may see, newest first."""
    qs = restrict(DoorPassage, actor).select_related("book", "enterprise")
    if book_id:
        qs = qs.filter(book_id=book_id)
    if door:
        qs = qs.filter(door=door.strip().upper())
    return qs


# ---------------------------------------------------------------- read by other apps (duties' regimes)
def slips_of_lists(list_ids: list[int]) -> list[dict]:
    """The release slips (核放单) that carry any of these verification lists, oldest first: id, number,
    direction, status (and its name), passed_at and the list ids. A system read for an app that has already scoped the
    lists (a regime's out and back lists)."""
    if not list_ids:
        return []
    out: dict[int, dict] = {}
    for row in (Slip.objects.filter(links__vlist_id__in=list_ids)
                .values("pk", "number", "direction", "status", "passed_at", "links__vlist_id").order_by("pk")):
        from .models import SLIP_STATUS_LABELS

        slip = out.setdefault(row["pk"], {"id": row["pk"], "number": row["number"], "direction": row["direction"],
                                          "status": row["status"], "passed_at": row["passed_at"], "lists": [],
                                          "status_name": str(SLIP_STATUS_LABELS.get(row["status"], row["status"]))})
        slip["lists"].append(row["links__vlist_id"])
    return list(out.values())


def passed_quantities(list_ids: list[int], direction: str) -> tuple[dict[int, Decimal], object]:
    """Book item id → quantity that crossed the gate in `direction` on passed slips of these lists, and the
    latest passage time (None if nothing passed). A system read, as slips_of_lists."""
    from django.db.models import Max

    qs = SlipLine.objects.filter(vlist_id__in=list_ids, slip__direction=direction, slip__status=SlipStatus.PASSED.value)
    sums = {r["list_line__item_id"]: r["total"]
            for r in qs.values("list_line__item_id").annotate(total=Sum("quantity"))}
    return sums, qs.aggregate(at=Max("slip__passed_at"))["at"]
