import json

from bondzone.core.actor import SYSTEM
from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.inputs import INT
from bondzone.sharing import services

LIMIT_MAX = INT[1]  # a SQL LIMIT beyond a 32-bit int is refused by the database (a traceback, not a sentence)


class Command(ServiceCommand):
    help = ("Send the webhook deliveries that are due (new events and retries after their back-off); safe to run "
            "from a cron beside a Celery worker. Prints the counts as JSON.")
    requires_user = False

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--limit", type=int, default=500, help="at most this many deliveries (default 500)")
        parser.add_argument("--user", default="", help="act as this user (default: the system)")

    def handle(self, *args, **options):
        actor = self.actor(options["user"]) if options["user"] else SYSTEM
        if not 1 <= options["limit"] <= LIMIT_MAX:
            raise DomainError(problem("--limit", "out_of_range", value=options["limit"], min=1, max=LIMIT_MAX))
        self.stdout.write(json.dumps(services.run_deliveries(actor=actor, limit=options["limit"])))
