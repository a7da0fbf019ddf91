from bondzone.core.commands import ServiceCommand, read_json
from bondzone.core.web import new_idempotency_key
from bondzone.duties import services


class Command(ServiceCommand):
    help = ("Open a time-limited regime from a JSON document (file or -): kind, book_id, start_date, optional "
            "deadline, purpose, lines [{item_id, quantity, customs_value}], guarantee_id, out_lists [list ids].")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--file", required=True, help="the JSON document, or - for standard input")
        parser.add_argument("--idempotency-key", default="", help="repeat a call safely with the same key")

    def run(self, actor, **o):
        data = read_json(o["file"])
        r = services.open_regime(actor=actor, data=data, idempotency_key=o["idempotency_key"] or new_idempotency_key())
        self.stdout.write(f"Regime {r.pk} {r.number}: {r.kind}, deadline {r.deadline}, duty at risk {r.duty_at_risk}, "
                          f"guarantee used {r.guarantee_used}")
