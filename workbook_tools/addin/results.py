"""The findings sheet 校验结果 in the open workbook: the rows of
``writers.marks.results_layout`` written in one block, then formatted per group of cells
with the same format. Links are ``HYPERLINK`` formulas (one block write keeps them)."""

from __future__ import annotations

from workbook_tools.addin.colors import hex_rgb
from workbook_tools.addin.paint import ranges
from workbook_tools.addin.xl import XlBook, XlSheet
from workbook_tools.io.grid import Pos, column_letter
from workbook_tools.writers.marks.results_layout import CellFormat, OutCell, ResultsSheet, free_name


def _link_formula(cell: OutCell) -> str:
    assert cell.link is not None
    target = cell.link.location.replace('"', '""')
    label = cell.link.label.replace('"', '""')
    return f'=HYPERLINK("#{target}","{label}")'


def _value(cell: OutCell | None) -> object:
    if cell is None:
        return None
    return _link_formula(cell) if cell.link is not None else cell.value


def block(layout: ResultsSheet) -> list[list[object]]:
    """The sheet as one rectangle of values, from A1."""
    width = layout.width
    return [[_value(c) for c in row] + [None] * (width - len(row)) for row in layout.rows]


def write_results(book: XlBook, sheets: dict[str, XlSheet], layout: ResultsSheet) -> XlSheet:
    """Insert the findings sheet before all ``sheets``; returns it."""
    name = free_name(set(sheets))
    sheet = book.sheets.add(name, before=next(iter(sheets.values())))
    rows = block(layout)
    sheet.range(f"A1:{column_letter(layout.width)}{len(rows)}").value = rows
    _widths(sheet, layout)
    groups: dict[CellFormat, list[Pos]] = {}
    for r, row in enumerate(layout.rows, start=1):
        for c, cell in enumerate(row, start=1):
            if cell is not None and cell.fmt is not None:
                groups.setdefault(cell.fmt, []).append((r, c))
    for fmt, cells in groups.items():
        for rng in ranges(sheet, cells):
            paint_format(rng, fmt)
    for choice in layout.choices:
        add_choice(sheet.range(choice.ref), choice.options)
    return sheet


XL_VALIDATE_LIST, XL_VALID_ALERT_STOP, XL_BETWEEN = 3, 1, 1


def add_choice(rng: object, options: tuple[str, ...]) -> None:
    """A drop-down list on ``rng`` (the 状态 column: 未说明 / 已说明)."""
    validation = rng.api.Validation  # type: ignore[attr-defined]
    validation.Delete()
    validation.Add(XL_VALIDATE_LIST, XL_VALID_ALERT_STOP, XL_BETWEEN, ",".join(options))


def _widths(sheet: XlSheet, layout: ResultsSheet) -> None:
    by_width: dict[float, list[str]] = {}
    for col, width in enumerate(layout.widths, start=1):
        by_width.setdefault(width, []).append(f"{column_letter(col)}:{column_letter(col)}")
    for width, columns in by_width.items():
        sheet.range(",".join(columns)).column_width = width


def paint_format(rng: object, fmt: CellFormat) -> None:
    """The parts of ``fmt`` Excel's object model sets through xlwings (borders and
    alignment other than wrapping are left to Excel's defaults)."""
    if fmt.bold or fmt.size or fmt.font_name or fmt.font_rgb:
        font = rng.font  # type: ignore[attr-defined]
        if fmt.bold:
            font.bold = True
        if fmt.size:
            font.size = fmt.size
        if fmt.font_name:
            font.name = fmt.font_name
        if fmt.font_rgb:
            font.color = hex_rgb(fmt.font_rgb)
    if fmt.fill_rgb:
        rng.color = hex_rgb(fmt.fill_rgb)  # type: ignore[attr-defined]
    if fmt.number_format:
        rng.number_format = fmt.number_format  # type: ignore[attr-defined]
    if fmt.wrap:
        rng.wrap_text = True  # type: ignore[attr-defined]
