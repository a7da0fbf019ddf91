from bondzone.core.commands import ServiceCommand
from bondzone.duties import exports
from bondzone.duties.models import RegimeKind, RegimeStatus


class Command(ServiceCommand):
    help = "Time-limited regimes the user may see (kind, book, deadline, status, duty at risk) as CSV or JSON."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--kind", default="", choices=["", *RegimeKind.values])
        parser.add_argument("--status", default="", choices=["", *RegimeStatus.values])
        parser.add_argument("--enterprise", type=int, help="only this enterprise's regimes (its id)")
        parser.add_argument("--format", default="csv", choices=["csv", "json"])

    def run(self, actor, **o):
        body = exports.regime_table(actor, fmt=o["format"], kind=o["kind"], status=o["status"],
                                    enterprise_id=o["enterprise"])
        self.stdout.write(body.decode("utf-8-sig"), ending="")
