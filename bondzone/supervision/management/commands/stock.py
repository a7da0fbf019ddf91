from django.utils import timezone

from bondzone.core.commands import ServiceCommand, date_argument, id_argument
from bondzone.supervision import selectors


class Command(ServiceCommand):
    help = "Show a book's stock per account, now or as of a date."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--book", type=id_argument, required=True)
        parser.add_argument("--as-of", type=date_argument, default=None)

    def run(self, actor, **o):
        rows = selectors.stock_as_of(actor, o["book"], o["as_of"] or timezone.localdate())
        if not rows:
            self.stdout.write("No stock.")
        for r in rows:
            self.stdout.write(f"{r['account__item__item_no']:>6}  {r['account__goods_status']:<11} "
                              f"{r['account__unit']}  {r['quantity']:>16}  {r['account__item__name_zh']}")
