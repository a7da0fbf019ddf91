
from bondzone.core.commands import ServiceCommand, id_arg
from bondzone.core.web import new_idempotency_key
from bondzone.duties import services


class Command(ServiceCommand):
    help = "Use part of a guarantee (refused beyond the free amount), free a use, or give part of it back."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("guarantee", help="the guarantee's id")
        parser.add_argument("--kind", required=True, help="use, free or release")
        parser.add_argument("--amount", required=True, help="yuan, e.g. 2500.00")
        parser.add_argument("--purpose", required=True, help="what it is for (declaration, regime …)")

        parser.add_argument("--idempotency-key", default="", help="repeat a request safely (default: a new key)")

    def run(self, actor, **o):
        key = o["idempotency_key"] or new_idempotency_key()
        guarantee_id = id_arg(o["guarantee"], "guarantee")
        g = services.move_guarantee(actor=actor, guarantee_id=guarantee_id, kind=o["kind"], amount=o["amount"],
                                    purpose=o["purpose"], idempotency_key=key)
        self.stdout.write(f"Guarantee {g.pk} {g.reference}: used {g.used}, given back {g.released}, free {g.free}")
