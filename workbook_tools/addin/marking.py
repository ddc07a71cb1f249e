"""Marking the findings in the open workbook through xlwings.

What is shown comes from ``writers.marks.present`` (the same data the file route
paints): per cell the kind's fill (and font for errors) and our note with the user's own
note kept under it, the sheet 校验结果 in front, and the very hidden record. Originals
are read cell by cell (marked cells only); fills and fonts are written per group of cells
that get the same style; notes per cell (each differs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbook_tools.addin.clearing import clear_book
from workbook_tools.addin.colors import Paint, fill_record, font_record, hex_rgb
from workbook_tools.addin.paint import fill_cells, font_cells
from workbook_tools.addin.record import write_record
from workbook_tools.addin.results import write_results
from workbook_tools.addin.xl import XlBook, XlRange, XlSheet, sheet_map
from workbook_tools.explain import Explanation, FindingKey, read_explanations
from workbook_tools.io.grid import Grid, Pos, Range, cell_name, cell_position
from workbook_tools.rules import CheckResult
from workbook_tools.writers.marks import record as rec
from workbook_tools.writers.marks.kinds import mark_style
from workbook_tools.writers.marks.present import (
    CellMarkView,
    MarkSummary,
    MarkView,
    note_text,
    present,
)
from workbook_tools.writers.marks.results_layout import values

NOTE_WIDTH = 240.0  # points, like the file route's notes
NOTE_MAX_HEIGHT = 450.0


@dataclass
class Target:
    """A cell to mark, its range object, and its state before marking."""

    mark: CellMarkView
    cell: XlRange
    note: Any  # the cell's own note (xlwings Note) or None
    original: dict[str, Any]


def mark_book(
    book: XlBook,
    result: CheckResult,
    grids: list[Grid],
    checked_at: datetime,
    previous: rec.Record | None = None,
    sheets: dict[str, XlSheet] | None = None,
) -> MarkSummary:
    """Clear an earlier marking, then mark every finding of ``result`` in ``book``."""
    sheets = dict(sheets) if sheets is not None else sheet_map(book)
    if previous is not None:
        kept = previous_explanations(sheets, previous)
        result.explanations = {**kept, **result.explanations}
        clear_book(book, previous, sheets)
    view = present(result, checked_at)
    active = book.sheets.active.index - 1
    cells: list[rec.RecordCell] = []
    for sheet_name, marks in plan_cells(view, grids).items():
        sheet = sheets.get(sheet_name)
        if sheet is not None:
            cells += mark_sheet(sheet, sheet_name, marks)
    results = write_results(book, sheets, view.results)
    record = rec.Record(
        2, results.name, active, view.token, *rec.fingerprints(values(view.results)), cells
    )
    write_record(book, list(sheets.values())[-1], record)
    results.activate()
    return MarkSummary(marked_cells=len(cells), findings=view.findings)


def previous_explanations(
    sheets: dict[str, XlSheet], previous: rec.Record
) -> dict[FindingKey, Explanation]:
    """What the unit typed into 说明 and 状态 of the findings sheet an earlier marking wrote."""
    sheet = sheets.get(previous.results_sheet) if previous.results_sheet else None
    if sheet is None or previous.results_sheet == rec.MARK_SHEET:
        return {}
    return read_explanations(sheet.used_range.options(ndim=2).value or [])


def mark_sheet(
    sheet: XlSheet, sheet_name: str, marks: dict[Pos, CellMarkView]
) -> list[rec.RecordCell]:
    """Mark the cells of one sheet; returns their record entries."""
    targets = {pos: _target(sheet, pos, mark) for pos, mark in marks.items()}
    _paint(sheet, targets)
    cells = []
    for pos, target in targets.items():
        text = _write_note(target)
        state = dict(target.original, mark=rec.mark_state(mark_style(target.mark.kind), text))
        cells.append(rec.RecordCell(sheet_name, cell_name(*pos), state))
    return cells


def plan_cells(view: MarkView, grids: list[Grid]) -> dict[str, dict[Pos, CellMarkView]]:
    """Per sheet, the cells to mark: a cell inside a merged area marks the area's top-left
    cell; the first mark of a cell wins, as in the file route."""
    merged = {grid.name: grid.merged for grid in grids}
    cells: dict[str, dict[Pos, CellMarkView]] = {}
    for mark in view.cells:
        pos = cell_position(mark.cell)
        if pos == (0, 0):
            continue
        pos = _anchor(merged.get(mark.sheet, []), pos)
        cells.setdefault(mark.sheet, {}).setdefault(pos, mark)
    return cells


def _anchor(merged: list[Range], pos: Pos) -> Pos:
    for top, left, bottom, right in merged:
        if top <= pos[0] <= bottom and left <= pos[1] <= right:
            return (top, left)
    return pos


def _target(sheet: XlSheet, pos: Pos, mark: CellMarkView) -> Target:
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
    fonts: dict[tuple[bool, Paint], list[Pos]] = {}
    for pos, target in targets.items():
        style = mark_style(target.mark.kind)
        fills.setdefault(("rgb", hex_rgb(style.fill_rgb)), []).append(pos)
        if style.font_rgb:
            fonts.setdefault((style.bold, ("rgb", hex_rgb(style.font_rgb))), []).append(pos)
    fill_cells(sheet, fills)
    font_cells(sheet, fonts)


def _write_note(target: Target) -> str:
    comment = target.original["comment"]
    text = note_text(target.mark.note, None if comment is None else comment["text"])
    if target.note is not None:
        target.note.text = text  # the user's note: keeps its author, gets our text on top
        note = target.note
    else:
        note = target.cell.add_note(text)
    size_note(note, text)
    return text


def size_note(note: Any, text: str) -> None:
    """Make the whole note readable on hover (Excel's default box shows four lines)."""
    lines = text.count("\n") + len(text) // 24 + 2
    shape = note.api.Shape
    shape.Width = NOTE_WIDTH
    shape.Height = min(NOTE_MAX_HEIGHT, 12.0 * lines)
