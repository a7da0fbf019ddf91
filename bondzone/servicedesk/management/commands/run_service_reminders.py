import json

from bondzone.core.commands import ServiceCommand
from bondzone.servicedesk import services


class Command(ServiceCommand):
    help = "Write the service-request reminders owed now (sign overdue, reply due within a working day, overdue); safe to run twice."

    def run(self, actor, **o):
        self.stdout.write(json.dumps(services.run_reminders(actor=actor)))
        return None
