"""REST endpoints of the duties part (/api/v1/duties/): thin wrappers over selectors and services."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Body, File, Header, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bondzone.core.types import Pagination

from bondzone.core import tabular
from bondzone.core.http import actor

from . import selectors, services
from .domain.tables import FX_REQUIRED, MAX_FILE_BYTES, RATE_REQUIRED
from .schemas import (
    CloseIn, EndIn, ExchangeRateOut, RegimeExtendIn, GuaranteeDetailOut, GuaranteeIn, GuaranteeOut, ImportedOut, MoveIn,
    RegimeDetailOut, RegimeIn, RegimeOut, TaxRateOut,
)

router = Router(tags=["duties"])


@router.post("/quote", response=dict[str, Any], summary="Tariff, consumption tax and VAT for a quotation document")
def quote(request: HttpRequest, payload: Any = Body(...)):
    return services.quote(actor(request), payload)


@router.get("/tax-rates", response=list[TaxRateOut], summary="Rate tables (MFN, provisional, agreement, CT, VAT)")
@paginate(Pagination)
def tax_rates(request: HttpRequest, hs_code: str = "", kind: str = "", on: date | None = None):
    return selectors.tax_rates(actor(request), hs_code=hs_code, kind=kind, on=on)


@router.post("/tax-rates/import", response={201: ImportedOut},
             summary="Add rate-table rows from CSV / XLSX / JSON (kind, hs_code, origin, ad_valorem, specific, "
                     "valid_from, valid_to, source); all or nothing, overlapping periods refused")
def import_tax_rates(request: HttpRequest, file: File[UploadedFile]):
    a = actor(request)
    a.require("duties.manage_rates")
    rows = tabular.read_rows(file.file, tabular.guess_format(file.name or ""), required=RATE_REQUIRED,
                             max_bytes=MAX_FILE_BYTES)
    return Status(201, {"rows": services.import_tax_rates(actor=a, rows=rows)})


@router.post("/tax-rates/{rate_id}/end", response=TaxRateOut, summary="End a rate on a day")
def end_tax_rate(request: HttpRequest, rate_id: int, payload: EndIn):
    return services.end_tax_rate(actor=actor(request), rate_id=rate_id, valid_to=payload.valid_to)


@router.get("/exchange-rates", response=list[ExchangeRateOut], summary="Customs exchange rates (计征汇率)")
@paginate(Pagination)
def exchange_rates(request: HttpRequest, currency: str = "", on: date | None = None):
    return selectors.exchange_rates(actor(request), currency=currency, on=on)


@router.post("/exchange-rates/import", response={201: ImportedOut},
             summary="Add exchange rates from CSV / XLSX / JSON (currency, cny, per, valid_from, valid_to, source)")
def import_exchange_rates(request: HttpRequest, file: File[UploadedFile]):
    a = actor(request)
    a.require("duties.manage_rates")
    rows = tabular.read_rows(file.file, tabular.guess_format(file.name or ""), required=FX_REQUIRED,
                             max_bytes=MAX_FILE_BYTES)
    return Status(201, {"rows": services.import_exchange_rates(actor=a, rows=rows)})


@router.get("/guarantees", response=list[GuaranteeOut], summary="Customs guarantees (amount, used, released, free)")
@paginate(Pagination)
def guarantees(request: HttpRequest, enterprise_id: int | None = None):
    return selectors.guarantees(actor(request), enterprise_id=enterprise_id)


@router.post("/guarantees", response={201: GuaranteeOut}, summary="Record a lodged guarantee (customs)")
def lodge_guarantee(request: HttpRequest, payload: GuaranteeIn):
    return Status(201, services.lodge_guarantee(actor=actor(request), data=payload.dict()))


@router.get("/guarantees/{guarantee_id}", response=GuaranteeDetailOut, summary="One guarantee with its entries")
def guarantee(request: HttpRequest, guarantee_id: int):
    g = selectors.guarantee(actor(request), guarantee_id)
    return {**{k: getattr(g, k) for k in GuaranteeOut.model_fields}, "entries": list(g.entries.all())}


@router.post("/guarantees/{guarantee_id}/moves", response=GuaranteeOut,
             summary="Use (refused when the free amount is short), free a use, or release part of a guarantee")
def move_guarantee(request: HttpRequest, guarantee_id: int, payload: MoveIn):
    return services.move_guarantee(actor=actor(request), guarantee_id=guarantee_id, **payload.dict())


IdemKey = Header(None, alias="Idempotency-Key", description="Client-chosen key; a retry with the same key is safe")


@router.get("/regimes", response=list[RegimeOut], summary="Time-limited regimes (时限监管) in the reader's scope")
@paginate(Pagination)
def regimes(request: HttpRequest, kind: str = "", status: str = "", enterprise_id: int | None = None,
            book_id: int | None = None, due_before: date | None = None, q: str = ""):
    return selectors.regimes(actor(request), kind=kind, status=status, enterprise_id=enterprise_id, book_id=book_id,
                             due_before=due_before, q=q)


def _detail(r):
    return {**{k: getattr(r, k) for k in RegimeOut.model_fields}, "lines": list(r.lines.all()),
            "extensions": list(r.extensions.all()), "alerts": list(r.alerts.all()),
            "lists": [{"vlist_id": ln.vlist_id, "role": ln.role} for ln in r.list_links.all()]}


@router.get("/regimes/{regime_id}", response=RegimeDetailOut, summary="One regime with lines, extensions, lists, alerts")
def regime(request: HttpRequest, regime_id: int):
    return _detail(selectors.regime(actor(request), regime_id))


@router.post("/regimes", response={201: RegimeDetailOut},
             summary="Open a regime (the duty at risk is quoted; a guarantee short of it is refused)")
def open_regime(request: HttpRequest, payload: RegimeIn, idempotency_key: str | None = IdemKey):
    a = actor(request)
    r = services.open_regime(actor=a, data=payload.dict(), idempotency_key=idempotency_key)
    return Status(201, _detail(selectors.regime(a, r.pk)))


@router.post("/regimes/{regime_id}/extend", response=RegimeDetailOut,
             summary="Extend a regime (customs; refused after expiry or beyond the rule)")
def extend_regime(request: HttpRequest, regime_id: int, payload: RegimeExtendIn, idempotency_key: str | None = IdemKey):
    a = actor(request)
    services.extend_regime(actor=a, regime_id=regime_id, data=payload.dict(), idempotency_key=idempotency_key)
    return _detail(selectors.regime(a, regime_id))


@router.post("/regimes/{regime_id}/close", response=RegimeDetailOut,
             summary="Close a regime: returned or closed (customs); the guarantee part is freed")
def close_regime(request: HttpRequest, regime_id: int, payload: CloseIn, idempotency_key: str | None = IdemKey):
    a = actor(request)
    services.close_regime(actor=a, regime_id=regime_id, data=payload.dict(), idempotency_key=idempotency_key)
    return _detail(selectors.regime(a, regime_id))
