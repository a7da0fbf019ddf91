"""A command's refusal is a sentence in the CLI's language (BONDZONE_LANGUAGE, default zh-hans) and exit 1: each
goes through core.commands.ServiceCommand as a problem code, never an English literal of its own."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from bondzone.duties.models import Regime

ROOT = Path(__file__).resolve().parents[2]
COMMAND_FILES = sorted(ROOT.glob("bondzone/*/management/commands/*.py"))


def _literal_text(node: ast.AST) -> bool:
    """A text written in the source as it is: "…", f"…", "…" % x, "…".format(x) (not gettext's _("…") % x)."""
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return isinstance(node, ast.JoinedStr) or isinstance(node.value, str)
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _literal_text(node.func.value)
    return False


def _untranslated(source: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name in ("CommandError", "SystemExit") and node.args and _literal_text(node.args[0]):
            found.append(f"{where}:{node.lineno}")
        if name == "SystemExit" and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value:
            found.append(f"{where}:{node.lineno} (exit without a sentence)")
    return found


def test_no_command_refuses_with_a_literal_sentence():
    """A new `raise CommandError("…")` (or f"…") in a command is English whatever BONDZONE_LANGUAGE says: raise
    DomainError(problem(field, code, …)) with the code's text in MESSAGES and its zh translation instead."""
    assert len(COMMAND_FILES) > 40
    assert [hit for path in COMMAND_FILES
            for hit in _untranslated(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))] == []


@pytest.mark.parametrize("source, hits", [
    ('raise CommandError(f"There is no framework with code {code!r}.")', 1),
    ('raise CommandError("Give --year.")', 1),
    ('raise CommandError("--year %s" % year)', 1),
    ('raise SystemExit(1)', 1),
    ('raise CommandError(_("No active user named “%(user)s”.") % {"user": name})', 0),
    ('raise CommandError(text)', 0),
])
def test_the_scan_sees_a_literal_sentence(source, hits):
    assert len(_untranslated(source, "probe")) == hits


# (command line, the English sentence's part, the Chinese one's): each refused before anything is written
CASES = [
    (["run_evaluation", "--user", "admin", "--year", "2025", "--framework", "1"],
     "“1” refers to nothing that exists", "“1”指向的对象不存在"),
    (["run_evaluation", "--user", "admin"], "--year: Required (or give --verify RUN)", "--year: 必填（或给出 --verify RUN）"),
    (["regime_close", "abc", "--outcome", "returned", "--user", "admin"], "regime: “abc” is not a whole number", "regime: “abc”不是整数"),
    (["tax_bill", "x1", "--user", "admin"], "“x1” is not a whole number", "“x1”不是整数"),
    (["deliver_events", "--limit", "0"], "--limit: “0” is out of range (1 to", "--limit: “0”超出范围（1 至"),
    (["create_token", "ghost"], "username: “ghost” refers to nothing that exists", "“ghost”指向的对象不存在"),
    (["create_user", "newbie", "--role", "customs", "--zone", "NOPE", "--password", "long-enough-1"],
     "--zone: “NOPE” refers to nothing that exists", "--zone: “NOPE”指向的对象不存在"),
    (["create_user", "newbie", "--role", "customs", "--password", "short"], "--password: At least 8 characters",
     "--password: 至少 8 个字符"),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("argv, english, chinese", CASES, ids=[" ".join(c[0][:2]) for c in CASES])
def test_a_refusal_is_said_in_the_cli_language(world, monkeypatch, language, argv, english, chinese):
    monkeypatch.setenv("BONDZONE_LANGUAGE", language)
    users = get_user_model().objects.count()
    with pytest.raises(CommandError) as exc:
        call_command(*argv)
    text = str(exc.value)
    if language == "en":
        assert english in text
    else:
        assert chinese in text and english not in text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text  # a Chinese sentence, not the English one
    assert get_user_model().objects.count() == users and Regime.objects.count() == 0


@pytest.mark.parametrize("language, sentence", [
    ("en", "--limit: “0” is out of range (1 to "), ("zh-hans", "--limit: “0”超出范围（1 至 "),
])
def test_the_console_script_exits_non_zero_with_the_sentence(language, sentence):
    """The installed `bondzone` script: exit 1, the sentence on stderr, no traceback."""
    env = {**os.environ, "BONDZONE_LANGUAGE": language}
    done = subprocess.run([sys.executable, "-m", "bondzone.cli", "deliver-events", "--limit", "0"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert sentence in done.stderr and "Traceback" not in done.stderr
