"""A service desk in the shared world: three governance units with members, a category dispatched by
default to the customs unit, and helpers to file and move requests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bondzone.core.models import AuditEvent
from bondzone.governance import services as gov
from bondzone.servicedesk import services
from bondzone.servicedesk.models import Category, Pause, RequestEvent, ServiceRequest


@dataclass
class Desk:
    customs_unit: object
    tax_unit: object
    zone_unit: object
    category: Category
    world: object

    def file(self, user: str = "ent_a", **data):
        body = {"category_id": self.category.pk, "title": "保税仓库扩建咨询", "description": "需要了解审批流程"}
        body.update(data)
        return services.file_request(actor=self.world.actor(user), data=body)


def cover_next_year() -> None:
    """Deadlines of requests filed late in a year fall in the next one: give the test calendar that year
    (plain Monday–Friday, marked manual) when the seeded calendar stops before it."""
    from django.utils import timezone

    from bondzone.core.models import CalendarYear

    year = timezone.localdate().year + 1
    CalendarYear.objects.get_or_create(year=year, defaults={"source": "manual", "note": "tests"})


@pytest.fixture
def desk(world) -> Desk:
    cover_next_year()
    admin = world.actor("admin")
    customs_unit = gov.create_unit(actor=admin, name="北京海关", kind="customs")
    tax_unit = gov.create_unit(actor=admin, name="市税务局", kind="tax")
    zone_unit = gov.create_unit(actor=admin, name="天竺综保区管委会", kind="zone_admin")
    for user, unit in (("customs_a", customs_unit), ("tax", tax_unit), ("zone_a", zone_unit)):
        gov.add_member(actor=admin, unit_id=unit.pk, user_id=world.users[user].pk)
    category = services.create_category(actor=admin, data={
        "code": "customs-help", "name": "通关求助", "kind": "help", "default_unit_id": customs_unit.pk,
        "attributes": [{"code": "port", "datatype": "singlevaluelist", "values": ["PEK", "PKX"]}]})
    return Desk(customs_unit, tax_unit, zone_unit, category, world)


def snapshot():
    return (ServiceRequest.objects.count(), RequestEvent.objects.count(), Pause.objects.count(),
            AuditEvent.objects.count(), list(ServiceRequest.objects.order_by("pk").values()))


def refused(fn, exc, **kwargs):
    from bondzone.core.domain.errors import DomainError

    before = snapshot()
    with pytest.raises(exc or DomainError) as info:
        fn(**kwargs)
    assert snapshot() == before, "a refused call wrote something"
    return {p.field: p.code for p in info.value.problems}
