"""The second pass over a worksheet part: writing the edits while it streams through.

Cells to change get a new style index (``s``) or a value; cells that have no ``<c>``
element yet are inserted in column order, in a new ``<row>`` where the row is missing.
Optionally the sheet views lose ``tabSelected`` and a ``<legacyDrawing>`` is added (at its
place in the element order of CT_Worksheet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from workbook_tools.io.grid import Pos, cell_name
from workbook_tools.writers.ooxml import sheet_rows, xmlscan
from workbook_tools.writers.ooxml.edits import Edit, EditWriter
from workbook_tools.writers.ooxml.opc import DOC_REL_NS
from workbook_tools.writers.ooxml.sheet_rows import CellTag, RowParser, RowTag

# worksheet children that follow <legacyDrawing>
_AFTER_LEGACY = {
    b"legacyDrawingHF",
    b"drawingHF",
    b"picture",
    b"oleObjects",
    b"controls",
    b"webPublishItems",
    b"tableParts",
    b"extLst",
}


@dataclass(frozen=True)
class CellChange:
    style: int | None = None  # the new style index
    value: str | None = None  # a number, as written in <v>
    overwrite: bool = False  # the value may replace a value (never a formula)


@dataclass
class SheetPlan:
    changes: dict[Pos, CellChange] = field(default_factory=dict)
    legacy_rid: str | None = None  # add <legacyDrawing r:id=…>
    unselect: bool = False

    def by_row(self) -> dict[int, dict[int, CellChange]]:
        rows: dict[int, dict[int, CellChange]] = {}
        for (row, col), change in self.changes.items():
            rows.setdefault(row, {})[col] = change
        return rows


class SheetEditor:
    def __init__(self, prefix: bytes, plan: SheetPlan) -> None:
        self.p = prefix
        self.plan = plan
        self.rows = plan.by_row()
        self.pending = sorted(self.rows)
        self.parser = RowParser(prefix)
        self.data_end = re.compile(
            b"</" + re.escape(prefix) + b"sheetData>|<" + re.escape(prefix) + rb"sheetData\b[^>]*/>"
        )

    def run(self, pieces: Iterable[bytes], writer: EditWriter) -> Iterator[bytes]:
        first = True
        for base, data, last in sheet_rows.segments(pieces, self.p):
            edits: list[Edit] = []
            if first and self.plan.unselect:
                edits += _unselect(data)
            first = False
            edits += self._rows(data)
            if last and self.plan.legacy_rid:
                edits.append(self._legacy(data))
            yield writer.piece(data, base, [_shift(e, base) for e in edits])

    # -- rows ----------------------------------------------------------------------------
    def _rows(self, data: bytes) -> list[Edit]:
        if not self.pending:
            return []
        end = self.data_end.search(data)
        last = self.parser.last_number(data)
        if end is None and last is not None and last < self.pending[0]:
            self.parser.last_row = last
            return []
        edits: list[Edit] = []
        for number, match in self.parser.numbered(data):
            if not self.pending or self.pending[0] > number:
                continue
            new = self._new_rows_before(number)
            if new:
                edits.append(Edit(match.start(), match.start(), new))
            if self.pending and self.pending[0] == number:
                self.pending.pop(0)
                row = self.parser.row(data, number, match)
                edits += self._row(data, row, self.rows[number])
        if end is not None and self.pending:
            edits.append(self._close_rows(data, end))
        return edits

    def _new_rows_before(self, number: int) -> bytes:
        text = b""
        while self.pending and self.pending[0] < number:
            row = self.pending.pop(0)
            cells = b"".join(
                self._new_cell(row, col, c) for col, c in sorted(self.rows[row].items())
            )
            text += b"<" + self.p + b'row r="' + str(row).encode() + b'">' + cells
            text += b"</" + self.p + b"row>"
        return text

    def _close_rows(self, data: bytes, end: re.Match[bytes]) -> Edit:
        rows = self._new_rows_before(sheet_rows.MAX_ROW + 1)
        if end.group(0).endswith(b"/>"):
            tag = end.group(0)[:-2].rstrip() + b">"
            return Edit(end.start(), end.end(), tag + rows + b"</" + self.p + b"sheetData>")
        return Edit(end.start(), end.start(), rows)

    def _row(self, data: bytes, row: RowTag, changes: dict[int, CellChange]) -> list[Edit]:
        if row.tag.empty:
            return [self._fill_empty_row(data, row, changes)]
        pending = sorted(changes)
        existing: set[int] = set()
        edits: list[Edit] = []
        for cell in self.parser.cells(data, row):
            existing.add(cell.col)
            insert = b""
            while pending and pending[0] < cell.col:
                col = pending.pop(0)
                insert += self._new_cell(row.number, col, changes[col])
            if insert:
                edits.append(Edit(cell.tag.start, cell.tag.start, insert))
            if pending and pending[0] == cell.col:
                edit = self._cell(data, cell, changes[pending.pop(0)])
                if edit is not None:
                    edits.append(edit)
        if pending:
            close = row.end - len(self.parser.row_close)
            cells = b"".join(self._new_cell(row.number, col, changes[col]) for col in pending)
            edits.append(Edit(close, close, cells))
        spans = _spans(row.tag.attributes().get("spans"), sorted(set(changes) - existing))
        if spans is not None:
            tag = xmlscan.with_attrs(data[row.tag.start : row.tag.end], {"spans": spans})
            edits.append(Edit(row.tag.start, row.tag.end, tag))
        return edits

    def _fill_empty_row(self, data: bytes, row: RowTag, changes: dict[int, CellChange]) -> Edit:
        """``<row …/>`` becomes ``<row …>new cells</row>``."""
        cols = sorted(changes)
        cells = b"".join(self._new_cell(row.number, col, changes[col]) for col in cols)
        tag = data[row.tag.start : row.tag.end]
        spans = _spans(row.tag.attributes().get("spans"), cols)
        if spans is not None:
            tag = xmlscan.with_attrs(tag, {"spans": spans})
        opened = tag[:-2].rstrip() + b">"
        return Edit(row.tag.start, row.tag.end, opened + cells + b"</" + self.p + b"row>")

    # -- cells ---------------------------------------------------------------------------
    def _new_cell(self, row: int, col: int, change: CellChange) -> bytes:
        attrs = {"r": cell_name(row, col)}
        if change.style:
            attrs["s"] = str(change.style)
        tag = b"<" + self.p + b"c " + b" ".join(xmlscan.attr(k, v) for k, v in attrs.items())
        if change.value is None:
            return tag + b"/>"
        return tag + b">" + self._value(change.value) + b"</" + self.p + b"c>"

    def _value(self, value: str) -> bytes:
        return b"<" + self.p + b"v>" + value.encode() + b"</" + self.p + b"v>"

    def _cell(self, data: bytes, cell: CellTag, change: CellChange) -> Edit | None:
        tag = data[cell.tag.start : cell.tag.end]
        attrs: dict[str, str | None] = {}
        if change.style is not None:
            attrs["s"] = str(change.style)
        if change.value is None:
            return Edit(cell.tag.start, cell.tag.end, xmlscan.with_attrs(tag, attrs))
        if cell.has_formula or (cell.has_value and not change.overwrite):
            return None  # values go into empty cells (or replace values), never formulas
        attrs["t"] = None
        opened = xmlscan.with_attrs(tag, attrs)
        if opened.endswith(b"/>"):
            opened = opened[:-2].rstrip() + b">"
        text = opened + self._value(change.value) + b"</" + self.p + b"c>"
        return Edit(cell.tag.start, cell.end, text)

    # -- the tail ------------------------------------------------------------------------
    def _legacy(self, data: bytes) -> Edit:
        element = (
            b"<"
            + self.p
            + b'legacyDrawing xmlns:r="'
            + DOC_REL_NS.encode()
            + b'" '
            + xmlscan.attr("r:id", self.plan.legacy_rid or "")
            + b"/>"
        )
        pos = _legacy_position(data, self.data_end)
        return Edit(pos, pos, element)


def _shift(edit: Edit, base: int) -> Edit:
    return Edit(edit.start + base, edit.end + base, edit.text)


def _spans(spans: str | None, cols: list[int]) -> str | None:
    """A row's ``spans`` widened to ``cols`` (None when there is none or it covers them)."""
    if not cols or not spans or ":" not in spans or " " in spans.strip():
        return None
    low, _, high = spans.partition(":")
    if not (low.isdigit() and high.isdigit()):
        return None
    new_low, new_high = min(int(low), *cols), max(int(high), *cols)
    if (new_low, new_high) == (int(low), int(high)):
        return None
    return f"{new_low}:{new_high}"


def _unselect(data: bytes) -> list[Edit]:
    edits = []
    for tag in sheet_rows.read_head(data).tab_selected:
        text = xmlscan.with_attrs(data[tag.start : tag.end], {"tabSelected": None})
        edits.append(Edit(tag.start, tag.end, text))
    return edits


def _legacy_position(data: bytes, data_end: re.Pattern[bytes]) -> int:
    """Where <legacyDrawing> goes in the last segment: before the first top-level element
    that follows it in CT_Worksheet, else before </worksheet>."""
    end = data_end.search(data)
    start = end.end() if end is not None else 0
    depth = 0
    for tag in xmlscan.tags(data, start):
        if tag.closing:
            if depth == 0:
                return tag.start  # </worksheet>
            depth -= 1
            continue
        if depth == 0 and tag.name in _AFTER_LEGACY:
            return tag.start
        if not tag.empty:
            depth += 1
    return len(data)
