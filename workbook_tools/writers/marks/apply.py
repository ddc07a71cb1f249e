"""Applying marks to an openpyxl workbook, recording what they replaced, and clearing them.

What marking changes (fill, font bold and colour, note) is recorded per cell, as JSON, in a
very hidden sheet ``_wbt_marks``; clearing puts every recorded state back and removes the
notes, the findings sheet and the record. Nothing else in the workbook is touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from workbook_tools.rules import CheckResult
from workbook_tools.writers.marks import styles
from workbook_tools.writers.marks.plan import CellMark, plan_marks
from workbook_tools.writers.marks.results_sheet import write_results_sheet

MARK_SHEET = "_wbt_marks"
MARK_VERSION = "workbook_tools 标注记录 v1"
AUTHOR = "workbook_tools"
USER_NOTE_SEPARATOR = "\n——— 原批注 ———\n"


@dataclass
class MarkSummary:
    marked_cells: int
    findings: int


def _anchor(sheet: Worksheet, address: str) -> Cell:
    """The cell to style: the top-left cell when ``address`` lies inside a merged range."""
    cell = sheet[address]
    if isinstance(cell, MergedCell):
        for rng in sheet.merged_cells.ranges:
            if address in rng:
                return sheet.cell(rng.min_row, rng.min_col)
    return cell


def _note(cell: Cell, mark: CellMark) -> Comment:
    text = mark.text()
    if cell.comment is not None:
        text += USER_NOTE_SEPARATOR + cell.comment.text
    lines = text.count("\n") + len(text) // 30 + 2
    return Comment(text, AUTHOR, height=min(600, 16 * lines), width=320)


def mark_workbook(book: Workbook, result: CheckResult, checked_at: datetime) -> MarkSummary:
    """Clear earlier marks, then mark every finding of ``result`` in ``book``."""
    clear_marks(book)
    records: list[list[str]] = []
    done: set[tuple[str, str]] = set()
    for (sheet_name, address), mark in plan_marks(result.findings).items():
        if sheet_name not in book.sheetnames:
            continue
        cell = _anchor(book[sheet_name], address)
        if (sheet_name, cell.coordinate) in done:
            continue
        done.add((sheet_name, cell.coordinate))
        original = {
            "fill": styles.fill_json(cell),
            "font": styles.font_json(cell),
            "comment": None
            if cell.comment is None
            else {"text": cell.comment.text, "author": cell.comment.author},
        }
        records.append([sheet_name, cell.coordinate, json.dumps(original, ensure_ascii=False)])
        styles.apply_severity(cell, mark.severity)
        cell.comment = _note(cell, mark)
    active = book.index(book.active) if book.active is not None else 0
    results = write_results_sheet(book, result, checked_at)
    _write_record(book, records, active, results.title)
    _select_only(book, results)
    return MarkSummary(marked_cells=len(records), findings=len(result.findings))


def _write_record(book: Workbook, records: list[list[str]], active: int, results: str) -> None:
    sheet = book.create_sheet(MARK_SHEET)
    sheet.sheet_state = "veryHidden"
    sheet.append([MARK_VERSION, results, str(active)])
    for record in records:
        sheet.append(record)


def _select_only(book: Workbook, sheet: Worksheet) -> None:
    for other in book.worksheets:
        other.sheet_view.tabSelected = other is sheet
    book.active = book.index(sheet)


def _text(value: object) -> str:
    """A record cell as plain text: LibreOffice and WPS save mixed-script text as rich text."""
    return "" if value is None else str(value)


def clear_marks(book: Workbook) -> int:
    """Undo a previous marking; returns the number of cells restored (0 if none)."""
    if MARK_SHEET not in book.sheetnames:
        return 0
    record = book[MARK_SHEET]
    rows = [[_text(value) for value in row] for row in record.iter_rows(values_only=True)]
    header = rows[0] if rows else []
    restored = 0
    for sheet_name, address, data, *_ in rows[1:]:
        if sheet_name not in book.sheetnames or not address or not data:
            continue
        cell = book[sheet_name][address]
        original = json.loads(data)
        styles.restore_fill(cell, original["fill"])
        styles.restore_font(cell, original["font"])
        comment = original.get("comment")
        cell.comment = None if comment is None else Comment(comment["text"], comment["author"])
        restored += 1
    results = header[1] if len(header) > 1 else ""
    if results and results in book.sheetnames:
        del book[results]
    del book[MARK_SHEET]
    active = int(header[2]) if len(header) > 2 and header[2].isdigit() else 0
    visible = [s for s in book.worksheets if s.sheet_state == "visible"]
    if visible:
        _select_only(book, book.worksheets[min(active, len(book.worksheets) - 1)])
    return restored
