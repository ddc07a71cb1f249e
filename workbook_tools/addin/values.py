"""重算合计 in the open workbook: the recomputed values into the empty derived cells, one
write per rectangular block of such cells (values only; formats stay). Derived cells lie
mostly in columns (合计栏) and rows (合计行), so a block usually covers a whole run."""

from __future__ import annotations

from workbook_tools.addin.addresses import area_text, column_runs
from workbook_tools.addin.xl import XlSheet
from workbook_tools.io.grid import Pos, Range, cell_position
from workbook_tools.writers.fill import FillChange


def value_blocks(cells: dict[Pos, float]) -> list[tuple[Range, list[list[float]]]]:
    """Rectangles that are wholly made of ``cells``, each with its rows of values."""
    blocks = []
    for area in column_runs(cells):
        top, left, bottom, right = area
        rows = [[cells[(r, c)] for c in range(left, right + 1)] for r in range(top, bottom + 1)]
        blocks.append((area, rows))
    return blocks


def write_values(sheets: dict[str, XlSheet], changes: list[FillChange]) -> int:
    """Write ``changes`` into the sheets (``sheet_map(book)``); returns the cells written."""
    by_sheet: dict[str, dict[Pos, float]] = {}
    for change in changes:
        pos = cell_position(change.cell)
        if pos != (0, 0):
            by_sheet.setdefault(change.sheet, {})[pos] = float(change.written or 0)
    written = 0
    for sheet_name, cells in by_sheet.items():
        sheet = sheets.get(sheet_name)
        if sheet is None:
            continue
        for area, rows in value_blocks(cells):
            sheet.range(area_text(area)).value = rows[0][0] if area[:2] == area[2:] else rows
            written += len(rows) * len(rows[0])
    return written
