from pathlib import Path

from django.conf import settings

from bondzone.core.commands import ServiceCommand
from bondzone.governance import services


class Command(ServiceCommand):
    help = "Load a policy text (default: 京政发〔2021〕33号) into the task ledger: sections, measures, units."
    requires_user = False

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(settings.BONDZONE_SEED_POLICY), help="UTF-8 policy text")
        parser.add_argument("--user", default=None, help="user to act as (default: the system)")
        parser.add_argument("--unpublished", action="store_true", help="keep the tasks out of the public view")

    def run(self, actor, **o):
        path = Path(o["file"])
        actor = self.actor(o["user"]) if o["user"] else services.SYSTEM
        result = services.load_policy(actor=actor, text=path.read_text(encoding="utf-8"),
                                      published=not o["unpublished"])
        verb = "Loaded" if result["created"] else "Already loaded"
        self.stdout.write(
            f"{verb} {result['code']}: {result['measures']} measures with responsible units "
            f"({result['responsibility_lines']} 责任单位 lines in the text), {result['tasks']} tasks, "
            f"{result['units']} units.")
        return None
