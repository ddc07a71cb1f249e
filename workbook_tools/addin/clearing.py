"""清除标记 in the open workbook: put back what either route's record says, then remove
the findings sheet and the record.

Fills and fonts go back per group of cells with the same original state; notes per cell.
"""

from __future__ import annotations

import json
from typing import Any

from workbook_tools.addin.colors import Paint, fill_paint, font_paint
from workbook_tools.addin.paint import fill_cells, font_cells
from workbook_tools.addin.record import Record, read_record
from workbook_tools.addin.xl import XlBook, XlSheet, delete_sheet, sheet_map
from workbook_tools.io.grid import Pos, cell_name, cell_position
from workbook_tools.writers.marks.apply import MARK_SHEET

Originals = dict[Pos, dict[str, Any]]


def clear_book(
    book: XlBook, record: Record | None = None, sheets: dict[str, XlSheet] | None = None
) -> int:
    """Undo a marking; returns the number of cells restored (0 when there was none).

    ``sheets`` (``sheet_map(book)``, when the caller has it) loses the deleted sheets.
    """
    sheets = sheets if sheets is not None else sheet_map(book)
    record = record if record is not None else read_record(sheets)
    if record is None:
        return 0
    by_sheet: dict[str, Originals] = {}
    for sheet_name, address, data in record.rows:
        pos = cell_position(address)
        if pos != (0, 0):
            by_sheet.setdefault(sheet_name, {})[pos] = json.loads(data)
    restored = 0
    for sheet_name, originals in by_sheet.items():
        sheet = sheets.get(sheet_name)
        if sheet is not None:
            restore_cells(sheet, originals)
            restored += len(originals)
    _remove_sheets(sheets, record)
    return restored


def restore_cells(sheet: XlSheet, originals: Originals) -> None:
    fills: dict[Paint, list[Pos]] = {}
    fonts: dict[tuple[bool, Paint], list[Pos]] = {}
    for pos, original in originals.items():
        fills.setdefault(fill_paint(original["fill"]), []).append(pos)
        font = original["font"]
        fonts.setdefault((bool(font.get("bold")), font_paint(font)), []).append(pos)
    fill_cells(sheet, fills)
    font_cells(sheet, fonts)
    for pos, original in originals.items():
        restore_note(sheet, pos, original.get("comment"))


def restore_note(sheet: XlSheet, pos: Pos, comment: dict[str, str] | None) -> None:
    """The cell's note as before marking: the user's note back, or none at all."""
    cell = sheet.range(cell_name(*pos))
    note = cell.note
    if comment is None:
        if note is not None:
            note.delete()
        return
    if note is not None and note.author == comment.get("author"):
        note.text = comment["text"]
        return
    if note is not None:
        note.delete()
    cell.add_note(comment["text"] or " ")  # a new note gets the current user as author


def _remove_sheets(sheets: dict[str, XlSheet], record: Record) -> None:
    """Delete the findings sheet and the record; activate the sheet active before marking."""
    for name in (record.results_sheet, MARK_SHEET):
        sheet = sheets.pop(name, None) if name else None
        if sheet is not None:
            delete_sheet(sheet)
    remaining = list(sheets.values())
    if remaining:
        remaining[min(record.active, len(remaining) - 1)].activate()
