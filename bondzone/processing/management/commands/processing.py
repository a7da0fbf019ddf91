

from bondzone.core.commands import ServiceCommand, id_arg, id_argument, read_json
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.web import new_idempotency_key
from bondzone.processing import services


class Command(ServiceCommand):
    help = ("Processing trade of an H book: declare-bom FILE, approve-bom ID, reject-bom ID, produce FILE, "
            "stocktake FILE, write-off START END (JSON files or '-' for stdin).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("action", choices=["declare-bom", "approve-bom", "reject-bom", "produce", "stocktake",
                                               "write-off"])
        # not "args": Django's BaseCommand takes an option of that name as the positional *args of handle()
        parser.add_argument("operands", nargs="*", metavar="ARG", help="a JSON file ('-': stdin), a BOM id or START END")
        parser.add_argument("--book", type=id_argument, help="book id (declare-bom, produce, stocktake, write-off)")
        parser.add_argument("--idempotency-key", default="")

    def _json(self, args) -> dict:
        if len(args) != 1:
            raise DomainError(problem("file", "required"))
        return read_json(args[0])

    def _book(self, o) -> int:
        if not o["book"]:
            raise DomainError(problem("--book", "required"))
        return o["book"]

    def run(self, actor, **o):
        action, args, key = o["action"], o["operands"], o["idempotency_key"] or new_idempotency_key()
        if action in ("approve-bom", "reject-bom"):
            bom_id = id_arg(args[0] if len(args) == 1 else " ".join(args), "bom")
            b = services.decide_bom(actor=actor, bom_id=bom_id, approve=action == "approve-bom")
            self.stdout.write(f"BOM {b.pk} {b.finished_no}/{b.version}: {b.status}")
        elif action == "declare-bom":
            b = services.declare_bom(actor=actor, book_id=self._book(o), data=self._json(args))
            self.stdout.write(f"BOM {b.pk} {b.finished_no}/{b.version}: {b.status}")
        elif action == "produce":
            r = services.report_production(actor=actor, book_id=self._book(o), data=self._json(args),
                                           idempotency_key=key)
            consumed = ", ".join(f"{c.material_no}: {c.quantity}" for c in r.consumption.all())
            self.stdout.write(f"Production report {r.pk} posted; consumed {consumed}")
        elif action == "stocktake":
            t = services.take_stock(actor=actor, book_id=self._book(o), data=self._json(args), idempotency_key=key)
            self.stdout.write(f"Stock-take {t.pk}: adjusted {t.adjusted}, case for customs {t.case_open}")
        else:
            if len(args) != 2:
                raise DomainError(problem("period", "bad_format", value=" ".join(args), example="2026-01-01 2026-06-30"))
            job = services.request_writeoff(actor=actor, book_id=self._book(o), period_start=args[0],
                                            period_end=args[1], background=False, idempotency_key=key)
            services.run_writeoff(job.pk)
            job.refresh_from_db()
            self.stdout.write(f"Write-off {job.pk}: {job.status}, {job.rows} rows, {job.differences} differences")
