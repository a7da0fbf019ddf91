"""`bondzone`: a thin wrapper over the Django management commands (dashes or underscores)."""

from __future__ import annotations

import os
import sys

DJANGO_COMMANDS = ("migrate", "runserver", "createsuperuser", "shell", "check", "collectstatic", "compilemessages",
                   "makemigrations", "dbshell")


def _help() -> str:
    from django.core.management import get_commands, load_command_class

    lines = ["usage: bondzone COMMAND [options]   (bondzone COMMAND --help for a command's options)", "",
             "BondZone commands:"]
    for name, app in sorted(get_commands().items()):
        if app.startswith("bondzone"):
            try:
                text = load_command_class(app, name).help.split("\n")[0]
            except Exception:  # pragma: no cover - a broken command should not break --help
                text = ""
            lines.append(f"  {name.replace('_', '-'):<22} {text}")
    lines += ["", "Django commands also available: " + ", ".join(DJANGO_COMMANDS)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bondzone.settings")
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_help())
        return
    args[0] = args[0].replace("-", "_")
    execute_from_command_line(["bondzone", *args])


if __name__ == "__main__":
    main()
