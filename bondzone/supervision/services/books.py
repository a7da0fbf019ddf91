"""Account books and their items (customs registers them)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.models import Enterprise
from bondzone.core.scoping import get_scoped

from ..domain.codes import BookKind
from ..domain.validation import BookInfo, ItemInfo, validate_item
from ..models import AccountBook, BookItem


def book_info(book: AccountBook) -> BookInfo:
    return BookInfo(book.number, book.kind, book.valid_from, book.valid_until, book.active)


def items_of(book: AccountBook) -> tuple[dict[int, ItemInfo], dict[int, int]]:
    infos: dict[int, ItemInfo] = {}
    ids: dict[int, int] = {}
    for pk, item_no, kind, u1, u2, u3 in BookItem.objects.filter(book=book).values_list(
        "pk", "item_no", "kind", "declared_unit", "legal_unit", "second_unit"
    ):
        infos[item_no] = ItemInfo(item_no, kind, tuple(dict.fromkeys(u for u in (u1, u2, u3) if u)))
        ids[item_no] = pk
    return infos, ids


def create_book(
    *, actor: Actor, enterprise_id: int, number: str, kind: str, valid_from: date, valid_until: date
) -> AccountBook:
    actor.require("supervision.add_book")
    problems = []
    number = (number or "").strip().upper()
    if not (number and len(number) <= 20 and number.isalnum()):
        problems.append(problem("number", "bad_code", value=number, length="1–20"))
    elif AccountBook.objects.filter(number=number).exists():
        problems.append(problem("number", "duplicate_value", value=number))
    if kind not in [k.value for k in BookKind]:
        problems.append(problem("kind", "bad_choice", value=kind, choices="T, H"))
    elif number and number[0] != kind:
        problems.append(problem("number", "book_number_prefix", kind=kind))
    if valid_from and valid_until and valid_until < valid_from:
        problems.append(problem("valid_until", "end_before_start", start=valid_from, end=valid_until))
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
            valid_from=valid_from, valid_until=valid_until,
        )
        audit.record(actor, "book.create", book, after={"number": number, "kind": kind,
                                                          "valid_from": str(valid_from), "valid_until": str(valid_until)})
    return book


def add_item(*, actor: Actor, book_id: int, data: dict) -> BookItem:
    actor.require("supervision.add_item")
    book = get_scoped(AccountBook, actor, book_id)
    clean, problems = validate_item(data)
    if clean and BookItem.objects.filter(book=book, item_no=clean["item_no"]).exists():
        problems.append(problem("item_no", "duplicate_item_no", value=clean["item_no"]))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        item = BookItem.objects.create(book=book, **{k: v for k, v in clean.items() if v is not None})
        audit.record(actor, "book_item.create", item, enterprise_id=book.enterprise_id, zone_id=book.zone_id,
                     after={k: str(v) for k, v in clean.items()})
    return item


