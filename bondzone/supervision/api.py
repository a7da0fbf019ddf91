"""REST endpoints of the account book: thin wrappers over selectors and services."""

from django.http import HttpRequest
from ninja import File, Form, Header, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bondzone.core import audit, tabular
from bondzone.core.domain.inputs import INT, QUERY, refuse_reversed_range
from bondzone.core.types import ChoiceOf, DateIn, Id, Int, Pagination, Text

from bondzone.core.http import actor, auth_for

from . import exports, imports, selectors, services
from .models import StockAccount, VerificationList
from .schemas import (
    AccountOut, ApproveIn, BookIn, BookOut, BookProcessingKindIn, CancelIn, ChangeIn, ImportOut, ListCorrectIn, ItemChangeIn, ItemChangeOut, ItemIn, ItemNo, ItemOut, ListDetailOut, ListIn, ListOut,
    MovementsOut, PassIn, PassOut, RejectIn, ReservationOut, ReverseIn, StockAsOfOut,
)

router = Router(tags=["supervision"])
IdemKey = Header(None, alias="Idempotency-Key", description="Client-chosen key; a retry with the same key is safe")


@router.get("/books", response=list[BookOut], summary="List account books")
@paginate(Pagination)
def list_books(request: HttpRequest, enterprise_id: Id | None = None, q: Text(100) = ""):
    return selectors.books(actor(request), enterprise_id=enterprise_id, q=q)


@router.post("/books", response={201: BookOut},
             auth=auth_for("supervision.add_book"), summary="Register an account book (customs)")
def create_book(request: HttpRequest, payload: BookIn):
    return Status(201, services.create_book(actor=actor(request), **payload.dict()))


@router.get("/books/{book_id}", response=BookOut, summary="One account book")
def get_book(request: HttpRequest, book_id: Id):
    return selectors.book(actor(request), book_id)


@router.patch("/books/{book_id}", response=BookOut,
              auth=auth_for("supervision.add_book"), summary="Record a processing book's 进料 / 来料 kind (customs)")
def set_processing_kind(request: HttpRequest, book_id: Id, payload: BookProcessingKindIn):
    return services.set_processing_kind(actor=actor(request), book_id=book_id, **payload.dict())


@router.get("/books/{book_id}/items", response=list[ItemOut], summary="Items of a book")
@paginate(Pagination)
def list_items(request: HttpRequest, book_id: Id, q: Text(100) = ""):
    selectors.book(actor(request), book_id)
    return selectors.items(actor(request), book_id, q=q)


@router.post("/books/{book_id}/items", response={201: ItemOut},
             auth=auth_for("supervision.add_item"), summary="Add an item record to a book (customs)")
def add_item(request: HttpRequest, book_id: Id, payload: ItemIn):
    return Status(201, services.add_item(actor=actor(request), book_id=book_id, data=payload.dict()))


@router.patch("/books/{book_id}/items/{item_no}", response=ItemChangeOut, auth=auth_for("supervision.add_item"),
              summary="Change (备案变更) an item record of a book (customs): only the fields given")
def change_item(request: HttpRequest, book_id: Id, item_no: ItemNo, payload: ItemChangeIn,
                idempotency_key: str | None = IdemKey):
    return services.change_item(actor=actor(request), book_id=book_id, item_no=item_no,
                                data=payload.dict(exclude_unset=True), idempotency_key=idempotency_key)


@router.get("/books/{book_id}/stock", response=list[StockAsOfOut], summary="Stock of a book as of a date")
def stock_as_of(request: HttpRequest, book_id: Id, as_of: DateIn(QUERY) | None = None):
    from django.utils import timezone

    rows = selectors.stock_as_of(actor(request), book_id, as_of or timezone.localdate())
    return [
        StockAsOfOut(account_id=r["account_id"], item_no=r["account__item__item_no"], name=r["account__item__name_zh"],
                     goods_status=r["account__goods_status"], unit=r["account__unit"], quantity=r["quantity"])
        for r in rows
    ]


@router.get("/accounts", response=list[AccountOut], summary="Stock accounts (balances)")
@paginate(Pagination)
def list_accounts(request: HttpRequest, book_id: Id | None = None, item_id: Id | None = None,
                  goods_status: ChoiceOf(StockAccount, "goods_status") = "", nonzero: bool = False):
    return selectors.accounts(actor(request), book_id=book_id, item_id=item_id, goods_status=goods_status,
                              nonzero=nonzero)


@router.get("/accounts/{account_id}/movements", response=MovementsOut, summary="Movements with running balance")
def account_movements(request: HttpRequest, account_id: Id, offset: Int(0, INT[1]) = 0, limit: Int(1, 500) = 50,
                      date_from: DateIn(QUERY) | None = None, date_to: DateIn(QUERY) | None = None):
    refuse_reversed_range(date_from, date_to)
    acc, rows, total, opening = selectors.movements(actor(request), account_id, offset=offset, limit=limit,
                                                    date_from=date_from, date_to=date_to)
    return {"account": acc, "opening_balance": opening, "count": total, "items": [r.__dict__ for r in rows]}


@router.get("/lists", response=list[ListOut], summary="Verification lists")
@paginate(Pagination)
def list_lists(request: HttpRequest, status: ChoiceOf(VerificationList, "status") = "", book_id: Id | None = None,
               direction: ChoiceOf(VerificationList, "direction") = "",
               q: Text(100) = "", date_from: DateIn(QUERY) | None = None, date_to: DateIn(QUERY) | None = None):
    refuse_reversed_range(date_from, date_to)
    return selectors.lists(actor(request), status=status, book_id=book_id, direction=direction, q=q,
                           date_from=date_from, date_to=date_to)


@router.post("/lists", response={201: ListDetailOut},
             auth=auth_for("supervision.add_list"), summary="Create a draft verification list")
def create_list(request: HttpRequest, payload: ListIn, idempotency_key: str | None = IdemKey):
    data = payload.dict()
    book_id = data.pop("book_id")
    vlist = services.create_list(actor=actor(request), book_id=book_id, data=data, idempotency_key=idempotency_key)
    return Status(201, vlist)


@router.post("/lists/import", response={201: ImportOut},
             auth=auth_for("supervision.add_list"), summary="Import lists from CSV, XLSX or JSON")
def import_lists(request: HttpRequest, book_id: Id = Form(...), file: UploadedFile = File(...),
                 format: str = Form(""), idempotency_key: str | None = IdemKey):
    fmt = (format or imports.guess_format(file.name or "")).lower()
    ids = imports.import_lists(actor=actor(request), book_id=book_id, stream=file, fmt=fmt,
                               idempotency_key=idempotency_key, name=file.name or "")
    return Status(201, {"list_ids": ids})


@router.get("/lists/{list_id}", response=ListDetailOut, summary="One verification list with its lines")
def get_list(request: HttpRequest, list_id: Id):
    a = actor(request)
    vlist = selectors.list_detail(a, list_id)
    audit.read(a, vlist)  # a sensitive read: logged (core.audit.SENSITIVE_READS)
    return vlist


@router.delete("/lists/{list_id}", response={204: None},
               auth=auth_for("supervision.delete_list"), summary="Delete a draft list")
def delete_list(request: HttpRequest, list_id: Id):
    services.delete_list(actor=actor(request), list_id=list_id)
    return Status(204, None)


@router.post("/lists/{list_id}/submit", response=ListOut,
             auth=auth_for("supervision.submit_list"), summary="Submit a draft list to customs")
def submit_list(request: HttpRequest, list_id: Id, idempotency_key: str | None = IdemKey):
    return services.submit_list(actor=actor(request), list_id=list_id, idempotency_key=idempotency_key)


@router.put("/lists/{list_id}", response=ListDetailOut,
            auth=auth_for("supervision.add_list"), summary="Correct a draft or rejected list (back to draft)")
def correct_list(request: HttpRequest, list_id: Id, payload: ListCorrectIn, idempotency_key: str | None = IdemKey):
    return services.correct_list(actor=actor(request), list_id=list_id, data=payload.dict(),
                                 idempotency_key=idempotency_key)


@router.post("/lists/{list_id}/change", response=ListOut,
             auth=auth_for("supervision.change_list"), summary="Change (变更) an approved list before posting")
def change_list(request: HttpRequest, list_id: Id, payload: ChangeIn, idempotency_key: str | None = IdemKey):
    return services.change_list(actor=actor(request), list_id=list_id, changes=payload.changes,
                                reason=payload.reason, idempotency_key=idempotency_key)


@router.post("/lists/{list_id}/withdraw", response=ListOut,
             auth=auth_for("supervision.withdraw_list"), summary="Withdraw a submitted list (back to draft)")
def withdraw_list(request: HttpRequest, list_id: Id):
    return services.withdraw_list(actor=actor(request), list_id=list_id)


@router.post("/lists/{list_id}/pass", response=PassOut,
             auth=auth_for("supervision.pass_goods"), summary="Goods passed: post the list's reserved shares")
def pass_goods(request: HttpRequest, list_id: Id, payload: PassIn, idempotency_key: str | None = IdemKey):
    return services.pass_goods(actor=actor(request), list_id=list_id,
                               event_id=payload.event_id or f"manual:{idempotency_key}", shares=payload.shares,
                               effective_date=payload.effective_date, idempotency_key=idempotency_key)


@router.post("/lists/{list_id}/cancel", response=ListOut,
             auth=auth_for("supervision.cancel_list"), summary="Delete an approved list before posting (删单)")
def cancel_list(request: HttpRequest, list_id: Id, payload: CancelIn, idempotency_key: str | None = IdemKey):
    return services.cancel_list(actor=actor(request), list_id=list_id, reason=payload.reason,
                                idempotency_key=idempotency_key)


@router.get("/lists/{list_id}/reservations", response=list[ReservationOut], summary="Reservations of a list")
@paginate(Pagination)
def list_reservations(request: HttpRequest, list_id: Id):
    a = actor(request)
    selectors.list_detail(a, list_id)
    return selectors.reservations(a, list_id=list_id)


@router.post("/lists/{list_id}/approve", response=ListOut, auth=auth_for("supervision.approve_list"),
             summary="Approve a list (customs): reserves until the goods pass, or posts when no passage is needed")
def approve_list(request: HttpRequest, list_id: Id, payload: ApproveIn | None = None,
                 idempotency_key: str | None = IdemKey):
    return services.approve_list(actor=actor(request), list_id=list_id, idempotency_key=idempotency_key,
                                 effective_date=payload.effective_date if payload else None)


@router.post("/lists/{list_id}/reject", response=ListOut,
             auth=auth_for("supervision.reject_list"), summary="Reject a submitted list (customs)")
def reject_list(request: HttpRequest, list_id: Id, payload: RejectIn):
    return services.reject_list(actor=actor(request), list_id=list_id, reason=payload.reason)


@router.post("/lists/{list_id}/reverse", response={201: ListOut}, auth=auth_for("supervision.reverse_list"),
             summary="Reverse an approved list: voids what is reserved, counter-posts what is posted")
def reverse_list(request: HttpRequest, list_id: Id, payload: ReverseIn, idempotency_key: str | None = IdemKey):
    return Status(201, services.reverse_list(actor=actor(request), list_id=list_id, reason=payload.reason,
                                      idempotency_key=idempotency_key, effective_date=payload.effective_date))





@router.get("/exports/balances", summary="Export balances (csv, xlsx, json)")
def export_balances(request: HttpRequest, book_id: Id | None = None, format: str = "csv"):
    return tabular.download(exports.balances(actor(request), book_id=book_id, fmt=format), format, "balances")


@router.get("/exports/movements", summary="Export movements (csv, xlsx, json)")
def export_movements(request: HttpRequest, book_id: Id | None = None, date_from: DateIn(QUERY) | None = None,
                     date_to: DateIn(QUERY) | None = None, format: str = "csv"):
    body = exports.movements(actor(request), book_id=book_id, date_from=date_from, date_to=date_to, fmt=format)
    return tabular.download(body, format, "movements")
