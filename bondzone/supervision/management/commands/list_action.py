from datetime import date

from django.core.management.base import CommandError

from bondzone.core.commands import ServiceCommand
from bondzone.core.web import new_idempotency_key
from bondzone.supervision import services


class Command(ServiceCommand):
    help = "Act on a verification list: submit, approve, reject, reverse or delete."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("action", choices=["submit", "approve", "reject", "reverse", "delete"])
        parser.add_argument("list_id", type=int)
        parser.add_argument("--reason", default="")
        parser.add_argument("--date", default="", help="posting date YYYY-MM-DD (approve, reverse)")
        parser.add_argument("--idempotency-key", default="")

    def run(self, actor, **o):
        try:
            when = date.fromisoformat(o["date"]) if o["date"] else None
        except ValueError:
            raise CommandError(f"--date {o['date']!r} is not a date (YYYY-MM-DD).") from None
        key = o["idempotency_key"] or new_idempotency_key()
        pk, action = o["list_id"], o["action"]
        if action == "submit":
            v = services.submit_list(actor=actor, list_id=pk, idempotency_key=key)
        elif action == "approve":
            v = services.approve_list(actor=actor, list_id=pk, idempotency_key=key, effective_date=when)
        elif action == "reject":
            v = services.reject_list(actor=actor, list_id=pk, reason=o["reason"])
        elif action == "reverse":
            v = services.reverse_list(actor=actor, list_id=pk, reason=o["reason"], idempotency_key=key,
                                      effective_date=when)
        else:
            services.delete_list(actor=actor, list_id=pk)
            self.stdout.write(f"Deleted draft list {pk}.")
            return
        self.stdout.write(f"List {v.pk} {v.number}: {v.status}")
