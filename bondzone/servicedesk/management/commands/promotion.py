import json

from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.servicedesk import exports, selectors, services
from bondzone.servicedesk.models import STAGE_LABELS


class Command(ServiceCommand):
    help = ("Investment promotion (招商引资): list the projects you may see, move one to another stage, or put a "
            "signed one on the annual key-project list, as --user under the same rules as the pages and the API.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="what", required=True)
        ls = sub.add_parser("list", help="projects you may see, as JSON lines")
        ls.add_argument("--stage", default="", choices=["", *STAGE_LABELS])
        ls.add_argument("--q", default="", help="words in the name, investor or industry")
        mv = sub.add_parser("move", help="move a project to another stage")
        mv.add_argument("project_id", type=int)
        mv.add_argument("stage", help=", ".join(STAGE_LABELS))
        mv.add_argument("--note", default="", help="why (required when dropping)")
        ex = sub.add_parser("export", help="the pipeline and its conversion as CSV, XLSX or JSON")
        ex.add_argument("--format", default="csv", help="csv, xlsx or json")
        ex.add_argument("--stage", default="")
        ex.add_argument("--q", default="", help="words in the name, investor or industry")
        ex.add_argument("--output", default="-", help="a file to write (default: standard output)")
        kl = sub.add_parser("key-list", help="put a signed project on the annual key-project list")
        kl.add_argument("project_id", type=int)
        kl.add_argument("--year", default=None)

    def run(self, actor, **o):
        if o["what"] == "list":
            actor.require("servicedesk.view_promotion")
            for p in selectors.projects(actor, stage=o["stage"], q=o["q"].strip()[:100]):
                self.stdout.write(json.dumps({
                    "id": p.pk, "name": p.name, "zone": p.zone.code, "industry": p.industry, "stage": p.stage,
                    "planned_investment": None if p.planned_investment is None else str(p.planned_investment),
                    "unit": p.unit.name, "key_list_year": p.key_list_year}, ensure_ascii=False))
            return None
        if o["what"] == "export":
            if o["output"] == "-" and o["format"] == "xlsx":
                raise DomainError(problem("--output", "output_file_required", format="XLSX"))
            body = exports.pipeline_export(actor, o["format"], stage=o["stage"], q=o["q"].strip()[:100])
            if o["output"] == "-":
                self.stdout.write(body.decode("utf-8-sig"), ending="")
            else:
                with open(o["output"], "wb") as fh:
                    fh.write(body)
                self.stdout.write(f"{o['output']}: {len(body)} bytes")
            return None
        if o["what"] == "move":
            p = services.move_project(actor=actor, project_id=o["project_id"], stage=o["stage"], note=o["note"])
        else:
            p = services.put_on_key_list(actor=actor, project_id=o["project_id"], year=o["year"])
        self.stdout.write(f"{p.pk} {p.stage}" + (f" key-list {p.key_list_year}" if p.key_list_year else ""))
        return None
