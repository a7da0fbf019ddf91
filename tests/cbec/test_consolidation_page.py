"""The consolidation page (customs reads, the e-commerce enterprise consolidates now), the nightly job
(core/jobs.every in cbec/tasks.py) and its CLI twin `cbec-consolidate --due`."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from bondzone.cbec import consolidation
from bondzone.cbec.models import ConsolidatedList
from bondzone.core import jobs
from tests.conftest import PASSWORD

from .test_consolidation import released, shop  # noqa: F401
from .test_orders import cbec, declare  # noqa: F401


def test_job_is_scheduled():
    entry = jobs.schedule()["cbec.consolidate-released"]
    assert entry["task"] == "cbec.consolidate_released"


def test_due_run_takes_orders_released_up_to_yesterday_once(shop):  # noqa: F811
    released(shop, "D1", "100.00", day="2026-03-02")
    released(shop, "D2", "50.00", day="2026-03-05")
    released(shop, "D3", "70.00", day="2026-03-06")  # released "today": waits for tomorrow's run
    out = consolidation.consolidate_released(today=date(2026, 3, 6))
    c = ConsolidatedList.objects.get()
    assert out == {"lists": [c.pk], "skipped": []}
    assert (c.order_count, c.period_from, c.period_to) == (2, date(2026, 3, 2), date(2026, 3, 5))
    assert c.vlist.status == "submitted" and c.vlist.list_type == "8"
    # the same day again: nothing is waiting up to yesterday, no second list
    assert consolidation.consolidate_released(today=date(2026, 3, 6)) == {"lists": [], "skipped": []}
    out = consolidation.consolidate_released(today=date(2026, 3, 7))
    assert len(out["lists"]) == 1 and ConsolidatedList.objects.count() == 2


def test_due_run_reports_an_enterprise_it_cannot_consolidate(shop):  # noqa: F811
    released(shop, "X1", "100.00", day="2026-03-02")
    from bondzone.supervision.models import BookItem
    BookItem.objects.filter(book=shop.book_a, item_no__in=[21, 22]).update(hs_code="0000000000")
    out = consolidation.consolidate_released(today=date(2026, 3, 6))
    assert out["lists"] == [] and out["skipped"][0]["problem"] == "cbec_no_book_item"
    assert ConsolidatedList.objects.count() == 0


def test_the_periodic_run_by_a_role_that_may_not_consolidate_is_refused_once_in_a_sentence(shop, capsys):  # noqa: F811
    released(shop, "C2", "100.00", day="2026-03-02")
    with pytest.raises(CommandError):
        call_command("cbec_consolidate", "--user", "customs", "--due")
    assert ConsolidatedList.objects.count() == 0 and "skipped" not in capsys.readouterr().out


def test_cli_due_and_missing_arguments(shop, capsys):  # noqa: F811
    released(shop, "C1", "100.00", day="2026-03-02")
    with pytest.raises(CommandError, match="--book"):
        call_command("cbec_consolidate", "--user", "ent_a")
    call_command("cbec_consolidate", "--user", "ent_a", "--due")
    out = json.loads(capsys.readouterr().out)
    assert len(out["lists"]) == 1 and ConsolidatedList.objects.get().order_count == 1


@pytest.mark.parametrize("lang, title, period", [("zh-hans", "集报清单", "期间"),
                                                 ("en", "Consolidated type-8 lists", "Period")])
def test_page_lists_and_consolidates_now(shop, client, lang, title, period):  # noqa: F811
    released(shop, "P1", "100.00", day="2026-03-02")
    client.login(username="ent_a", password=PASSWORD)
    page = client.get("/cbec/consolidations/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert title in page and 'data-testid="consolidate"' in page and 'data-testid="waiting"' in page
    # bad input: the period reversed — refused naming the field, nothing written
    r = client.post("/cbec/consolidations/", {"book_id": shop.book_a.pk, "start": "2026-03-31", "end": "2026-03-01",
                                              "idempotency_key": uuid.uuid4().hex}, HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 302 and ConsolidatedList.objects.count() == 0
    r = client.post("/cbec/consolidations/", {"book_id": shop.book_a.pk, "start": "2026-03-01", "end": "2026-03-31",
                                              "idempotency_key": uuid.uuid4().hex}, HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 302 and ConsolidatedList.objects.get().order_count == 1
    page = client.get("/cbec/consolidations/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert 'data-testid="consolidations"' in page and ConsolidatedList.objects.get().vlist.pre_entry_no in page
    # its own word for the orders' period (a message context), not the governance ledger's 报告期
    assert f"<th>{period}</th>" in page and "报告期" not in page
    # customs reads the page, without the form; a post is refused
    client.logout()
    client.login(username="customs", password=PASSWORD)
    page = client.get("/cbec/consolidations/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert 'data-testid="consolidations"' in page and 'data-testid="consolidate"' not in page
    r = client.post("/cbec/consolidations/", {"book_id": shop.book_a.pk, "start": "2026-03-01", "end": "2026-03-31"})
    assert r.status_code == 403 and ConsolidatedList.objects.count() == 1
