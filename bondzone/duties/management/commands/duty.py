import json
import sys

from django.core.management.base import CommandError

from bondzone.core.actor import PUBLIC_READER
from bondzone.core.commands import ServiceCommand
from bondzone.duties import services


class Command(ServiceCommand):
    help = "Duties: `quote FILE|-` computes tariff, consumption tax and VAT for a JSON document and prints JSON."
    requires_user = False

    def add_arguments(self, parser):
        parser.add_argument("--user", help="user name to act as (permissions apply; default: a public reader)")
        sub = parser.add_subparsers(dest="action", required=True)
        q = sub.add_parser("quote", help="per line and per declaration taxes of a JSON document (file or -)")
        q.add_argument("source", help="JSON file, or - for standard input")

    def run(self, actor, **o):
        actor = self.actor(o["user"]) if o.get("user") else PUBLIC_READER
        if o["action"] == "quote":
            result = services.quote(actor, _read_json(o["source"]))
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))


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
