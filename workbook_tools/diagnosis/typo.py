"""How much a pair (typed, should be) looks like a typing slip.

A finance officer's typos are a wrong digit, two digits swapped, a digit too many or too
few, a decimal point or a 万元/元 slip (×10ⁿ), a value typed in the wrong cell (it should
be blank) or a value left out. Between two cells that explain the same mismatches equally
well, the one whose correction looks like such a slip is the likelier culprit.
"""

from __future__ import annotations

from decimal import Decimal

SLIP = 3  # one digit wrong, two swapped, a decimal or unit slip
EDIT = 2  # a digit too many or too few, a value left out
STRAY = 1  # a value where there should be none
NONE = 0


_UNIT_STEPS = frozenset(Decimal(10) ** k for k in range(-2, 6))


def _digits(value: Decimal) -> str:
    return f"{abs(value):.2f}".replace(".", "")


def _one_substitution(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _one_transposition(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def _one_indel(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) != 1:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _power_of_ten(a: Decimal, b: Decimal) -> bool:
    if not a or not b:
        return False
    ratio = abs(a / b)
    return any(ratio == Decimal(10) ** k for k in (-4, -3, -2, -1, 1, 2, 3, 4))


def slip_score(typed: Decimal, should: Decimal) -> int:
    """``SLIP`` … ``NONE``: how much correcting ``typed`` to ``should`` undoes one slip."""
    if typed == should:
        return NONE
    if not should:
        return STRAY
    if not typed:
        return EDIT
    a, b = _digits(typed), _digits(should)
    if (typed < 0) != (should < 0) and a == b:
        return SLIP  # a minus typed or lost
    if _one_substitution(a, b) or _one_transposition(a, b) or _power_of_ten(typed, should):
        return SLIP
    if abs(typed - should) in _UNIT_STEPS:
        return SLIP  # one more or less in one place (29.84 → 30.84)
    if _one_indel(a.lstrip("0") or "0", b.lstrip("0") or "0"):
        return EDIT
    return NONE
