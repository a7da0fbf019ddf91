import json

from bondzone.core import tabular
from bondzone.core.actor import PUBLIC_READER
from bondzone.core.commands import ServiceCommand, date_arg, read_json
from bondzone.core.domain.errors import DomainError, problem
from bondzone.duties import selectors, services
from bondzone.duties.domain.tables import FX_COLUMNS, FX_REQUIRED, MAX_FILE_BYTES, RATE_COLUMNS, RATE_REQUIRED


class Command(ServiceCommand):
    help = ("Duties: `quote FILE|-` prints the taxes of a JSON document as JSON; `rates` / `fx` list the rate "
            "tables and exchange rates; `import-rates FILE` / `import-fx FILE` add rows (CSV, XLSX or JSON).")
    requires_user = False

    def add_arguments(self, parser):
        parser.add_argument("--user", help="user name to act as (permissions apply; default: a public reader)")
        sub = parser.add_subparsers(dest="action", required=True)
        q = sub.add_parser("quote", help="per line and per declaration taxes of a JSON document (file or -)")
        q.add_argument("source", help="JSON file, or - for standard input")
        rates = sub.add_parser("rates", help="rate-table rows as JSON lines")
        rates.add_argument("--hs-code", default="")
        rates.add_argument("--kind", default="")
        rates.add_argument("--on", help="only rows in force on this date (YYYY-MM-DD)")
        fx = sub.add_parser("fx", help="exchange rates as JSON lines")
        fx.add_argument("--currency", default="")
        fx.add_argument("--on", help="only rows in force on this date (YYYY-MM-DD)")
        for name in ("import-rates", "import-fx"):
            imp = sub.add_parser(name, help="add rows from a CSV / XLSX / JSON file (all or nothing; needs --user)")
            imp.add_argument("file")

    def run(self, actor, **o):
        action = o["action"]
        actor = self.actor(o["user"]) if o.get("user") else PUBLIC_READER
        if action == "quote":
            self.stdout.write(json.dumps(services.quote(actor, read_json(o["source"], obj=False)), ensure_ascii=False, indent=1))
        elif action in ("import-rates", "import-fx"):
            if not o.get("user"):
                raise DomainError(problem("--user", "required"))
            rates = action == "import-rates"
            required, known = (RATE_REQUIRED, RATE_COLUMNS) if rates else (FX_REQUIRED, FX_COLUMNS)
            with open(o["file"], "rb") as fh:  # cannot be read: ServiceCommand's sentence
                rows = tabular.read_rows(fh, tabular.guess_format(o["file"]), required=required, known=known,
                                         name=o["file"], max_bytes=MAX_FILE_BYTES)
            service = services.import_tax_rates if rates else services.import_exchange_rates
            self.stdout.write(json.dumps({"rows": service(actor=actor, rows=rows)}))
        else:
            on = date_arg(o.get("on"), "--on")
            if action == "rates":
                qs = selectors.tax_rates(actor, hs_code=o["hs_code"], kind=o["kind"], on=on)
                fields = ("id", "kind", "hs_code", "origin", "ad_valorem", "specific", "valid_from", "valid_to", "source")
            else:
                qs = selectors.exchange_rates(actor, currency=o["currency"], on=on)
                fields = ("id", "currency", "cny", "per", "valid_from", "valid_to", "source")
            for row in qs.values(*fields):
                self.stdout.write(json.dumps({k: (None if v is None else v if isinstance(v, int) else str(v))
                                              for k, v in row.items()}, ensure_ascii=False))


