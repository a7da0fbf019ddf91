"""Tax bills (税单) of domestic sales: the payment, with the late-payment surcharge (滞纳金) when paid after the
deadline, and the surcharge accrued while unpaid (the formulas are the pure engine's, domain/domestic.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_date, collect_text
from bondzone.core.scoping import get_scoped

from ..domain import domestic as rules
from ..models import TaxBill


def unpaid_tax(bill: TaxBill) -> Decimal:
    return rules.surcharge_base(bill.tariff, bill.consumption_tax, bill.vat)


def surcharge_on(bill: TaxBill, day: date) -> tuple[int, Decimal]:
    """Days late and the surcharge of a bill: as recorded when paid, else as accrued if paid on `day`."""
    if bill.state == TaxBill.State.PAID:
        return bill.late_days, bill.surcharge
    late = rules.late_days(bill.due_on, day)
    return late, rules.late_surcharge(unpaid_tax(bill), late)


def record_tax_payment(*, actor: Actor, bill_id: Any, data: Mapping[str, Any], idempotency_key: str | None,
                       today: date | None = None) -> TaxBill:
    """Customs records that a tax bill was paid (the day and the bank's reference), with the late-payment
    surcharge (滞纳金) when paid after the deadline: 0.05 % a day of the unpaid taxes (not the interest)."""
    actor.require("duties.confirm_domestic")
    today = today or timezone.localdate()

    def do() -> dict:
        bill = get_scoped(TaxBill.objects.select_for_update(), actor, bill_id, action="change")
        problems: list[Problem] = []
        paid_on = collect_date(data.get("paid_on"), "paid_on", problems, today=today) or today
        reference = collect_text(data.get("reference"), "reference", problems, max_length=60, required=True)
        if problems:
            raise DomainError(problems)
        if bill.state == TaxBill.State.PAID:
            raise DomainError(problem("state", "tax_bill_paid", number=bill.number, paid_on=bill.paid_on))
        if paid_on < bill.issued_on or paid_on > today:
            raise DomainError(problem("paid_on", "regime_close_date", value=paid_on, start=bill.issued_on, today=today))
        late = rules.late_days(bill.due_on, paid_on)
        surcharge = rules.late_surcharge(unpaid_tax(bill), late)
        bill.state, bill.paid_on, bill.payment_reference = TaxBill.State.PAID, paid_on, reference
        bill.late_days, bill.surcharge = late, surcharge
        bill.save(update_fields=["state", "paid_on", "payment_reference", "late_days", "surcharge"])
        audit.record(actor, "duties.tax_bill_paid", bill, before={"state": "unpaid"},
                     after={"state": "paid", "paid_on": paid_on.isoformat(), "reference": reference,
                            "late_days": late, "surcharge": str(surcharge)})
        return {"bill_id": bill.pk}

    idempotency.run(actor, idempotency_key, "duties.tax_bill_pay", {"bill_id": str(bill_id), **dict(data)}, do)
    return TaxBill.objects.get(pk=bill_id)
