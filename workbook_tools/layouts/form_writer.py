"""Writing a form table in the seeds' layout: per block its title, year line, fields area
and indicator grid; each block on a page of its own.

The fields area is printed over the grid's columns. A row of the spec (``FormRowSpec``)
prints, from the left, its caption, group and headings, then each field's label and value
(a field of a matrix that shares the previous field's label prints only its value). Unless
the row gives ``widths``, a plain row gives its first label two columns, later labels one
and their values two, the first value the rest; a row under a caption gives each label and
value one column; headings share what is left; the last cell always reaches the right edge.
Captions and groups of consecutive rows are merged down; in the grid, runs of the same
一级/二级指标 are merged down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbook_tools.io.model import Row
from workbook_tools.spec.forms import FIELD_VALUE, FieldSpec, FormRowSpec
from workbook_tools.writers.printing import Page, column_points, row_height
from workbook_tools.writers.template import TITLE_FONT, TITLE_SIZE

if TYPE_CHECKING:
    from workbook_tools.writers.template import TableContent, TableWriter

WEIGHT_FORMAT = "General"  # 分值权重 as the seeds print them: 10, 7.5
TITLE_HEIGHT = 30.0


@dataclass(frozen=True)
class Printed:
    kind: str  # caption, group, heading, label, value
    text: str = ""
    spec: FieldSpec | None = None


def printed_cells(row: FormRowSpec) -> list[Printed]:
    """The cells a fields row prints, left to right."""
    cells = [Printed("caption", row.caption)] if row.caption else []
    cells += [Printed("group", row.group)] if row.group else []
    cells += [Printed("heading", text) for text in row.headings]
    previous: FieldSpec | None = None
    for spec in row.fields:
        shared = spec.under is not None and previous is not None and previous.label == spec.label
        if not shared:
            cells.append(Printed("label", spec.label, spec))
        cells.append(Printed("value", "", spec))
        previous = spec
    return cells


def cell_widths(row: FormRowSpec, cells: list[Printed], width: int) -> list[int]:
    """Columns each printed cell takes (see the module's docstring)."""
    if row.widths:
        widths = list(row.widths)
    else:
        wide = 2 if width >= 6 else 1
        widths = [wide if c.kind == "caption" else 1 for c in cells]
        plain = not (row.caption or row.group or row.headings)
        labels = [i for i, c in enumerate(cells) if c.kind == "label"]
        values = [i for i, c in enumerate(cells) if c.kind == "value"]
        if plain and labels and values:
            widths[labels[0]] = wide
            for i in values[1:]:
                widths[i] = 2
            widths[values[0]] = max(1, width - sum(widths) + widths[values[0]])
        headings = [i for i, c in enumerate(cells) if c.kind == "heading"]
        if headings:
            room = width - sum(w for i, w in enumerate(widths) if i not in headings)
            share, extra = divmod(max(room, len(headings)), len(headings))
            for n, i in enumerate(headings):
                widths[i] = share + (1 if n >= len(headings) - extra else 0)
    if widths:
        widths[-1] += max(0, width - sum(widths))
    return widths


def merged_down(rows: list[FormRowSpec], i: int, kind: str) -> int:
    """Rows a caption (or group) at fields row ``i`` covers; 0 inside a run begun above."""

    def same(a: FormRowSpec, b: FormRowSpec) -> bool:
        return a.caption == b.caption and (kind == "caption" or a.group == b.group)

    if i and same(rows[i - 1], rows[i]):
        return 0
    end = i + 1
    while end < len(rows) and same(rows[i], rows[end]):
        end += 1
    return end - i


def level_runs(rows: list[Row], keys: list[str]) -> dict[str, dict[int, int]]:
    """For each level column, the rows that start a run of equal values (→ its length) and
    those inside one (→ 0); outer levels bound the runs of inner ones."""
    return _runs(rows, keys)


def _runs(rows: list[Row], keys: list[str]) -> dict[str, dict[int, int]]:
    """For each level column, the rows that start a run of equal values (→ its length) and
    those inside one (→ 0); outer levels bound the runs of inner ones."""
    found: dict[str, dict[int, int]] = {}
    for depth, key in enumerate(keys):
        spans: dict[int, int] = {}
        start = 0
        while start < len(rows):
            end = start + 1
            if rows[start].kind == "indicator" and rows[start].texts.get(key):
                while end < len(rows) and _same(rows[start], rows[end], keys[: depth + 1]):
                    end += 1
            spans[start] = end - start
            spans.update(dict.fromkeys(range(start + 1, end), 0))
            start = end
        found[key] = spans
    return found


def _same(a: Row, b: Row, keys: list[str]) -> bool:
    return b.kind == "indicator" and all(a.texts.get(k) == b.texts.get(k) for k in keys)


class FormWriter:
    def __init__(self, writer: TableWriter) -> None:
        assert writer.table.form is not None
        self.w, self.table, self.form = writer, writer.table, writer.table.form
        self.width = len(writer.columns)
        self.levels = [k for k in self.form.levels if any(c.key == k for c in writer.columns)]

    def write(self, content: TableContent | None, first_on_sheet: bool) -> int:
        starts: list[int] = []
        for n, rows in enumerate(self._blocks(content)):
            if n:
                self.w.row += 1  # a blank row between blocks
            starts.append(self.w.row)
            self._block(rows, content is None)
        self._remarks(content)
        if first_on_sheet:
            self._page(starts)
        return self.w.row

    def _blocks(self, content: TableContent | None) -> list[list[Row]]:
        if content is None or not content.rows:
            return [[] for _ in range(max(1, self.form.blocks if content is None else 1))]
        blocks: dict[int, list[Row]] = {}
        for row in content.rows:
            blocks.setdefault(row.block, []).append(row)
        return [blocks[n] for n in sorted(blocks)]

    # -- one block -----------------------------------------------------------------------
    def _block(self, rows: list[Row], blank: bool) -> None:
        self._title()
        fields = {r.key: r for r in rows if r.kind == "field" and r.key}
        self._fields(fields)
        self.w.row_kind = "header"
        self.w.header()
        self.w.row_kind = "body"
        grid = [r for r in rows if r.kind != "field"]
        self._grid(grid if not blank else [Row("indicator")] * self.table.blank_rows)

    def _title(self) -> None:
        w = self.w
        w.row_kind = "title"
        fmt = w.fmt(font_name=TITLE_FONT, font_size=TITLE_SIZE, bold=True, align="center")
        w.merge(0, self.width - 1, w.title, fmt)
        w.lines[w.row] = max(TITLE_HEIGHT, w.lines.get(w.row, 0.0))
        w.next_row()
        if self.form.subtitle:
            w.merge(
                0, self.width - 1, self.form.subtitle.format(year=w.year), w.fmt(align="center")
            )
            w.next_row()
        w.row_kind = "body"

    def _fields(self, fields: dict[str, Row]) -> None:
        rows = self.form.rows
        for i, spec in enumerate(rows):
            cells = printed_cells(spec)
            widths = cell_widths(spec, cells, self.width)
            col = 0
            for cell, span in zip(cells, widths, strict=True):
                self._field_cell(i, cell, col, col + span - 1, fields)
                col += span
            self.w.next_row()

    def _field_cell(
        self, i: int, cell: Printed, first: int, last: int, fields: dict[str, Row]
    ) -> None:
        w = self.w
        label = w.fmt(bold=True, border=1, align="center", text_wrap=True)
        if cell.kind in ("caption", "group"):
            down = self._merged_down(i, cell.kind)
            if down:
                w.merge(first, last, w.spaced(cell.text), label, rows=down)
        elif cell.kind in ("heading", "label"):
            w.merge(first, last, w.spaced(cell.text), label)
        elif cell.spec is not None:
            self._value(cell.spec, first, last, fields)

    def _merged_down(self, i: int, kind: str) -> int:
        return merged_down(self.form.rows, i, kind)

    def _value(self, spec: FieldSpec, first: int, last: int, fields: dict[str, Row]) -> None:
        w = self.w
        row = fields.get(spec.key) or Row("field", spec.label, key=spec.key)
        if spec.role == "amount":
            if last > first:
                w.merge(first, last, "", w.fmt(border=1))
            w.amount(first, row, FIELD_VALUE, False)
            return
        text = row.texts.get(FIELD_VALUE, "")
        w.merge(first, last, text, w.fmt(border=1, align="left", text_wrap=True, locked=False))
        if spec.lines > 1:
            w.lines[w.row] = max(w.lines.get(w.row, 0.0), row_height(spec.lines))

    # -- the grid ------------------------------------------------------------------------
    def _grid(self, rows: list[Row]) -> None:
        runs = _runs(rows, self.levels)
        for i, row in enumerate(rows):
            if row.kind == "note":
                fmt = self.w.fmt(border=1, align="left", text_wrap=True)
                self.w.merge(0, self.width - 1, row.name, fmt)
            else:
                self._grid_row(i, row, runs)
            self.w.next_row()

    def _grid_row(self, i: int, row: Row, runs: dict[str, dict[int, int]]) -> None:
        w = self.w
        bold = row.kind == "total"
        text = w.fmt(border=1, bold=bold, text_wrap=True, locked=False)
        for col, column in enumerate(w.columns):
            if column.role == "amount":
                w.amount(col, row, column.key, bold, WEIGHT_FORMAT)
                continue
            value = row.texts.get(column.key, "")
            if bold and col == 0 and not value:
                value = row.name
            span = runs.get(column.key, {}).get(i, 1)
            if span == 0:
                continue  # inside a merged run begun above
            if span > 1:
                w.merge(col, col, value, text, rows=span)
            else:
                w.cell(col, value, text)

    def _remarks(self, content: TableContent | None) -> None:
        remarks = list(content.remarks) if content is not None else []
        if content is None and self.table.remark:
            remarks = [self.table.remark]
        fmt = self.w.fmt(align="left", text_wrap=True)
        for remark in remarks:
            self.w.row_kind = "tail"
            self.w.merge(0, self.width - 1, remark, fmt)
            self.w.next_row()

    # -- pages ---------------------------------------------------------------------------
    def _page(self, starts: list[int]) -> None:
        """A4, one block a page: breaks before each block, a scale at which every block
        fits its page (and the grid its width)."""
        w = self.w
        w.page_basics(self.table.landscape)
        page = Page(self.table.landscape)
        table_width = sum(column_points(width) for width in w.widths)
        scale = min(1.0, page.width / table_width) if table_width else 1.0
        ends = [*starts[1:], w.row + 1]
        for start, end in zip(starts, ends, strict=True):
            height = sum(r.height for r in w.print_rows if start <= r.index < end)
            if height:
                scale = min(scale, page.height / height)
        w.sheet.set_print_scale(max(10, math.floor(scale * 100 * 0.98)))
        if len(starts) > 1:
            w.sheet.set_h_pagebreaks(starts[1:])
