"""重算合计 in the open workbook: the recomputed values into the empty derived cells, one
write per run of adjacent cells in a row (values only; formats stay)."""

from __future__ import annotations

from workbook_tools.addin.addresses import area_text
from workbook_tools.addin.xl import XlSheet
from workbook_tools.fill import FillChange
from workbook_tools.io.grid import cell_position


def row_runs(cells: dict[tuple[int, int], float]) -> list[tuple[int, int, list[float]]]:
    """``(row, first column, values)`` for each run of adjacent cells in a row."""
    runs: list[tuple[int, int, list[float]]] = []
    for (row, col), value in sorted(cells.items()):
        if runs and runs[-1][0] == row and runs[-1][1] + len(runs[-1][2]) == col:
            runs[-1][2].append(value)
        else:
            runs.append((row, col, [value]))
    return runs


def write_values(sheets: dict[str, XlSheet], changes: list[FillChange]) -> int:
    """Write ``changes`` into the sheets (``sheet_map(book)``); returns the cells written."""
    by_sheet: dict[str, dict[tuple[int, int], float]] = {}
    for change in changes:
        pos = cell_position(change.cell)
        if pos != (0, 0):
            by_sheet.setdefault(change.sheet, {})[pos] = float(change.new)
    written = 0
    for sheet_name, cells in by_sheet.items():
        sheet = sheets.get(sheet_name)
        if sheet is None:
            continue
        for row, col, values in row_runs(cells):
            area = (row, col, row, col + len(values) - 1)
            sheet.range(area_text(area)).value = values[0] if len(values) == 1 else [values]
            written += len(values)
    return written
