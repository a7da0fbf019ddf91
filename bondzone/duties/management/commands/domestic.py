import json

from bondzone.core.commands import ServiceCommand, id_arg, read_json
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.web import new_idempotency_key
from bondzone.duties import selectors, services


def sale_json(s) -> dict:
    return {"id": s.pk, "number": s.number, "status": s.status, "mode": s.mode, "book_id": s.book_id,
            "declared_on": s.declared_on.isoformat(), "cheaper": s.cheaper, "basis": s.basis, "list_id": s.vlist_id,
            "goods": s.goods_quote, "materials": s.materials_quote, "requotes": s.requotes,
            "tax_bill_id": getattr(getattr(s, "bill", None), "pk", None)}


class Command(ServiceCommand):
    help = ("Domestic sale (内销) on both bases. `request --file doc.json` (book_id, mode out|status, declared_on, "
            "interest_since, lines [{item_id, quantity, customs_value}]) prints both quotations side by side; "
            "`choose ID --basis goods|materials` (the enterprise; files and submits the list); `confirm ID` (customs; "
            "approves the list, issues the tax bill); `show ID`; `pay BILL --reference R [--paid-on DATE]` (customs; records "
            "the late-payment surcharge); `withdraw ID` (takes the submitted list back); `cancel ID --reason R`; "
            "after a rejection `choose` again corrects and resubmits the list.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("step", choices=["request", "choose", "confirm", "show", "pay", "withdraw", "cancel"])
        parser.add_argument("id", nargs="?", default=None, help="the sale's id (the tax bill's for pay)")
        parser.add_argument("--file", default=None, help="the request document, or - for standard input")
        parser.add_argument("--basis", default=None, help="goods or materials")
        parser.add_argument("--reference", default="", help="the payment's bank reference")
        parser.add_argument("--reason", default="", help="why the sale is cancelled (cancel)")
        parser.add_argument("--paid-on", default=None)
        parser.add_argument("--idempotency-key", default="")

    def run(self, actor, **o):
        key = o["idempotency_key"] or new_idempotency_key()
        if o["step"] == "request":
            if not o["file"]:
                raise DomainError(problem("--file", "required"))
            data = read_json(o["file"])
            sale = services.request_domestic_sale(actor=actor, data=data, idempotency_key=key)
        else:
            pk = id_arg(o["id"], "id")
            if o["step"] == "choose":
                sale = services.choose_domestic_basis(actor=actor, sale_id=pk, basis=o["basis"], idempotency_key=key)
            elif o["step"] == "withdraw":
                sale = services.withdraw_domestic_sale(actor=actor, sale_id=pk)
            elif o["step"] == "cancel":
                sale = services.cancel_domestic_sale(actor=actor, sale_id=pk, reason=o["reason"], idempotency_key=key)
            elif o["step"] == "confirm":
                sale = services.confirm_domestic_sale(actor=actor, sale_id=pk, idempotency_key=key)
            elif o["step"] == "pay":
                bill = services.record_tax_payment(actor=actor, bill_id=pk, idempotency_key=key, data={
                    "reference": o["reference"], "paid_on": o["paid_on"]})
                self.stdout.write(json.dumps({"id": bill.pk, "number": bill.number, "state": bill.state,
                                              "paid_on": bill.paid_on.isoformat(), "late_days": bill.late_days,
                                              "surcharge": str(bill.surcharge)}))
                return
            else:
                sale = selectors.domestic_sale(actor, pk)
        self.stdout.write(json.dumps(sale_json(sale), ensure_ascii=False, indent=1))
