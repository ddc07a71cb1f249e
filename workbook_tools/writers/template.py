"""Writing tables in their layout: the blank template, filled examples, other layouts.

One writer serves the official template layout (``LayoutStyle()``) and the variants that
real workbooks come in (codes in one column, totals at the bottom, a table split by a
repeated header, amounts as text …), so the reader can be tested on all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from workbook_tools.io.model import Row
from workbook_tools.layouts import layout_of, parent_codes
from workbook_tools.spec.models import ColumnSpec, TableSetSpec, TableSpec
from workbook_tools.writers.printing import (
    BODY_SIZE,
    CELL_MARGIN,
    MARGIN_SIDE,
    MARGIN_TOP,
    Page,
    PrintRow,
    RowKind,
    plan_pages,
    row_height,
    text_units,
    wrapped_lines,
)

CodeStyle = Literal["split", "joined", "in_name"]
SHADE = "#E7E6E6"
BODY_FONT = "宋体"
TITLE_FONT = "黑体"
TITLE_SIZE = 16
HEADER_FOOTER_FONT = f'&"{BODY_FONT},Regular"&9 '  # the space ends the size code before digits


@dataclass(frozen=True)
class LayoutStyle:
    sheet_names: dict[str, str] = field(default_factory=dict)  # table id → sheet name
    code_style: CodeStyle = "split"
    star_row: bool = True
    total_first: bool = True
    origin: tuple[int, int] = (0, 0)  # zero-based row, column offset of every table
    split_after: int | None = None  # repeat the header block after this many data rows
    amounts_as_text: bool = False
    code_parts_as_numbers: bool = False
    letter_spaced: bool = False
    title_with_year: bool | None = None  # None: as the set's ``conventions.title_year``
    shade_derived: bool = True
    zero_blank: bool = False  # publishing: a zero amount shows as an empty cell
    block_sheets: bool = False  # each block of a form on a sheet of its own (system exports)


TEMPLATE_STYLE = LayoutStyle()


@dataclass
class TableContent:
    rows: list[Row] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


@dataclass
class _Column:
    key: str
    role: str
    header: list[str]
    number: int | None
    derived: bool
    width: float
    panel: str | None


def visible_columns(table: TableSpec, style: LayoutStyle) -> list[_Column]:
    columns: list[_Column] = []
    for c in table.columns:
        if c.role in ("kuan", "xiang") and style.code_style != "split":
            continue
        if c.role == "lei" and style.code_style == "in_name":
            continue
        if c.role == "lei" and style.code_style == "joined":
            columns.append(_Column("code", "code", c.header[:-1], None, False, 10, c.panel))
            continue
        columns.append(_column(c))
    return columns


def _column(c: ColumnSpec) -> _Column:
    return _Column(c.key, c.role, list(c.header), c.number, c.derived, c.width, c.panel)


class _Formats:
    """xlsxwriter formats created once per combination of properties."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[tuple[str, Any], ...], Any] = {}
        self.props: dict[int, dict[str, Any]] = {}  # id of a format → its properties

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            base = {"font_name": BODY_FONT, "font_size": BODY_SIZE, "valign": "vcenter"}
            base.update(props)
            fmt = self.book.add_format(base)
            self.cache[key] = fmt
            self.props[id(fmt)] = dict(props)
        return self.cache[key]

    def wrapping(self, fmt: Any) -> Any:
        """The same format with text wrap on."""
        props = self.props.get(id(fmt))
        if props is None or props.get("text_wrap"):
            return fmt
        return self.get(**{**props, "text_wrap": True})


def write_workbook(
    path: str | Path,
    spec: TableSetSpec,
    unit: str,
    year: int,
    content: dict[str, TableContent] | None = None,
    style: LayoutStyle = TEMPLATE_STYLE,
    tables: list[TableSpec] | None = None,
) -> Path:
    """Write the tables of ``spec`` (or ``tables``) to ``path``; blank rows where no content.

    Tables that share a sheet name are written one below the other.
    """
    path = Path(path)
    book = xlsxwriter.Workbook(str(path))
    book.set_properties(
        {
            "title": f"{year}年{unit}{spec.words.disclosure}",
            "subject": spec.name,
            "author": "",
            "company": unit,
            "created": datetime(year, 1, 1, tzinfo=UTC),  # reproducible files
        }
    )
    formats = _Formats(book)
    sheets: dict[str, tuple[Worksheet, int]] = {}
    for table in tables if tables is not None else spec.tables:
        for name, data in _sheet_parts(table, (content or {}).get(table.id), style):
            sheet, start = sheets.get(name, (None, style.origin[0]))
            if sheet is None:
                sheet = book.add_worksheet(name)
            writer = TableWriter(sheet, formats, spec, table, style, unit, year, start)
            end = writer.write(data, first_on_sheet=name not in sheets)
            sheets[name] = (sheet, end + 2)
    book.close()
    return path


def _sheet_parts(
    table: TableSpec, content: TableContent | None, style: LayoutStyle
) -> list[tuple[str, TableContent | None]]:
    """The sheet (or, ``block_sheets``, the sheets) a table is written on, with its content."""
    name = style.sheet_names.get(table.id, table.sheet_name)
    if not (style.block_sheets and layout_of(table).repeats and content and content.rows):
        return [(name, content)]
    blocks = sorted({row.block for row in content.rows})
    return [
        (
            f"{name}{n}",
            TableContent(
                [r for r in content.rows if r.block == block],
                content.remarks if n == len(blocks) else [],
            ),
        )
        for n, block in enumerate(blocks, start=1)
    ]


class TableWriter:
    """Writes one table: title block, header, the layout's rows, remarks, page setup.

    The layouts (``workbook_tools.layouts``) write their rows through ``cell``, ``amount``,
    ``code_part`` and ``next_row``; shading and locking of derived cells follow the layout.
    Every row gets the height its wrapped text needs, amount columns the width their
    numbers need, and the sheet a print plan (``workbook_tools.writers.printing``).
    """

    def __init__(
        self,
        sheet: Worksheet,
        formats: _Formats,
        spec: TableSetSpec,
        table: TableSpec,
        style: LayoutStyle,
        unit: str,
        year: int,
        start_row: int,
    ) -> None:
        self.sheet, self.f, self.spec, self.table, self.style = sheet, formats, spec, table, style
        self.unit, self.year = unit, year
        self.layout = layout_of(table)
        self.columns = visible_columns(table, style)
        self.widths = [c.width for c in self.columns]
        self.amount_format = "#,##0.00;-#,##0.00;;@" if style.zero_blank else "#,##0.00"
        self.r0, self.c0 = start_row, style.origin[1]
        self.row = self.r0
        self.parents: set[str] = set()
        self.total_first = style.total_first and table.total_row == "first"
        self.lines: dict[int, float] = {}  # sheet row → height its cells need
        self.print_rows: list[PrintRow] = []
        self.row_kind: RowKind = "body"

    # -- what the layouts call -----------------------------------------------------------
    def fmt(self, **props: Any) -> Any:
        return self.f.get(**props)

    def spaced(self, text: str) -> str:
        """A short label letter-spaced in the system-export style (``收 入 总 计``)."""
        return " ".join(text) if self.style.letter_spaced and len(text) <= 6 else text

    def emphasis(self, row: Row) -> bool:
        """Whether ``row`` prints bold, by its kind and the set's convention."""
        return self.layout.emphasis(row, self.spec.conventions.emphasis, self.parents)

    def cell(self, col: int, value: Any, fmt: Any) -> None:
        if isinstance(value, str) and value:
            fmt = self._fit_text(self.row, [col], value, fmt)
            self.sheet.write_string(self.row, self.c0 + col, value, fmt)  # "=1 套" is no formula
            return
        self.sheet.write(self.row, self.c0 + col, value, fmt)

    def next_row(self) -> None:
        self._end_row(self.row_kind)
        self.row += 1

    def repeat_header(self) -> None:
        """The header block again (a table split over pages, as system exports do)."""
        self.row += 1
        self._header_block()

    @property
    def has_codes(self) -> bool:
        return any(c.role in ("lei", "code") for c in self.columns)

    def has_role(self, role: str) -> bool:
        return any(c.role == role for c in self.columns)

    def code_part(self, col: int, part: str, fmt: Any) -> None:
        if part and self.style.code_parts_as_numbers:
            self.cell(col, int(part), fmt)
        else:
            self.sheet.write_string(self.row, self.c0 + col, part, fmt)

    def amount(
        self, col: int, row: Row, key: str, bold: bool, num_format: str | None = None
    ) -> None:
        """The amount of ``row`` in column ``key``, shaded and locked when derived
        (``num_format``: other than money's ``#,##0.00``, e.g. a form's 分值权重)."""
        found = row.values.get(key)
        value = found.value if found is not None else None
        shaded = self.layout.derived(self.table, row, key, self.parents)
        if value is not None:
            self._widen(col, f"{value:,.2f}", bold)
        if self.style.amounts_as_text and value is not None:
            fmt = self.f.get(border=1, align="right", bold=bold, **self._shade(shaded))
            exact = value.as_tuple().exponent >= -2  # type: ignore[operator]
            self.sheet.write_string(
                self.row, self.c0 + col, f"{value:,.2f}" if exact else f"{value:,f}", fmt
            )
            return
        number = num_format or self.amount_format
        fmt = self.f.get(
            border=1, num_format=number, bold=bold, locked=shaded, **self._shade(shaded)
        )
        if value is None:
            self.sheet.write_blank(self.row, self.c0 + col, None, fmt)
        else:
            self.sheet.write_number(self.row, self.c0 + col, float(value), fmt)

    def merge(self, first: int, last: int, value: Any, fmt: Any, rows: int = 1) -> None:
        """``value`` over columns ``first``…``last`` and ``rows`` rows of the current row (a
        one-row text wraps when wider than its cells, and its row grows to fit)."""
        if isinstance(value, str) and value and rows == 1:
            fmt = self._fit_text(self.row, list(range(first, last + 1)), value, fmt)
        if first == last and rows == 1:
            self.cell(first, value, fmt)
            return
        bottom = self.row + rows - 1
        text = isinstance(value, str) and value
        self.sheet.merge_range(
            self.row, self.c0 + first, bottom, self.c0 + last, "" if text else value, fmt
        )
        if text:  # the first cell as a string: "=1 套" is no formula
            self.sheet.write_string(self.row, self.c0 + first, value, fmt)

    def header(self) -> None:
        """The header block of the columns at the current row (a form's indicator grid)."""
        self._header_block()

    def page_basics(self, landscape: bool) -> None:
        """Column widths, A4, orientation, margins, page header and footer, centred."""
        for i, width in enumerate(self.widths):
            self.sheet.set_column(self.c0 + i, self.c0 + i, width)
        self.sheet.set_paper(9)
        if landscape:
            self.sheet.set_landscape()
        else:
            self.sheet.set_portrait()
        self.sheet.set_margins(
            left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_TOP
        )
        if self.table.publish and not self.title.startswith(f"{self.year}年"):
            self.sheet.set_header(
                f"&R{HEADER_FOOTER_FONT}{self.year}年{self.spec.words.disclosure}"
            )
        self.sheet.set_footer(f"&C{HEADER_FOOTER_FONT}第 &P 页，共 &N 页")
        self.sheet.center_horizontally()

    def _shade(self, shaded: bool) -> dict[str, Any]:
        return {"bg_color": SHADE} if shaded and self.style.shade_derived else {}

    # -- measuring -----------------------------------------------------------------------
    def _span(self, cols: list[int]) -> float:
        return sum(self.widths[i] for i in cols)

    def _fit_text(self, row: int, cols: list[int], text: str, fmt: Any) -> Any:
        """Wrap ``text`` when it is wider than its cell, and remember the lines it needs."""
        props = self.f.props.get(id(fmt), {})
        size, bold = props.get("font_size", BODY_SIZE), bool(props.get("bold"))
        lines = wrapped_lines(text, self._span(cols), size, bold)
        if lines > 1 or "\n" in text:
            fmt = self.f.wrapping(fmt)
        self.lines[row] = max(self.lines.get(row, 0.0), row_height(lines, size))
        return fmt

    def _widen(self, col: int, text: str, bold: bool) -> None:
        """Numbers cannot wrap: the column grows to the widest (never ``####``)."""
        needed = text_units(text, bold) + CELL_MARGIN + 0.8
        self.widths[col] = max(self.widths[col], round(needed, 1))

    def _end_row(self, kind: RowKind, height: float | None = None) -> None:
        needed = height if height is not None else self.lines.get(self.row, row_height(1))
        self.sheet.set_row(self.row, needed)
        self.print_rows.append(PrintRow(self.row, needed, kind))

    # -- blocks --------------------------------------------------------------------------
    def write(self, content: TableContent | None, first_on_sheet: bool = True) -> int:
        """Write the table; returns the row after it."""
        width = len(self.columns)
        self.parents = parent_codes(content.rows) if content is not None else set()
        end = self.layout.write_table(self, content, first_on_sheet)
        if end is not None:  # a layout that arranges the whole table (a form)
            return end
        self._title_block(width)
        header_first = self.row
        self._header_block()
        header_last = self.row - 1
        data_first = self.row
        self.layout.write(self, content)
        self._remarks(content, width)
        if first_on_sheet:
            self._setup_page(header_first, header_last, data_first)
        return self.row

    @property
    def title(self) -> str:
        with_year = self.style.title_with_year
        if with_year is None:
            with_year = self.spec.conventions.title_year == "prefix" or not self.table.publish
        return f"{self.year}年{self.table.title}" if with_year else self.table.title

    def _title_block(self, width: int) -> None:
        last = self.c0 + width - 1
        if self.table.publish:
            self.sheet.write(self.row, self.c0, self.table.label, self.f.get())
        self._end_row("title")
        self.row += 1
        fmt = self.f.get(font_name=TITLE_FONT, font_size=TITLE_SIZE, bold=True, align="center")
        fmt = self._fit_text(self.row, list(range(width)), self.title, fmt)
        self.sheet.merge_range(self.row, self.c0, self.row, last, self.title, fmt)
        self._end_row("title", max(30.0, self.lines[self.row]))
        self.row += 1
        unit_fmt = self.f.get(align="left")
        unit_text = f"编制部门：{self.unit}"
        unit_cols = list(range(width - 1)) if width > 2 else [0]
        unit_fmt = self._fit_text(self.row, unit_cols, unit_text, unit_fmt)
        if last - 1 > self.c0:  # the unit line spans all columns but the 单位 cell
            self.sheet.merge_range(self.row, self.c0, self.row, last - 1, unit_text, unit_fmt)
        else:
            self.sheet.write(self.row, self.c0, unit_text, unit_fmt)
        money_unit = f"单位：{self.table.money_unit}"
        self.sheet.write(self.row, last, money_unit, self.f.get(align="right"))
        self._widen(width - 1, money_unit, False)
        self._end_row("title")
        self.row += 1

    def _header_block(self) -> None:
        depth = max(len(c.header) for c in self.columns)
        fmt = self.f.get(bold=True, border=1, align="center", text_wrap=True)
        spans: list[tuple[int, int, int, int, str]] = []  # top, bottom, first, last, label
        for level in range(depth):
            col = 0
            while col < len(self.columns):
                path = self.columns[col].header
                if level >= len(path):
                    col += 1
                    continue
                end = col
                while (
                    end + 1 < len(self.columns)
                    and len(self.columns[end + 1].header) > level
                    and self.columns[end + 1].header[: level + 1] == path[: level + 1]
                    and level < len(path) - 1
                ):
                    end += 1
                bottom = self.row + (depth - 1 if level == len(path) - 1 else level)
                top = self.row + level
                label = self.spaced(path[level])
                spans.append((top, bottom, col, end, label))
                if (top, col) == (bottom, end):
                    self.sheet.write(top, self.c0 + col, label, fmt)
                else:
                    self.sheet.merge_range(top, self.c0 + col, bottom, self.c0 + end, label, fmt)
                col = end + 1
        for top, height in self._header_heights(spans, depth).items():
            self.sheet.set_row(top, height)
            self.print_rows.append(PrintRow(top, height, "header"))
        self.row += depth
        if self.style.star_row and any(c.number is not None for c in self.columns):
            star = self.f.get(border=1, align="center")
            for i, column in enumerate(self.columns):
                self.cell(i, column.number if column.number is not None else "※", star)
            self._end_row("header")
            self.row += 1

    def _header_heights(
        self, spans: list[tuple[int, int, int, int, str]], depth: int
    ) -> dict[int, float]:
        """Heights of the header rows, tall enough for every wrapped label: a label over
        several rows shares their height, so the last of them grows when it needs more."""
        heights = {self.row + level: row_height(1) for level in range(depth)}
        for top, bottom, first, last, label in sorted(spans, key=lambda s: s[1] - s[0]):
            lines = wrapped_lines(label, self._span(list(range(first, last + 1))), bold=True)
            needed = row_height(lines)
            have = sum(heights[r] for r in range(top, bottom + 1))
            if needed > have:
                heights[bottom] += needed - have
        return heights

    def _remarks(self, content: TableContent | None, width: int) -> None:
        remarks = list(content.remarks) if content is not None else []
        if content is None and self.table.remark:
            remarks = [self.table.remark]
        fmt = self.f.get(align="left", text_wrap=True)
        for remark in remarks:
            last = self.c0 + width - 1
            self._fit_text(self.row, list(range(width)), remark, fmt)
            self.sheet.merge_range(self.row, self.c0, self.row, last, remark, fmt)
            self._end_row("tail")
            self.row += 1

    def _setup_page(self, header_first: int, header_last: int, data_first: int) -> None:
        self.page_basics(self.table.landscape)
        self.sheet.repeat_rows(header_first, header_last)
        self.sheet.freeze_panes(data_first, 0)
        self._print_plan()

    def _print_plan(self) -> None:
        rows = self._tail_marked(self.print_rows)
        plan = plan_pages(rows, self.widths, Page(self.table.landscape), self.table.one_page)
        if plan.one_page:
            self.sheet.fit_to_pages(1, 1)
            return
        self.sheet.set_print_scale(plan.scale)
        if plan.breaks:
            self.sheet.set_h_pagebreaks(plan.breaks)

    @staticmethod
    def _tail_marked(rows: list[PrintRow]) -> list[PrintRow]:
        """Rows in sheet order; the last body row (a total at the bottom) joins the tail."""
        ordered = sorted(rows, key=lambda r: r.index)
        body = [r for r in ordered if r.kind == "body"]
        if body:
            body[-1].kind = "tail"
        return ordered
