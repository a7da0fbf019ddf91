"""The CLI (bondzone …) and the server-rendered pages of the account book."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from bondzone.core.models import AuditEvent
from bondzone.supervision.models import StockAccount, VerificationList

from ..conftest import PASSWORD, post_list


def test_cli_help_lists_commands():
    out = subprocess.run([sys.executable, "-m", "bondzone.cli", "--help"], capture_output=True, text=True, check=True)
    for name in ("verify-books", "import-lists", "list-action", "export-balances", "load-demo", "stock"):
        assert name in out.stdout


def test_cli_import_submit_approve_and_stock(world, tmp_path: Path):
    f = tmp_path / "lists.csv"
    f.write_text("inner_no,direction,trade_mode,item_no,quantity,unit\nC-1,I,5034,1,7,007\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_lists", str(f), "--book", str(world.book_a.pk), "--user", "ent_a", stdout=out)
    list_id = VerificationList.objects.get(inner_no="C-1").pk
    call_command("list_action", "submit", str(list_id), "--user", "ent_a", stdout=out)
    call_command("list_action", "approve", str(list_id), "--user", "customs", stdout=out)
    assert "(reserved)" in out.getvalue() and StockAccount.objects.get(item__item_no=1).incoming == 7
    call_command("list_action", "pass", str(list_id), "--share", "1=2", "--user", "customs", stdout=out)
    assert "line 1: 2" in out.getvalue()
    with pytest.raises(CommandError, match=r"shares\[1\]"):  # the sentence is in the site's language
        call_command("list_action", "pass", str(list_id), "--share", "1=6", "--user", "customs")
    call_command("list_action", "pass", str(list_id), "--user", "customs", stdout=out)
    assert "line 1: 5; complete" in out.getvalue()
    assert StockAccount.objects.get(item__item_no=1).posted == 7
    out = io.StringIO()
    call_command("stock", "--book", str(world.book_a.pk), "--user", "ent_a", stdout=out)
    assert "7" in out.getvalue()


def test_cli_errors_are_sentences_and_write_nothing(world, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BONDZONE_LANGUAGE", "en")
    f = tmp_path / "bad.csv"
    f.write_text("inner_no,direction,trade_mode,item_no,quantity,unit\nC-1,I,5034,1,-3,007\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 2"):
        call_command("import_lists", str(f), "--book", str(world.book_a.pk), "--user", "ent_a")
    with pytest.raises(CommandError, match="Cannot use .*nope.csv"):
        call_command("import_lists", str(tmp_path / "nope.csv"), "--book", "1", "--user", "ent_a")
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_lists", str(f), "--book", "1", "--user", "ghost")
    with pytest.raises(CommandError, match="may not"):
        call_command("list_action", "approve", "1", "--user", "ent_a")
    assert VerificationList.objects.count() == 0


def test_verify_books_command_exit_status(world):
    post_list(world, direction="I", lines=[(1, "2")])
    call_command("verify_books", stdout=io.StringIO())


def client_for(username):
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def test_enterprise_creates_and_submits_a_list_on_the_pages(world):
    c = client_for("ent_a")
    form = c.get("/supervision/lists/new/")
    assert form.status_code == 200
    key = form.context["idempotency_key"]
    r = c.post("/supervision/lists/new/", {
        "idempotency_key": key, "book_id": world.book_a.pk, "direction": "I", "trade_mode": "5034", "list_type": "0",
        "line-item_no": ["1", ""], "line-quantity": ["3", ""], "line-unit": ["007", "007"],
        "line-value": ["30", ""], "line-currency": ["142", "142"], "line-goods_status": ["bonded", "bonded"]})
    assert r.status_code == 302
    vlist = VerificationList.objects.get()
    assert vlist.line_count == 1
    # the same form posted twice (double click) does not make a second list
    c.post("/supervision/lists/new/", {"idempotency_key": key, "book_id": world.book_a.pk, "direction": "I",
                                       "trade_mode": "5034", "list_type": "0", "line-item_no": ["1", ""],
                                       "line-quantity": ["3", ""], "line-unit": ["007", "007"],
                                       "line-value": ["30", ""], "line-currency": ["142", "142"],
                                       "line-goods_status": ["bonded", "bonded"]})
    assert VerificationList.objects.count() == 1
    detail = c.get(f"/supervision/lists/{vlist.pk}/")
    r = c.post(f"/supervision/lists/{vlist.pk}/submit/", {"idempotency_key": detail.context["idempotency_key"]})
    assert r.status_code == 302
    assert VerificationList.objects.get().status == "submitted"
    queue = client_for("customs").get("/supervision/queue/")
    assert vlist.display_number in queue.content.decode()


def test_bad_form_input_shows_errors_and_writes_nothing(world):
    c = client_for("ent_a")
    r = c.post("/supervision/lists/new/", {
        "idempotency_key": "k", "book_id": world.book_a.pk, "direction": "I", "trade_mode": "5034",
        "line-item_no": ["1"], "line-quantity": ["-5"], "line-unit": ["007"], "line-value": [""],
        "line-currency": ["142"], "line-goods_status": ["bonded"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert "greater than zero" in r.content.decode()
    assert VerificationList.objects.count() == 0


def test_htmx_adds_a_line_row(world):
    r = client_for("ent_a").get("/supervision/lists/new/line/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'name="line-item_no"' in r.content.decode()


def test_pages_render_with_data_and_empty_states(world):
    c = client_for("ent_a")
    assert "No account books" not in c.get("/supervision/").content.decode()
    post_list(world, direction="I", lines=[(1, "2")])
    acc = StockAccount.objects.get()
    for path in ("/supervision/", "/supervision/books/", f"/supervision/books/{world.book_a.pk}/",
                 f"/supervision/books/{world.book_a.pk}/stock/?as_of=2020-01-01", f"/supervision/accounts/{acc.pk}/",
                 "/supervision/lists/?status=approved", "/sharing/audit/"):
        assert c.get(path).status_code == 200, path
    empty = c.get(f"/supervision/books/{world.book_a.pk}/stock/?as_of=2000-01-01").content.decode()
    assert "empty" in empty


def test_language_switch(world):
    c = client_for("ent_a")
    c.post("/i18n/setlang/", {"language": "en", "next": "/supervision/"})
    assert "Dashboard" in c.get("/supervision/").content.decode()


@pytest.mark.parametrize("lang, words", [("zh-hans", "不是日期"), ("en", "is not a date")])
@pytest.mark.parametrize("args", [("stock", "--book", "1", "--as-of", "2026-02-30"),
                                  ("export_movements", "--from", "2026-13-01"), ("expire_reservations", "--date", "30/02")])
def test_the_cli_refuses_a_date_that_is_none_in_its_language(world, args, lang, words, monkeypatch):
    # "2026-02-30" was argparse's English "invalid fromisoformat value" (stock, export-movements)
    monkeypatch.setenv("BONDZONE_LANGUAGE", lang)
    with pytest.raises(CommandError, match=words):
        call_command(*args, "--user", "customs", stdout=io.StringIO())


@pytest.mark.parametrize("args", [("list_action", "approve", "9" * 23), ("list_action", "pass", "١"),
                                  ("export_balances", "--book", "9" * 23), ("export_movements", "--book", "9" * 23),
                                  ("stock", "--book", "²")])
def test_the_cli_refuses_an_id_that_cannot_be_one_in_a_sentence(world, args):
    # 23 digits reached SQLite (OverflowError, a traceback) and "١" was read as list 1
    before = (VerificationList.objects.filter(status="approved").count(), AuditEvent.objects.count())
    with pytest.raises(CommandError, match="”(不是整数|超出范围)"):  # in the CLI's language (zh by default)
        call_command(*args, "--user", "customs", stdout=io.StringIO())
    assert (VerificationList.objects.filter(status="approved").count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("lang, currency", [("zh-hans", "142 人民币"), ("en", "142 CNY")])
def test_the_list_page_names_each_lines_currency(world, lang, currency):
    vlist = post_list(world, direction="I", lines=[(1, "3")])
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert c.login(username="ent_a", password=PASSWORD)
    page = c.get(f"/supervision/lists/{vlist.pk}/").content.decode()
    assert f"<td>{currency}</td>" in page  # the code alone ("142") named nothing
