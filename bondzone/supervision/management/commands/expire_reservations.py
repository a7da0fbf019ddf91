import json

from django.utils import timezone

from bondzone.core.actor import SYSTEM
from bondzone.core.commands import ServiceCommand, date_arg
from bondzone.supervision import services


class Command(ServiceCommand):
    help = (f"Void what is still reserved of approved lists whose goods have not passed within --days "
            f"(default {services.EXPIRY_DAYS}) of their posting date; safe to run twice.")
    requires_user = False

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=services.EXPIRY_DAYS)
        parser.add_argument("--date", default=None, help="YYYY-MM-DD: the day the sweep runs as (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be voided, write nothing")
        parser.add_argument("--user", default=None, help="user to act as (default: the system scheduler)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def run(self, actor, **o):
        today = date_arg(o["date"], "--date") or timezone.localdate()
        actor = self.actor(o["user"]) if o["user"] else SYSTEM
        done = services.expire_reservations(actor=actor, today=today, days=o["days"], dry_run=o["dry_run"])
        if o["format"] == "json":
            self.stdout.write(json.dumps([{"list_id": e.list_id, "number": e.number, "posting_state": e.posting_state,
                                           "voided": {str(k): str(v) for k, v in e.voided.items()}} for e in done],
                                         ensure_ascii=False))
            return
        verb = "would void" if o["dry_run"] else "voided"
        for e in done:
            lines = ", ".join(f"line {line}: {q}" for line, q in sorted(e.voided.items()))
            self.stdout.write(f"List {e.number}: {verb} {lines} ({e.posting_state})")
        self.stdout.write(f"{len(done)} list(s) {'to expire' if o['dry_run'] else 'expired'} "
                          f"(approved on or before {services.expiry.expiry_cutoff(today, o['days'])}).")
