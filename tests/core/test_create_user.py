"""`bondzone create-user` takes the password without putting it on the command line (where `ps` and the shell's
history show it): asked at a terminal, or from BONDZONE_USER_PASSWORD as Django's createsuperuser reads
DJANGO_SUPERUSER_PASSWORD; --password still works for tests and demos."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

SECRET = "s3cret-from-elsewhere"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _create(*extra: str) -> str:
    out = io.StringIO()
    call_command("create_user", "officer", "--role", "customs", *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("BONDZONE_USER_PASSWORD", raising=False)
    monkeypatch.setenv("BONDZONE_LANGUAGE", "en")


def test_the_password_comes_from_the_environment(db, no_env, monkeypatch):
    monkeypatch.setenv("BONDZONE_USER_PASSWORD", SECRET)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # a script: no terminal to ask at
    assert "Created officer" in _create()
    assert get_user_model().objects.get(username="officer").check_password(SECRET)


def test_at_a_terminal_the_password_is_asked_twice(db, no_env, monkeypatch):
    monkeypatch.setattr("sys.stdin", _Terminal())
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or SECRET)
    _create()
    assert asked == ["Password: ", "Password (again): "]
    assert get_user_model().objects.get(username="officer").check_password(SECRET)


def test_two_different_passwords_at_the_terminal_are_refused(db, no_env, monkeypatch):
    monkeypatch.setattr("sys.stdin", _Terminal())
    answers = iter([SECRET, SECRET + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="The two passwords differ"):
        _create()
    assert not get_user_model().objects.filter(username="officer").exists()


@pytest.mark.parametrize("language, sentence", [
    ("en", "--password: No password: type it at the prompt (run the command in a terminal) or set "
           "BONDZONE_USER_PASSWORD."),
    ("zh-hans", "--password: 未给出密码：请在终端中运行该命令并按提示输入，或设置环境变量 BONDZONE_USER_PASSWORD。"),
])
def test_without_a_terminal_or_the_variable_it_refuses(db, no_env, monkeypatch, language, sentence):
    monkeypatch.setenv("BONDZONE_LANGUAGE", language)
    monkeypatch.setattr("sys.stdin", io.StringIO())
    with pytest.raises(CommandError) as exc:
        _create()
    assert str(exc.value) == sentence
    assert not get_user_model().objects.filter(username="officer").exists()


def test_password_on_the_command_line_still_works_and_wins(db, no_env, monkeypatch):
    monkeypatch.setenv("BONDZONE_USER_PASSWORD", SECRET)
    _create("--password", "on-the-line-123")
    assert get_user_model().objects.get(username="officer").check_password("on-the-line-123")
    with pytest.raises(CommandError, match="“officer” is already in use"):
        _create("--password", "on-the-line-123")
