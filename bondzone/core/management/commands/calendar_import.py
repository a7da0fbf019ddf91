import json
from pathlib import Path

from django.core.management.base import CommandError

from bondzone.core import services, tabular
from bondzone.core.commands import ServiceCommand


class Command(ServiceCommand):
    help = ("Import working-day calendar years from the State Council's notice as a file (CSV/XLSX/JSON: date, kind, "
            "name; each year in it is replaced whole), or --from-library for the years chinesecalendar knows.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", nargs="?", help="CSV, XLSX or JSON file with columns date, kind, name")
        parser.add_argument("--note", default="", help="e.g. the notice's number (国办发明电〔2026〕…)")
        parser.add_argument("--from-library", action="store_true",
                            help="import the years the installed chinesecalendar knows and the database lacks")

    def run(self, actor, **o):
        if o["from_library"] == bool(o["file"]):
            raise CommandError("Give either a FILE or --from-library.")
        if o["from_library"]:
            result = services.import_library_calendar(actor=actor)
        else:
            path = Path(o["file"])
            if not path.is_file():
                raise CommandError(f"No file {o['file']!r}.")
            with path.open("rb") as fh:
                rows = tabular.read_rows(fh, tabular.guess_format(path.name), required=["date", "kind"])
            result = services.import_calendar(actor=actor, rows=rows, note=o["note"])
        self.stdout.write(json.dumps(result, ensure_ascii=False))
