
from bondzone.core.commands import ServiceCommand, id_argument
from bondzone.core.domain.errors import DomainError, problem
from bondzone.gate import services


class Command(ServiceCommand):
    help = "Gates of a zone: create a gate (and its user), issue its token, change the zone's gate settings."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("action", choices=["create", "token", "settings"])
        parser.add_argument("--zone", type=id_argument, help="zone id (create, settings)")
        parser.add_argument("--gate", type=id_argument, help="gate id (token)")
        parser.add_argument("--code", default="")
        parser.add_argument("--name", default="")
        parser.add_argument("--stage", default="1", help="create: 1 一卡 or 2 二卡 (double-gate mode)")
        parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                            help="settings: e.g. --set weight_tolerance_pct=2 --set random_rate_pct=5")

    def run(self, actor, **o):
        if o["action"] == "token":
            if not o["gate"]:
                raise DomainError(problem("--gate", "required"))
            self.stdout.write(services.issue_gate_token(actor=actor, gate_id=o["gate"]))
            return
        if not o["zone"]:
            raise DomainError(problem("--zone", "required"))
        if o["action"] == "create":
            gate = services.create_gate(actor=actor, zone_id=o["zone"], code=o["code"], name=o["name"],
                                        stage=o["stage"])
            self.stdout.write(f"Gate {gate.pk} {gate.code}, user {gate.user.username}")
            return
        data = {}
        for pair in o["set"]:
            name, sep, value = pair.partition("=")
            if not sep:
                raise DomainError(problem("--set", "bad_format", value=pair, example="random_rate_pct=5"))
            data[name.strip()] = value.strip()
        s = services.update_settings(actor=actor, zone_id=o["zone"], data=data)
        self.stdout.write(f"Zone {s.zone_id}: tolerance {s.weight_tolerance_pct} % / {s.weight_tolerance_kg} kg, "
                          f"random inspection {s.random_rate_pct} %")
