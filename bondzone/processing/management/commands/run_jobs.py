from bondzone.core.commands import ServiceCommand
from bondzone.processing import services


class Command(ServiceCommand):
    help = "Run queued period write-offs (those a broker did not take, or left by a restart); for a cron or a timer."
    requires_user = False

    def run(self, actor, **o):
        self.stdout.write(f"{services.run_queued()} job(s) run.")
