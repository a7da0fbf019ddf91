import json

from bondzone.core.actor import SYSTEM
from bondzone.core.commands import ServiceCommand
from bondzone.duties import services


class Command(ServiceCommand):
    help = ("Bring declared domestic sales whose verification list came back in supervision (rejected, or withdrawn "
            "there) to `returned`, to correct and resubmit or cancel; what the worker's schedule runs every 10 "
            "minutes, for a cron without one. Safe to run twice. Prints the count as JSON.")
    requires_user = False

    def add_arguments(self, parser):
        parser.add_argument("--user", default="", help="act as this user (default: the system)")

    def run(self, actor, **o):
        actor = self.actor(o["user"]) if o["user"] else SYSTEM
        self.stdout.write(json.dumps({"returned": services.sync_returned_sales(actor=actor)}))
