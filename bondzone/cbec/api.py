"""REST endpoints of cross-border retail (/api/v1/cbec/): thin wrappers over selectors and services."""

from typing import Any

from django.http import HttpRequest
from ninja import Body, Header, Router, Status
from ninja.pagination import paginate

from bondzone.core import audit
from bondzone.core.types import ChoiceOf, Id, Pagination, Text

from bondzone.core.http import actor, auth_for

from .models import CbecOrder, TaxSettlement
from . import selectors, services
from .domain.records import masked_id
from .schemas import (
    ConsolidatedOut, ConsolidateIn, OrderDetailOut, OrderOut, PositiveOut, ReleaseIn, ReturnIn, SettlementDetailOut,
    SettlementIssueIn, SettlementOut, SettlementPayIn,
)

router = Router(tags=["cbec"])


def _out(order, detail: bool = False) -> dict:
    out = {k: getattr(order, k) for k in OrderOut.model_fields if k != "buyer_id_masked"}
    out["buyer_id_masked"] = masked_id(order.buyer_id)
    if detail:
        out["lines"] = list(order.lines.all())
    return out


@router.get("/orders", response=list[OrderOut], summary="Cross-border retail orders (buyer ID numbers masked)")
@paginate(Pagination)
def list_orders(request: HttpRequest, status: ChoiceOf(CbecOrder, "status") = "", q: Text(100) = ""):
    return [_out(o) for o in selectors.orders(actor(request), status=status, q=q)]


@router.post("/orders", response={201: OrderDetailOut},
             auth=auth_for("cbec.declare"), summary="Declare an order (positive list, ID number, limits)")
def declare(request: HttpRequest, payload: dict[str, Any] = Body(...)):
    return Status(201, _out(services.declare_order(actor=actor(request), data=payload), detail=True))


@router.get("/orders/{order_id}", response=OrderDetailOut, summary="One order with its lines")
def get_order(request: HttpRequest, order_id: Id):
    a = actor(request)
    order = selectors.order(a, order_id)
    audit.read(a, order)  # consumer data: a sensitive read, logged (core.audit.SENSITIVE_READS)
    return _out(order, detail=True)


@router.post("/orders/{order_id}/payment", response=OrderOut,
             auth=auth_for("cbec.declare"), summary="Record the payment (支付单)")
def payment(request: HttpRequest, order_id: Id, payload: dict[str, Any] = Body(...)):
    return _out(services.record_payment(actor=actor(request), order_id=order_id, data=payload))


@router.post("/orders/{order_id}/waybill", response=OrderOut,
             auth=auth_for("cbec.declare"), summary="Record the waybill (运单)")
def waybill(request: HttpRequest, order_id: Id, payload: dict[str, Any] = Body(...)):
    return _out(services.record_waybill(actor=actor(request), order_id=order_id, data=payload))


@router.post("/orders/{order_id}/release", response=OrderOut, auth=auth_for("cbec.release"),
             summary="Release (customs): the three records must match and the annual total leave room")
def release(request: HttpRequest, order_id: Id, payload: ReleaseIn):
    return _out(services.release(actor=actor(request), order_id=order_id, released_on=payload.released_on))


@router.post("/orders/{order_id}/return", response=OrderOut, auth=auth_for("cbec.declare"),
             summary="Return within 30 / 45 days of release: no tax, annual total restored")
def return_order(request: HttpRequest, order_id: Id, payload: ReturnIn):
    return _out(services.return_order(actor=actor(request), order_id=order_id, applied_on=payload.applied_on,
                                      back_on=payload.back_on))


@router.get("/positive-list", response=list[PositiveOut], summary="The cross-border retail positive list")
@paginate(Pagination)
def positive_list(request: HttpRequest):
    return selectors.positive_list(actor(request))


def _consolidated(c) -> dict:
    return {**{k: getattr(c, k) for k in ConsolidatedOut.model_fields if k != "list_id"}, "list_id": c.vlist_id}


@router.get("/consolidations", response=list[ConsolidatedOut],
            summary="Consolidated type-8 lists (保税电商 1210) of released orders")
@paginate(Pagination)
def consolidations(request: HttpRequest):
    return [_consolidated(c) for c in selectors.consolidated_lists(actor(request))]


@router.post("/consolidations", response={201: ConsolidatedOut}, auth=auth_for("cbec.declare"),
             summary="Consolidate the released orders of a period into a type-8 list on the enterprise's T book")
def consolidate(request: HttpRequest, payload: ConsolidateIn,
                idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    from .consolidation import consolidate as run

    c = run(actor=actor(request), book_id=payload.book_id, start=payload.start, end=payload.end,
            idempotency_key=idempotency_key)
    return Status(201, _consolidated(c))


@router.get("/settlements", response=list[SettlementOut],
            summary="Periodic tax settlements (汇总纳税) of released orders, per enterprise and period")
@paginate(Pagination)
def settlements(request: HttpRequest, status: ChoiceOf(TaxSettlement, "status") = "", enterprise_id: Id | None = None,
                overdue: bool | None = None):
    return selectors.settlements(actor(request), status=status, enterprise_id=enterprise_id, overdue=overdue)


@router.get("/settlements/{settlement_id}", response=SettlementDetailOut, summary="One settlement with its orders")
def get_settlement(request: HttpRequest, settlement_id: Id):
    return selectors.settlement(actor(request), settlement_id)


@router.post("/settlements", response={201: SettlementOut}, auth=auth_for("cbec.settle"),
             summary="Issue the settlement of an enterprise's orders released in a period (at most 15 days)")
def issue_settlement(request: HttpRequest, payload: SettlementIssueIn,
                     idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    from .settlement import issue

    s = issue(actor=actor(request), enterprise_id=payload.enterprise_id, start=payload.start, end=payload.end,
              idempotency_key=idempotency_key)
    return Status(201, s)


@router.post("/settlements/{settlement_id}/pay", response=SettlementOut, auth=auth_for("cbec.settle"),
             summary="Record the settlement's payment: the guarantee uses of its orders are freed")
def pay_settlement(request: HttpRequest, settlement_id: Id, payload: SettlementPayIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    from .settlement import pay

    return pay(actor=actor(request), settlement_id=settlement_id, paid_on=payload.paid_on,
               payment_ref=payload.payment_ref, idempotency_key=idempotency_key)
