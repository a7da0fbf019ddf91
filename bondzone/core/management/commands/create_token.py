from django.contrib.auth import get_user_model
from bondzone.core.actor import SYSTEM
from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.models import TOKEN_DAYS, ApiToken
from bondzone.core.services import issue_token


class Command(ServiceCommand):
    help = "Issue an API bearer token for a user (printed once; only its hash is kept)."
    requires_user = False

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--days", type=int, default=TOKEN_DAYS, help=f"life in days (default {TOKEN_DAYS})")
        parser.add_argument("--read-only", action="store_true", help="the token may only read (GET)")
        parser.add_argument("--action", action="append", default=[], dest="actions", metavar="ACTION",
                            help="limit the token to this action of the user's role (repeat; e.g. gate.report_passage)")

    def run(self, actor, **o):
        user = get_user_model().objects.filter(username=o["username"]).first()
        if user is None:
            raise DomainError(problem("username", "bad_reference", value=o["username"]))
        _, raw = issue_token(actor=SYSTEM, user_id=user.pk, name=o["name"], days=o["days"],
                             scope=ApiToken.READ if o["read_only"] else ApiToken.WRITE, actions=o["actions"])
        self.stdout.write(raw)
