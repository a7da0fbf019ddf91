"""A synthetic field of zones for demos, tests and benchmarks — every number here is made up.

`generate_field(seed, n, years)` gives n zones ("SYN001" …) in the three regional boards in roughly
the proportions of the 2024 round (east ≈ 55 %, central ≈ 20 %, west & northeast ≈ 25 %), mostly
comprehensive bonded zones, areas 0.4–10 km² (log-uniform), and a value for every series of SERIES,
every zone and every year:
  * a latent strength per zone (normal, shifted by region) drives log-normal trade; bigger zones trade
    more (elasticity 0.55 to area); the other amounts follow trade with per-zone ratios (revenue, taxes,
    foreign exchange, employees, enterprises, FDI, second-line goods …);
  * amounts grow from year to year at a per-zone rate (stronger zones grow faster) with yearly noise;
  * rates (area accepted / developed) drift upwards; event counts are Poisson;
  * about one zone in 40 (at least 2) is persistently weak — small, shrinking, more penalties — so
    the exit watch has members.
Only random.Random(seed) is used: the same seed gives the same field.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from .engine import ZoneInput
from .series import SERIES

REGIONS = (("east", 0.55), ("central", 0.20), ("west_northeast", 0.25))
REGION_SHIFT = {"east": 0.35, "central": 0.0, "west_northeast": -0.35}
TYPES = (("cbz", 0.85), ("bonded_area", 0.10), ("other", 0.05))
_TYPE_ZH = {"cbz": "综合保税区", "bonded_area": "保税区", "other": "海关特殊监管区域"}
_TYPE_EN = {"cbz": "Comprehensive Bonded Zone", "bonded_area": "Bonded Area", "other": "Special Area"}


@dataclass(frozen=True)
class SyntheticZone:
    code: str
    name_zh: str
    name_en: str
    region: str  # east | central | west_northeast
    type: str  # cbz | bonded_area | other
    area_km2: Decimal
    weak: bool = False  # persistently weak by construction


@dataclass(frozen=True)
class SyntheticField:
    seed: int
    years: tuple[int, ...]
    zones: tuple[SyntheticZone, ...]
    series: dict[tuple[str, str, int], Decimal]  # (zone, series, year) -> value

    def zone_inputs(self) -> list[ZoneInput]:
        return [ZoneInput(z.code, z.region) for z in self.zones]

    def values(self, year: int) -> dict[tuple[str, str], Decimal]:
        """{(zone, series): value} of one year (the `current` / `previous` of derive_values)."""
        return {(z, s): v for (z, s, y), v in self.series.items() if y == year}

    def areas(self) -> dict[str, Decimal]:
        return {z.code: z.area_km2 for z in self.zones}

    @property
    def weak(self) -> tuple[str, ...]:
        return tuple(z.code for z in self.zones if z.weak)


def _counts(n: int, shares: tuple[tuple[str, float], ...]) -> list[str]:
    out: list[str] = []
    for label, share in shares[:-1]:
        out += [label] * round(n * share)
    out += [shares[-1][0]] * (n - len(out))
    return out[:n]


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _fmt(series: str, x: float) -> Decimal:
    unit = SERIES[series].unit
    if unit in ("人", "家", "count"):
        return Decimal(max(int(round(x)), 0))
    if unit == "%":
        return Decimal(f"{x:.2f}")
    return Decimal(f"{max(x, 0.0):.4f}")


def generate_field(seed: int, n: int = 160, years: tuple[int, ...] = (2022, 2023, 2024, 2025)) -> SyntheticField:
    rng = random.Random(seed)
    years = tuple(sorted(years))
    regions = _counts(n, REGIONS)
    rng.shuffle(regions)
    types = _counts(n, TYPES)
    rng.shuffle(types)
    weak = set(rng.sample(range(n), min(n, max(2, n // 40)))) if n >= 2 else set()

    zones: list[SyntheticZone] = []
    series: dict[tuple[str, str, int], Decimal] = {}
    for i in range(n):
        code = f"SYN{i + 1:03d}"
        region, kind, is_weak = regions[i], types[i], i in weak
        area = math.exp(rng.uniform(math.log(0.4), math.log(10.0)))
        zones.append(SyntheticZone(code, f"合成{i + 1:03d}号{_TYPE_ZH[kind]}", f"Synthetic {_TYPE_EN[kind]} {i + 1:03d}",
                                   region, kind, Decimal(f"{area:.4f}"), is_weak))
        strength = (-3.2 - 0.4 * rng.random()) if is_weak else rng.gauss(0.0, 1.0) + REGION_SHIFT[region]
        growth = rng.gauss(-0.08, 0.03) if is_weak else rng.gauss(0.06, 0.08) + 0.02 * strength
        trade = math.exp(4.3 + 0.55 * math.log(area) + 1.1 * strength + rng.gauss(0.0, 0.35))
        g = [rng.gammavariate(a, 1.0) for a in (2.0, 2.0, 1.2)]
        covered = rng.uniform(0.9, 1.0) / sum(g)
        shares = [x * covered for x in g]
        leasing = rng.uniform(0.02, 0.25) if rng.random() < 0.18 else 0.0
        ratio = {
            "revenue": rng.uniform(0.8, 2.0), "customs_tax": rng.uniform(0.02, 0.10), "tax": rng.uniform(0.01, 0.05),
            "fx_total": rng.uniform(0.45, 0.90), "employees": rng.uniform(15, 60), "firm_size": rng.uniform(40, 160),
            "fdi": rng.uniform(0.002, 0.03), "second_line_value": rng.uniform(0.3, 1.1),
            "outsourced_processing": rng.uniform(0.0, 0.04), "new_format_trade": rng.uniform(0.0, 0.12),
        }
        province_other = math.exp(rng.gauss(8.3, 0.8))
        accepted = rng.uniform(30, 60) if is_weak else rng.uniform(60, 100)
        developed = rng.uniform(20, 50) if is_weak else rng.uniform(40, 95)
        scale = math.exp(0.4 * strength)
        lam = {
            "local_support_policies": 1.0, "practices_promoted": 0.3 * scale, "innovation_pilots": 0.5 * scale,
            "first_cases": 0.6 * scale, "smuggling_cases": 0.6 if is_weak else 0.08,
            "safety_accidents": 0.4 if is_weak else 0.05, "inspection_findings": 2.0 if is_weak else 0.8,
            "data_reporting_faults": 1.5 if is_weak else 0.3,
        }

        level = 1.0
        for t, year in enumerate(years):
            if t:
                level *= max(0.3, 1.0 + growth + rng.gauss(0.0, 0.06))
                province_other *= 1.0 + rng.gauss(0.04, 0.02)
                accepted = min(100.0, accepted + rng.uniform(0, 5))
                developed = min(100.0, developed + rng.uniform(0, 4))
            tr = trade * level
            employees = tr * ratio["employees"] + 200
            revenue = tr * ratio["revenue"] * rng.uniform(0.95, 1.05)
            v = {
                "trade_total": tr, "trade_processing": tr * shares[0], "trade_logistics": tr * shares[1],
                "trade_general": tr * shares[2], "active_enterprises": employees / ratio["firm_size"] + 5,
                "leasing_trade": tr * leasing, "revenue": revenue, "employees": employees,
                "approved_area_accepted_rate": accepted, "fence_developed_rate": developed,
                "customs_tax": tr * ratio["customs_tax"] * rng.uniform(0.9, 1.1),
                "tax_revenue": revenue * ratio["tax"] * rng.uniform(0.9, 1.1),
                "fx_total": tr * ratio["fx_total"] * rng.uniform(0.95, 1.05),
                "fdi": tr * ratio["fdi"] * rng.uniform(0.5, 1.5),
                "second_line_value": tr * ratio["second_line_value"] * rng.uniform(0.9, 1.1),
                "outsourced_processing": tr * ratio["outsourced_processing"],
                "new_format_trade": tr * ratio["new_format_trade"] * rng.uniform(0.8, 1.2),
                "province_trade_share": tr / (tr + province_other) * 100,
            }
            for s, lmb in lam.items():
                v[s] = float(_poisson(rng, lmb))
            for s in SERIES:  # a series added later without a rule above: log-normal, scaled by strength
                x = v[s] if s in v else math.exp(rng.gauss(1.0 + 0.8 * strength, 0.5))
                series[(code, s, year)] = _fmt(s, x)
    return SyntheticField(seed=seed, years=years, zones=tuple(zones), series=series)
