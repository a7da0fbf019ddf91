from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from bondzone.core.domain.errors import DomainError
from bondzone.core.domain.roles import Role
from bondzone.core.messages import render
from bondzone.core.models import Enterprise, Zone
from bondzone.core.services import create_user


class Command(BaseCommand):
    help = "Create a user with a role (enterprise users need --enterprise; customs/zone staff may take --zone)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--enterprise", type=int, default=None, help="enterprise id")
        parser.add_argument("--zone", default=None, help="zone code")

    def handle(self, *args, **o):
        enterprise = zone = None
        if o["enterprise"] is not None:
            enterprise = Enterprise.objects.filter(pk=o["enterprise"]).first()
            if enterprise is None:
                raise CommandError(f"No enterprise with id {o['enterprise']}.")
        if o["zone"]:
            zone = Zone.objects.filter(code=o["zone"]).first()
            if zone is None:
                raise CommandError(f"No zone with code {o['zone']!r}.")
        if o["role"] == Role.ENTERPRISE and enterprise is None:
            raise CommandError("An enterprise user needs --enterprise.")
        if len(o["password"]) < 8:
            raise CommandError("The password needs at least 8 characters.")
        try:
            user = create_user(username=o["username"], password=o["password"], role=Role(o["role"]),
                               enterprise=enterprise, zone=zone)
        except IntegrityError:
            raise CommandError(f"User {o['username']!r} already exists.") from None
        except DomainError as exc:
            raise CommandError(render(exc.problems[0])) from None
        self.stdout.write(f"Created {user.username} ({o['role']}).")
