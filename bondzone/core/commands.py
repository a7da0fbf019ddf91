"""Base for CLI commands that act as a user through the services (same rules as the web)."""

from __future__ import annotations

import argparse
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from django.core.management.base import BaseCommand, CommandError

from .actor import Actor, actor_of
from .context import set_request_id
from .domain.errors import DomainError
from .domain.inputs import ID_RANGE, as_id
from .messages import render


def id_argument(text: str) -> int:
    """argparse type of a record id: ASCII digits in the ids' range (23 digits would overflow the query, "١" is
    not 1); anything else is argparse's refusal, a sentence and exit code 2."""
    pk = as_id(text)
    if pk is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an id (a whole number from 1 to {ID_RANGE[1]}).")
    return pk


class ServiceCommand(BaseCommand):
    requires_user = True

    def add_arguments(self, parser):
        if self.requires_user:
            parser.add_argument("--user", required=True, help="user name to act as (permissions apply)")

    def actor(self, username: str) -> Actor:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user named “%(user)s”.") % {"user": username})
        return actor_of(user)

    def execute(self, *args, **options):
        set_request_id(None)
        # messages in the site's language (zh-hans) unless asked otherwise, whatever was active before
        with translation.override(os.environ.get("BONDZONE_LANGUAGE") or settings.LANGUAGE_CODE):
            try:
                return super().execute(*args, **options)
            except DomainError as exc:
                text = " ".join(f"{p.field + ': ' if p.field else ''}{render(p)}" for p in exc.problems)
                raise CommandError(text) from None
            except OSError as exc:
                # a file named on the command line that cannot be read or written (--output into a missing
                # folder, a directory, no permission): a sentence and exit 1, never a traceback
                if exc.filename is None:
                    raise
                raise CommandError(_("Cannot use %(file)s: %(reason)s.") % {"file": exc.filename,
                                                                             "reason": exc.strerror or exc}) from None
            except UnicodeDecodeError as exc:
                raise CommandError(_("The input is not UTF-8 text (byte %(position)s).") % {"position": exc.start}) from None

    def handle(self, *args, **options):
        actor = self.actor(options["user"]) if self.requires_user else None
        return self.run(actor, **options)

    def run(self, actor: Actor | None, **options):  # pragma: no cover - abstract
        raise NotImplementedError
