import json
import sys
from datetime import date

from django.core.management.base import CommandError

from bondzone.core import tabular
from bondzone.core.actor import PUBLIC_READER
from bondzone.core.commands import ServiceCommand
from bondzone.duties import selectors, services
from bondzone.duties.domain.tables import FX_REQUIRED, MAX_FILE_BYTES, RATE_REQUIRED


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
            self.stdout.write(json.dumps(services.quote(actor, _read_json(o["source"])), ensure_ascii=False, indent=1))
        elif action in ("import-rates", "import-fx"):
            if not o.get("user"):
                raise CommandError("Importing rates needs --user (a customs officer or the platform administrator).")
            rates = action == "import-rates"
            required = RATE_REQUIRED if rates else FX_REQUIRED
            try:
                with open(o["file"], "rb") as fh:
                    rows = tabular.read_rows(fh, tabular.guess_format(o["file"]), required=required,
                                             max_bytes=MAX_FILE_BYTES)
            except OSError as exc:
                raise CommandError(f"Cannot read {o['file']}: {exc.strerror}.") from None
            service = services.import_tax_rates if rates else services.import_exchange_rates
            self.stdout.write(json.dumps({"rows": service(actor=actor, rows=rows)}))
        else:
            on = _date(o.get("on"))
            if action == "rates":
                qs = selectors.tax_rates(actor, hs_code=o["hs_code"], kind=o["kind"], on=on)
                fields = ("id", "kind", "hs_code", "origin", "ad_valorem", "specific", "valid_from", "valid_to", "source")
            else:
                qs = selectors.exchange_rates(actor, currency=o["currency"], on=on)
                fields = ("id", "currency", "cny", "per", "valid_from", "valid_to", "source")
            for row in qs.values(*fields):
                self.stdout.write(json.dumps({k: (None if v is None else v if isinstance(v, int) else str(v))
                                              for k, v in row.items()}, ensure_ascii=False))


def _date(raw):
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"“{raw}” is not a date (YYYY-MM-DD).") from None


def _read_json(source: str):
    try:
        if source == "-":
            return json.load(sys.stdin)
        with open(source, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise CommandError(f"Cannot read {source}: {exc.strerror}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CommandError(f"{source} is not JSON: {exc}.") from None
