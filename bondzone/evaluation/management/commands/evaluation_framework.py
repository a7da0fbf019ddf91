import json

from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.evaluation import selectors, services

NODE_OPTIONS = ("kind", "parent", "name_zh", "name_en", "direction", "unit", "formula", "series", "normalisation",
                "goal_low", "goal_high", "points", "cap")


class Command(ServiceCommand):
    help = ("Indicator frameworks: list them, show one as JSON, clone one, change weights, add a node "
            "(weight 0) or remove a weightless one. Frameworks are named by code.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="every framework: code, name, based on, locked, nodes")
        show = sub.add_parser("show", help="a framework and its nodes as JSON")
        show.add_argument("framework")
        clone = sub.add_parser("clone", help="copy a framework under a new code (the copy is editable)")
        clone.add_argument("framework")
        clone.add_argument("code")
        clone.add_argument("--name", required=True)
        weights = sub.add_parser("weights", help="change weights together: NODE=WEIGHT … (sums must still hold)")
        weights.add_argument("framework")
        weights.add_argument("assignments", nargs="+", metavar="NODE=WEIGHT")
        add = sub.add_parser("add-node", help="add an indicator or bonus / penalty item with weight 0")
        add.add_argument("framework")
        add.add_argument("code")
        for option in NODE_OPTIONS:
            add.add_argument("--" + option.replace("_", "-"), dest=option)
        remove = sub.add_parser("remove-node", help="remove a weightless node (a category with its indicators)")
        remove.add_argument("framework")
        remove.add_argument("code")

    def run(self, actor, **o):
        action = o["action"]
        if action == "list":
            for f in selectors.frameworks(actor):
                self.stdout.write(json.dumps({"code": f.code, "name": f.name,
                                              "based_on": f.based_on.code if f.based_on else None,
                                              "locked": f.locked, "nodes": f.indicators.count()}, ensure_ascii=False))
            return
        f = selectors.framework_by_code(actor, o["framework"])
        if action == "clone":
            f = services.clone_framework(actor=actor, framework_id=f.pk, code=o["code"], name=o["name"])
        elif action == "weights":
            services.set_weights(actor=actor, framework_id=f.pk, weights=_assignments(o["assignments"]))
        elif action == "add-node":
            data = {k: o[k] for k in NODE_OPTIONS if o.get(k) is not None}
            services.add_node(actor=actor, framework_id=f.pk, data={"code": o["code"], **data})
        elif action == "remove-node":
            services.remove_node(actor=actor, framework_id=f.pk, code=o["code"])
        self.stdout.write(json.dumps(_as_json(f), ensure_ascii=False, indent=1 if action == "show" else None))


def _assignments(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        node, sep, weight = item.partition("=")
        if not sep or not node.strip():
            raise DomainError(problem("assignments", "bad_format", value=item, example="S01=6"))
        out[node.strip()] = weight.strip()
    return out


def _as_json(f) -> dict:
    nodes = [services.node_to_json(services.node_of(i)) for i in f.indicators.all().order_by("position", "id")]
    return {"code": f.code, "name": f.name, "locked": f.locked, "aggregation": f.aggregation, "impute": f.impute,
            "min_coverage": str(f.min_coverage),
            "class_bands": f.class_bands, "nodes": nodes}
