"""Marking the findings in the open workbook through xlwings.

The same marks as the file route (``workbook_tools.writers.marks.apply``): fill by severity, bold
dark-red font for errors, a note per cell (the user's own note kept under it), the sheet
校验结果 in front, and the very hidden record of every marked cell's original fill, font
and note. Originals are read cell by cell (only marked cells); fills and fonts are written
per group of cells that get the same style; notes are written per cell (each differs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbook_tools.addin.clearing import clear_book
from workbook_tools.addin.colors import Paint, fill_record, font_record, hex_rgb
from workbook_tools.addin.paint import fill_cells, font_cells
from workbook_tools.addin.record import Record, write_record
from workbook_tools.addin.results import write_results
from workbook_tools.addin.xl import XlBook, XlRange, XlSheet, sheet_map
from workbook_tools.io.grid import Grid, Pos, Range, cell_name, cell_position
from workbook_tools.rules import CheckResult
from workbook_tools.writers.marks.apply import USER_NOTE_SEPARATOR, MarkSummary
from workbook_tools.writers.marks.plan import CellMark, plan_marks
from workbook_tools.writers.marks.styles import ERROR_FONT_RGB, FILL_RGB

NOTE_WIDTH = 240.0  # points, like the file route's 320-pixel notes
NOTE_MAX_HEIGHT = 450.0


@dataclass
class Target:
    """A cell to mark, its range object, and its state before marking."""

    mark: CellMark
    cell: XlRange
    note: Any  # the cell's own note (xlwings Note) or None
    original: dict[str, Any]


def mark_book(
    book: XlBook,
    result: CheckResult,
    grids: list[Grid],
    checked_at: datetime,
    previous: Record | None = None,
    sheets: dict[str, XlSheet] | None = None,
) -> MarkSummary:
    """Clear an earlier marking, then mark every finding of ``result`` in ``book``."""
    sheets = dict(sheets) if sheets is not None else sheet_map(book)
    if previous is not None:
        clear_book(book, previous, sheets)
    active = book.sheets.active.index - 1
    records: list[list[str]] = []
    for sheet_name, marks in plan_cells(result, grids).items():
        sheet = sheets.get(sheet_name)
        if sheet is not None:
            records += mark_sheet(sheet, sheet_name, marks)
    results = write_results(book, sheets, result, checked_at)
    write_record(book, list(sheets.values())[-1], records, results.name, active)
    results.activate()
    return MarkSummary(marked_cells=len(records), findings=len(result.findings))


def mark_sheet(sheet: XlSheet, sheet_name: str, marks: dict[Pos, CellMark]) -> list[list[str]]:
    """Mark the cells of one sheet; returns their record rows."""
    targets = {pos: _target(sheet, pos, mark) for pos, mark in marks.items()}
    _paint(sheet, targets)
    rows = []
    for pos, target in targets.items():
        _write_note(target)
        original = json.dumps(target.original, ensure_ascii=False)
        rows.append([sheet_name, cell_name(*pos), original])
    return rows


def plan_cells(result: CheckResult, grids: list[Grid]) -> dict[str, dict[Pos, CellMark]]:
    """Per sheet, the cells to mark: a cell inside a merged area marks the area's top-left
    cell; the first mark of a cell wins, as in the file route."""
    merged = {grid.name: grid.merged for grid in grids}
    cells: dict[str, dict[Pos, CellMark]] = {}
    for (sheet_name, address), mark in plan_marks(result.findings).items():
        pos = cell_position(address)
        if pos == (0, 0):
            continue
        pos = _anchor(merged.get(sheet_name, []), pos)
        cells.setdefault(sheet_name, {}).setdefault(pos, mark)
    return cells


def _anchor(merged: list[Range], pos: Pos) -> Pos:
    for top, left, bottom, right in merged:
        if top <= pos[0] <= bottom and left <= pos[1] <= right:
            return (top, left)
    return pos


def _target(sheet: XlSheet, pos: Pos, mark: CellMark) -> Target:
    cell = sheet.range(cell_name(*pos))
    font = cell.font
    note = cell.note
    original = {
        "fill": fill_record(cell.color),
        "font": font_record(bool(font.bold), font.color),
        "comment": None if note is None else {"text": note.text, "author": note.author},
    }
    return Target(mark, cell, note, original)


def _paint(sheet: XlSheet, targets: dict[Pos, Target]) -> None:
    fills: dict[Paint, list[Pos]] = {}
    for pos, target in targets.items():
        fills.setdefault(("rgb", hex_rgb(FILL_RGB[target.mark.severity])), []).append(pos)
    fill_cells(sheet, fills)
    errors = [pos for pos, target in targets.items() if target.mark.severity == "error"]
    if errors:
        font_cells(sheet, {(True, ("rgb", hex_rgb(ERROR_FONT_RGB))): errors})


def note_text(mark: CellMark, user_note: str | None) -> str:
    text = mark.text()
    return text if user_note is None else text + USER_NOTE_SEPARATOR + user_note


def _write_note(target: Target) -> None:
    comment = target.original["comment"]
    text = note_text(target.mark, None if comment is None else comment["text"])
    if target.note is not None:
        target.note.text = text  # the user's note: keeps its author, gets our text on top
        note = target.note
    else:
        note = target.cell.add_note(text)
    size_note(note, text)


def size_note(note: Any, text: str) -> None:
    """Make the whole note readable on hover (Excel's default box shows four lines)."""
    lines = text.count("\n") + len(text) // 24 + 2
    shape = note.api.Shape
    shape.Width = NOTE_WIDTH
    shape.Height = min(NOTE_MAX_HEIGHT, 12.0 * lines)
