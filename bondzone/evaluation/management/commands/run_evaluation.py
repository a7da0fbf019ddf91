import json

from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.evaluation import selectors, services


class Command(ServiceCommand):
    help = ("Run a zone evaluation for a data year (freezing its inputs) and print a JSON summary; "
            "or, with --verify RUN, re-run a stored run from its frozen inputs and fail if the result differs.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--framework", default="gacc-2020", help="framework code (default gacc-2020)")
        parser.add_argument("--year", help="data year to evaluate")
        parser.add_argument("--draws", default="1000", help="Monte Carlo draws (0 to skip; default 1000)")
        parser.add_argument("--seed", default="0", help="Monte Carlo seed (default 0)")
        parser.add_argument("--label", default="")
        parser.add_argument("--sensitivity", default="0", metavar="N",
                            help="also compute and store the Sobol sensitivity indices with base sample N (16–4096)")
        parser.add_argument("--publish", action="store_true", help="make the run public")
        parser.add_argument("--verify", metavar="RUN", help="re-run stored run RUN and compare")

    def run(self, actor, **o):
        if o["verify"]:
            same, got = services.reproduce_run(actor=actor, run_id=o["verify"])
            run = selectors.run(actor, o["verify"])
            self.stdout.write(json.dumps({"run": run.pk, "identical": same, "hash": got, "stored": run.result_hash}))
            if not same:
                raise DomainError(problem("--verify", "run_not_reproduced", got=got[:12], want=run.result_hash[:12]))
            return
        if not o["year"]:
            raise DomainError(problem("--year", "required_unless", alternative="--verify RUN"))
        framework = selectors.frameworks(actor).filter(code=o["framework"]).first()
        if framework is None:
            raise DomainError(problem("--framework", "bad_reference", value=o["framework"]))
        run = services.create_run(actor=actor, framework_id=framework.pk, year=o["year"], draws=o["draws"],
                                  seed=o["seed"], label=o["label"], sensitivity_draws=o["sensitivity"])
        if o["publish"]:
            run = services.publish_run(actor=actor, run_id=run.pk, public=True)
        top = [{"rank": r.rank_national, "zone": r.zone.code, "overall": str(r.overall), "class": r.class_national}
               for r in selectors.ranking(actor, run)[:5]]
        self.stdout.write(json.dumps({"run": run.pk, "year": run.year, "zones": run.zone_count,
                                      "draws": run.draws, "hash": run.result_hash, "duration_ms": run.duration_ms,
                                      "public": run.public, "sensitivity": run.sensitivity or None, "top": top}, ensure_ascii=False))
