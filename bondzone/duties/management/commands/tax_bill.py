import sys

from bondzone.core.commands import ServiceCommand, id_arg
from bondzone.core.domain.errors import DomainError, problem
from bondzone.duties import exports, selectors


class Command(ServiceCommand):
    help = "A tax bill (税单) as PDF, CSV, XLSX or JSON: `tax-bill ID --format pdf --output bill.pdf`."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("bill", help="the tax bill's id")
        parser.add_argument("--format", choices=["pdf", "csv", "xlsx", "json"], default="csv")
        parser.add_argument("--output", default="", help="a file (needed for pdf and xlsx); default standard output")

    def run(self, actor, **o):
        pk = id_arg(o["bill"], "bill")
        actor.require("duties.view_domestic")
        bill = selectors.tax_bill(actor, pk)
        body = exports.bill_pdf(bill) if o["format"] == "pdf" else exports.bill_table(bill, fmt=o["format"])
        if o["output"]:
            with open(o["output"], "wb") as fh:  # cannot be written: ServiceCommand's sentence
                fh.write(body)
            self.stdout.write(f"Tax bill {bill.number} written to {o['output']}")
        elif o["format"] in ("pdf", "xlsx"):
            raise DomainError(problem("--output", "output_file_required", format=o["format"].upper()))
        else:
            sys.stdout.flush()
            self.stdout.write(body.decode("utf-8-sig"))
