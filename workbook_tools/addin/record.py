"""The very hidden record sheet ``_wbt_marks`` in the open workbook, in the route-neutral
format of ``workbook_tools.writers.marks.record`` (so ``wbt clear`` and the add-in's
清除标记 read each other's records)."""

from __future__ import annotations

from workbook_tools.addin.xl import XL_SHEET_VERY_HIDDEN, XlBook, XlSheet
from workbook_tools.io.grid import column_letter
from workbook_tools.writers.marks import record as rec

MARK_SHEET = rec.MARK_SHEET


def read_record(sheets: dict[str, XlSheet]) -> rec.Record | str | None:
    """The record of an earlier marking; None when there is none; a Chinese reason when
    it cannot be used."""
    sheet = sheets.get(MARK_SHEET)
    if sheet is None:
        return None
    values = sheet.used_range.options(ndim=2).value or []
    return rec.read_record(values)


def write_record(book: XlBook, last: XlSheet, record: rec.Record) -> None:
    """Add the record sheet after ``last``, as text, and hide it (very hidden)."""
    sheet = book.sheets.add(MARK_SHEET, after=last)
    table = rec.record_rows(record)
    block = sheet.range(f"A1:{column_letter(len(table[0]))}{len(table)}")
    block.number_format = "@"  # keep "0" and sheet names like "2024" as text
    block.value = table
    sheet.visible = XL_SHEET_VERY_HIDDEN
