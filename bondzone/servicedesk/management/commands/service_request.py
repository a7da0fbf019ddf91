import json

from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.servicedesk import selectors, services
from bondzone.servicedesk.models import STATUS_LABELS


class Command(ServiceCommand):
    help = ("Service requests (诉求): list, file, or take one step (sign, reply, transfer, feedback, …) "
            "as --user, under the same rules as the pages and the API.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="what", required=True)
        ls = sub.add_parser("list", help="requests you may see, as JSON lines")
        ls.add_argument("--status", default="", choices=["", "open", *STATUS_LABELS],
                        help="submitted, dispatched, …, closed, or open")
        ls.add_argument("--overdue", action="store_true")
        new = sub.add_parser("file", help="file a request (enterprise users)")
        new.add_argument("--category", required=True, help="category code")
        new.add_argument("--title", required=True)
        new.add_argument("--description", required=True)
        new.add_argument("--attribute", action="append", default=[], metavar="CODE=VALUE")
        act = sub.add_parser("act", help="one step on a request")
        act.add_argument("number", help="request number, e.g. SR2026110000001")
        act.add_argument("step", choices=sorted(services.STEPS))
        for name in ("unit_id", "reason", "text", "note", "workdays", "satisfaction", "solved", "comment", "article_id"):
            act.add_argument(f"--{name.replace('_', '-')}", dest=name, default="")

    def run(self, actor, **o):
        if o["what"] == "list":
            for r in selectors.requests(actor, status=o["status"], overdue=o["overdue"]):
                self.stdout.write(json.dumps({"number": r.number, "status": r.status, "title": r.title,
                                              "unit": r.lead_unit.name if r.lead_unit else None,
                                              "due_at": r.due_at.isoformat() if r.due_at else None},
                                             ensure_ascii=False))
            return None
        if o["what"] == "file":
            category = selectors.category_by_code(actor, o["category"])
            bad = [a for a in o["attribute"] if "=" not in a]
            if bad:  # never dropped in silence: the request would be filed without the answer the user gave
                raise DomainError(problem("--attribute", "bad_format", value=bad[0], example="area=120"))
            attributes = dict(a.split("=", 1) for a in o["attribute"])
            req = services.file_request(actor=actor, data={"category_id": category.pk, "title": o["title"],
                                                           "description": o["description"],
                                                           "attributes": attributes, "channel": "web"})
            self.stdout.write(f"{req.number} {req.status}")
            return None
        req = selectors.request_by_number(actor, o["number"])
        services.perform(actor=actor, request_id=req.pk, step=o["step"], params={k: o[k] for k in (
            "unit_id", "reason", "text", "note", "workdays", "satisfaction", "solved", "comment", "article_id")
            if o[k] != ""})
        req = selectors.request(actor, req.pk)
        self.stdout.write(f"{req.number} {req.status}")
        return None
