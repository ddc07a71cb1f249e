"""Shares and growth rates as the disclosures print them (四舍五入 to 2 decimals).

Growth with a zero base follows the set's convention: 100.00 % when this year has money (the
seeds), or no rate; 0.00 % when both years are zero. ``*_range`` give the interval a printed rate may lie in when its
amounts are 2-decimal roundings (each ±0.005), so a rate computed from unrounded yuan
figures is told apart from a wrong one.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
HALF_CENT = Decimal("0.005")
CENT = Decimal("0.01")


def percent(value: Decimal) -> Decimal:
    return (value * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def share(part: Decimal, whole: Decimal) -> Decimal:
    return percent(part / whole) if whole else Decimal("0.00")


def growth(this_year: Decimal, last_year: Decimal, from_zero: str = "hundred") -> Decimal | None:
    """The growth rate; from a zero base 100.00 % (``hundred``, the Xinjiang seeds) or no
    rate at all (``none``, where a region forbids writing one), 0.00 % when both are 0."""
    if last_year == 0:
        if not this_year:
            return Decimal("0.00")
        return Decimal("100.00") if from_zero == "hundred" else None
    return percent((this_year - last_year) / last_year)


def share_range(part: Decimal, whole: Decimal) -> tuple[Decimal, Decimal]:
    if whole <= HALF_CENT:
        return (Decimal(0), Decimal(0)) if not part else (HUNDRED, HUNDRED)
    low = max(part - HALF_CENT, Decimal(0)) / (whole + HALF_CENT)
    high = (part + HALF_CENT) / (whole - HALF_CENT)
    return percent(low), percent(min(high, Decimal(1)) if part <= whole else high)


def growth_range(this_year: Decimal, last_year: Decimal) -> tuple[Decimal, Decimal]:
    """The growth rates two printed amounts (each ±0.005) allow."""
    if last_year == 0:
        value = growth(this_year, last_year)
        return value, value
    candidates = [
        (this_year + dt - (last_year + dl)) / (last_year + dl)
        for dt in (-HALF_CENT, HALF_CENT)
        for dl in (-HALF_CENT, HALF_CENT)
        if last_year + dl > 0
    ]
    return percent(min(candidates)), percent(max(candidates))


def growth_range_from_change(this_year: Decimal, change: Decimal) -> tuple[Decimal, Decimal]:
    """The growth rates a printed amount and a printed change (each ±0.005) allow, last year
    being amount − change."""
    candidates = []
    for dt in (-HALF_CENT, HALF_CENT):
        for dc in (-HALF_CENT, HALF_CENT):
            last = this_year + dt - (change + dc)
            if last > 0:
                candidates.append((change + dc) / last)
    if not candidates:
        value = growth(this_year, this_year - change)
        return value, value
    return percent(min(candidates)), percent(max(candidates))


def largest_remainder(parts: list[Decimal], whole: Decimal) -> list[Decimal]:
    """Shares that add up to exactly 100.00 (Hamilton's method on hundredths of a percent)."""
    if not whole:
        return [Decimal("0.00") for _ in parts]
    exact = [part / whole * 10000 for part in parts]
    floors = [int(value) for value in exact]
    missing = 10000 - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[: max(missing, 0)]:
        floors[i] += 1
    return [Decimal(value) / 100 for value in floors]
