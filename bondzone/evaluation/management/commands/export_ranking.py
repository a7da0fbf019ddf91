import sys

from bondzone.core.commands import ServiceCommand
from bondzone.evaluation import exports, selectors


class Command(ServiceCommand):
    help = "Export the ranking of an evaluation run (csv, xlsx or json) to a file or standard output."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--run", required=True)
        parser.add_argument("--format", default="csv", choices=sorted(exports.FORMATS))
        parser.add_argument("--output", "-o", default="-")

    def run(self, actor, **o):
        body = exports.export_ranking(actor, selectors.run(actor, o["run"]), fmt=o["format"])
        if o["output"] == "-":
            sys.stdout.buffer.write(body)
        else:
            with open(o["output"], "wb") as fh:
                fh.write(body)
