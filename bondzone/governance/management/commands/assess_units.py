from django.core.management.base import CommandError

from bondzone.core.commands import ServiceCommand
from bondzone.governance import exports


class Command(ServiceCommand):
    help = "Print (or write) the unit assessment (考核) of a year as CSV, XLSX or JSON."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", default="csv", choices=["csv", "xlsx", "json"])
        parser.add_argument("--output", default=None, metavar="FILE", help="file to write (default: stdout)")

    def run(self, actor, **o):
        if not 2000 <= o["year"] <= 2100:
            raise CommandError(f"--year {o['year']} is not between 2000 and 2100.")
        body = exports.export_assessment(actor, o["year"], fmt=o["format"])
        if o["output"]:
            try:
                with open(o["output"], "wb") as fh:
                    fh.write(body)
            except OSError as exc:
                raise CommandError(f"Cannot write {o['output']}: {exc.strerror}.") from None
        elif o["format"] == "xlsx":
            raise CommandError("XLSX needs --output FILE.")
        else:
            self.stdout.write(body.decode("utf-8-sig"), ending="")
