"""Gate fixtures: a gate of zone A with its own user, and helpers to apply for and approve slips."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from bondzone.core.actor import actor_of
from bondzone.gate import services

from ..conftest import key


@dataclass
class GateWorld:
    world: object
    gate: object

    @property
    def gate_actor(self):
        return actor_of(self.gate.user)

    def actor(self, name):
        return self.world.actor(name)


@pytest.fixture
def gw(world) -> GateWorld:
    gate = services.create_gate(actor=world.actor("customs"), zone_id=world.zone_a.pk, code="G1", name="东卡口")
    return GateWorld(world, gate)


def empty_slip(**kw) -> dict:
    return {"slip_type": "6", "direction": "I", "plate": "京A12345", "vehicle_wt": "8200", **kw}


def apply(gw: GateWorld, data: dict, user: str = "ent_a"):
    return services.apply_slip(actor=gw.actor(user), data=data, idempotency_key=key())


def approved(gw: GateWorld, data: dict, draw: Decimal = Decimal("99.99")):
    slip = apply(gw, data)
    return services.approve_slip(actor=gw.actor("customs"), slip_id=slip.pk, idempotency_key=key(), draw=draw)


def report(gw: GateWorld, **kw):
    data = {"event_id": key(), "plate": "京A12345", "direction": "I", "weighbridge_kg": "8200", **kw}
    return services.report_passage(actor=gw.gate_actor, data=data)
