from bondzone.core.commands import ServiceCommand, id_argument
from bondzone.core.web import new_idempotency_key
from bondzone.supervision import services as ledger


class Command(ServiceCommand):
    help = ("库门: 变更 of an approved door list (non-bonded ↔ bonded) before its goods passed the door: the "
            "quantities of its lines; its reservations take the new quantities.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("list_id", type=id_argument, help="the door list's id")
        parser.add_argument("--line", action="append", default=[], metavar="LINE=QTY or LINE:FIELD=VALUE",
                            help="a line's new quantity (1=6), or another of its fields (1:value=12.50); repeatable")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--idempotency-key", default="", help="a retry with the same key changes nothing more")

    def run(self, actor, **o):
        lines: dict[str, dict[str, str]] = {}
        for arg in o["line"]:
            target, _, value = arg.partition("=")
            line, _, field = target.partition(":")
            lines.setdefault(line.strip(), {})[field.strip() or "quantity"] = value.strip()
        vlist = ledger.change_door_list(actor=actor, list_id=o["list_id"], lines=lines, reason=o["reason"],
                                        idempotency_key=o["idempotency_key"] or new_idempotency_key())
        self.stdout.write(f"Door list {vlist.display_number} changed (change {vlist.change_count}).")
