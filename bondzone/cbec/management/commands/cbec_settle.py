import json

from bondzone.cbec import settlement
from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.web import new_idempotency_key


def _out(s) -> dict:
    return {"id": s.pk, "enterprise_id": s.enterprise_id, "period": [s.period_from.isoformat(), s.period_to.isoformat()],
            "orders": s.order_count, "tariff": str(s.tariff), "consumption_tax": str(s.consumption_tax),
            "vat": str(s.vat), "tax_total": str(s.tax_total), "due_on": s.due_on.isoformat(), "status": s.status,
            "paid_on": s.paid_on.isoformat() if s.paid_on else None}


class Command(ServiceCommand):
    help = ("Issue the periodic tax settlement (汇总纳税) of an e-commerce enterprise's cross-border orders released "
            "in a period of at most 15 days, once their return window closed (tax paid between day 31 and day 45 "
            "after release); --pay records a settlement's payment and frees the guarantee; --due: the daily run.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--enterprise", help="the e-commerce enterprise (id)")
        parser.add_argument("--from", dest="start", help="first release day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", help="last release day (YYYY-MM-DD)")
        parser.add_argument("--pay", help="record the payment of this settlement (id)")
        parser.add_argument("--paid-on", dest="paid_on", help="day paid (YYYY-MM-DD)")
        parser.add_argument("--ref", default="", help="payment reference (tax bill or bank)")
        parser.add_argument("--due", action="store_true", help="the daily run for every enterprise in scope")
        parser.add_argument("--idempotency-key", default="")

    def run(self, actor, **o):
        key = o["idempotency_key"] or new_idempotency_key()
        if o["due"]:
            self.stdout.write(json.dumps(settlement.settle_due(actor=actor)))
            return
        if o["pay"]:
            if not o["paid_on"]:
                raise DomainError(problem("--paid-on", "required_with", option="--pay"))
            s = settlement.pay(actor=actor, settlement_id=o["pay"], paid_on=o["paid_on"], payment_ref=o["ref"],
                               idempotency_key=key)
            self.stdout.write(json.dumps(_out(s)))
            return
        missing = [f"--{n}" for n, k in (("enterprise", "enterprise"), ("from", "start"), ("to", "end")) if not o[k]]
        if missing:
            raise DomainError([problem(m, "required_unless", alternative="--pay, --due") for m in missing])
        s = settlement.issue(actor=actor, enterprise_id=o["enterprise"], start=o["start"], end=o["end"],
                             idempotency_key=key)
        self.stdout.write(json.dumps(_out(s)))
