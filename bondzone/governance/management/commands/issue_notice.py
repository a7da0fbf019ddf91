import json

from bondzone.core.commands import ServiceCommand, date_arg
from bondzone.core.domain.errors import DomainError
from bondzone.core.domain.inputs import RECORDED, date_problem
from bondzone.governance import exports, services


class Command(ServiceCommand):
    help = "Issue the month's notice (情况通报) of overdue tasks and returned reports; again returns the first."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--date", default=None, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--export", default=None, metavar="FILE", help="also write the notice as .csv/.xlsx")

    def run(self, actor, **o):
        today = date_arg(o["date"], "--date")
        if today is not None and (found := date_problem(today, "date", RECORDED)) is not None:
            raise DomainError([found])  # --date 9999-12-31 wrote a notice (or reminders) for that month
        notice, created = services.issue_notice(actor=actor, today=today)
        counts = {k: notice.items.filter(kind=k).count() for k in ("overdue", "returned")}
        self.stdout.write(json.dumps({"notice_id": notice.pk, "period": notice.period, "created": created, **counts},
                                     ensure_ascii=False))
        if o["export"]:
            fmt = exports.guess_format(o["export"])
            with open(o["export"], "wb") as fh:  # cannot be written: ServiceCommand's sentence
                fh.write(exports.export_notice(actor, notice.pk, fmt=fmt))
