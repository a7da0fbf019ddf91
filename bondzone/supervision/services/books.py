"""Account books and their items (customs registers them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain import inputs
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.inputs import VALIDITY
from bondzone.core.models import Enterprise
from bondzone.core.scoping import get_scoped

from ..domain.codes import BOOK_NUMBER, BOOK_NUMBER_EXAMPLE, BookKind, ItemKind, ProcessingKind
from ..domain.validation import BookInfo, ItemInfo, validate_item
from ..models import AccountBook, BookItem


def book_info(book: AccountBook) -> BookInfo:
    return BookInfo(book.number, book.kind, book.valid_from, book.valid_until, book.active, book.processing_kind,
                    book.get_absolute_url())


def item_info(item_no: int, kind: str, declared: str, legal: str, legal_factor, second: str, second_factor,
              leftover: str = "") -> ItemInfo:
    """What validation needs of a book item: its units (declared first) and factors (per declared unit)."""
    return ItemInfo(item_no, kind, tuple(dict.fromkeys(u for u in (declared, legal, second) if u)),
                    legal if legal != declared else "", legal_factor if legal != declared else Decimal(1), second,
                    second_factor, leftover)


def items_of(book: AccountBook) -> tuple[dict[int, ItemInfo], dict[int, int]]:
    infos: dict[int, ItemInfo] = {}
    ids: dict[int, int] = {}
    for pk, *fields in BookItem.objects.filter(book=book).values_list(
        "pk", "item_no", "kind", "declared_unit", "legal_unit", "legal_factor", "second_unit", "second_factor",
        "leftover",
    ):
        infos[fields[0]] = item_info(*fields)
        ids[fields[0]] = pk
    return infos, ids


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
                                   leftover="").exists():
        return [problem("leftover_of", "leftover_of_not_finished", item=clean["leftover_of"], book=book.number)]
    return []


def add_item(*, actor: Actor, book_id: int, data: dict) -> BookItem:
    actor.require("supervision.add_item")
    book = get_scoped(AccountBook, actor, book_id)
    clean, problems = validate_item(data)
    if clean and BookItem.objects.filter(book=book, item_no=clean["item_no"]).exists():
        problems.append(problem("item_no", "duplicate_item_no", value=clean["item_no"]))
    if clean and clean["leftover"]:
        problems += _leftover_problems(book, clean)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        item = BookItem.objects.create(book=book, **{k: v for k, v in clean.items() if v is not None})
        audit.record(actor, "book_item.create", item, enterprise_id=book.enterprise_id, zone_id=book.zone_id,
                     after={k: str(v) for k, v in clean.items()})
    return item


