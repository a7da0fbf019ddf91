import json

from bondzone.core.commands import ServiceCommand
from bondzone.evaluation import services


class Command(ServiceCommand):
    help = ("First-order and total Sobol sensitivity indices of an evaluation run's ranks, per factor its "
            "Monte Carlo varies (recomputed from the run's frozen inputs; writes nothing unless --store, which keeps "
            "them on the run for its page and exports).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--run", required=True)
        parser.add_argument("--draws", default="512", help="base sample size N (N × (factors + 2) evaluations)")
        parser.add_argument("--seed", default="0")
        parser.add_argument("--format", default="text", choices=["text", "json"])
        parser.add_argument("--store", action="store_true", help="keep the indices on the run (N and seed with them)")

    def run(self, actor, **o):
        if o["store"]:
            run = services.store_sensitivity(actor=actor, run_id=o["run"], draws=o["draws"], seed=o["seed"])
            indices = [services.Sensitivity(i["factor"], i["first_order"], i["total"])
                       for i in run.sensitivity["indices"]]
        else:
            indices = services.run_sensitivity(actor=actor, run_id=o["run"], draws=o["draws"], seed=o["seed"])
        if o["format"] == "json":
            self.stdout.write(json.dumps([{"factor": s.factor, "first_order": str(s.first_order),
                                           "total": str(s.total)} for s in indices]))
            return
        self.stdout.write(f"{'factor':<14}{'first order':>12}{'total':>8}")
        for s in indices:
            self.stdout.write(f"{s.factor:<14}{s.first_order:>12}{s.total:>8}")
