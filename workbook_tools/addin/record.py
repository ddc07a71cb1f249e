"""The very hidden record sheet ``_wbt_marks`` in the open workbook.

Same layout as the file route (``workbook_tools.writers.marks.apply``): a header row
``[版本, 校验结果表名, 原活动工作表序号]`` and one row ``[工作表, 单元格, 原状态 JSON]`` per
marked cell, so ``wbt clear`` and the add-in's 清除标记 read each other's records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbook_tools.addin.xl import XL_SHEET_VERY_HIDDEN, XlBook, XlSheet
from workbook_tools.writers.marks.apply import MARK_SHEET, MARK_VERSION


@dataclass
class Record:
    results_sheet: str = ""
    active: int = 0
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # sheet, cell, JSON


def _text(value: object) -> str:
    """A record cell as text (Excel may hand back a number for a number-like text)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_record(sheets: dict[str, XlSheet]) -> Record | None:
    """The record of an earlier marking, or None when the workbook carries none."""
    sheet = sheets.get(MARK_SHEET)
    if sheet is None:
        return None
    values = sheet.used_range.options(ndim=2).value or []
    rows = [[_text(value) for value in row] + ["", "", ""] for row in values]
    header = rows[0] if rows else ["", "", ""]
    active = header[2]
    record = Record(header[1], int(active) if active.isdigit() else 0)
    for sheet_name, address, data, *_ in rows[1:]:
        if sheet_name and address and data:
            record.rows.append((sheet_name, address, data))
    return record


def write_record(
    book: XlBook, last: XlSheet, rows: list[list[str]], results_sheet: str, active: int
) -> None:
    """Add the record sheet after ``last``, as text, and hide it (very hidden)."""
    sheet = book.sheets.add(MARK_SHEET, after=last)
    table = [[MARK_VERSION, results_sheet, str(active)], *rows]
    block = sheet.range(f"A1:C{len(table)}")
    block.number_format = "@"  # keep "0" and sheet names like "2024" as text
    block.value = table
    sheet.visible = XL_SHEET_VERY_HIDDEN
