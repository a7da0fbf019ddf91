from bondzone.core.commands import ServiceCommand
from bondzone.duties import exports
from bondzone.duties.models import GuaranteeKind


class Command(ServiceCommand):
    help = "Guarantees the user may see (amount, used, given back, free, status) as CSV or JSON on standard output."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--enterprise", type=int, help="only this enterprise's guarantees (its id)")
        parser.add_argument("--kind", default="", choices=["", *GuaranteeKind.values])
        parser.add_argument("--format", default="csv", choices=["csv", "json"])

    def run(self, actor, **o):
        body = exports.guarantee_table(actor, fmt=o["format"], enterprise_id=o["enterprise"], kind=o["kind"])
        self.stdout.write(body.decode("utf-8-sig"), ending="")
