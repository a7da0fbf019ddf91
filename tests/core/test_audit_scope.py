"""Who receives which audit events through the API: bureaus without access to books (market supervision,
commerce) never receive a book's or a list's details; tax receives the events of what it reads (books, lists,
domestic sales, tax bills, the registry without the credit class) and nothing else."""

from __future__ import annotations

import pytest
from django.test import Client

from bondzone.core.models import Enterprise
from bondzone.core.services import create_enterprise

from ..conftest import PASSWORD, post_list


def object_types(username: str) -> set[str]:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    r = c.get("/api/v1/audit-events?limit=500")
    assert r.status_code == 200
    return {e["object_type"] for e in r.json()["items"]}


@pytest.fixture
def trail(world):
    post_list(world, direction="I", lines=[(1, "10")])
    create_enterprise(actor=world.actor("market"), name="新登记企业", credit_code="91110000MA0000001L",
                      customs_code="1101969999", zone_id=world.zone_a.pk)
    return world


def test_market_and_commerce_get_no_book_or_list_events(trail):
    assert object_types("market") == {"core.enterprise"}
    commerce = object_types("commerce")
    assert "core.enterprise" in commerce and not any(t.startswith("supervision.") for t in commerce)


def test_tax_and_customs_get_the_list_events(trail):
    for user in ("tax", "customs"):
        assert "supervision.verificationlist" in object_types(user), user


# what tax reads (docs/authorization.md): the registry, books and their items, lists, domestic sales, tax bills
TAX_READS = {"core.enterprise", "supervision.accountbook", "supervision.bookitem", "supervision.verificationlist",
             "duties.domesticsale", "duties.taxbill"}


@pytest.fixture
def mixed_trail(trail):
    """Besides a list's and the registry's events: a domestic sale and its tax bill, a gate inspection whose
    reason names the credit class, a service-desk request (recorded as those apps record them) and a
    credit-class change, for enterprise A in zone TZ and B in zone DX."""
    from datetime import date

    from bondzone.core import audit
    from bondzone.core.services import update_enterprise
    from bondzone.duties.models import DomesticSale, TaxBill

    customs = trail.actor("customs")
    for ent, book, user in ((trail.ent_a, trail.book_a, "ent_a"), (trail.ent_b, trail.book_b, "ent_b")):
        vlist = post_list(trail, direction="I", lines=[(1, "1")], book=book, enterprise_user=user)
        sale = DomesticSale.objects.create(number=f"NX-{ent.pk}", enterprise=ent, zone_id=ent.zone_id, book=book,
                                           declared_on=date(2026, 5, 1), goods_quote={})
        bill = TaxBill.objects.create(number=f"SD-{ent.pk}", enterprise=ent, zone_id=ent.zone_id, sale=sale, vlist=vlist,
                                      rate_date=date(2026, 5, 1), issued_on=date(2026, 5, 1), due_on=date(2026, 5, 16))
        audit.record(customs, "duties.domestic_confirmed", sale, after={"number": sale.number})
        audit.record(customs, "duties.tax_bill_issued", bill, after={"number": bill.number})
        audit.record(customs, "slip.inspect", object_type="gate.slip", object_id=ent.pk, enterprise_id=ent.pk,
                     zone_id=ent.zone_id, after={"reason": "credit class dishonest: inspect every vehicle"})
        audit.record(trail.actor(user), "servicedesk.request.file",
                     object_type="servicedesk.servicerequest", object_id=ent.pk, enterprise_id=ent.pk,
                     zone_id=ent.zone_id, after={"title": "water supply"})
    update_enterprise(actor=customs, enterprise_id=trail.ent_a.pk, changes={"customs_credit_class": "dishonest"})
    return trail


def test_tax_gets_the_events_of_what_it_reads_and_nothing_else(mixed_trail):
    assert object_types("tax") == TAX_READS
    customs = object_types("customs")
    assert {"gate.slip", "servicedesk.servicerequest", "duties.taxbill"} <= customs  # customs' trail is not narrowed


def test_tax_never_reads_the_credit_class_in_the_trail(mixed_trail):
    c = Client()
    assert c.login(username="tax", password=PASSWORD)
    api = c.get("/api/v1/audit-events?limit=500").content.decode()
    page = c.get("/sharing/audit/").content.decode()
    export = c.get("/sharing/audit/export/?format=csv").content.decode("utf-8-sig")
    for text in (api, page, export):
        assert "dishonest" not in text and "water supply" not in text
    assert "NX-" in api and "SD-" in api  # the domestic sales and tax bills are there


def test_a_zone_bound_tax_user_gets_its_zones_events_only(mixed_trail):
    from bondzone.core.domain.roles import Role
    from bondzone.core.services import create_user

    create_user(username="tax_a", password=PASSWORD, role=Role.TAX, zone=mixed_trail.zone_a)
    c = Client()
    assert c.login(username="tax_a", password=PASSWORD)
    items = c.get("/api/v1/audit-events?limit=500").json()["items"]
    zone_a = set(Enterprise.objects.filter(zone=mixed_trail.zone_a).values_list("pk", flat=True))
    assert mixed_trail.ent_a.pk in zone_a and mixed_trail.ent_b.pk not in zone_a
    assert items and {e["enterprise_id"] for e in items} <= zone_a
    assert {e["object_type"] for e in items} == TAX_READS
