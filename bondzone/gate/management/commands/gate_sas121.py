import sys

from django.core.management.base import CommandError

from bondzone.core.commands import ServiceCommand
from bondzone.gate import services


class Command(ServiceCommand):
    help = "Write a release slip (核放单) as the SAS121 declaration XML (to stdout, or -o FILE)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("slip_id", help="the slip's id")
        parser.add_argument("-o", "--output", default="", help="file to write (default: stdout)")

    def run(self, actor, **o):
        try:
            pk = int(o["slip_id"])
        except ValueError:
            raise CommandError(f"{o['slip_id']!r} is not a slip id.") from None
        name, document = services.sas121_document(actor, pk)
        if not o["output"]:
            sys.stdout.buffer.write(document)
            return
        try:
            with open(o["output"], "wb") as fh:
                fh.write(document)
        except OSError as exc:
            raise CommandError(f"Cannot write {o['output']!r}: {exc}") from None
        self.stdout.write(f"{name} → {o['output']}")
