import json

from bondzone.core.commands import ServiceCommand
from bondzone.core.web import new_idempotency_key
from bondzone.duties import services


class Command(ServiceCommand):
    help = ("Link verification lists to a regime: --role out (the goods leave on it, direction E) or back (they "
            "return on it, direction I); the release slips carrying them tie the regime to the gate.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("regime_id")
        parser.add_argument("--role", required=True, help="out or back")
        parser.add_argument("--lists", required=True, help="list ids, comma-separated")
        parser.add_argument("--idempotency-key", default="")

    def run(self, actor, **o):
        r = services.link_regime_lists(actor=actor, regime_id=o["regime_id"], idempotency_key=o["idempotency_key"]
                                       or new_idempotency_key(), data={"role": o["role"], "lists": o["lists"]})
        self.stdout.write(json.dumps({"id": r.pk, "number": r.number, "lists": sorted(
            [pk, role] for pk, role in r.list_links.values_list("vlist_id", "role"))}))
