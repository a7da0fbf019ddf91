
from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.inputs import parse_date
from bondzone.duties import services


class Command(ServiceCommand):
    help = ("The regime deadline sweep: alerts (in-app and e-mail) at the configured days before a deadline; "
            "overdue regimes are flagged to customs. Safe to run more than once a day.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--today", default=None, help="run as of this day (YYYY-MM-DD), default today")

    def run(self, actor, **o):
        today = parse_date(o["today"]) if o["today"] else None
        if o["today"] and today is None:
            raise DomainError(problem("--today", "bad_date", value=o["today"]))
        n = services.send_regime_alerts(today, actor=actor)
        self.stdout.write(f"due soon {n['due_soon']}, overdue {n['overdue']}, e-mails {n['emails']}")
