"""Amounts: parsing what users type into ``Decimal`` and formatting it back.

Blank, ``0``, ``-`` and ``—`` all mean zero; amounts may arrive as text with thousands
separators, full-width digits or spaces. Floats from spreadsheet cells are converted
through their shortest repr, and binary noise (``1418.7200000000003``) is removed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
CENT = Decimal("0.01")
_NOISE = Decimal("0.000001")
_DASHES = frozenset({"-", "—", "–", "－", "——", "--", "/", "\\"})
_SPACES = re.compile(r"[\s\u00a0\u3000]+")
_PAREN_NEGATIVE = re.compile(r"^\((.*)\)$")
# beyond these an "amount" is noise or an attack (``1e999999999`` would print a billion digits)
MAX_DIGITS = 15  # integer digits: 10^15 万元
MIN_EXPONENT = -15  # decimal places


class NotAnAmount(ValueError):
    """A cell's text is not a number."""


def normalise_text(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) and no white space at all."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def from_float(value: float) -> Decimal:
    """The decimal a float cell shows; ``NotAnAmount`` for NaN and ±infinity (which a
    sheet can hold as ``<v>NaN</v>``, ``<v>INF</v>`` or an overflowing ``<v>1e999</v>``)."""
    if not math.isfinite(value):
        raise NotAnAmount("#NUM!")
    amount = Decimal(repr(value))
    if amount.adjusted() >= MAX_DIGITS:
        raise NotAnAmount(repr(value))
    if amount.as_tuple().exponent < -6:  # type: ignore[operator]
        amount = amount.quantize(_NOISE, rounding=ROUND_HALF_UP)
    return amount


def parse_amount(value: object) -> Decimal | None:
    """Return the amount a cell holds, ``None`` for a blank cell.

    Raises ``NotAnAmount`` for text that is not a number.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotAnAmount(str(value))
    if isinstance(value, int):
        whole = Decimal(value)
        if whole.adjusted() >= MAX_DIGITS:  # as for floats and text: one bound for every cell
            raise NotAnAmount(str(value))
        return whole
    if isinstance(value, float):
        return from_float(value)
    if isinstance(value, Decimal):
        return value
    text = normalise_text(str(value))
    if text == "":
        return None
    if text in _DASHES:
        return ZERO
    negative = False
    paren = _PAREN_NEGATIVE.match(text)
    if paren:
        negative, text = True, paren.group(1)
    text = text.replace(",", "")
    if text.endswith("万元"):
        text = text[:-2]
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise NotAnAmount(str(value)) from None
    if not amount.is_finite() or amount.adjusted() >= MAX_DIGITS:
        raise NotAnAmount(str(value))
    if amount.as_tuple().exponent < MIN_EXPONENT:  # type: ignore[operator]
        raise NotAnAmount(str(value))
    return -amount if negative else amount


def format_amount(amount: Decimal) -> str:
    """Decimal string with at least two decimals: ``360`` → ``"360.00"``."""
    exact = amount.as_tuple().exponent <= -2  # type: ignore[operator]
    text = format(amount, "f" if exact else ".2f")  # no quantize: it fails beyond 28 digits
    return "0.00" if text in {"-0.00", "-0"} else text


def money(value: Decimal) -> str:
    """``1418.72`` → ``"1,418.72"`` (at least two decimals, thousands separated)."""
    text = format_amount(value)
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{fraction}"
