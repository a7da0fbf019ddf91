"""Permission matrix of the duties pages and API (read by tests/permissions/test_matrix.py).

A quotation writes nothing and every logged-in role may compute one (valid body: 200). Rate tables and
exchange rates are reference data every logged-in user reads; only customs and the platform
administrator change them (`duties.manage_rates`), and the bodies here are bad (an unreadable file, an
end date before the start), so a permitted user gets 400 (API) or a flashed error and a redirect (page)
and nothing is written. Guarantees: lists are scoped (every logged-in user gets 200, possibly empty), a
guarantee out of the reader's scope is a 404; customs lodge and move (bad kind, a use beyond the free
amount: refused, nothing written)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bondzone.duties.models import DomesticSale, ExchangeRate, TaxBill, Guarantee, Regime, RegimeExtension, TaxRate

from ..permissions.matrix import OK_WRITE, Rule

QUOTE = {"lines": [{"hs_code": "8471300000", "quantity": "1", "unit": "001", "customs_value": "1000.00",
                    "tariff": {"ad_valorem": "0.10"}, "vat_rate": "0.13"}]}

PAGES = {
    "duties:quote": Rule("list"),
    "duties:rates": Rule("list"),
    "duties:fx": Rule("list"),
    "duties:rate-end": Rule("write", action="duties.manage_rates", method="POST", ok=OK_WRITE, body="end_rate"),
    "duties:guarantees": Rule("list"),
    "duties:guarantees-export": Rule("list"),
    "duties:guarantee": Rule("object", object="guarantee"),
    "duties:guarantee-lodge": Rule("write", action="duties.manage_guarantees", method="POST", ok=OK_WRITE,
                                   body="guarantee"),
    "duties:guarantee-move": Rule("write", action="duties.manage_guarantees", object="guarantee", method="POST",
                                  ok=OK_WRITE, body="move"),
    "duties:regimes": Rule("list"),
    "duties:regimes-export": Rule("list"),
    "duties:regime-open": Rule("action", action="duties.open_regime"),
    "duties:regime": Rule("object", object="regime"),
    "duties:regime-extend": Rule("write", action="duties.decide_regime", object="regime", method="POST", ok=OK_WRITE,
                                 body="regime_extend"),
    "duties:regime-close": Rule("write", action="duties.decide_regime", object="regime", method="POST", ok=OK_WRITE,
                                body="regime_close"),
    "duties:domestic-sales": Rule("action", action="duties.view_domestic"),
    "duties:domestic-new": Rule("action", action="duties.request_domestic"),
    "duties:domestic-sale": Rule("object", object="sale"),
    "duties:domestic-choose": Rule("write", action="duties.request_domestic", object="sale", method="POST",
                                   ok=OK_WRITE, body="choose"),
    "duties:domestic-confirm": Rule("write", action="duties.confirm_domestic", object="sale", method="POST",
                                    ok=OK_WRITE),
    "duties:domestic-withdraw": Rule("write", action="duties.request_domestic", object="sale", method="POST",
                                     ok=OK_WRITE),  # a quoted sale has no list to withdraw: refused
    "duties:domestic-cancel": Rule("write", action="duties.request_domestic", object="sale", method="POST",
                                   ok=OK_WRITE, body="cancel_sale"),
    "duties:regime-link": Rule("write", action="duties.open_regime", object="regime", method="POST", ok=OK_WRITE,
                               body="regime_link"),
    "duties:tax-bills": Rule("action", action="duties.view_domestic"),
    "duties:tax-bill": Rule("object", object="bill"),
    "duties:tax-bill-export": Rule("object", object="bill"),
    "duties:tax-bill-pay": Rule("write", action="duties.confirm_domestic", object="bill", method="POST", ok=OK_WRITE,
                                body="payment"),
}
API = {
    "POST /api/v1/duties/quote": Rule("list", body="duty_quote"),
    "GET /api/v1/duties/tax-rates": Rule("list"),
    "GET /api/v1/duties/exchange-rates": Rule("list"),
    "POST /api/v1/duties/tax-rates/import": Rule("write", action="duties.manage_rates", ok=OK_WRITE, body="import"),
    "POST /api/v1/duties/exchange-rates/import": Rule("write", action="duties.manage_rates", ok=OK_WRITE,
                                                      body="import"),
    "GET /api/v1/duties/guarantees": Rule("list"),
    "POST /api/v1/duties/guarantees": Rule("write", action="duties.manage_guarantees", ok=OK_WRITE, body="guarantee"),
    "GET /api/v1/duties/guarantees/{guarantee_id}": Rule("object", object="guarantee"),
    "POST /api/v1/duties/guarantees/{guarantee_id}/moves": Rule("write", action="duties.manage_guarantees",
                                                                object="guarantee", ok=OK_WRITE, body="move"),
    "GET /api/v1/duties/regimes": Rule("list"),
    "GET /api/v1/duties/regimes/{regime_id}": Rule("object", object="regime"),
    "POST /api/v1/duties/regimes": Rule("write", action="duties.open_regime", ok=OK_WRITE, body="regime"),
    "POST /api/v1/duties/regimes/{regime_id}/extend": Rule("write", action="duties.decide_regime", object="regime",
                                                           ok=OK_WRITE, body="regime_extend"),
    "POST /api/v1/duties/regimes/{regime_id}/close": Rule("write", action="duties.decide_regime", object="regime",
                                                          ok=OK_WRITE, body="regime_close"),
    "GET /api/v1/duties/domestic-sales": Rule("list"),
    "GET /api/v1/duties/domestic-sales/{sale_id}": Rule("object", object="sale"),
    "POST /api/v1/duties/domestic-sales": Rule("write", action="duties.request_domestic", ok=OK_WRITE,
                                               body="domestic"),
    "POST /api/v1/duties/domestic-sales/{sale_id}/choose": Rule("write", action="duties.request_domestic",
                                                                object="sale", ok=OK_WRITE, body="choose"),
    "POST /api/v1/duties/domestic-sales/{sale_id}/confirm": Rule("write", action="duties.confirm_domestic",
                                                                 object="sale", ok=OK_WRITE),
    "POST /api/v1/duties/domestic-sales/{sale_id}/withdraw": Rule("write", action="duties.request_domestic",
                                                                  object="sale", ok=OK_WRITE),
    "POST /api/v1/duties/domestic-sales/{sale_id}/cancel": Rule("write", action="duties.request_domestic",
                                                                object="sale", ok=OK_WRITE, body="cancel_sale"),
    "POST /api/v1/duties/regimes/{regime_id}/lists": Rule("write", action="duties.open_regime", object="regime",
                                                          ok=OK_WRITE, body="regime_link"),
    "GET /api/v1/duties/tax-bills": Rule("list"),
    "GET /api/v1/duties/tax-bills/{bill_id}": Rule("object", object="bill"),
    "GET /api/v1/duties/tax-bills/{bill_id}/export": Rule("object", object="bill"),
    "POST /api/v1/duties/tax-bills/{bill_id}/payment": Rule("write", action="duties.confirm_domestic", object="bill",
                                                            ok=OK_WRITE, body="payment"),
    "POST /api/v1/duties/tax-rates/{rate_id}/end": Rule("write", action="duties.manage_rates", ok=OK_WRITE,
                                                        body="end_rate"),
}
BODIES = {
    "duty_quote": lambda w, o: QUOTE,
    "end_rate": lambda w, o: {"valid_to": "2000-01-01"},
    "guarantee": lambda w, o: {"enterprise_id": o["enterprise"].pk, "kind": "cash", "reference": "X", "amount": "1"},
    "move": lambda w, o: {"kind": "use", "amount": "999999", "purpose": "too much"},
    # bad but well-formed: refused after the regime is looked up (so an unseen regime is a 404)
    "regime": lambda w, o: {"kind": "display_out", "book_id": o["book"].pk, "start_date": "2026-05-01",
                            "lines": [{"item_id": 1, "quantity": "-1", "customs_value": "1"}]},
    "regime_extend": lambda w, o: {"until": "2000-01-02", "reason": "x"},
    "regime_close": lambda w, o: {"outcome": "returned", "closed_on": "2000-01-02"},
    "domestic": lambda w, o: {"book_id": o["book"].pk, "lines": [{"item_id": 1, "quantity": "-1",
                                                                  "customs_value": "1"}]},
    "choose": lambda w, o: {"basis": "cheapest"},  # a bad basis: refused after the sale is looked up
    "payment": lambda w, o: {"reference": ""},  # the reference is required
    "cancel_sale": lambda w, o: {"reason": ""},  # a reason is required: refused after the sale is looked up
    "regime_link": lambda w, o: {"role": "back", "lists": ["999999"]},  # no such list of the book: refused
}
# guarantees: the enterprise its own, customs of its zone (or all), tax and the platform administrator
GUARANTEE_VISIBLE = {"A": {"admin", "customs", "customs_a", "tax", "ent_a"}, "B": {"admin", "customs", "tax", "ent_b"}}


def expected(label, rule, username, target, world, want):
    if username is None or rule.object not in ("guarantee", "regime", "sale", "bill"):
        return want
    if rule.kind == "write" and not world.actor(username).can(rule.action):
        return {403}
    return set(rule.ok) if username in GUARANTEE_VISIBLE[target] else {404}
NO_WRITES = {"duties:domestic-withdraw", "duties:domestic-cancel", "duties:regime-link", "duties:domestic-choose", "duties:domestic-confirm", "duties:tax-bill-pay", "duties:rate-end", "duties:guarantee-lodge", "duties:guarantee-move", "duties:regime-extend",
             "duties:regime-close"}


def objects(world) -> dict:
    rate = TaxRate.objects.create(kind="mfn", hs_code="8471300000", ad_valorem="0.05", valid_from=date(2026, 1, 1))
    fx = ExchangeRate.objects.create(currency="USD", cny=Decimal("7.1000"), per=1, valid_from=date(2026, 1, 1))
    out = {}
    for target, ent in (("A", world.ent_a), ("B", world.ent_b)):
        g = Guarantee.objects.create(enterprise=ent, zone_id=ent.zone_id, kind="deposit", reference=f"G-{target}",
                                     amount=Decimal("100.00"))
        book = world.book_a if target == "A" else world.book_b
        r = Regime.objects.create(number=f"SX-{target}", enterprise=ent, zone_id=ent.zone_id, book=book,
                                  kind="repair_out", legal_basis="x", start_date=date(2026, 1, 1),
                                  deadline=date(2026, 3, 2))
        # a quoted domestic sale (confirming it is refused: not declared) and an issued tax bill on the target's list
        sale = DomesticSale.objects.create(number=f"NX-{target}", enterprise=ent, zone_id=ent.zone_id, book=book,
                                           declared_on=date(2026, 5, 1), goods_quote={"totals": {"total": "0.00"}})
        bill = TaxBill.objects.create(number=f"SD-{target}", enterprise=ent, zone_id=ent.zone_id,
                                      vlist=world_list(book), rate_date=date(2026, 5, 1), issued_on=date(2026, 5, 1),
                                      due_on=date(2026, 5, 16), total=Decimal("10.00"),
                                      detail={"totals": {"tariff": "0.00", "consumption_tax": "0.00", "vat": "10.00",
                                                         "interest": "0.00", "total": "10.00"},
                                              "lines": [{"hs_code": "8471300000", "quantity": "1", "unit": "001",
                                                         "customs_value": "76.92", "vat_rate": "0.13",
                                                         "tariff_rate": {}, "consumption_tax_rate": {},
                                                         "tariff": "0.00", "consumption_tax": "0.00",
                                                         "vat": "10.00"}]})
        out[target] = {"rate": rate, "fx": fx, "guarantee": g, "regime": r, "sale": sale, "bill": bill}
    return out


def world_list(book):
    from bondzone.supervision.models import VerificationList

    return VerificationList.objects.create(pre_entry_no=f"t-bill-{book.pk}", book=book, enterprise_id=book.enterprise_id,
                                           zone_id=book.zone_id, direction="E", trade_mode="5000", line_count=0)


def snapshot() -> tuple:
    return (DomesticSale.objects.count(), tuple(DomesticSale.objects.order_by("pk").values_list("status", "basis")),
            TaxBill.objects.count(), tuple(TaxBill.objects.order_by("pk").values_list("state", flat=True)),
            TaxRate.objects.count(), ExchangeRate.objects.count(),
            tuple(TaxRate.objects.values_list("valid_to", flat=True)), Guarantee.objects.count(),
            tuple(Guarantee.objects.order_by("pk").values_list("used", "released")), Regime.objects.count(),
            tuple(Regime.objects.order_by("pk").values_list("deadline", "status")), RegimeExtension.objects.count())

# collection -> (fixture object, who sees target A's and B's row): checked row by row per role
COLLECTIONS = {"/api/v1/duties/guarantees": ("guarantee", GUARANTEE_VISIBLE),
               "/api/v1/duties/domestic-sales": ("sale", GUARANTEE_VISIBLE),
               "/api/v1/duties/tax-bills": ("bill", GUARANTEE_VISIBLE),
               "/api/v1/duties/regimes": ("regime", GUARANTEE_VISIBLE)}

# rate tables and exchange rates: reference data every logged-in user reads alike
REFERENCE = {"/api/v1/duties/tax-rates": ("id", False, "rate", None),
             "/api/v1/duties/exchange-rates": ("id", False, "fx", None)}
