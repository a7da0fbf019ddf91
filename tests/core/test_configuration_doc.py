"""docs/configuration.md is followed to the letter by a new operator: every `bondzone …` command it writes is a
command whose options take the arguments as written (a command that needs --user is written with it)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from django.core.management import CommandError, get_commands, load_command_class

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
COMMANDS = sorted(set(re.findall(r"`(bondzone [^`]+)`", DOC.read_text(encoding="utf-8"))))


def test_the_production_section_walks_through_install_database_server_and_jobs():
    text = DOC.read_text(encoding="utf-8")
    production = text[text.index("## Production"):text.index("## Next year's")]
    for step in ("pip install .", "bondzone migrate --no-input", "bondzone create-user", "gunicorn bondzone.wsgi",
                 "--forwarded-allow-ips", "celery -A bondzone.core.jobs worker -B", "python3 -c"):
        assert step in production, step


@pytest.mark.parametrize("written", COMMANDS)
def test_each_documented_command_takes_its_arguments_as_written(written):
    name, *args = shlex.split(written.replace("…", "x"))[1:]
    name = name.replace("-", "_")
    assert name in get_commands(), written
    parser = load_command_class(get_commands()[name], name).create_parser("bondzone", name)
    try:
        parser.parse_args(args)
    except CommandError as exc:  # the parser's refusal outside a command line
        pytest.fail(f"`{written}` does not parse: {exc}")
