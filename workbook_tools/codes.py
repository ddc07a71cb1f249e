"""Classification codes (政府收支分类科目): normalising 类/款/项 however they are typed."""

from __future__ import annotations

import re

from workbook_tools.money import normalise_text

# a code at the start of a cell, optionally followed by its name: "201 一般公共服务支出",
# "2010301行政运行", "201 03 01"
_LEADING_CODE = re.compile(r"^\s*(\d{3})(?:[\s.]*(\d{1,2}))?(?:[\s.]*(\d{1,2}))?(?!\d)\s*(.*)$")
_ONLY_DIGITS = re.compile(r"^\d+$")

LEVEL_BY_LENGTH = {3: "lei", 5: "kuan", 7: "xiang"}


def code_part(value: object, width: int) -> str | None:
    """One 类/款/项 part as text of its width: ``3`` or ``3.0`` or ``"3"`` → ``"03"``."""
    if value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if value.__class__ is str and value.isascii() and value.isdigit():
        return value.zfill(width) if len(value) <= width else None  # the usual case, fast
    text = normalise_text(str(value))
    if text == "" or not _ONLY_DIGITS.match(text) or len(text) > width:
        return None
    return text.zfill(width)


def split_code_and_name(text: str) -> tuple[str | None, str]:
    """``"201 一般公共服务支出"`` → ``("201", "一般公共服务支出")``; no code → ``(None, text)``."""
    match = _LEADING_CODE.match(text)
    if not match:
        return None, text.strip()
    lei, kuan, xiang, rest = match.groups()
    if xiang is not None and kuan is not None and len(kuan) == 2 and len(xiang) == 2:
        return lei + kuan + xiang, rest.strip()
    if kuan is not None and len(kuan) == 2 and xiang is None:
        return lei + kuan, rest.strip()
    if kuan is None:
        return lei, rest.strip()
    return None, text.strip()


def joined_code(value: object) -> str | None:
    """A whole code in one cell: ``2010301``, ``"201 03 01"``, ``"20103"``, ``201.0``."""
    if value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = normalise_text(str(value)).replace(".", "")
    if _ONLY_DIGITS.match(text) and len(text) in LEVEL_BY_LENGTH:
        return text
    return None


def code_level(code: str) -> str:
    return LEVEL_BY_LENGTH[len(code)]
