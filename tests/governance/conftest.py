"""Governance fixtures: units with members on top of the shared world, evidence files in a temp dir."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bondzone.core.actor import Actor
from bondzone.governance import services
from bondzone.governance.models import Task, Unit, UnitMember

from ..conftest import World


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@dataclass
class Gov:
    world: World
    office: Unit  # 市商务局 (commerce is a member)
    zone_unit: Unit  # zone A's administration (zone_a is a member)
    customs_unit: Unit  # customs is a member
    other: Unit  # nobody is a member
    measure: Task  # lead: zone_unit, co: customs_unit
    other_task: Task  # lead: other

    def actor(self, name: str) -> Actor:
        return self.world.actor(name)


def build_gov(world: World) -> Gov:
    office = Unit.objects.create(name="市商务局", kind="city")
    zone_unit = Unit.objects.create(name="天竺综保区管委会", kind="zone_admin", zone=world.zone_a)
    customs_unit = Unit.objects.create(name="北京海关", kind="customs")
    other = Unit.objects.create(name="市药监局", kind="city")
    UnitMember.objects.create(user=world.users["commerce"], unit=office, is_leader=True)
    UnitMember.objects.create(user=world.users["zone_a"], unit=zone_unit)
    UnitMember.objects.create(user=world.users["customs"], unit=customs_unit)
    commerce = world.actor("commerce")
    root = services.create_task(actor=commerce, data={"title": "主要任务", "code": "二", "progress_mode": "average"})
    measure = services.create_task(actor=commerce, data={
        "title": "实现功能特色", "code": "二(一)1", "parent_id": root.pk, "lead_unit_id": zone_unit.pk,
        "co_unit_ids": [customs_unit.pk], "zone_ids": ["TZ"], "start_date": date(2025, 1, 1),
        "due_date": date(2025, 12, 31), "cadence": "quarterly"})
    other_task = services.create_task(actor=commerce, data={
        "title": "鼓励拓展保税服务", "code": "二(一)2", "parent_id": root.pk, "lead_unit_id": other.pk,
        "start_date": date(2025, 1, 1), "due_date": date(2025, 12, 31)})
    return Gov(world, office, zone_unit, customs_unit, other, measure, other_task)


@pytest.fixture
def gov(world) -> Gov:
    return build_gov(world)
