"""What a result rests on that GACC did not publish (issue 15: "every assumption marked").

`assumptions_of(framework, params)` lists them for one run, in a fixed order, each with the codes it
touches; pages and exports name them in the reader's language (the reasons live beside the labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .engine import Params
from .framework import Framework, Kind

SUBJECTS = ("weights", "adjustments", "class_bands", "regions", "coverage", "impute", "outliers")


@dataclass(frozen=True)
class Assumption:
    subject: str  # one of SUBJECTS
    codes: tuple[str, ...] = ()  # the nodes, bands or rule it concerns


def assumptions_of(framework: Framework, params: Params) -> list[Assumption]:
    weighted = tuple(n.code for n in framework.nodes
                     if n.weight_assumed and n.kind in (Kind.CATEGORY, Kind.INDICATOR))
    items = tuple(n.code for n in framework.adjustments() if n.weight_assumed)
    found = []
    if weighted:
        found.append(Assumption("weights", weighted))
    if items:
        found.append(Assumption("adjustments", items))
    if len(params.class_bands) > 1:  # GACC publishes the first band (A, the top 20 %) only
        found.append(Assumption("class_bands", tuple(f"{label} ≤ {share} %" for label, share in params.class_bands[1:])))
    found.append(Assumption("regions"))  # the region boards are our grouping of the zones
    if Decimal(params.min_coverage) > 0:
        found.append(Assumption("coverage", (f"{Decimal(params.min_coverage).normalize():f} %",)))
    found.append(Assumption("impute", (params.impute,)))
    if params.outliers != "none":
        found.append(Assumption("outliers", (params.outliers,)))
    return found
