"""Account books and their items (customs registers them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Subquery

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain import inputs
from bondzone.core.domain.errors import DomainError, NotFound, problem
from bondzone.core.domain.inputs import VALIDITY
from bondzone.core.domain.quantity import parse_decimal
from bondzone.core.models import Enterprise
from bondzone.core.scoping import get_scoped

from .. import hooks
from ..domain import trade_modes
from ..domain.codes import BOOK_NUMBER, BOOK_NUMBER_EXAMPLE, BookKind, ItemKind, ListStatus, PostingState, ProcessingKind
from ..domain.validation import ITEM_NO_RANGE, BookInfo, ItemInfo, validate_item
from ..models import AccountBook, BookItem, Reservation, StockEntry, VerificationList, VerificationListLine


def book_info(book: AccountBook) -> BookInfo:
    return BookInfo(book.number, book.kind, book.valid_from, book.valid_until, book.active, book.processing_kind,
                    book.get_absolute_url())


def item_info(item_no: int, kind: str, declared: str, legal: str, legal_factor, second: str, second_factor,
              leftover: str = "", solid_waste: bool = False) -> ItemInfo:
    """What validation needs of a book item: its units (declared first) and factors (per declared unit)."""
    return ItemInfo(item_no, kind, tuple(dict.fromkeys(u for u in (declared, legal, second) if u)),
                    legal if legal != declared else "", legal_factor if legal != declared else Decimal(1), second,
                    second_factor, leftover, solid_waste)


class DeclaredItem(NamedTuple):
    """A book item as a list line declares it (the line keeps these, models.VerificationListLine)."""

    id: int
    part_no: str
    hs_code: str
    name_zh: str
    name_en: str
    spec: str
    legal_unit: str
    second_unit: str


DECLARED_FIELDS = DeclaredItem._fields[1:]


def items_of(book: AccountBook, *, lock: Iterable[int] = ()) -> tuple[dict[int, ItemInfo], dict[int, DeclaredItem]]:
    """The book's items as validation takes them, and as a line declares them (id and description) by item number.
    `lock`: the item numbers a list about to be written names — their rows are first locked FOR SHARE until the
    transaction ends (share_items)."""
    if lock:
        share_items(book.pk, lock)
    infos: dict[int, ItemInfo] = {}
    declared: dict[int, DeclaredItem] = {}
    for pk, *fields in BookItem.objects.filter(book=book).values_list(
        "pk", "item_no", "kind", "declared_unit", "legal_unit", "legal_factor", "second_unit", "second_factor",
        "leftover", "solid_waste", *DECLARED_FIELDS[:5],
    ):
        infos[fields[0]] = item_info(*fields[:9])
        declared[fields[0]] = DeclaredItem(pk, *fields[9:], fields[3], fields[5])
    return infos, declared


def share_items(book_id: int, item_nos: Iterable[int]) -> None:
    """Lock the named items of a book FOR SHARE until the transaction ends, before they are read to write a list
    line of them. change_item locks its item FOR UPDATE before it counts what names the item, so the two take
    turns: a unit change waits for the list's transaction and then counts its lines, and a list waits for the
    change and is validated against the item as changed. Shared: lists naming the same item do not wait for each
    other. PostgreSQL only; SQLite's write transactions (BEGIN IMMEDIATE, settings.py) already run one at a time."""
    nos = sorted({int(n) for n in item_nos})
    if not nos or connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute(f"SELECT id FROM {BookItem._meta.db_table} WHERE book_id = %s AND item_no = ANY(%s) "
                    "ORDER BY id FOR SHARE", [book_id, nos])


def named_items(data: Mapping) -> set[int]:
    """The item numbers the lines of a list's raw data name (what validation will read as one; the rest it
    refuses)."""
    lines = data.get("lines") if isinstance(data, Mapping) else None
    nos = {inputs.parse_int(line.get("item_no")) for line in lines if isinstance(line, Mapping)} \
        if isinstance(lines, list) else set()
    return {n for n in nos if n is not None and ITEM_NO_RANGE[0] <= n <= ITEM_NO_RANGE[1]}


def _processing_kind_problems(kind: str, processing_kind: str) -> list:
    """进料 / 来料加工 is recorded for processing (H) books only, as one of the two kinds."""
    if processing_kind not in [k.value for k in ProcessingKind]:
        return [problem("processing_kind", "bad_choice", value=processing_kind,
                        choices=", ".join(k.value for k in ProcessingKind if k.value))]
    if processing_kind and kind != BookKind.PROCESSING:
        return [problem("processing_kind", "processing_kind_needs_h_book")]
    return []


def create_book(
    *, actor: Actor, enterprise_id: int, number: str, kind: str, valid_from: date, valid_until: date,
    processing_kind: str = "",
) -> AccountBook:
    actor.require("supervision.add_book")
    problems = []
    number = (number or "").strip()
    bad_number = inputs.code_problem(number, "number", BOOK_NUMBER, BOOK_NUMBER_EXAMPLE)
    if bad_number:
        problems.append(bad_number)
    elif AccountBook.objects.filter(number=number).exists():
        problems.append(problem("number", "duplicate_value", value=number))
    if kind not in [k.value for k in BookKind]:
        problems.append(problem("kind", "bad_choice", value=kind, choices="T, H"))
    elif not bad_number and number[0] != kind:
        problems.append(problem("number", "book_number_prefix", value=number, kind=kind))
    problems += [p for p in (inputs.date_problem(valid_from, "valid_from", VALIDITY),
                             inputs.date_problem(valid_until, "valid_until", VALIDITY)) if p]
    if valid_until < valid_from:
        problems.append(problem("valid_until", "end_before_start", start=valid_from, end=valid_until))
    processing_kind = (processing_kind or "").strip()
    problems += _processing_kind_problems(kind, processing_kind)
    try:
        enterprise = get_scoped(Enterprise, actor, enterprise_id)
    except DomainError:
        enterprise = None
        problems.append(problem("enterprise_id", "not_found", model="enterprise", id=str(enterprise_id)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        book = AccountBook.objects.create(
            number=number, kind=kind, enterprise=enterprise, zone_id=enterprise.zone_id,
            valid_from=valid_from, valid_until=valid_until, processing_kind=processing_kind,
        )
        audit.record(actor, "book.create", book, after={"number": number, "kind": kind, "processing_kind": processing_kind,
                                                          "valid_from": str(valid_from), "valid_until": str(valid_until)})
    return book


def set_processing_kind(*, actor: Actor, book_id: int, processing_kind: str) -> AccountBook:
    """Customs records (or corrects) whether an H book is 进料 or 来料加工; it cannot be unrecorded again."""
    actor.require("supervision.add_book")
    book = get_scoped(AccountBook, actor, book_id)
    processing_kind = str(processing_kind or "").strip()
    problems = _processing_kind_problems(book.kind, processing_kind)
    if not processing_kind:
        problems.append(problem("processing_kind", "required"))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        locked = AccountBook.objects.select_for_update().get(pk=book.pk)
        before = locked.processing_kind
        if before != processing_kind:
            locked.processing_kind = processing_kind
            locked.save(update_fields=["processing_kind"])
            audit.record(actor, "book.processing_kind", locked, before={"processing_kind": before},
                         after={"processing_kind": processing_kind})
    return locked


def _leftover_problems(book: AccountBook, clean: dict) -> list:
    """Leftovers are recorded in processing books only; defective goods name an ordinary finished item of it."""
    if book.kind != BookKind.PROCESSING:
        return [problem("leftover", "leftover_needs_processing_book", book=book.number)]
    if clean["leftover_of"] is None:
        return []
    if not BookItem.objects.filter(book=book, item_no=clean["leftover_of"], kind=ItemKind.FINISHED,
                                   leftover="").exclude(item_no=clean["item_no"]).exists():
        return [problem("leftover_of", "leftover_of_not_finished", item=clean["leftover_of"], book=book.number)]
    return []


def _solid_waste_problems(book: AccountBook, clean: dict) -> list:
    """固体废物 is recorded on the items of a processing (H) book (its scrap, by-products, defective or ordinary
    goods): the lists of an item so marked never take it into China (domain.trade_modes.INLAND_MODES)."""
    if clean["solid_waste"] and book.kind != BookKind.PROCESSING:
        return [problem("solid_waste", "solid_waste_needs_processing_book", book=book.number)]
    return []


def add_item(*, actor: Actor, book_id: int, data: dict) -> BookItem:
    actor.require("supervision.add_item")
    book = get_scoped(AccountBook, actor, book_id)
    clean, problems = validate_item(data)
    if clean and BookItem.objects.filter(book=book, item_no=clean["item_no"]).exists():
        problems.append(problem("item_no", "duplicate_item_no", value=clean["item_no"]))
    if clean and clean["leftover"]:
        problems += _leftover_problems(book, clean)
    if clean:
        problems += _solid_waste_problems(book, clean)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        item = BookItem.objects.create(book=book, **{k: v for k, v in clean.items() if v is not None})
        audit.record(actor, "book_item.create", item, enterprise_id=book.enterprise_id, zone_id=book.zone_id,
                     after={k: str(v) for k, v in clean.items()})
    return item


# 备案变更: what describes the goods may change at any time; the item number never. The stock of an item is kept
# in its declared unit and every list line stores its quantity in that unit, converted through the factors, as
# material or finished goods: these only change while nothing has been recorded of the item (docs/ledger.md).
CHANGEABLE_ITEM_FIELDS = ("part_no", "hs_code", "name_zh", "name_en", "spec", "kind", "declared_unit", "legal_unit",
                          "legal_factor", "second_unit", "second_factor", "currency", "unit_price", "origin_country",
                          "leftover", "leftover_of", "solid_waste")
# an explicit null clears these (to "" or no value); on the others it is refused, never read as the default
NULL_CLEARS_ITEM_FIELDS = frozenset({"part_no", "name_en", "spec", "second_unit", "second_factor", "origin_country",
                                     "leftover_of"})
FIXED_ONCE_USED = ("kind", "declared_unit", "legal_unit", "legal_factor", "second_unit", "second_factor")


def _item_use(item: BookItem) -> dict[str, int]:
    """What has been recorded of the item: movements (stock entries), reservations (预核扣) and list lines, and
    what the apps on top of the book count through supervision.hooks: the processing app's BOM rows (as the
    finished item or a material; `boms` stays 0 with no app counting them)."""
    return {"movements": StockEntry.objects.filter(account__item=item).count(),
            "reservations": Reservation.objects.filter(account__item=item).count(),
            "lines": VerificationListLine.objects.filter(item=item).count(),
            "boms": 0, **hooks.item_use(item.book_id, item.item_no)}


def _defective_naming(item: BookItem) -> int | None:
    """The defective-goods item that names this one as the finished item it was produced as, if any."""
    return (BookItem.objects.filter(book_id=item.book_id, leftover_of=item.item_no).exclude(pk=item.pk)
            .values_list("item_no", flat=True).first())


def change_item(*, actor: Actor, book_id: int, item_no: int, data: dict, idempotency_key: str | None) -> BookItem:
    """备案变更 of one item: only the fields given change, validated as add_item validates a new item; the units,
    factors and material / finished kind are refused (field by field, naming what was recorded) once the item
    has a movement, a reservation or a list line. One audit row with the changed fields before and after.

    Marking the item as solid waste (or clearing the mark) holds (or releases) the approved lists whose goods
    have not all passed and that take it into China (hold_open_lists); the item returned carries their
    numbers as `held_lists` and `released_lists`. An explicit null clears an optional text, the second factor of
    an item without a second unit and `leftover_of`; on any other field it is refused (null_not_allowed).
    Clearing the second unit clears its factor too (validate_item: no second factor without a second unit)."""
    actor.require("supervision.add_item")
    book = get_scoped(AccountBook, actor, book_id)
    problems = [problem(name, "item_field_not_changeable", fields=", ".join(CHANGEABLE_ITEM_FIELDS))
                for name in sorted(set(data) - set(CHANGEABLE_ITEM_FIELDS) - {"item_no"})]
    problems += inputs.null_problems(data, NULL_CLEARS_ITEM_FIELDS)  # JSON null; the form sends "" for an empty box
    if data.get("item_no") is not None and str(data["item_no"]).strip() != str(item_no):
        problems.append(problem("item_no", "item_no_fixed", item=item_no))
    if problems:
        raise DomainError(problems)
    if not data:
        raise DomainError(problem("", "no_changes"))
    payload = {"book_id": book_id, "item_no": item_no, "data": data}

    def do() -> dict:
        try:
            item = BookItem.objects.select_for_update().get(book=book, item_no=item_no)
        except BookItem.DoesNotExist:
            raise NotFound(problem("item_no", "not_found", model=BookItem._meta.verbose_name, id=str(item_no))) from None
        current = {name: getattr(item, name) for name in CHANGEABLE_ITEM_FIELDS}
        clean, problems = validate_item({**current, **{k: v for k, v in data.items() if k != "item_no"},
                                         "item_no": item.item_no})
        if clean and clean["leftover"]:
            problems += _leftover_problems(book, clean)
        if clean:
            problems += _solid_waste_problems(book, clean)
            if clean["second_unit"] and "second_factor" in data and data["second_factor"] is None:
                problems.append(problem("second_factor", "null_not_allowed"))  # null clears it with no second unit
        changed = {name: clean[name] for name in CHANGEABLE_ITEM_FIELDS if clean and clean[name] != current[name]}
        # with other fields refused too, a unit asked for is compared as typed, so that every refusal is named
        fixed = [name for name in FIXED_ONCE_USED
                 if name in changed or (clean is None and name in data and _differs(data[name], current[name]))]
        if clean and not clean["second_unit"] and not current["second_unit"] and "second_factor" in fixed:
            fixed.remove("second_factor")  # a factor left from a unit the item had not: no line ever read it
        if fixed:
            use = _item_use(item)
            if any(use.values()):
                problems += [problem(name, "item_in_use", item=item.item_no, **use) for name in fixed]
        if {"kind", "leftover"} & set(changed) and (clean["kind"], clean["leftover"]) != (ItemKind.FINISHED, ""):
            defective = _defective_naming(item)
            if defective is not None:
                problems.append(problem("kind" if "kind" in changed else "leftover", "item_named_by_defective",
                                        item=item.item_no, defective=defective))
        if problems:
            raise DomainError(problems)
        held: list[str] = []
        released: list[str] = []
        if changed:
            for name, value in changed.items():
                setattr(item, name, value)
            item.save(update_fields=list(changed))
            audit.record(actor, "book_item.change", item, enterprise_id=book.enterprise_id, zone_id=book.zone_id,
                         before={k: _shown(current[k]) for k in changed}, after={k: _shown(v) for k, v in changed.items()})
            # the refusal a hold keeps names the modes that remain, which follow the leftover kind
            if "solid_waste" in changed or ("leftover" in changed and item.solid_waste):
                held, released = hold_open_lists(actor, book, item)
        return {"item_id": item.pk, "changed": sorted(changed), "held_lists": held, "released_lists": released}

    result, _ = idempotency.run(actor, idempotency_key, "book_item.change", payload, do)
    changed_item = BookItem.objects.get(pk=result["item_id"])
    changed_item.held_lists = result.get("held_lists", [])
    changed_item.released_lists = result.get("released_lists", [])
    return changed_item


def solid_waste_hold(vlist: VerificationList, info: BookInfo) -> list[dict]:
    """What VerificationList.solid_waste_held should be for an approved list (its trade mode as it is now): the
    refusal of each line taking an item marked as solid waste into China while the list awaits its goods'
    passage; [] once nothing of it may pass any more (posted, voided)."""
    if vlist.posting_state not in (PostingState.RESERVED, PostingState.PARTIAL):
        return []
    return [trade_modes.solid_waste_problem(f"lines[{ln.seq}].item_no", ln.item, info, vlist.trade_mode, ln.seq).params
            for ln in vlist.lines.select_related("item").order_by("seq")
            if ln.item.solid_waste and trade_modes.goes_inland(vlist.trade_mode, vlist.direction, ln)]


def hold_open_lists(actor: Actor, book: AccountBook, item: BookItem) -> tuple[list[str], list[str]]:
    """An item marked as solid waste (固体废物), or cleared, after lists of it were approved: each approved list
    naming it is locked and its hold (VerificationList.solid_waste_held) written again from its lines — one
    refusal per line that takes a marked item into China (trade_modes.goes_inland), while the list still
    awaits the passage of its goods; none otherwise. The passage (gate or pass_goods) refuses to post a held
    line. Inside the caller's transaction, after the item is saved; the submitted lists naming it are locked
    too, so an approval racing the mark either sees it (and refuses) or has committed and is held here.
    Returns the numbers of the lists this change held and released, each with an audit row."""
    info = book_info(book)
    lists = list(VerificationList.objects.select_for_update().filter(
        pk__in=Subquery(VerificationListLine.objects.filter(item=item).values("vlist_id")),
        status__in=[ListStatus.SUBMITTED.value, ListStatus.APPROVED.value]).order_by("pk"))
    held, released = [], []
    for vlist in lists:
        if vlist.status != ListStatus.APPROVED:
            continue
        refusals = solid_waste_hold(vlist, info)
        if refusals == vlist.solid_waste_held:
            continue
        names_item = any(r["item"] == item.item_no for r in refusals)
        named_before = any(r["item"] == item.item_no for r in vlist.solid_waste_held)
        if names_item and not named_before:
            held.append(vlist.display_number)
        elif named_before and not names_item:
            released.append(vlist.display_number)
        audit.record(actor, "list.solid_waste_hold", vlist, before={"solid_waste_held": vlist.solid_waste_held},
                     after={"solid_waste_held": refusals, "item": item.item_no})
        vlist.solid_waste_held = refusals
        vlist.save(update_fields=["solid_waste_held"])
    return held, released


def _differs(raw, value) -> bool:
    """Whether a typed unit, kind or factor differs from the item's (a factor as a number: 1 is 1.000000)."""
    if isinstance(value, Decimal) or value is None:
        if raw in (None, ""):  # left out: the validation's default, not a change asked for
            return False
        parsed, bad = parse_decimal(raw, "factor")
        return bad is None and parsed != value
    return str(raw or "").strip().upper() != value.upper()


def _shown(value) -> str | None:
    return None if value is None else str(value)
