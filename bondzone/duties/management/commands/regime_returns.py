import json

from bondzone.core.commands import ServiceCommand
from bondzone.duties import services


class Command(ServiceCommand):
    help = ("Settle regimes whose goods came back through the gate: passed release slips of their back lists "
            "close the regime (all back) or lower its duty at risk and guarantee part (part back). The periodic "
            "job runs the same.")

    def run(self, actor, **o):
        self.stdout.write(json.dumps(services.settle_regime_returns(actor=actor)))
