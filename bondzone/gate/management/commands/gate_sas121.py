import sys

from bondzone.core.commands import ServiceCommand, id_arg
from bondzone.gate import services


class Command(ServiceCommand):
    help = "Write a release slip (核放单) as the SAS121 declaration XML (to stdout, or -o FILE)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("slip_id", help="the slip's id")
        parser.add_argument("-o", "--output", default="", help="file to write (default: stdout)")

    def run(self, actor, **o):
        pk = id_arg(o["slip_id"], "slip_id")
        name, document = services.sas121_document(actor, pk)
        if not o["output"]:
            sys.stdout.buffer.write(document)
            return
        with open(o["output"], "wb") as fh:  # cannot be written: ServiceCommand's sentence
            fh.write(document)
        self.stdout.write(f"{name} → {o['output']}")
