
from bondzone.core.commands import ServiceCommand, id_arg
from bondzone.core.web import new_idempotency_key
from bondzone.duties import services


class Command(ServiceCommand):
    help = "Close a regime (customs): returned (goods back) or closed (sold and taxed, re-exported …); frees the guarantee."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("regime", help="the regime's id")
        parser.add_argument("--outcome", required=True, help="returned or closed")
        parser.add_argument("--closed-on", default=None, help="YYYY-MM-DD (default today)")
        parser.add_argument("--note", default="", help="what happened (required for closed)")
        parser.add_argument("--back-lists", default="", help="ids of the lists the goods came back on, comma-separated")
        parser.add_argument("--idempotency-key", default="")

    def run(self, actor, **o):
        regime_id = id_arg(o["regime"], "regime")
        r = services.close_regime(actor=actor, regime_id=regime_id, idempotency_key=o["idempotency_key"]
                                  or new_idempotency_key(), data={"outcome": o["outcome"], "closed_on": o["closed_on"],
                                                                  "note": o["note"], "back_lists": o["back_lists"]})
        self.stdout.write(f"Regime {r.number}: {r.status} on {r.closed_on}")
