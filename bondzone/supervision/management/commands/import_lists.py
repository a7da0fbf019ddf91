from pathlib import Path


from bondzone.core.commands import ServiceCommand, id_argument
from bondzone.core.web import new_idempotency_key
from bondzone.supervision import imports


class Command(ServiceCommand):
    help = "Import verification lists (drafts) from a CSV, XLSX or JSON file; all rows or none."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file")
        parser.add_argument("--book", type=id_argument, required=True, help="account book id")
        parser.add_argument("--format", default="", help="csv, xlsx or json (default: from the file name)")
        parser.add_argument("--idempotency-key", default="")

    def run(self, actor, **o):
        path = Path(o["file"])
        with path.open("rb") as fh:  # cannot be read: ServiceCommand's sentence
            ids = imports.import_lists(actor=actor, book_id=o["book"], stream=fh,
                                       fmt=(o["format"] or imports.guess_format(path.name)).lower(),
                                       idempotency_key=o["idempotency_key"] or new_idempotency_key(), name=o["file"])
        self.stdout.write(f"Imported {len(ids)} list(s): {', '.join(map(str, ids))}")
