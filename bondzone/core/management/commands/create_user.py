import getpass
import os
import sys

from django.db import IntegrityError
from django.utils.translation import gettext as _

from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.roles import Role
from bondzone.core.models import Enterprise, Zone
from bondzone.core.services import create_user

# Like Django's DJANGO_SUPERUSER_PASSWORD: the password from the environment keeps it out of argv (ps) and history.
PASSWORD_ENV = "BONDZONE_USER_PASSWORD"
MIN_PASSWORD = 8


class Command(ServiceCommand):
    help = ("Create a user with a role (enterprise users need --enterprise; customs/zone staff may take --zone). "
            f"The password is asked for at a terminal, or read from {PASSWORD_ENV}.")
    requires_user = False

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", default=None,
                            help=f"visible to every user of the machine (ps) and kept in the shell's history: for "
                                 f"tests and demos only; use the prompt or {PASSWORD_ENV}")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--enterprise", type=int, default=None, help="enterprise id")
        parser.add_argument("--zone", default=None, help="zone code")

    def run(self, actor, **o):
        enterprise = zone = None
        if o["enterprise"] is not None:
            enterprise = Enterprise.objects.filter(pk=o["enterprise"]).first()
            if enterprise is None:
                raise DomainError(problem("--enterprise", "bad_reference", value=o["enterprise"]))
        if o["zone"]:
            zone = Zone.objects.filter(code=o["zone"]).first()
            if zone is None:
                raise DomainError(problem("--zone", "bad_reference", value=o["zone"]))
        if o["role"] == Role.ENTERPRISE and enterprise is None:
            raise DomainError(problem("--enterprise", "required_with", option="--role enterprise"))
        password = _password(o["password"])
        if len(password) < MIN_PASSWORD:
            raise DomainError(problem("--password", "text_too_short", min=MIN_PASSWORD))
        try:
            user = create_user(username=o["username"], password=password, role=Role(o["role"]),
                               enterprise=enterprise, zone=zone)
        except IntegrityError:
            raise DomainError(problem("username", "duplicate_value", value=o["username"])) from None
        self.stdout.write(f"Created {user.username} ({o['role']}).")


def _password(given: str | None) -> str:
    """--password, else BONDZONE_USER_PASSWORD, else asked twice at a terminal; with none of them, a refusal."""
    if given is not None:
        return given
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise DomainError(problem("--password", "password_source", env=PASSWORD_ENV))
    password = getpass.getpass(_("Password: "))
    if getpass.getpass(_("Password (again): ")) != password:
        raise DomainError(problem("--password", "passwords_differ"))
    return password
