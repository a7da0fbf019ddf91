from bondzone.core.commands import ServiceCommand
from bondzone.core.web import new_idempotency_key
from bondzone.duties import services


class Command(ServiceCommand):
    help = "Record a guarantee an enterprise has lodged (customs): deposit, bank or general guarantee."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--enterprise", required=True, help="the enterprise's id")
        parser.add_argument("--kind", required=True, help="deposit, bank or general")
        parser.add_argument("--reference", required=True, help="deposit receipt or guarantee letter number")
        parser.add_argument("--amount", required=True, help="yuan, e.g. 100000.00")
        parser.add_argument("--valid-to", default=None, help="last day of validity (YYYY-MM-DD)")

        parser.add_argument("--idempotency-key", default="", help="repeat a request safely (default: a new key)")

    def run(self, actor, **o):
        key = o["idempotency_key"] or new_idempotency_key()
        g = services.lodge_guarantee(actor=actor, data={
            "enterprise_id": o["enterprise"], "kind": o["kind"], "reference": o["reference"], "amount": o["amount"],
            "valid_to": o["valid_to"]}, idempotency_key=key)
        self.stdout.write(f"Guarantee {g.pk} {g.reference}: amount {g.amount}, free {g.free}")
