import json

from bondzone.core.actor import SYSTEM
from bondzone.core.commands import ServiceCommand
from bondzone.sharing import services


class Command(ServiceCommand):
    help = "Run the agencies' scheduled exports that are due (each once); safe to run from a cron. Prints counts."
    requires_user = False

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--user", default="", help="act as this user (default: the system)")

    def handle(self, *args, **options):
        actor = self.actor(options["user"]) if options["user"] else SYSTEM
        self.stdout.write(json.dumps(services.run_exports(actor=actor)))
