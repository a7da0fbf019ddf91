
from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.governance import exports, services


class Command(ServiceCommand):
    help = ("Print (or write) the unit assessment (考核) of a year as CSV, XLSX or JSON; with --freeze the ledger "
            "office first freezes the year's scores (again only with --reason, as the next version).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", default="csv", choices=["csv", "xlsx", "json"])
        parser.add_argument("--output", default=None, metavar="FILE", help="file to write (default: stdout)")
        parser.add_argument("--freeze", action="store_true", help="freeze the year's scores first (ledger office)")
        parser.add_argument("--reason", default="", help="why a frozen year is frozen again (a new version)")
        parser.add_argument("--idempotency-key", default=None, help="a retry with the same key freezes once")

    def run(self, actor, **o):
        if not 2000 <= o["year"] <= 2100:
            raise DomainError(problem("--year", "out_of_range", value=o["year"], min=2000, max=2100))
        if o["freeze"]:
            f = services.freeze_assessment(actor=actor, year=o["year"], reason=o["reason"],
                                           idempotency_key=o["idempotency_key"])
            self.stderr.write(f"Assessment {f.year} frozen: version {f.version}, {f.scores.count()} units.")
        elif o["reason"]:
            raise DomainError(problem("--reason", "only_with", option="--freeze"))
        body = exports.export_assessment(actor, o["year"], fmt=o["format"])
        if o["output"]:
            with open(o["output"], "wb") as fh:  # cannot be written: ServiceCommand's sentence
                fh.write(body)
        elif o["format"] == "xlsx":
            raise DomainError(problem("--output", "output_file_required", format="XLSX"))
        else:
            self.stdout.write(body.decode("utf-8-sig"), ending="")
