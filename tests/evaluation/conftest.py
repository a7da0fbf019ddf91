"""Evaluation fixtures: a small field of evaluated zones on top of the shared world (two of them linked to
the world's platform zones TZ and DX), values for two data years, areas, the GACC 2020 framework (installed
by migration 0002), a clone of it, and a public and a non-public run."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError
from bondzone.evaluation import services
from bondzone.evaluation.domain.series import SERIES
from bondzone.evaluation.domain.synthetic import generate_field
from bondzone.evaluation.models import EvalZone, EvaluationRun, Framework, SeriesValue, Source, ZoneArea

from ..conftest import World

YEAR = 2025
PREVIOUS = 2024
FIELD_SEED = 11
FIELD_SIZE = 10
DRAWS = 20


@dataclass
class Ev:
    world: World
    gacc: Framework  # locked once the runs exist
    zone_a: EvalZone  # linked to the world's zone A (TZ), real; no entered area-rate values (derived)
    zone_b: EvalZone  # linked to zone B (DX), real
    zones: dict  # code -> EvalZone, all of them

    def actor(self, name: str) -> Actor:
        return self.world.actor(name)


def build_field(world: World, *, n: int = FIELD_SIZE, seed: int = FIELD_SEED) -> Ev:
    """n zones with every series for PREVIOUS and YEAR and areas for both years. The first two are the
    platform's zones A and B (east, not synthetic, area rates left to be derived from the areas); the
    others are synthetic."""
    field = generate_field(seed, n=n, years=(PREVIOUS, YEAR))
    zones: dict[str, EvalZone] = {}
    values, areas = [], []
    for i, sz in enumerate(field.zones):
        platform = {0: world.zone_a, 1: world.zone_b}.get(i)
        code = {0: "EV-TZ", 1: "EV-DX"}.get(i, sz.code)
        z = EvalZone.objects.create(code=code, name_zh=platform.name_zh if platform else sz.name_zh,
                                    name_en=platform.name_en if platform else sz.name_en,
                                    region="east" if platform else sz.region, kind=sz.type, zone=platform,
                                    evaluated_from=PREVIOUS, synthetic=platform is None)
        zones[code] = z
        for year in (PREVIOUS, YEAR):
            rate = {s: field.series[(sz.code, s, year)] for s in services.AREA_SERIES}
            planned = sz.area_km2
            areas.append(ZoneArea(
                zone=z, year=year, planned_km2=planned,
                accepted_km2=(planned * rate["approved_area_accepted_rate"] / 100).quantize(Decimal("0.0001")),
                fenced_km2=planned,
                developed_km2=(planned * rate["fence_developed_rate"] / 100).quantize(Decimal("0.0001"))))
        for (zc, series, y), v in field.series.items():
            if zc == sz.code and not (platform and series in services.AREA_SERIES):
                values.append(SeriesValue(zone=z, series=series, year=y, value=v, unit=SERIES[series].unit,
                                          source=Source.SYNTHETIC, note=f"synthetic field, seed {seed}"))
    ZoneArea.objects.bulk_create(areas)
    SeriesValue.objects.bulk_create(values)
    gacc = Framework.objects.get(code="gacc-2020")
    return Ev(world, gacc, zones["EV-TZ"], zones["EV-DX"], zones)


def make_run(ev: Ev, *, framework: Framework | None = None, year: int = YEAR, seed: int = 1, public: bool = False,
             label: str = "") -> EvaluationRun:
    commerce = ev.actor("commerce")
    run = services.create_run(actor=commerce, framework_id=(framework or ev.gacc).pk, year=year, draws=DRAWS,
                              seed=seed, label=label)
    if public:
        run = services.publish_run(actor=commerce, run_id=run.pk, public=True)
    return run


@pytest.fixture
def ev(world) -> Ev:
    """The field without any run (the GACC framework is still editable)."""
    return build_field(world)


def snapshot() -> tuple:
    """Row counts of every evaluation table and of the audit log, and the state a refused edit could
    change without adding rows (weights, framework settings, areas, the runs' public flags)."""
    from bondzone.core.models import AuditEvent
    from bondzone.evaluation.models import Indicator, NodeScore, ZoneResult

    counts = tuple(m.objects.count() for m in (EvalZone, ZoneArea, Framework, Indicator, SeriesValue, EvaluationRun,
                                               ZoneResult, NodeScore, AuditEvent))
    return (counts, tuple(Indicator.objects.order_by("pk").values_list("weight", "normalisation", "direction")),
            tuple(Framework.objects.order_by("pk").values_list("aggregation", "impute", "class_bands")),
            tuple(ZoneArea.objects.order_by("pk").values_list("planned_km2", "accepted_km2", "fenced_km2",
                                                             "developed_km2")),
            tuple(EvaluationRun.objects.order_by("pk").values_list("public", flat=True)),
            tuple(EvalZone.objects.order_by("pk").values_list("code", "name_zh", "region", "zone_id", "accepted_on",
                                                            "evaluated_from")))


def refused(fn, exc=DomainError, **kwargs) -> DomainError:
    """Call a service that must refuse: the error (of type `exc`) is returned, nothing was written."""
    before = snapshot()
    with pytest.raises(exc) as info:
        fn(**kwargs)
    assert snapshot() == before, "a refused call wrote something"
    return info.value


def codes(exc: DomainError) -> dict[str, str]:
    return {p.field: p.code for p in exc.problems}


def post_valued_list(world: World, *, value: str, trade_mode: str = "5034", currency: str = "142",
                     enterprise_user: str = "ent_a", book=None, direction: str = "I", goods_status: str = "bonded"):
    """An approved inbound list of one line worth `value` (in `currency`), like tests.conftest.post_list
    but with a value large enough to show in 亿元 and a chosen trade mode."""
    from bondzone.supervision import services as sup

    from ..conftest import key

    book = book or world.book_a
    owner, customs = world.actor(enterprise_user), world.actor("customs")
    vlist = sup.create_list(actor=owner, book_id=book.pk, idempotency_key=key(), data={
        "direction": direction, "trade_mode": trade_mode,
        "lines": [{"item_no": 1, "quantity": "5", "unit": "007", "goods_status": goods_status, "value": value,
                   "currency": currency}]})
    sup.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    vlist = sup.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())
    if vlist.posting_state == "reserved":  # the goods pass the gate
        sup.pass_goods(actor=customs, list_id=vlist.pk, event_id=key(), idempotency_key=key())
    return vlist
