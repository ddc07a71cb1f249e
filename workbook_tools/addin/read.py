"""Reading the open workbook into the reader's neutral grids, in bulk.

Per sheet: one read of the used range's address and one of its values (a 2-D block), then
the merged areas. Excel has no call that lists merged areas, so they are found by halving:
``merge_cells`` of a block of rows is ``False`` when nothing in it is merged, which rules
out most of a sheet in a few calls; only rows with merged cells are searched further, and
each merged area costs one ``merge_area`` read. Cells are never read one by one.

A used range that reaches far below the data (formatting pasted down a whole column) is
cut at the last row with a value first (one Ctrl+Up per column), so the bulk read stays
the size of the tables.
"""

from __future__ import annotations

from pathlib import Path

from workbook_tools.addin.addresses import area_text, parse_address
from workbook_tools.addin.xl import XlBook, XlSheet, is_visible
from workbook_tools.errors import InputError
from workbook_tools.io.grid import Grid, Range, cell_name
from workbook_tools.io.sources import merged_ranges

MAX_ROWS = 20_000  # a used range taller than this is checked for empty rows at its end
LAST_ROW = 1_048_576


def read_grids(
    sheets: dict[str, XlSheet],
    skip: set[str] | frozenset[str] = frozenset(),
    merged: dict[str, list[Range]] | None = None,
) -> list[Grid]:
    """One grid per worksheet (``sheet_map(book)``), except those named in ``skip``.

    ``merged`` (``saved_merged_areas(book)``) gives the merged areas of sheets whose
    areas need not be searched for."""
    merged = merged or {}
    return [
        sheet_grid(sheet, name, merged.get(name))
        for name, sheet in sheets.items()
        if name not in skip
    ]


def saved_merged_areas(book: XlBook) -> dict[str, list[Range]] | None:
    """The merged areas of every sheet from the workbook's file, when the open workbook is
    unchanged since it was saved (Excel's ``Saved``) and the file is a package that lists
    them: one read of the file instead of hundreds of calls into Excel. None otherwise
    (then each sheet's areas are searched for in the open workbook)."""
    if getattr(book.api, "Saved", False) is not True:
        return None
    path = Path(book.fullname)
    if not path.is_file():
        return None  # a new workbook, or one opened from a web location
    try:
        return merged_ranges(path)
    except InputError:
        return None  # the saved file cannot be read here: search the open workbook instead


def sheet_grid(sheet: XlSheet, name: str, merged: list[Range] | None = None) -> Grid:
    grid = Grid(name, hidden=not is_visible(sheet))
    used = sheet.used_range
    top, left, bottom, right = parse_address(used.address)
    if bottom - top >= MAX_ROWS:
        bottom = last_value_row(sheet, top, left, bottom, right)
        used = sheet.range(area_text((top, left, bottom, right)))
    rows = used.options(ndim=2, err_to_str=True).value or []
    for r, values in enumerate(rows, start=top):
        for c, value in enumerate(values, start=left):
            if value is not None and value != "":
                grid.cells[(r, c)] = value
    if merged is not None:
        grid.merged = list(merged)
    elif (top, left, bottom, right) != (1, 1, 1, 1) or grid.cells:
        grid.merged = MergedAreas(sheet, left, right).find(top, bottom)
    return grid


def last_value_row(sheet: XlSheet, top: int, left: int, bottom: int, right: int) -> int:
    """The last row of ``top``…``bottom`` with a value in any column ``left``…``right``."""
    start = min(bottom + 1, LAST_ROW)
    last = top
    for col in range(left, right + 1):
        cell = sheet.range(cell_name(start, col))
        found = cell.end("up").row if cell.value is None else start
        last = max(last, min(found, bottom))
    return last


class MergedAreas:
    """The merged areas of one sheet's used range, found by halving (see module doc)."""

    def __init__(self, sheet: XlSheet, left: int, right: int) -> None:
        self.sheet, self.left, self.right = sheet, left, right
        self.found: list[Range] = []

    def find(self, top: int, bottom: int) -> list[Range]:
        self._rows(top, bottom)
        return self.found

    def _merged(self, area: Range) -> bool | None:
        return self.sheet.range(area_text(area)).merge_cells

    def _rows(self, top: int, bottom: int) -> None:
        state = self._merged((top, self.left, bottom, self.right))
        if state is False:
            return
        if top == bottom:
            spans = self._uncovered(top, self.left, self.right)
            for start, end in spans:
                whole = spans == [(self.left, self.right)]
                self._columns(top, start, end, state if whole else self._probe(top, start, end))
            return
        middle = (top + bottom) // 2
        self._rows(top, middle)
        self._rows(middle + 1, bottom)

    def _columns(self, row: int, start: int, end: int, state: bool | None) -> None:
        """``state``: ``merge_cells`` of this span (True all merged, None some)."""
        if state is False:
            return
        if state is True:
            self._walk(row, start, end)
            return
        middle = (start + end) // 2
        self._columns(row, start, middle, self._probe(row, start, middle))
        self._columns(row, middle + 1, end, self._probe(row, middle + 1, end))

    def _probe(self, row: int, start: int, end: int) -> bool | None:
        """``merge_cells`` of a span; a single cell is looked at by ``_walk`` directly."""
        return True if start == end else self._merged((row, start, row, end))

    def _walk(self, row: int, start: int, end: int) -> None:
        """Every cell of ``row`` from ``start`` to ``end`` is merged: take area by area."""
        col = start
        while col <= end:
            covering = self._covering(row, col)
            if covering is None:
                cell = self.sheet.range(area_text((row, col, row, col)))
                area = parse_address(cell.merge_area.address)
                if area[:2] != area[2:]:
                    self.found.append(area)
                covering = area
            col = covering[3] + 1

    def _covering(self, row: int, col: int) -> Range | None:
        for area in self.found:
            if area[0] <= row <= area[2] and area[1] <= col <= area[3]:
                return area
        return None

    def _uncovered(self, row: int, start: int, end: int) -> list[tuple[int, int]]:
        """Column spans of ``row`` not inside an area already found (from rows above)."""
        spans: list[tuple[int, int]] = []
        col = start
        while col <= end:
            covering = self._covering(row, col)
            if covering is not None:
                col = covering[3] + 1
                continue
            first = col
            while col <= end and self._covering(row, col) is None:
                col += 1
            spans.append((first, col - 1))
        return spans
