"""Outlier treatment of one indicator before normalisation (the JRC / COINr practice in the research notes).

An indicator is *outlying* when |skewness| > 2 and kurtosis > 3.5 over the reported values. Skewness is
the adjusted Fisher–Pearson coefficient G1 and kurtosis the excess kurtosis G2 (as spreadsheets' SKEW and
KURT; assumed: the notes give the thresholds, not the estimator). Fewer than four values: never treated.

Rule "winsorise_log": winsorise up to `MAX_WINSORISED` points on the skewed side, one extreme at a time
(the largest value, with its ties, is set to the next largest when the skew is positive; the smallest to
the next smallest when negative), re-checking after each; if the indicator is still outlying, the winsorising is undone and the
values are log-transformed instead: ln(x) when every value is positive, otherwise ln(x − min + 1); a
negative skew is mirrored first (−ln(max − x + 1)), so the order of the values never changes.
Rule "log" log-transforms every outlying indicator the same way, without trying to winsorise first.
Rule "none" leaves every value as reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RULES = ("winsorise_log", "log", "none")
TREATING = ("winsorise_log", "log")  # the rules that treat: the alternatives the Monte Carlo draws from
SKEW_LIMIT = 2.0
KURTOSIS_LIMIT = 3.5
MAX_WINSORISED = 5


@dataclass(frozen=True)
class Treatment:
    method: str  # "winsorise" or "log"
    points: int  # values winsorised (0 for log)
    skewness: float  # before treatment
    kurtosis: float  # before treatment


def moments(values: np.ndarray) -> tuple[float, float]:
    """(G1 skewness, G2 excess kurtosis) of at least four values; (0, 0) for constant values."""
    n = len(values)
    mean = math.fsum(values.tolist()) / n
    d = values - mean
    m2 = math.fsum((d ** 2).tolist()) / n
    if m2 == 0:
        return 0.0, 0.0
    m3 = math.fsum((d ** 3).tolist()) / n
    m4 = math.fsum((d ** 4).tolist()) / n
    g1 = m3 / m2 ** 1.5
    g2 = m4 / m2 ** 2 - 3.0
    skew = g1 * math.sqrt(n * (n - 1)) / (n - 2)
    kurt = ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3))
    return skew, kurt


def outlying(values: np.ndarray) -> bool:
    if len(values) < 4:
        return False
    skew, kurt = moments(values)
    return abs(skew) > SKEW_LIMIT and kurt > KURTOSIS_LIMIT


def treat(values: np.ndarray, rule: str) -> tuple[np.ndarray, Treatment | None]:
    """The values to normalise and the treatment applied (None: left as reported)."""
    if rule == "none" or not outlying(values):
        return values, None
    skew, kurt = moments(values)
    treated = values.astype(float).copy()
    points = 0
    while rule == "winsorise_log":
        distinct = np.unique(treated)
        if len(distinct) < 2:
            break
        extreme, inner = (distinct[-1], distinct[-2]) if skew > 0 else (distinct[0], distinct[1])
        moved = treated == extreme
        points += int(moved.sum())
        if points > MAX_WINSORISED:
            break
        treated[moved] = inner
        if not outlying(treated):
            return treated, Treatment("winsorise", points, skew, kurt)
    if skew > 0:
        logged = np.log(values) if values.min() > 0 else np.log(values - values.min() + 1.0)
    else:
        logged = -np.log(values.max() - values + 1.0)
    return logged, Treatment("log", 0, skew, kurt)
