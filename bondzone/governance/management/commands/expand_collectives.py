import json

from bondzone.core.commands import ServiceCommand
from bondzone.governance import services


class Command(ServiceCommand):
    help = ("Expand tasks naming a collective unit (各综合保税区管理机构, 综合保税区所在区政府) into one sub-task per "
            "district or zone; safe to run twice (members that own a sub-task are skipped).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--task", type=int, default=None, help="one task id (default: every open task)")

    def run(self, actor, **o):
        if o["task"] is not None:
            result = services.expand_collectives(actor=actor, task_id=o["task"])
        else:
            result = services.expand_all_collectives(actor=actor)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
