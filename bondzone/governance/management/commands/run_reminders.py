import json

from django.utils import timezone

from bondzone.core.commands import ServiceCommand, date_arg
from bondzone.core.domain.errors import DomainError
from bondzone.core.domain.inputs import RECORDED, date_problem
from bondzone.governance import selectors, services


class Command(ServiceCommand):
    help = "Issue near-due, overdue, escalation and report-due reminders for a day (safe to run twice)."
    requires_user = False

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--user", default=None, help="user to act as (default: the system scheduler)")

    def run(self, actor, **o):
        today = date_arg(o["date"], "--date") or timezone.localdate()
        if today is not None and (found := date_problem(today, "date", RECORDED)) is not None:
            raise DomainError([found])  # --date 9999-12-31 wrote a notice (or reminders) for that month
        actor = self.actor(o["user"]) if o["user"] else services.SYSTEM
        result = services.run_reminders(actor=actor, today=today, rules=selectors.light_rules())
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if result["no_calendar"]:
            self.stderr.write(f"{result['no_calendar']} tasks got no reminders: no working-day calendar for "
                              f"{', '.join(result['missing_years'])} (bondzone calendar-import).")
        return None
