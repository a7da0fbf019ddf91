import sys
from bondzone.core.commands import ServiceCommand, date_argument, id_argument
from bondzone.supervision import exports


class Command(ServiceCommand):
    help = "Export ledger movements (csv, xlsx or json) to a file or standard output."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--book", type=id_argument, default=None)
        parser.add_argument("--from", dest="date_from", type=date_argument, default=None)
        parser.add_argument("--to", dest="date_to", type=date_argument, default=None)
        parser.add_argument("--format", default="csv", choices=sorted(exports.FORMATS))
        parser.add_argument("--output", "-o", default="-")

    def run(self, actor, **o):
        body = exports.movements(actor, book_id=o["book"], date_from=o["date_from"], date_to=o["date_to"],
                                 fmt=o["format"])
        if o["output"] == "-":
            sys.stdout.buffer.write(body)
        else:
            with open(o["output"], "wb") as fh:
                fh.write(body)
