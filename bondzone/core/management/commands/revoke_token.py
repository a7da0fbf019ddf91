from bondzone.core.actor import SYSTEM
from bondzone.core.commands import ServiceCommand
from bondzone.core.services import revoke_token



class Command(ServiceCommand):
    help = "Revoke an API token by its id (see list-tokens); it stops working at once."
    requires_user = False

    def add_arguments(self, parser):
        parser.add_argument("token_id")

    def run(self, actor, **o):
        t = revoke_token(actor=SYSTEM, token_id=o["token_id"])
        self.stdout.write(f"revoked {t.pk} ({t.name}) of {t.user.get_username()}")
