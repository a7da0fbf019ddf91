"""Which tariff rate applies when a code has several in force (关税法 2024, 第十三条 / 进出口关税条例):

- MFN goods with a provisional rate (暂定税率) take the provisional rate;
- goods of an origin with an agreement rate (协定税率) take it, or the provisional rate when that is lower
  (从低适用) — compared as amounts, so specific and compound rates compare too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .engine import Rate, tariff


class TariffBasis(StrEnum):
    MFN = "mfn"
    PROVISIONAL = "provisional"
    AGREEMENT = "agreement"


@dataclass(frozen=True)
class TariffChoice:
    basis: TariffBasis
    rate: Rate


def applicable_tariff(*, mfn: Rate | None, provisional: Rate | None, agreement: Rate | None,
                      value: Decimal, quantity: Decimal) -> TariffChoice | None:
    if agreement is not None:
        options = [TariffChoice(TariffBasis.AGREEMENT, agreement)]
        if provisional is not None:
            options.append(TariffChoice(TariffBasis.PROVISIONAL, provisional))
        return min(options, key=lambda c: tariff(value, quantity, c.rate))
    if provisional is not None:
        return TariffChoice(TariffBasis.PROVISIONAL, provisional)
    if mfn is not None:
        return TariffChoice(TariffBasis.MFN, mfn)
    return None
