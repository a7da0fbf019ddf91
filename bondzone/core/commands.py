"""Base for CLI commands that act as a user through the services (same rules as the web)."""

from __future__ import annotations

import argparse
import json
from datetime import date
import os
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from django.core.management.base import BaseCommand, CommandError

from .actor import Actor, actor_of
from .context import set_request_id
from .domain.errors import DomainError, problem
from .domain.inputs import QUERY, DateWindow, collect_date, collect_id
from .messages import render


def read_json(source: str, *, obj: bool = True):
    """The JSON document in the file `source` ("-": standard input); text that is not JSON (or, with `obj`, not
    one object) is refused naming the file. A file that cannot be read or is not UTF-8 is ServiceCommand's."""
    if source == "-":
        text = sys.stdin.read()
    else:
        with open(source, encoding="utf-8") as fh:
            text = fh.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DomainError(problem(source, "not_json", line=exc.lineno, column=exc.colno)) from None
    if obj and not isinstance(data, dict):
        raise DomainError(problem(source, "not_an_object"))
    return data


def id_arg(value, field: str) -> int:
    """A record's id given on the command line; anything else is refused naming `field` (not a whole number, out
    of range, missing)."""
    problems: list = []
    pk = collect_id(value, field, problems, required=True)
    if problems:
        raise DomainError(problems)
    return pk


def date_arg(value, field: str, *, window: DateWindow = QUERY) -> date | None:
    """A date given on the command line (YYYY-MM-DD; None when not given); anything else, or a date outside
    `window`, is refused naming `field`."""
    problems: list = []
    found = collect_date(value, field, problems, window=window)
    if problems:
        raise DomainError(problems)
    return found


def cli_language() -> str:
    """The CLI's language: BONDZONE_LANGUAGE, else the site's."""
    return os.environ.get("BONDZONE_LANGUAGE") or settings.LANGUAGE_CODE


def _argparse_type(rule):
    """An argparse `type=` reading a value by `rule` (id_arg, date_arg): a refusal is argparse's, the sentence in
    the CLI's language and exit code 2."""
    def parse(text: str):
        with translation.override(cli_language()):
            try:
                return rule(text, "")
            except DomainError as exc:
                raise argparse.ArgumentTypeError(" ".join(render(p) for p in exc.problems)) from None
    return parse


id_argument = _argparse_type(id_arg)  # 23 digits would overflow the query, "١" is not 1
date_argument = _argparse_type(date_arg)  # "2026-02-30" is no date


class ServiceCommand(BaseCommand):
    """A command's refusals are problems (`raise DomainError(problem(field, code, ...))`, codes in MESSAGES),
    said in the CLI's language (BONDZONE_LANGUAGE, default the site's) with exit 1."""

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
        with translation.override(cli_language()):
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
