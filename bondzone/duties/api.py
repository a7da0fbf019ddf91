"""REST endpoints of the duties part (/api/v1/duties/): thin wrappers over selectors and services."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Body, File, Header, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bondzone.core.types import ChoiceOf, Id, Pagination, Text

from bondzone.core import tabular
from bondzone.core.http import actor, auth_for

from . import selectors, services
from .models import Regime, TaxBill, TaxRate
from .domain.tables import FX_COLUMNS, FX_REQUIRED, MAX_FILE_BYTES, RATE_COLUMNS, RATE_REQUIRED
from .schemas import (
    ChooseIn, CloseIn, DomesticCancelIn, DomesticSaleIn, DomesticSaleOut, EndIn, PaymentIn, TaxBillOut, ExchangeRateOut, RegimeExtendIn, GuaranteeDetailOut, GuaranteeIn, GuaranteeOut, ImportedOut, MoveIn,
    RegimeDetailOut, RegimeIn, RegimeLinkIn, RegimeOut, TaxRateOut,
)

router = Router(tags=["duties"])


@router.post("/quote", response=dict[str, Any],
             auth=auth_for("duties.quote"), summary="Tariff, consumption tax and VAT for a quotation document")
def quote(request: HttpRequest, payload: Any = Body(...)):
    return services.quote(actor(request), payload)


@router.get("/tax-rates", response=list[TaxRateOut], summary="Rate tables (MFN, provisional, agreement, CT, VAT)")
@paginate(Pagination)
def tax_rates(request: HttpRequest, hs_code: Text(10) = "", kind: ChoiceOf(TaxRate, "kind") = "", on: date | None = None):
    return selectors.tax_rates(actor(request), hs_code=hs_code, kind=kind, on=on)


@router.post("/tax-rates/import", response={201: ImportedOut}, auth=auth_for("duties.manage_rates"),
             summary="Add rate-table rows from CSV / XLSX / JSON (kind, hs_code, origin, ad_valorem, specific, "
                     "valid_from, valid_to, source); all or nothing, overlapping periods refused")
def import_tax_rates(request: HttpRequest, file: File[UploadedFile]):
    a = actor(request)
    a.require("duties.manage_rates")
    rows = tabular.read_rows(file, tabular.guess_format(file.name or ""), required=RATE_REQUIRED,
                             known=RATE_COLUMNS, name=file.name or "", max_bytes=MAX_FILE_BYTES)
    return Status(201, {"rows": services.import_tax_rates(actor=a, rows=rows)})


@router.post("/tax-rates/{rate_id}/end", response=TaxRateOut,
             auth=auth_for("duties.manage_rates"), summary="End a rate on a day")
def end_tax_rate(request: HttpRequest, rate_id: Id, payload: EndIn):
    return services.end_tax_rate(actor=actor(request), rate_id=rate_id, valid_to=payload.valid_to)


@router.get("/exchange-rates", response=list[ExchangeRateOut], summary="Customs exchange rates (计征汇率)")
@paginate(Pagination)
def exchange_rates(request: HttpRequest, currency: str = "", on: date | None = None):
    return selectors.exchange_rates(actor(request), currency=currency, on=on)


@router.post("/exchange-rates/import", response={201: ImportedOut}, auth=auth_for("duties.manage_rates"),
             summary="Add exchange rates from CSV / XLSX / JSON (currency, cny, per, valid_from, valid_to, source)")
def import_exchange_rates(request: HttpRequest, file: File[UploadedFile]):
    a = actor(request)
    a.require("duties.manage_rates")
    rows = tabular.read_rows(file, tabular.guess_format(file.name or ""), required=FX_REQUIRED,
                             known=FX_COLUMNS, name=file.name or "", max_bytes=MAX_FILE_BYTES)
    return Status(201, {"rows": services.import_exchange_rates(actor=a, rows=rows)})


@router.get("/guarantees", response=list[GuaranteeOut], summary="Customs guarantees (amount, used, released, free)")
@paginate(Pagination)
def guarantees(request: HttpRequest, enterprise_id: Id | None = None):
    return selectors.guarantees(actor(request), enterprise_id=enterprise_id)


@router.post("/guarantees", response={201: GuaranteeOut},
             auth=auth_for("duties.manage_guarantees"), summary="Record a lodged guarantee (customs)")
def lodge_guarantee(request: HttpRequest, payload: GuaranteeIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    return Status(201, services.lodge_guarantee(actor=actor(request), data=payload.dict(),
                                                idempotency_key=idempotency_key))


@router.get("/guarantees/{guarantee_id}", response=GuaranteeDetailOut, summary="One guarantee with its entries")
def guarantee(request: HttpRequest, guarantee_id: Id):
    g = selectors.guarantee(actor(request), guarantee_id)
    return {**{k: getattr(g, k) for k in GuaranteeOut.model_fields}, "entries": list(g.entries.all())}


@router.post("/guarantees/{guarantee_id}/moves", response=GuaranteeOut, auth=auth_for("duties.manage_guarantees"),
             summary="Use (refused when the free amount is short), free a use, or release part of a guarantee")
def move_guarantee(request: HttpRequest, guarantee_id: Id, payload: MoveIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    return services.move_guarantee(actor=actor(request), guarantee_id=guarantee_id, **payload.dict(),
                                   idempotency_key=idempotency_key)


IdemKey = Header(None, alias="Idempotency-Key", description="Client-chosen key; a retry with the same key is safe")


@router.get("/regimes", response=list[RegimeOut], summary="Time-limited regimes (时限监管) in the reader's scope")
@paginate(Pagination)
def regimes(request: HttpRequest, kind: ChoiceOf(Regime, "kind") = "", status: ChoiceOf(Regime, "status") = "",
            enterprise_id: Id | None = None,
            book_id: Id | None = None, due_before: date | None = None, q: str = ""):
    return selectors.regimes(actor(request), kind=kind, status=status, enterprise_id=enterprise_id, book_id=book_id,
                             due_before=due_before, q=q)


def _detail(r):
    return {**{k: getattr(r, k) for k in RegimeOut.model_fields}, "lines": list(r.lines.all()),
            "extensions": list(r.extensions.all()), "alerts": list(r.alerts.all()),
            "lists": [{"vlist_id": ln.vlist_id, "role": ln.role} for ln in r.list_links.all()],
            "slips": services.regime_slips(r)}


@router.get("/regimes/{regime_id}", response=RegimeDetailOut, summary="One regime with lines, extensions, lists, alerts")
def regime(request: HttpRequest, regime_id: Id):
    return _detail(selectors.regime(actor(request), regime_id))


@router.post("/regimes", response={201: RegimeDetailOut}, auth=auth_for("duties.open_regime"),
             summary="Open a regime (the duty at risk is quoted; a guarantee short of it is refused)")
def open_regime(request: HttpRequest, payload: RegimeIn, idempotency_key: str | None = IdemKey):
    a = actor(request)
    r = services.open_regime(actor=a, data=payload.dict(), idempotency_key=idempotency_key)
    return Status(201, _detail(selectors.regime(a, r.pk)))


@router.post("/regimes/{regime_id}/extend", response=RegimeDetailOut, auth=auth_for("duties.decide_regime"),
             summary="Extend a regime (customs; refused after expiry or beyond the rule)")
def extend_regime(request: HttpRequest, regime_id: Id, payload: RegimeExtendIn, idempotency_key: str | None = IdemKey):
    a = actor(request)
    services.extend_regime(actor=a, regime_id=regime_id, data=payload.dict(), idempotency_key=idempotency_key)
    return _detail(selectors.regime(a, regime_id))


@router.post("/regimes/{regime_id}/close", response=RegimeDetailOut, auth=auth_for("duties.decide_regime"),
             summary="Close a regime: returned or closed (customs); the guarantee part is freed")
def close_regime(request: HttpRequest, regime_id: Id, payload: CloseIn, idempotency_key: str | None = IdemKey):
    a = actor(request)
    services.close_regime(actor=a, regime_id=regime_id, data=payload.dict(), idempotency_key=idempotency_key)
    return _detail(selectors.regime(a, regime_id))


@router.post("/regimes/{regime_id}/lists", response=RegimeDetailOut, auth=auth_for("duties.open_regime"),
             summary="Link out (E) or back (I) lists to a regime; their release slips tie it to the gate")
def link_regime_lists(request: HttpRequest, regime_id: Id, payload: RegimeLinkIn, idempotency_key: str | None = IdemKey):
    a = actor(request)
    services.link_regime_lists(actor=a, regime_id=regime_id, data=payload.dict(), idempotency_key=idempotency_key)
    return _detail(selectors.regime(a, regime_id))


# ---------------------------------------------------------------- domestic sale (内销) and tax bills (税单)
def _sale(s) -> dict:
    return {"id": s.pk, "number": s.number, "status": s.status, "mode": s.mode, "book_id": s.book_id,
            "declared_on": s.declared_on, "cheaper": s.cheaper, "basis": s.basis, "list_id": s.vlist_id,
            "goods": s.goods_quote, "materials": s.materials_quote, "requotes": s.requotes,
            "tax_bill_id": TaxBill.objects.filter(sale_id=s.pk).values_list("pk", flat=True).first()}


def _bill(b) -> dict:
    late, surcharge = services.surcharge_on(b, timezone.localdate())
    return {**{k: getattr(b, k) for k in TaxBillOut.model_fields if k not in ("list_id", "late_days", "surcharge")},
            "list_id": b.vlist_id, "late_days": late, "surcharge": surcharge}


@router.get("/domestic-sales", response=list[DomesticSaleOut], summary="Domestic-sale requests (内销) in the reader's scope")
@paginate(Pagination)
def domestic_sales(request: HttpRequest, status: str = "", book_id: Id | None = None):
    return [_sale(s) for s in selectors.domestic_sales(actor(request), status=status, book_id=book_id)]


@router.get("/domestic-sales/{sale_id}", response=DomesticSaleOut, summary="One domestic sale: both bases side by side")
def domestic_sale(request: HttpRequest, sale_id: Id):
    return _sale(selectors.domestic_sale(actor(request), sale_id))


@router.post("/domestic-sales", response={201: DomesticSaleOut}, auth=auth_for("duties.request_domestic"),
             summary="Ask for a domestic sale: duties on the goods and, for zone-made goods, on the materials consumed")
def request_domestic_sale(request: HttpRequest, payload: DomesticSaleIn, idempotency_key: str | None = IdemKey):
    s = services.request_domestic_sale(actor=actor(request), data=payload.dict(), idempotency_key=idempotency_key)
    return Status(201, _sale(s))


@router.post("/domestic-sales/{sale_id}/choose", response=DomesticSaleOut, auth=auth_for("duties.request_domestic"),
             summary="Choose the basis (goods or materials); the verification list is filed and submitted")
def choose_domestic_basis(request: HttpRequest, sale_id: Id, payload: ChooseIn, idempotency_key: str | None = IdemKey):
    return _sale(services.choose_domestic_basis(actor=actor(request), sale_id=sale_id, basis=payload.basis,
                                                idempotency_key=idempotency_key))


@router.post("/domestic-sales/{sale_id}/confirm", response=DomesticSaleOut, auth=auth_for("duties.confirm_domestic"),
             summary="Customs confirms: the list is approved and the tax bill issued")
def confirm_domestic_sale(request: HttpRequest, sale_id: Id, idempotency_key: str | None = IdemKey):
    return _sale(services.confirm_domestic_sale(actor=actor(request), sale_id=sale_id, idempotency_key=idempotency_key))


@router.post("/domestic-sales/{sale_id}/withdraw", response=DomesticSaleOut, auth=auth_for("duties.request_domestic"),
             summary="The enterprise takes the submitted list back; the sale is returned, to correct or cancel")
def withdraw_domestic_sale(request: HttpRequest, sale_id: Id):
    return _sale(services.withdraw_domestic_sale(actor=actor(request), sale_id=sale_id))


@router.post("/domestic-sales/{sale_id}/cancel", response=DomesticSaleOut, auth=auth_for("duties.request_domestic"),
             summary="Cancel a sale before confirmation; its list is withdrawn, deleted or cancelled (reservations voided)")
def cancel_domestic_sale(request: HttpRequest, sale_id: Id, payload: DomesticCancelIn,
                         idempotency_key: str | None = IdemKey):
    return _sale(services.cancel_domestic_sale(actor=actor(request), sale_id=sale_id, reason=payload.reason,
                                               idempotency_key=idempotency_key))


@router.get("/tax-bills", response=list[TaxBillOut], summary="Tax bills (税单) with their payment state")
@paginate(Pagination)
def tax_bills(request: HttpRequest, state: str = "", enterprise_id: Id | None = None):
    return [_bill(b) for b in selectors.tax_bills(actor(request), state=state, enterprise_id=enterprise_id)]


@router.get("/tax-bills/{bill_id}", response=TaxBillOut, summary="One tax bill")
def tax_bill(request: HttpRequest, bill_id: Id):
    return _bill(selectors.tax_bill(actor(request), bill_id))


@router.get("/tax-bills/{bill_id}/export", response={200: None},
            summary="The tax bill as PDF (the printable layout), CSV, XLSX or JSON")
def tax_bill_export(request: HttpRequest, bill_id: Id, format: str = "pdf"):
    from bondzone.core import pdf

    from . import exports

    bill = selectors.tax_bill(actor(request), bill_id)
    if format == "pdf":
        return pdf.download(exports.bill_pdf(bill), f"tax-bill-{bill.number}")
    return tabular.download(exports.bill_table(bill, fmt=format), format, f"tax-bill-{bill.number}")


@router.post("/tax-bills/{bill_id}/payment", response=TaxBillOut,
             auth=auth_for("duties.confirm_domestic"), summary="Record that a tax bill was paid (customs)")
def pay_tax_bill(request: HttpRequest, bill_id: Id, payload: PaymentIn, idempotency_key: str | None = IdemKey):
    return _bill(services.record_tax_payment(actor=actor(request), bill_id=bill_id, data=payload.dict(),
                                             idempotency_key=idempotency_key))
