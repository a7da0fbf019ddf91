"""The audit-trail browser: filters, links, differences, export for inspectors, and reads of sensitive
records logged (who saw what)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from bondzone.core.domain.roles import allowed
from bondzone.core.models import AuditEvent
from bondzone.sharing.domain.fields import DATASETS, allowed_fields
from bondzone.sharing.selectors import READS

from ..cbec.test_orders import declare
from ..conftest import PASSWORD, key, post_list
from ..gate.test_door import stocked  # noqa: F401 - a door list awaiting its goods, for its 变更
from .test_agency import shared  # noqa: F401 - a row of every shared dataset

CHANGED_VALUE = re.compile(r"(?<![\d.])4\.75(?![\d])")  # the value the door list's 变更 writes, as a number of its own


def client(name: str) -> Client:
    c = Client()
    assert c.login(username=name, password=PASSWORD)
    return c


@pytest.fixture
def trail(world):
    return post_list(world, direction="I", lines=[(1, "5")])


def test_filters_by_user_role_action_object_and_dates(world, trail):
    admin = client("admin")
    items = admin.get("/api/v1/audit-events?user=ent_a&limit=500").json()["items"]
    assert items and {i["actor_name"] for i in items} == {"ent_a"}
    items = admin.get("/api/v1/audit-events?role=customs&limit=500").json()["items"]
    assert items and {i["role"] for i in items} == {"customs"}
    items = admin.get(f"/api/v1/audit-events?object_type=supervision.verificationlist&object_id={trail.pk}").json()
    assert {i["action"] for i in items["items"]} >= {"list.create", "list.submit", "list.approve"}
    assert {i["action"] for i in admin.get("/api/v1/audit-events?action=list.appr").json()["items"]} == {"list.approve"}
    today = timezone.localdate()
    assert admin.get(f"/api/v1/audit-events?date_from={today}&date_to={today}").json()["count"] > 0
    future = today + timedelta(days=1)
    assert admin.get(f"/api/v1/audit-events?date_from={future}").json()["count"] == 0
    assert admin.get(f"/api/v1/audit-events?date_to={today - timedelta(days=1)}").json()["count"] == 0


def test_bad_filters_are_field_level_400s(world):
    admin = client("admin")
    r = admin.get("/api/v1/audit-events?date_from=2026-13-01")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "date_from"
    r = admin.get("/api/v1/audit-events?date_from=2026-05-02&date_to=2026-05-01")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "date_to"
    assert admin.get("/sharing/audit/?date_from=yesterday").status_code == 400
    assert admin.get("/sharing/audit/export/?format=pdf").status_code == 400
    assert admin.get("/api/v1/audit-events/export?format=pdf").status_code == 400


def test_each_event_links_to_its_object_and_shows_the_difference(world, trail):
    admin = client("admin")
    approve = admin.get(f"/api/v1/audit-events?action=list.approve&object_id={trail.pk}").json()["items"][0]
    assert approve["object_url"] == f"/supervision/lists/{trail.pk}/"
    status = [c for c in approve["changes"] if c["field"] == "status"]
    assert status == [{"field": "status", "kind": "changed", "old": "submitted", "new": "approved"}]
    page = admin.get(f"/sharing/audit/?action=list.approve&object_id={trail.pk}").content.decode()
    assert f'href="/supervision/lists/{trail.pk}/"' in page and 'data-testid="diff"' in page
    assert "<del>submitted</del>" in page and "<ins>approved</ins>" in page
    # an object without a page is shown without a link
    ent = admin.get("/api/v1/audit-events?object_type=supervision.accountbook").json()["items"][0]
    assert ent["object_url"].startswith("/supervision/books/")


def test_export_csv_and_xlsx_for_inspectors_is_itself_logged(world, trail):
    customs = client("customs")
    r = customs.get("/sharing/audit/export/?format=csv&action=list.")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0].endswith("(id)") and all(row[5].startswith("list.") for row in rows[1:]) and len(rows) > 3
    logged = AuditEvent.objects.get(action="read.audit_export")
    assert logged.actor_name == "customs" and logged.after["filters"] == {"action": "list."}
    assert logged.after["rows"] == len(rows) - 1
    r = customs.get("/api/v1/audit-events/export?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet.max_row > 3 and AuditEvent.objects.filter(action="read.audit_export").count() == 2
    # enterprises read their own trail but are not inspectors
    assert client("ent_a").get("/sharing/audit/export/?format=csv").status_code == 403
    assert client("ent_a").get("/api/v1/audit-events/export?format=csv").status_code == 403


def test_export_is_scoped_like_the_trail(world, trail):
    post_list(world, direction="I", lines=[(1, "5")], book=world.book_b, enterprise_user="ent_b")
    body = client("customs_a").get("/sharing/audit/export/?format=csv").content.decode("utf-8-sig")
    assert world.ent_a.name in body and world.ent_b.name not in body


def test_sensitive_reads_are_logged_once_per_read_and_not_the_owners(world, trail):
    before = AuditEvent.objects.filter(action__startswith="read.").count()
    assert client("tax").get(f"/api/v1/lists/{trail.pk}").status_code == 200
    assert client("customs").get(f"/supervision/lists/{trail.pk}/").status_code == 200
    assert client("market").get(f"/api/v1/enterprises/{world.ent_a.pk}").status_code == 200
    reads = list(AuditEvent.objects.filter(action__startswith="read.").order_by("id")
                 .values_list("actor_name", "action", "object_id", "enterprise_id"))[before:]
    assert reads == [("tax", "read.list", str(trail.pk), world.ent_a.pk),
                     ("customs", "read.list", str(trail.pk), world.ent_a.pk),
                     ("market", "read.enterprise", str(world.ent_a.pk), world.ent_a.pk)]
    # the owner reading its own list is not a read worth logging; a list outside the scope is a 404, no row
    assert client("ent_a").get(f"/api/v1/lists/{trail.pk}").status_code == 200
    assert client("ent_b").get(f"/api/v1/lists/{trail.pk}").status_code == 404
    assert AuditEvent.objects.filter(action__startswith="read.").count() == before + 3
    # the enterprise sees who read its records
    mine = client("ent_a").get("/api/v1/audit-events?action=read.&limit=500").json()["items"]
    assert {(i["actor_name"], i["action"]) for i in mine} >= {("tax", "read.list"), ("market", "read.enterprise")}
    assert client("ent_b").get("/api/v1/audit-events?action=read.").json()["count"] == 0


def test_audit_page_renders_with_filters_and_export_links(world, trail):
    page = client("customs").get("/sharing/audit/?role=enterprise").content.decode()
    assert 'data-testid="audit-export-csv"' in page and "ent_a" in page
    assert 'data-testid="audit-export-csv"' not in client("ent_a").get("/sharing/audit/").content.decode()


def test_reading_a_cbec_order_consumer_data_is_logged(cbec):
    world = cbec
    order = declare(world, "SO-READ-1", "100.00")
    assert client("customs").get(f"/cbec/orders/{order.pk}/").status_code == 200
    assert client("customs").get(f"/api/v1/cbec/orders/{order.pk}").status_code == 200
    assert client("ent_a").get(f"/api/v1/cbec/orders/{order.pk}").status_code == 200  # the seller: not logged
    reads = AuditEvent.objects.filter(action="read.cbec_order", object_id=str(order.pk))
    assert list(reads.values_list("actor_name", "enterprise_id")) == [("customs", world.ent_a.pk)] * 2


def _trail_texts(c: Client, query: str) -> tuple[list[dict], str, str]:
    """One reader's view of the trail under `query`: the API's items, the page, the CSV export ("" when the
    reader may not export)."""
    api = c.get(f"/api/v1/audit-events?{query}&limit=500")
    assert api.status_code == 200
    page = c.get(f"/sharing/audit/?{query}").content.decode()
    export = c.get(f"/sharing/audit/export/?format=csv&{query}")
    return api.json()["items"], page, export.content.decode("utf-8-sig") if export.status_code == 200 else ""


def _list_lifecycle(w) -> None:
    """Every action the supervision services audit on a list: create, submit, reject, correct, withdraw, approve,
    pass, 变更 of its header and of a door list's lines, cancel, reverse (void, counter-list) and a logged read."""
    from bondzone.supervision import services as supervision

    owner, customs = w.actor("ent_a"), w.actor("customs")
    supervision.change_door_list(actor=owner, list_id=w.door_list.pk, lines={"1": {"quantity": "7", "value": "4.75"}},
                                 reason="客户改单 R-DOOR", idempotency_key=key())
    data = {"direction": "I", "trade_mode": "5034", "remarks": "备注 R-DRAFT",
            "lines": [{"item_no": 1, "quantity": "3", "unit": "007", "goods_status": "bonded", "value": "1.00"}]}
    draft = supervision.create_list(actor=owner, book_id=w.book_a.pk, data=data, idempotency_key=key())
    supervision.submit_list(actor=owner, list_id=draft.pk, idempotency_key=key())
    supervision.reject_list(actor=customs, list_id=draft.pk, reason="退单 R-REJECT")
    supervision.correct_list(actor=owner, list_id=draft.pk, data={**data, "remarks": "备注 R-CORRECT"},
                             idempotency_key=key())
    supervision.submit_list(actor=owner, list_id=draft.pk, idempotency_key=key())
    supervision.withdraw_list(actor=owner, list_id=draft.pk)
    waiting = post_list(w, direction="I", lines=[(1, "5")], passed=False)
    supervision.change_list(actor=owner, list_id=waiting.pk, changes={"remarks": "备注 R-HEADER"}, reason="改备注 R-CHANGE",
                            idempotency_key=key())
    supervision.cancel_list(actor=owner, list_id=waiting.pk, reason="删单 R-CANCEL", idempotency_key=key())
    posted = post_list(w, direction="I", lines=[(1, "5")])
    supervision.reverse_list(actor=customs, list_id=posted.pk, reason="撤销 R-REVERSE", idempotency_key=key())
    assert client("tax").get(f"/api/v1/lists/{posted.pk}").status_code == 200  # read.list


def test_a_list_s_audit_events_show_a_partial_reader_only_the_keys_its_view_shows(stocked):  # noqa: F811
    """变更 of a door list writes the lines with their quantities under `lines`, a key the field policy does not
    name; the reasons and remarks are free text tax does not read. Tax and the zone administration, which open
    lists without all of their fields, read of every list event only the keys their view shows — on the page,
    in the API (before, after and the dotted fields of the difference) and in the export; customs, the admin
    and the declaring enterprise read every event whole."""
    w = stocked
    _list_lifecycle(w)
    events = AuditEvent.objects.filter(object_type="supervision.verificationlist")
    actions = set(events.values_list("action", flat=True))
    assert actions >= {"list.create", "list.submit", "list.reject", "list.correct", "list.withdraw", "list.approve",
                       "list.pass", "list.change", "list.cancel", "list.void", "list.reverse", "read.list"}, actions
    door_change = events.get(action="list.change", object_id=str(w.door_list.pk))
    assert door_change.after["lines"]["1"]["quantity"] == "7"  # the row itself keeps everything
    query = "object_type=supervision.verificationlist"
    for username, role in (("tax", "tax"), ("zone_a", "zone_admin")):
        allowed = set(allowed_fields(role, "lists"))
        items, page, export = _trail_texts(client(username), query)
        assert {i["action"] for i in items} >= actions - {"read.list"}, username
        for i in items:
            keys = {k for side in (i["before"], i["after"]) if side for k in side}
            assert keys <= allowed, (username, i["action"], keys - allowed)
            assert {c["field"].split(".")[0] for c in i["changes"]} <= allowed, (username, i["action"])
        change = next(i for i in items if i["action"] == "list.change" and i["object_id"] == str(w.door_list.pk))
        assert change["after"]["status"] == "approved"  # what the view shows is still there
        for text in (page, export):
            # the changed value, not the digits of a timestamp such as 12:59:34.753419
            assert "lines.1" not in text and '"lines"' not in text and not CHANGED_VALUE.search(text), username
            assert "R-" not in text, username  # no reason, no remark
        assert ("line_count" in allowed) == ('"line_count"' in export), username
    for username in ("customs", "admin", "ent_a"):
        items, page, export = _trail_texts(client(username), query)
        stored = {e.pk: (e.before, e.after) for e in events}
        assert all((i["before"], i["after"]) == stored[i["id"]] for i in items), username
        assert "lines.1.quantity" in page and "R-DOOR" in page, username
        assert not export or (CHANGED_VALUE.search(export) and "R-REVERSE" in export), username


def test_every_audited_dataset_hides_keys_its_policy_does_not_name(world, shared):  # noqa: F811
    """An audit row of any shared dataset may carry keys its dataset does not list (a tax bill's payment
    reference, a slip's inspection reasons, a sale's quotes, keys yet to come): a reader that opens the dataset
    without all of its fields does not read them (deny by default), a reader with every field does."""
    from bondzone.duties.services.tax_bills import record_tax_payment

    record_tax_payment(actor=world.actor("customs"), bill_id=shared["tax_bills"]["A"],
                       data={"paid_on": "2026-05-10", "reference": "BANK-REF-77"}, idempotency_key=key())
    objects = {"enterprises": ("core.enterprise", world.ent_a.pk), "books": ("supervision.accountbook", world.book_a.pk),
               "slips": ("gate.slip", shared["slips"]["A"]), "regimes": ("duties.regime", shared["regimes"]["A"]),
               "domestic_sales": ("duties.domesticsale", shared["domestic_sales"]["A"]),
               "tax_bills": ("duties.taxbill", shared["tax_bills"]["A"])}
    for dataset, (object_type, object_id) in objects.items():
        AuditEvent.objects.create(action="test.unknown_key", object_type=object_type, object_id=str(object_id),
                                  enterprise=world.ent_a, zone=world.zone_a, before={"status": "x"},
                                  after={"nested": {"secret": f"S-{dataset}"}, "status": "y"})
    for username, role in (("tax", "tax"), ("zone_a", "zone_admin"), ("market", "market"), ("commerce", "commerce"),
                           ("customs", "customs"), ("admin", "platform_admin"), ("ent_a", "enterprise")):
        items, page, export = _trail_texts(client(username), "action=test.unknown_key")
        shown = {i["object_type"]: i for i in items}
        for dataset, (object_type, _) in objects.items():
            if object_type not in shown:
                continue  # outside the reader's trail
            fields = allowed_fields(role, dataset)
            whole = set(fields) == set(DATASETS[dataset])
            # a role that may not open the dataset reads the event whole only when it reads the object itself
            reads_whole = whole or (not fields and allowed(role, READS[object_type]))
            secret = f"S-{dataset}"
            assert (secret in str(shown[object_type]["after"])) == reads_whole, (username, dataset)
            assert (secret in page) == reads_whole, (username, dataset)
        paid = client(username).get("/api/v1/audit-events?action=duties.tax_bill_paid").json()["items"]
        if paid:
            fields = allowed_fields(role, "tax_bills")
            whole = set(fields) == set(DATASETS["tax_bills"]) or (not fields and allowed(role, "duties.view_domestic"))
            assert ("reference" in paid[0]["after"]) == whole, username
            assert (paid[0]["after"].get("state") == "paid") == ("state" in fields), username
    assert client("tax").get("/api/v1/audit-events?action=duties.tax_bill_paid").json()["count"] == 1


def test_the_zone_administration_reads_that_a_duties_record_changed_not_its_money(world, shared):  # noqa: F811
    """The zone administration may not read regimes, domestic sales or tax bills (no `duties.view_regimes` /
    `duties.view_domestic`, and the field policy opens it none of those datasets), yet they are its zone's records
    in the audit trail: it reads that the event happened — action, object, enterprise, user, time — and nothing of
    its before/after (the duty at risk, the quotes, the tax amounts, the payment reference), on the page, in the
    API and in the export. Customs reads the same events whole."""
    from bondzone.duties.services.tax_bills import record_tax_payment

    record_tax_payment(actor=world.actor("customs"), bill_id=shared["tax_bills"]["A"],
                       data={"paid_on": "2026-05-10", "reference": "BANK-REF-77"}, idempotency_key=key())
    money = {"duties.regime": ("regimes", {"duty_at_risk": "4321.98", "status": "open"}),
             "duties.domesticsale": ("domestic_sales", {"goods_quote": {"total": "4321.98"}, "status": "chosen"}),
             "duties.taxbill": ("tax_bills", {"vat": "4321.98", "total": "4321.98", "state": "unpaid"})}
    for object_type, (dataset, after) in money.items():
        AuditEvent.objects.create(action="test.money", object_type=object_type,
                                  object_id=str(shared[dataset]["A"]), enterprise=world.ent_a, zone=world.zone_a,
                                  actor_name="customs", role="customs", before=None, after=after)
    for query in ("action=test.money", "action=duties.tax_bill_paid"):
        items, page, export = _trail_texts(client("zone_a"), query)
        assert items, query  # the events are in its trail: that they happened is not hidden
        for i in items:
            assert i["enterprise_id"] == world.ent_a.pk and i["object_id"] and i["at"], i
            assert not i["after"] and not i["before"] and i["changes"] == [], i
        for text in (page, export):
            assert "4321.98" not in text and "BANK-REF-77" not in text, query
        assert "test.money" in page or "duties.tax_bill_paid" in page
    whole, page, _ = _trail_texts(client("customs"), "action=test.money")
    assert {i["object_type"]: i["after"] for i in whole} == {t: a for t, (_, a) in money.items()}
    assert "4321.98" in page


def test_the_zone_administration_reads_that_a_guarantee_or_cbec_order_changed_not_its_values(cbec):
    """Guarantees (their amounts) and CBEC orders, settlements and consolidated lists (the consumer's name and
    identity number, the order's value and tax) are its zone's records in the audit trail, yet the zone
    administration may not read them (no `duties.view_guarantees`, no `cbec.view`): it reads that the event
    happened and nothing of its before/after, on the page, in the API and in the export; customs reads them
    whole."""
    from bondzone.duties import services as duties

    from ..cbec.test_orders import BUYER, complete

    world = cbec
    duties.lodge_guarantee(idempotency_key=key(), actor=world.actor("customs"), data={
        "enterprise_id": world.ent_a.pk, "kind": "deposit", "reference": "G-SECRET-1", "amount": "98765.43"})
    order = declare(world, "SO-ZONE-1", "4321.98")
    complete(world, order)
    for model in ("taxsettlement", "consolidatedlist"):
        AuditEvent.objects.create(action=f"test.cbec_{model}", object_type=f"cbec.{model}", object_id="1",
                                  enterprise=world.ent_a, zone=world.zone_a, actor_name="customs", role="customs",
                                  after={"tax_total": "4321.98", "payment_ref": "BANK-REF-88"})
    secrets = ("98765.43", "4321.98", "BANK-REF-88", BUYER, "张三")
    for query in ("object_type=duties.guarantee", "action=cbec.", "action=test.cbec_"):
        items, page, export = _trail_texts(client("zone_a"), query)
        assert items, query  # that the events happened is not hidden
        for i in items:
            assert i["enterprise_id"] == world.ent_a.pk and i["object_id"] and i["at"], i
            assert not i["before"] and not i["after"] and i["changes"] == [], i
        for text in (page, export):
            assert not [s for s in secrets if s in text], (query, [s for s in secrets if s in text])
        whole, page, _ = _trail_texts(client("customs"), query)
        assert any(i["after"] for i in whole) and any(s in page for s in secrets), query
    paid = client("zone_a").get("/api/v1/audit-events?object_type=cbec.cbecorder").json()["items"]
    assert {i["action"] for i in paid} >= {"cbec.order_declared"}, paid
