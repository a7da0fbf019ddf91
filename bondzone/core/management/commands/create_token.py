from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bondzone.core.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API bearer token for a user (printed once; only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, **o):
        user = get_user_model().objects.filter(username=o["username"]).first()
        if user is None:
            raise CommandError(f"No user named {o['username']!r}.")
        _, raw = ApiToken.issue(user, o["name"])
        self.stdout.write(raw)
