import json

from django.utils.crypto import get_random_string

from bondzone.core.commands import ServiceCommand
from bondzone.gate import services


class Command(ServiceCommand):
    help = "Report a vehicle at the gate as the gate's user (for hardware without the API); prints the JSON answer."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("plate")
        parser.add_argument("direction", choices=["I", "E"])
        parser.add_argument("weighbridge_kg")
        parser.add_argument("--event-id", default="", help="the gate's event id (a repeat gets the first answer)")
        parser.add_argument("--container", action="append", default=[], dest="containers")
        parser.add_argument("--seal", default="")
        parser.add_argument("--ic-card", default="")
        parser.add_argument("--elock-no", default="", help="the electronic lock read (电子关锁号), with --elock-status")
        parser.add_argument("--elock-status", default="", help="intact, opened or fault")

    def run(self, actor, **o):
        data = {"event_id": o["event_id"] or "cli-" + get_random_string(16), "plate": o["plate"],
                "direction": o["direction"], "weighbridge_kg": o["weighbridge_kg"], "containers": o["containers"],
                "seal": o["seal"], "ic_card": o["ic_card"], "elock_no": o["elock_no"],
                "elock_status": o["elock_status"]}
        answer, replayed = services.report_passage(actor=actor, data=data)
        self.stdout.write(json.dumps({**answer, "replayed": replayed}, ensure_ascii=False))
