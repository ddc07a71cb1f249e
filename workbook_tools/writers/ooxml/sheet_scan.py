"""The first pass over a worksheet part: the state of the cells to be edited.

Collects, for the rows asked for, every cell's style and whether it holds a value or a
formula, the rows' own formats, the column formats, the merged areas (which come after
the sheet data), the selected sheet views and the sheet's legacy drawing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from workbook_tools.io.grid import Pos, Range
from workbook_tools.writers.ooxml import sheet_rows
from workbook_tools.writers.ooxml.sheet_rows import Head, RowParser

_LEGACY = re.compile(rb"<(?:[\w.\-]+:)?legacyDrawing\s[^>]*?:id\s*=\s*[\"']([^\"']*)[\"']")


@dataclass(frozen=True)
class CellState:
    exists: bool
    style: int  # the cell's own xf, or the xf a new cell there would show
    raw_style: str | None  # the s attribute as written (None: absent or no cell)
    has_formula: bool = False
    has_value: bool = False


@dataclass
class SheetScan:
    prefix: bytes = b""
    head: Head = field(default_factory=Head)
    merges: list[Range] = field(default_factory=list)
    cells: dict[Pos, CellState] = field(default_factory=dict)
    row_styles: dict[int, int | None] = field(default_factory=dict)
    legacy_rid: str | None = None

    def state(self, pos: Pos) -> CellState:
        """The cell at ``pos``; a missing cell shows its row's or column's format."""
        found = self.cells.get(pos)
        if found is not None:
            return found
        row_style = self.row_styles.get(pos[0])
        style = row_style if row_style is not None else self.head.column_style(pos[1])
        return CellState(False, style, None)

    def anchor(self, pos: Pos) -> Pos:
        """The top-left cell of the merged area holding ``pos`` (``pos`` if none)."""
        for top, left, bottom, right in self.merges:
            if top <= pos[0] <= bottom and left <= pos[1] <= right:
                return (top, left)
        return pos


Pieces = Callable[[], Iterable[bytes]]


def scan_sheet(pieces: Pieces, rows: set[int]) -> SheetScan:
    """One pass over the part: cells of ``rows`` and everything else listed above."""
    scan = SheetScan()
    parser: RowParser | None = None
    wanted = sorted(rows)
    scan.prefix = _prefix(pieces)
    for _, data, _ in sheet_rows.segments(pieces(), scan.prefix):
        if parser is None:
            scan.head = sheet_rows.read_head(data)
            parser = RowParser(scan.prefix)
        scan.merges += sheet_rows.merges(data)
        legacy = _LEGACY.search(data) if b"legacyDrawing" in data else None
        if legacy is not None:
            scan.legacy_rid = legacy.group(1).decode()
        wanted = _scan_rows(parser, data, wanted, scan)
    return scan


def _prefix(pieces: Pieces) -> bytes:
    """The namespace prefix of the part's elements, from its first piece."""
    stream = iter(pieces())
    head = next(stream, b"")
    close = getattr(stream, "close", None)
    if close is not None:
        close()
    return sheet_rows.root_prefix(head)


def _scan_rows(parser: RowParser, data: bytes, wanted: list[int], scan: SheetScan) -> list[int]:
    if not wanted:
        return wanted
    last = parser.last_number(data)
    if last is not None and last < wanted[0]:
        parser.last_row = last
        return wanted
    for number, match in parser.numbered(data):
        while wanted and wanted[0] < number:
            wanted.pop(0)
        if not wanted or wanted[0] != number:
            continue
        row = parser.row(data, number, match)
        scan.row_styles[row.number] = row.style
        for cell in parser.cells(data, row):
            scan.cells[(row.number, cell.col)] = CellState(
                True, cell.style, cell.raw_style, cell.has_formula, cell.has_value
            )
        wanted.pop(0)
    return wanted
