"""Benchmark: the pure evaluation engine (bondzone/evaluation/domain) — no database, no Django.

A synthetic field of 170 zones (generate_field, seed 2024) and a 35-indicator framework: GACC_2020's 27
indicators with their category weights scaled to 90 %, plus a 6th synthetic category "X" (10 %) of 8
indicators (growth of revenue, taxes, foreign exchange and employees; second-line goods, FDI and
new-format trade per km²), and GACC_2020's 8 bonus / penalty items. Times `derive_values`, `evaluate`
and `rank_intervals(draws=1000)` (best of --repeat runs, time.perf_counter). Prints a summary and, as
its LAST line, one JSON object. No assertions on time.

    .venv/bin/python bench/evaluation_engine.py [--zones 170] [--draws 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bondzone.evaluation.domain.derive import derive_values  # noqa: E402
from bondzone.evaluation.domain.engine import Params, evaluate  # noqa: E402
from bondzone.evaluation.domain.framework import Formula, Framework, Kind, Node, Normalisation, validate  # noqa: E402
from bondzone.evaluation.domain.gacc2020 import GACC_2020  # noqa: E402
from bondzone.evaluation.domain.synthetic import generate_field  # noqa: E402
from bondzone.evaluation.domain.uncertainty import FACTORS, rank_intervals  # noqa: E402

EXTRA = [  # (code, name, series, formula)
    ("X01", "经营总收入增幅", "revenue", Formula.YOY),
    ("X02", "海关税收增幅", "customs_tax", Formula.YOY),
    ("X03", "税务部门税收增幅", "tax_revenue", Formula.YOY),
    ("X04", "货物贸易涉外收支增幅", "fx_total", Formula.YOY),
    ("X05", "从业人员增幅", "employees", Formula.YOY),
    ("X06", "单位面积进出区货物总值", "second_line_value", Formula.PER_KM2),
    ("X07", "单位面积实际使用外资", "fdi", Formula.PER_KM2),
    ("X08", "单位面积新业态进出口值", "new_format_trade", Formula.PER_KM2),
]


def bench_framework() -> Framework:
    scale = Decimal("0.9")
    nodes = [n if n.kind in (Kind.BONUS, Kind.PENALTY) else
             replace(n, weight=n.weight * scale) for n in GACC_2020.nodes]
    nodes.append(Node("X", None, Kind.CATEGORY, "合成补充指标", "Synthetic extra indicators", weight=Decimal(10),
                      weight_assumed=True))
    for code, name, series, formula in EXTRA:
        growth = formula == Formula.YOY
        nodes.append(Node(code, "X", Kind.INDICATOR, name, code, weight=Decimal("1.25"), series=series, formula=formula,
                          unit="%" if growth else "亿元/km²",
                          normalisation=Normalisation.GOALPOSTS if growth else Normalisation.MINMAX,
                          goal_low=Decimal(-30) if growth else None, goal_high=Decimal(60) if growth else None,
                          weight_assumed=True))
    return Framework("bench-35", "GACC 2020 + 8 synthetic indicators", tuple(nodes))


def best_of(repeat: int, fn):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--zones", type=int, default=170)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    framework = bench_framework()
    problems = validate(framework)
    if problems:
        raise SystemExit(f"bench framework invalid: {problems}")
    t0 = time.perf_counter()
    field = generate_field(args.seed, n=args.zones, years=(2024, 2025))
    gen_s = time.perf_counter() - t0
    zones = field.zone_inputs()
    codes = [z.code for z in zones]
    current, previous, areas = field.values(2025), field.values(2024), field.areas()
    n_ind = len(framework.indicators())
    print(f"field: {len(zones)} zones, {len(field.series)} series values in {gen_s:.2f}s; framework {framework.code}: "
          f"{n_ind} indicators in {len(framework.categories())} categories, {len(framework.adjustments())} "
          "bonus/penalty items", flush=True)

    derive_s, values = best_of(args.repeat, lambda: derive_values(framework, codes, current, previous, areas))
    params = Params(impute="worst", min_coverage=Decimal("66.6667"), outliers="winsorise_log")  # a new framework's
    evaluate_s, result = best_of(args.repeat, lambda: evaluate(framework, zones, values, params))
    mc_s, intervals = best_of(args.repeat, lambda: rank_intervals(framework, zones, values, params, draws=args.draws,
                                                                  seed=0, factors=FACTORS[max(FACTORS)]))
    top = list(result.zones.values())[:3]
    widest = max(intervals.items(), key=lambda kv: kv[1].p95 - kv[1].p05)
    print(f"derive_values   {derive_s * 1000:8.1f} ms", flush=True)
    print(f"evaluate        {evaluate_s * 1000:8.1f} ms  (top: "
          + ", ".join(f"{z.code} {z.overall} {z.class_national}" for z in top) + ")", flush=True)
    print(f"rank_intervals  {mc_s * 1000:8.1f} ms  ({args.draws} draws; widest 5–95% interval: {widest[0]} "
          f"{widest[1].p05}–{widest[1].p95})", flush=True)
    print(json.dumps({
        "bench": "evaluation_engine", "zones": len(zones), "indicators": n_ind, "draws": args.draws,
        "evaluate_s": round(evaluate_s, 4), "monte_carlo_s": round(mc_s, 4), "monte_carlo_version": max(FACTORS),
        "total_s": round(derive_s + evaluate_s + mc_s, 4), "derive_s": round(derive_s, 4),
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
