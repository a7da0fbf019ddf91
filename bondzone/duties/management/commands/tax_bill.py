import sys

from django.core.management.base import CommandError

from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.inputs import as_id
from bondzone.duties import exports, selectors


class Command(ServiceCommand):
    help = "A tax bill (税单) as PDF, CSV, XLSX or JSON: `tax-bill ID --format pdf --output bill.pdf`."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("bill", help="the tax bill's id")
        parser.add_argument("--format", choices=["pdf", "csv", "xlsx", "json"], default="csv")
        parser.add_argument("--output", default="", help="a file (needed for pdf and xlsx); default standard output")

    def run(self, actor, **o):
        pk = as_id(o["bill"])
        if pk is None:
            raise CommandError(f"{o['bill']!r} is not a tax bill id.")
        actor.require("duties.view_domestic")
        bill = selectors.tax_bill(actor, pk)
        body = exports.bill_pdf(bill) if o["format"] == "pdf" else exports.bill_table(bill, fmt=o["format"])
        if o["output"]:
            try:
                with open(o["output"], "wb") as fh:
                    fh.write(body)
            except OSError as exc:
                raise CommandError(f"Cannot write {o['output']}: {exc.strerror or exc}.") from None
            self.stdout.write(f"Tax bill {bill.number} written to {o['output']}")
        elif o["format"] in ("pdf", "xlsx"):
            raise CommandError("PDF and XLSX need --output FILE.")
        else:
            sys.stdout.flush()
            self.stdout.write(body.decode("utf-8-sig"))
