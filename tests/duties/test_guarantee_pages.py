"""Guarantee pages and CLI: customs lodges and moves, enterprises see only their own, refusals show beside the
field and write nothing, exports name the coded values."""

import csv
import io
import json
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from bondzone.core import tabular
from bondzone.duties import services
from bondzone.duties.models import Guarantee, GuaranteeEntry
from tests.conftest import PASSWORD, key


@pytest.fixture
def guarantee_a(world):
    return services.lodge_guarantee(idempotency_key=key(), actor=world.actor("customs"), data={
        "enterprise_id": world.ent_a.pk, "kind": "bank", "reference": "BH-A-1", "amount": "1000.00"})


def _client(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def test_customs_lodges_and_moves_on_the_pages(world, client):
    c = _client(client, "customs")
    r = c.post(reverse("duties:guarantee-lodge"), {"idempotency_key": key(), "enterprise_id": world.ent_a.pk, "kind": "deposit",
                                                   "reference": "BZJ-7", "amount": "500.00", "valid_to": ""})
    g = Guarantee.objects.get(reference="BZJ-7")
    assert r.status_code == 302 and r["Location"] == reverse("duties:guarantee", args=[g.pk])
    r = c.post(reverse("duties:guarantee-move", args=[g.pk]), {"idempotency_key": key(), "kind": "use", "amount": "200", "purpose": "展览出区"},
               follow=True)
    assert r.status_code == 200
    page = r.content.decode()
    assert "展览出区" in page and "保证金" in page and '<dd data-testid="free">300.00</dd>' in page


def test_lodge_with_a_bad_amount_shows_the_error_beside_the_field(world, client):
    c = _client(client, "customs")
    r = c.post(reverse("duties:guarantee-lodge"), {"idempotency_key": key(), "enterprise_id": world.ent_a.pk, "kind": "bank",
                                                   "reference": "BH-X", "amount": "12,5x"}, follow=True)
    page = r.content.decode()
    assert Guarantee.objects.count() == 0
    assert 'id="lodge-amount-error"' in page and 'data-field="amount"' in page
    assert 'value="12,5x"' in page and 'value="BH-X"' in page  # what was typed stays
    assert 'id="lodge-reference-error"' not in page


def test_a_use_beyond_the_free_amount_is_refused_beside_the_field(world, client, guarantee_a):
    c = _client(client, "customs")
    r = c.post(reverse("duties:guarantee-move", args=[guarantee_a.pk]),
               {"idempotency_key": key(), "kind": "use", "amount": "1000.01", "purpose": "维修出区"}, follow=True)
    page = r.content.decode()
    assert 'id="move-amount-error"' in page and "0.01" in page
    guarantee_a.refresh_from_db()
    assert (guarantee_a.used, GuaranteeEntry.objects.count()) == (D("0.00"), 0)


def test_enterprises_see_only_their_own(world, client, guarantee_a):
    detail = reverse("duties:guarantee", args=[guarantee_a.pk])
    c = _client(client, "ent_a")
    page = c.get(reverse("duties:guarantees")).content.decode()
    assert "BH-A-1" in page and 'data-testid="lodge"' not in page
    page = c.get(detail).content.decode()
    assert "BH-A-1" in page and 'data-testid="move"' not in page
    assert c.post(reverse("duties:guarantee-move", args=[guarantee_a.pk]),
                  {"idempotency_key": key(), "kind": "release", "amount": "1", "purpose": "x"}).status_code == 403
    c = _client(client, "ent_b")
    assert "BH-A-1" not in c.get(reverse("duties:guarantees")).content.decode()
    assert c.get(detail).status_code == 404
    assert "BH-A-1" not in c.get(reverse("duties:guarantees-export")).content.decode("utf-8-sig")
    guarantee_a.refresh_from_db()
    assert guarantee_a.released == 0


def test_list_filters_and_exports(world, client, guarantee_a):
    customs = world.actor("customs")
    services.lodge_guarantee(idempotency_key=key(), actor=customs, data={"enterprise_id": world.ent_b.pk, "kind": "deposit",
                                                  "reference": "BZJ-B-1", "amount": "80.00"})
    services.move_guarantee(idempotency_key=key(), actor=customs, guarantee_id=guarantee_a.pk, kind="use", amount="1000", purpose="x")
    c = _client(client, "customs")
    page = c.get(reverse("duties:guarantees"), {"kind": "deposit"}).content.decode()
    assert "BZJ-B-1" in page and "BH-A-1" not in page
    page = c.get(reverse("duties:guarantees"), {"enterprise": world.ent_a.pk}).content.decode()
    assert "BH-A-1" in page and "BZJ-B-1" not in page
    r = c.get(reverse("duties:guarantees-export"), {"enterprise": world.ent_a.pk, "format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert r["Content-Type"].startswith("text/csv") and len(rows) == 2
    assert rows[0][3] == "编号 (reference)"  # headings name the column, with its code
    row = dict(zip(map(tabular.header_code, rows[0]), rows[1], strict=True))
    assert (row["kind"], row["reference"], row["free"], row["status"]) == ("银行保函", "BH-A-1", "0.00", "已全部占用")
    r = c.get(reverse("duties:guarantees-export"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sorted(row[3] for row in sheet.iter_rows(min_row=2, values_only=True)) == ["BH-A-1", "BZJ-B-1"]
    assert c.get(reverse("duties:guarantees-export"), {"format": "pdf"}).status_code == 400


def cli(args: list[str]) -> str:
    """The command's output, run as `bondzone ARGS` would (call_command keeps the test's connection open;
    `bondzone` closes every connection when the command ends)."""
    out = io.StringIO()
    call_command(args[0].replace("-", "_"), *args[1:], stdout=out)
    return out.getvalue()


def test_cli_lodges_moves_and_lists(world):
    cli(["guarantee-lodge", "--user", "customs", "--enterprise", str(world.ent_a.pk), "--kind", "general",
         "--reference", "ZDB-1", "--amount", "300.00"])
    g = Guarantee.objects.get(reference="ZDB-1")
    moved = cli(["guarantee-move", str(g.pk), "--user", "customs", "--kind", "use", "--amount", "120", "--purpose",
                 "内销"])
    assert "free 180.00" in moved
    listed = json.loads(cli(["guarantees", "--user", "ent_a", "--format", "json"]))
    assert [(x["reference"], x["kind"], x["free"], x["status"]) for x in listed] == [
        ("ZDB-1", "general", "180.00", "in_force")]
    assert cli(["guarantees", "--user", "ent_b"]).strip().count("\n") == 0  # the heading line only


@pytest.mark.parametrize("args, message", [
    (["guarantee-move", "{g}", "--user", "customs", "--kind", "use", "--amount", "1000.01", "--purpose", "x"], "0.01"),
    (["guarantee-move", "{g}", "--user", "ent_b", "--kind", "use", "--amount", "1", "--purpose", "x"],
     "duties.manage_guarantees"),
    (["guarantee-move", "abc", "--user", "customs", "--kind", "use", "--amount", "1", "--purpose", "x"], "abc"),
    (["guarantee-lodge", "--user", "customs", "--enterprise", "{e}", "--kind", "cash", "--reference", "R",
      "--amount", "-5"], "amount"),
    (["guarantee-lodge", "--user", "nobody", "--enterprise", "{e}", "--kind", "bank", "--reference", "R",
      "--amount", "5"], "nobody"),
])
def test_cli_refuses_bad_input_and_writes_nothing(world, guarantee_a, args, message):
    args = [a.format(g=guarantee_a.pk, e=world.ent_a.pk) for a in args]
    before = (Guarantee.objects.count(), GuaranteeEntry.objects.count())
    with pytest.raises(CommandError) as exc:  # `bondzone` prints it and exits 1
        cli(args)
    assert message in str(exc.value)
    guarantee_a.refresh_from_db()
    assert (Guarantee.objects.count(), GuaranteeEntry.objects.count(), guarantee_a.used) == (*before, D("0.00"))
