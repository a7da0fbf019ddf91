from bondzone.core.commands import ServiceCommand, id_arg, read_json
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.web import new_idempotency_key
from bondzone.gate import services


class Command(ServiceCommand):
    help = "Release slips (核放单): apply (from a JSON file or '-' for stdin), approve, cancel or inspect."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("action", choices=["apply", "approve", "cancel", "inspect"])
        parser.add_argument("target", help="apply: JSON file of the slip; otherwise the slip id")
        parser.add_argument("--reason", default="", help="cancel: why")
        parser.add_argument("--result", default="conforms", choices=["conforms", "discrepancy"], help="inspect")
        parser.add_argument("--refuse", action="store_true", help="inspect: refuse instead of releasing")
        parser.add_argument("--found", action="append", default=[], metavar="[LIST:]LINE=QTY",
                            help="inspect, discrepancy: quantity found on a list line (repeatable); the passage posts it")
        parser.add_argument("--note", default="", help="inspect: the officer's note")
        parser.add_argument("--idempotency-key", default="")

    def run(self, actor, **o):
        key = o["idempotency_key"] or new_idempotency_key()
        if o["action"] == "apply":
            data = read_json(o["target"])
            slip = services.apply_slip(actor=actor, enterprise_id=data.pop("enterprise_id", None), data=data,
                                       idempotency_key=key)
        else:
            pk = id_arg(o["target"], "target")
            if o["action"] == "approve":
                slip = services.approve_slip(actor=actor, slip_id=pk, idempotency_key=key)
            elif o["action"] == "cancel":
                slip = services.cancel_slip(actor=actor, slip_id=pk, reason=o["reason"])
            else:
                slip = services.record_inspection(actor=actor, slip_id=pk, result=o["result"], release=not o["refuse"],
                                                  note=o["note"], discrepancies=[_found(f) for f in o["found"]])
        elock = f", electronic lock {slip.elock_no}" if slip.elock_no else ""
        self.stdout.write(f"Slip {slip.pk} {slip.number}: {slip.status} (inspection: {slip.inspection}){elock}")


def _found(text: str) -> dict:
    """`[LIST:]LINE=QTY` → a discrepancy row (the service checks the values)."""
    where, sep, quantity = text.partition("=")
    if not sep:
        raise DomainError(problem("--found", "bad_format", value=text, example="2=10, 15:2=10"))
    list_id, _, seq = where.rpartition(":")
    return {"seq": seq.strip(), "found": quantity.strip(), **({"list_id": list_id.strip()} if list_id else {})}
