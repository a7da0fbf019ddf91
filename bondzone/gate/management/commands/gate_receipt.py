from bondzone.core.commands import ServiceCommand
from bondzone.gate import services


class Command(ServiceCommand):
    help = "Apply customs' SAS221 receipt (XML file, or '-' for stdin) to our release slip (customs)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="the receipt's XML")

    def run(self, actor, **o):
        if o["file"] == "-":
            data = open(0, "rb").read()
        else:  # a file that cannot be read is ServiceCommand's sentence, in the CLI's language
            with open(o["file"], "rb") as fh:
                data = fh.read()
        outcome = services.apply_receipt(actor=actor, data=data)
        self.stdout.write(outcome.sentence())
