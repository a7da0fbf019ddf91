
from bondzone.core.commands import ServiceCommand, id_arg
from bondzone.core.web import new_idempotency_key
from bondzone.duties import services


class Command(ServiceCommand):
    help = "Extend a regime (customs): refused after expiry, beyond the rule's extensions or one extension's length."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("regime", help="the regime's id")
        parser.add_argument("--until", default=None, help="the new deadline (YYYY-MM-DD); default: one full extension")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--idempotency-key", default="")

    def run(self, actor, **o):
        regime_id = id_arg(o["regime"], "regime")
        r = services.extend_regime(actor=actor, regime_id=regime_id, data={"until": o["until"], "reason": o["reason"]},
                                   idempotency_key=o["idempotency_key"] or new_idempotency_key())
        self.stdout.write(f"Regime {r.number}: deadline {r.deadline} (extension {r.extensions_used})")
