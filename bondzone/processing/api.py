"""REST endpoints of processing trade: BOMs, production reports, stock-takes and write-offs."""

from django.http import HttpRequest
from ninja import Header, Router, Status
from ninja.pagination import paginate

from bondzone.core import tabular
from bondzone.core.types import ChoiceOf, Id, Pagination

from bondzone.core.http import actor, auth_for

from .models import Bom
from .services.common import processing_book
from . import exports, selectors, services
from .schemas import BomIn, BomOut, BomDecisionIn, ProductionIn, ProductionOut, StockTakeIn, StockTakeOut, WriteOffIn, WriteOffOut

router = Router(tags=["processing"])
IdemKey = Header(None, alias="Idempotency-Key", description="Client-chosen key; a retry with the same key is safe")


@router.get("/books/{book_id}/boms", response=list[BomOut], summary="BOMs (单耗) of an H book")
@paginate(Pagination)
def list_boms(request: HttpRequest, book_id: Id, status: ChoiceOf(Bom, "status") = ""):
    a = actor(request)
    processing_book(a, book_id)  # another's book is a 404 and a T book a 400, not an empty list
    return selectors.boms(a, book_id=book_id, status=status)


@router.post("/books/{book_id}/boms", response={201: BomOut},
             auth=auth_for("processing.declare_bom"), summary="Declare a BOM version (enterprise)")
def declare_bom(request: HttpRequest, book_id: Id, payload: BomIn):
    b = services.declare_bom(actor=actor(request), book_id=book_id, data=payload.dict())
    return Status(201, selectors.bom(actor(request), b.pk))


@router.post("/boms/{bom_id}/decision", response=BomOut,
             auth=auth_for("processing.approve_bom"), summary="Approve or reject a declared BOM (customs)")
def decide_bom(request: HttpRequest, bom_id: Id, payload: BomDecisionIn):
    services.decide_bom(actor=actor(request), bom_id=bom_id, approve=payload.approve)
    return selectors.bom(actor(request), bom_id)


@router.get("/production", response=list[ProductionOut], summary="Production reports")
@paginate(Pagination)
def list_reports(request: HttpRequest, book_id: Id | None = None):
    return selectors.reports(actor(request), book_id=book_id)


@router.post("/production", response={201: ProductionOut}, auth=auth_for("processing.report_production"),
             summary="Report production: consumes materials through the BOM, books the outputs")
def report_production(request: HttpRequest, payload: ProductionIn, idempotency_key: str | None = IdemKey):
    data = payload.dict()
    book_id = data.pop("book_id")
    r = services.report_production(actor=actor(request), book_id=book_id, data=data, idempotency_key=idempotency_key)
    return Status(201, selectors.report(actor(request), r.pk))


@router.post("/stocktakes", response={201: StockTakeOut},
             auth=auth_for("processing.stocktake"), summary="Record a stock-take (盘点)")
def take_stock(request: HttpRequest, payload: StockTakeIn, idempotency_key: str | None = IdemKey):
    data = payload.dict()
    book_id = data.pop("book_id")
    t = services.take_stock(actor=actor(request), book_id=book_id, data=data, idempotency_key=idempotency_key)
    return Status(201, selectors.stocktake(actor(request), t.pk))


@router.get("/stocktakes/{stocktake_id}", response=StockTakeOut, summary="One stock-take")
def get_stocktake(request: HttpRequest, stocktake_id: Id):
    return selectors.stocktake(actor(request), stocktake_id)


@router.post("/writeoffs", response={201: WriteOffOut},
             auth=auth_for("processing.write_off"), summary="Start a period write-off (background job)")
def request_writeoff(request: HttpRequest, payload: WriteOffIn, idempotency_key: str | None = IdemKey):
    return Status(201, services.request_writeoff(actor=actor(request), **payload.dict(),
                                                 idempotency_key=idempotency_key))


@router.get("/writeoffs/{writeoff_id}", response=WriteOffOut, summary="A write-off and its progress")
def get_writeoff(request: HttpRequest, writeoff_id: Id):
    return selectors.writeoff(actor(request), writeoff_id)


@router.get("/writeoffs/{writeoff_id}/xlsx", summary="A finished write-off as XLSX")
def writeoff_xlsx(request: HttpRequest, writeoff_id: Id):
    name, body = exports.writeoff_xlsx(actor(request), writeoff_id)
    return tabular.download(body, "xlsx", name)
