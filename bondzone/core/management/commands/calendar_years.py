from datetime import date

from django.utils import timezone

from bondzone.core import selectors
from bondzone.core.actor import SYSTEM
from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem


class Command(ServiceCommand):
    help = "List the years of the working-day calendar; exits 1 when this year or next has no calendar."
    requires_user = False

    def run(self, actor, **o):
        for y in selectors.calendar_years(SYSTEM):
            self.stdout.write(f"{y.year}\t{y.source}\t{y.holidays} holidays\t{y.workdays} make-up days\t{y.note}")
        today = timezone.localdate()
        gaps = selectors.calendar_gaps(today, date(today.year + 1, 1, 1))
        if gaps:  # enter it on the Calendar page or `bondzone calendar-import FILE --user NAME`
            raise DomainError(problem("", "calendar_year_missing", years=", ".join(map(str, gaps))))
