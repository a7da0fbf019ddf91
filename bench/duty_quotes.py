"""Benchmark: the pure duty engine (bondzone/duties/domain) — no database, no Django.

100,000 random lines (seed 2026: values 0.01–200,000.00 CNY, a third each ad valorem / specific / compound
tariff, 40 % with a consumption tax of random kind, VAT 13 % or 9 %) are taxed three ways in the same run:

- floor: plain Decimal arithmetic of the same formulas, inline in one loop (the strongest floor: no
  objects, no function calls beyond quantize);
- engine: `engine.line_taxes` per line (frozen dataclasses, one function per tax);
- quote path: the JSON document as `bondzone duty quote` takes it, through `quote_io.parse`, `evaluate`
  and `render`, in declarations of 50 lines (adds the 50-yuan threshold per declaration and kind).

The floor and the engine must agree to the fen on every line (checked, not timed). Best of --repeat runs,
time.perf_counter. Prints a summary and, as its LAST line, one JSON object. No assertions on time.

    .venv/bin/python bench/duty_quotes.py [--lines 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bondzone.duties.domain import quote_io  # noqa: E402
from bondzone.duties.domain.engine import Line, Rate, line_taxes  # noqa: E402

FEN = Decimal("0.01")
PER_DECLARATION = 50


def random_lines(n: int, seed: int = 2026) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        kind = rng.randrange(3)
        tariff = {}
        if kind in (0, 2):
            tariff["ad_valorem"] = str(Decimal(rng.randrange(0, 4001)) / 10000)
        if kind in (1, 2):
            tariff["specific"] = str(Decimal(rng.randrange(0, 5001)) / 100)
        row = {"hs_code": f"{rng.randrange(10**9, 10**10)}", "quantity": str(Decimal(rng.randrange(1, 100001)) / 100),
               "unit": "035", "customs_value": str(Decimal(rng.randrange(1, 20000001)) / 100), "tariff": tariff,
               "vat_rate": rng.choice(("0.13", "0.09"))}
        if rng.random() < 0.4:
            ct_kind = rng.randrange(3)
            ct = {}
            if ct_kind in (0, 2):
                ct["ad_valorem"] = str(Decimal(rng.randrange(100, 5601)) / 10000)
            if ct_kind in (1, 2):
                ct["specific"] = str(Decimal(rng.randrange(1, 301)) / 100)
            row["consumption_tax"] = ct
        rows.append(row)
    return rows


def as_line(row: dict) -> Line:
    def rate(d):
        d = d or {}
        return Rate(Decimal(d["ad_valorem"]) if "ad_valorem" in d else None,
                    Decimal(d["specific"]) if "specific" in d else None)
    return Line(row["hs_code"], Decimal(row["quantity"]), row["unit"], Decimal(row["customs_value"]),
                rate(row["tariff"]), rate(row.get("consumption_tax")), Decimal(row["vat_rate"]))


def floor(lines: list[Line]) -> list[tuple[Decimal, Decimal, Decimal]]:
    out = []
    zero, one = Decimal(0), Decimal(1)
    for ln in lines:
        v, q = ln.customs_value, ln.quantity
        t = zero
        if ln.tariff.ad_valorem:
            t += v * ln.tariff.ad_valorem
        if ln.tariff.specific:
            t += q * ln.tariff.specific
        t = t.quantize(FEN, rounding=ROUND_HALF_UP)
        s = q * ln.consumption_tax.specific if ln.consumption_tax.specific else zero
        c = s
        if ln.consumption_tax.ad_valorem:
            c += (v + t + s) / (one - ln.consumption_tax.ad_valorem) * ln.consumption_tax.ad_valorem
        c = c.quantize(FEN, rounding=ROUND_HALF_UP)
        out.append((t, c, ((v + t + c) * ln.vat_rate).quantize(FEN, rounding=ROUND_HALF_UP)))
    return out


def engine(lines: list[Line]) -> list[tuple[Decimal, Decimal, Decimal]]:
    out = []
    for ln in lines:
        lt = line_taxes(ln)
        out.append((lt.tariff, lt.consumption_tax, lt.vat))
    return out


def quote_path(rows: list[dict]) -> int:
    n = 0
    for i in range(0, len(rows), PER_DECLARATION):
        req, problems = quote_io.parse({"declared_on": "2026-05-12", "lines": rows[i:i + PER_DECLARATION]},
                                       today=date(2026, 5, 12))
        assert not problems, problems
        quote, _, _ = quote_io.evaluate(req)
        n += len(quote_io.render(req, quote)["lines"])
    return n


def best(fn, arg, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(arg)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = random_lines(args.lines)
    lines = [as_line(r) for r in rows]
    t_floor, by_floor = best(floor, lines, args.repeat)
    t_engine, by_engine = best(engine, lines, args.repeat)
    t_quote, quoted = best(quote_path, rows, args.repeat)
    agree = by_floor == by_engine and quoted == len(rows)
    result = {
        "bench": "duty_quotes", "lines": len(rows), "repeat": args.repeat, "agree_to_the_fen": agree,
        "floor_s": round(t_floor, 3), "engine_s": round(t_engine, 3), "quote_path_s": round(t_quote, 3),
        "floor_lines_per_s": round(len(rows) / t_floor), "engine_lines_per_s": round(len(rows) / t_engine),
        "quote_path_lines_per_s": round(len(rows) / t_quote),
        "engine_vs_floor": round(t_engine / t_floor, 2), "quote_path_vs_floor": round(t_quote / t_floor, 2),
        "python": platform.python_version(), "cpus": os.cpu_count(),
    }
    print(f"floor {t_floor:.3f} s · engine {t_engine:.3f} s ({result['engine_vs_floor']}× floor) · "
          f"quote path {t_quote:.3f} s ({result['quote_path_vs_floor']}× floor) · agree: {agree}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
