import json

from bondzone.cbec import consolidation
from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.web import new_idempotency_key


class Command(ServiceCommand):
    help = ("Consolidate the released cross-border orders of a period into a type-8 verification list (保税电商, "
            "trade mode 1210) on the enterprise's T book, made and submitted through the book's list services; --due: "
            "the periodic run for every enterprise in scope.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--book", help="the e-commerce enterprise's T book (id)")
        parser.add_argument("--from", dest="start", help="first release day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", help="last release day (YYYY-MM-DD)")
        parser.add_argument("--due", action="store_true",
                            help="the periodic run: every enterprise's orders released up to yesterday (as the job does)")
        parser.add_argument("--idempotency-key", default="")

    def run(self, actor, **o):
        if o["due"]:
            self.stdout.write(json.dumps(consolidation.consolidate_released(actor=actor)))
            return
        missing = [f"--{n}" for n, k in (("book", "book"), ("from", "start"), ("to", "end")) if not o[k]]
        if missing:
            raise DomainError([problem(m, "required_unless", alternative="--due") for m in missing])
        c = consolidation.consolidate(actor=actor, book_id=o["book"], start=o["start"], end=o["end"],
                                      idempotency_key=o["idempotency_key"] or new_idempotency_key())
        self.stdout.write(json.dumps({
            "id": c.pk, "list_id": c.vlist_id, "pre_entry_no": c.vlist.pre_entry_no, "trade_mode": c.vlist.trade_mode,
            "list_type": c.vlist.list_type, "orders": c.order_count, "goods_value": str(c.goods_value),
            "tax_total": str(c.tax_total), "period": [c.period_from.isoformat(), c.period_to.isoformat()]},
            ensure_ascii=False))
