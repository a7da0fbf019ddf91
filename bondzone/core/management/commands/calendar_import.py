import json
from pathlib import Path

from bondzone.core import services, tabular
from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem


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
            raise DomainError(problem("file", "exactly_one", options="FILE, --from-library"))
        if o["from_library"]:
            result = services.import_library_calendar(actor=actor)
        else:
            path = Path(o["file"])
            with path.open("rb") as fh:  # cannot be read: ServiceCommand's sentence
                rows = tabular.read_rows(fh, tabular.guess_format(path.name), required=services.CALENDAR_COLUMNS[:2],
                                         known=services.CALENDAR_COLUMNS, name=o["file"])
            result = services.import_calendar(actor=actor, rows=rows, note=o["note"])
        self.stdout.write(json.dumps(result, ensure_ascii=False))
