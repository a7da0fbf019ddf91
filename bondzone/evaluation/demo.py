"""Demo data for the zone evaluation: the four Beijing CBZs (real areas and dates, made-up figures) and a
synthetic national field of 160 zones from `domain.synthetic` (seeded), with evaluation runs for the data
years 2023–2025; the newest is public. Every synthetic zone and every run that includes one is labelled."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bondzone.core.actor import SYSTEM
from bondzone.core.models import Zone

from . import services
from .domain.synthetic import generate_field
from .models import EvalZone, Framework, SeriesValue, Source, ZoneArea

YEARS = (2022, 2023, 2024, 2025)
RUN_YEARS = (2023, 2024, 2025)
FIELD_SEED = 2020
# code, platform zone, approved, accepted, evaluated from (None: not yet), areas km² (planned, accepted,
# closed fence, developed); approval and acceptance dates and planned areas are the real ones (research notes,
# governance-notes.md §1: Tianzhu phase 1 accepted 28 Jul 2009; Daxing phase 2 — the whole fence — accepted
# 30 Dec 2024, so Daxing joins with data year 2025, one full year after it); developed areas are made up
BEIJING = [
    ("BJ-TZ", "TZ", date(2008, 7, 23), date(2009, 7, 28), 2020, ("5.944", "5.944", "5.944", "5.41")),
    ("BJ-DX", "DX", date(2020, 11, 5), date(2024, 12, 30), 2025, ("4.35", "4.35", "4.35", "2.61")),
    ("BJ-ZGC", "ZGC", date(2023, 5, 30), None, None, ("0.401", "0", "0.401", "0.12")),
    ("BJ-YZ", "YZ", date(2024, 9, 13), None, None, ("0.61", "0", "0.61", "0.15")),
]


SENSITIVITY_DRAWS = 256  # base sample N of the public run's Sobol indices


def load_demo(rng: random.Random, *, field_size: int = 160, draws: int = 1000) -> dict:
    framework = Framework.objects.get(code="gacc-2020")
    field = generate_field(FIELD_SEED, n=field_size, years=YEARS)
    # the Beijing zones borrow the figures of a strong (Tianzhu) and a middling (Daxing) generated zone
    donors = generate_field(FIELD_SEED + 1, n=41, years=YEARS)
    by_trade = sorted(donors.zones, key=lambda z: donors.series[(z.code, "trade_total", YEARS[-1])])
    donor_of = {"BJ-TZ": by_trade[-1].code, "BJ-DX": by_trade[len(by_trade) // 2].code,
                "BJ-ZGC": by_trade[5].code, "BJ-YZ": by_trade[3].code}
    platform = {z.code: z for z in Zone.objects.all()}
    values: list[SeriesValue] = []
    with transaction.atomic():
        for code, platform_code, approved, accepted, evaluated_from, areas in BEIJING:
            pz = platform.get(platform_code)
            z = EvalZone.objects.create(code=code, name_zh=pz.name_zh if pz else code, name_en=pz.name_en if pz else "",
                                        region="east", province="北京", zone=pz, approved_on=approved,
                                        accepted_on=accepted, evaluated_from=evaluated_from)
            for year in YEARS:
                if evaluated_from is None and year < approved.year:
                    continue
                ZoneArea.objects.create(zone=z, year=year, **dict(zip(
                    ("planned_km2", "accepted_km2", "fenced_km2", "developed_km2"), map(Decimal, areas))))
                for (donor, series, y), v in donors.series.items():
                    if donor == donor_of[code] and y == year and series not in services.AREA_SERIES:
                        values.append(_value(z, series, y, v, "demo figure (made up)"))
        for sz in field.zones:
            z = EvalZone.objects.create(code=sz.code, name_zh=sz.name_zh, name_en=sz.name_en, region=sz.region,
                                        kind=sz.type, evaluated_from=YEARS[0], synthetic=True)
            for year in YEARS:
                rate = {s: field.series[(sz.code, s, year)] for s in services.AREA_SERIES}
                planned = sz.area_km2
                ZoneArea.objects.create(
                    zone=z, year=year, planned_km2=planned,
                    accepted_km2=(planned * rate["approved_area_accepted_rate"] / 100).quantize(Decimal("0.0001")),
                    fenced_km2=planned,
                    developed_km2=(planned * rate["fence_developed_rate"] / 100).quantize(Decimal("0.0001")))
            for (zc, series, y), v in field.series.items():
                if zc == sz.code and series not in services.AREA_SERIES:
                    values.append(_value(z, series, y, v, f"synthetic field, seed {FIELD_SEED}"))
        SeriesValue.objects.bulk_create(values, batch_size=2000)
    runs = []
    for year in RUN_YEARS:
        runs.append(services.create_run(actor=SYSTEM, framework_id=framework.pk, year=year, draws=draws,
                                        seed=year, label=f"{year} 年度评估（演示）",
                                        sensitivity_draws=SENSITIVITY_DRAWS if year == RUN_YEARS[-1] and draws else 0))
    services.publish_run(actor=SYSTEM, run_id=runs[-1].pk, public=True)
    # trade by trade mode and active enterprises of the platform's own zones, from the demo account books
    services.compute_platform_values(actor=SYSTEM, year=timezone.localdate().year)
    return {"zones": EvalZone.objects.count(), "values": SeriesValue.objects.count(), "runs": len(runs)}


def _value(zone: EvalZone, series: str, year: int, value: Decimal, note: str) -> SeriesValue:
    from .domain.series import SERIES

    return SeriesValue(zone=zone, series=series, year=year, value=value, unit=SERIES[series].unit, revision=1,
                       source=Source.SYNTHETIC, note=note)
