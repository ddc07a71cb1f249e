"""Rounding tails (尾差) under the interval rule of XBRL Calculations 1.1.

Every published amount is a 2-decimal rounding of a yuan figure, so it stands for the
closed interval [x − 0.005, x + 0.005]. A relation over n published figures (the total and
its parts, or both sides of an equality) is *consistent* when the interval of one side
intersects the interval of the other, i.e. when |difference| ≤ n × 0.005. A consistent
relation that does not hold exactly is a rounding tail (warning); one that is not
consistent is a real mismatch (error). The tolerance therefore grows with the number of
terms: 0.01 for two figures, 0.015 for a total of two parts, 0.025 for a total of four.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

HALF_CENT = Decimal("0.005")

Verdict = Literal["ok", "tail", "mismatch"]


def tolerance(terms: int) -> Decimal:
    """The largest rounding difference ``terms`` published figures can explain."""
    return HALF_CENT * max(terms, 2)


def judge(difference: Decimal, terms: int) -> Verdict:
    if difference == 0:
        return "ok"
    return "tail" if abs(difference) <= tolerance(terms) else "mismatch"


def judge_at_most(left: Decimal, right: Decimal, terms: int) -> Verdict:
    """``left ≤ right`` under rounding: ok, tail (exceeds only by a tail) or mismatch."""
    return "ok" if left <= right else judge(left - right, terms)


def judge_at_least(left: Decimal, right: Decimal, terms: int) -> Verdict:
    return "ok" if left >= right else judge(right - left, terms)
