import json
import sys

from bondzone.core.commands import ServiceCommand
from bondzone.evaluation import exports, services


class Command(ServiceCommand):
    help = ("Zone-evaluation base data: --import FILE (CSV/XLSX with zone, series, year, value, unit, note; all or "
            "nothing) or --compute YEAR (trade by trade mode and active enterprises from the account books).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--import", dest="file", metavar="FILE", help="file to import ('-' for CSV on stdin)")
        group.add_argument("--compute", metavar="YEAR", help="compute the platform's own series for YEAR")

    def run(self, actor, **o):
        if o["compute"]:
            stored = services.compute_platform_values(actor=actor, year=o["compute"])
            self.stdout.write(json.dumps({"computed": len(stored), "year": o["compute"]}))
            return
        if o["file"] == "-":
            rows = exports.read_rows(sys.stdin.buffer, "csv", "-")
        else:
            with open(o["file"], "rb") as fh:  # cannot be read: ServiceCommand's sentence
                rows = exports.read_rows(fh, exports.guess_format(o["file"]), o["file"])
        stored = services.import_values(actor=actor, rows=rows)
        self.stdout.write(json.dumps({"imported": len(stored)}))
