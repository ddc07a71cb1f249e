"""The 绩效目标表 appended to the draft (``wbt narrative --forms``), as the seeds print them
after the text: per block its title, the year line, then one table — the fields area laid
out as the template lays it (``workbook_tools.layouts.form_writer``: captions merged down,
labels and values side by side) and the indicator grid with its 一级/二级指标 merged down.

``form_grids`` gives each block as a neutral grid of cells (text, column span, row span,
bold); ``add_docx`` writes them into a Word document (one page per block, 宋体 五号,
A4 portrait within the text's margins), ``markdown`` as Markdown tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from workbook_tools.io.model import Row, WorkbookData
from workbook_tools.layouts.form_writer import (
    cell_widths,
    level_runs,
    merged_down,
    printed_cells,
)
from workbook_tools.money import money
from workbook_tools.spec import TableSetSpec, TableSpec
from workbook_tools.spec.forms import FIELD_VALUE

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

TABLE_FONT = "宋体"
TABLE_SIZE = 10.5  # 五号
TITLE_SIZE = 16  # 3号


@dataclass
class Cell:
    text: str
    column: int
    span: int = 1
    rows: int = 1
    bold: bool = False


@dataclass
class FormGrid:
    """One block: its title and year line, and its table (rows of cells)."""

    title: str
    subtitle: str
    width: int
    rows: list[list[Cell]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)  # the grid's column widths (characters)


def _number(value: Decimal) -> str:
    """A weight as the seeds print it: 10, 7.5."""
    text = f"{value.normalize():f}"
    return text


def _value(row: Row | None, amount: bool) -> str:
    if row is None:
        return ""
    if amount:
        found = row.values.get(FIELD_VALUE)
        return money(found.value) if found is not None and found.value is not None else ""
    return row.texts.get(FIELD_VALUE, "")


def _block_grid(table: TableSpec, rows: list[Row], year: int) -> FormGrid:
    assert table.form is not None
    form, width = table.form, len(table.columns)
    subtitle = form.subtitle.format(year=year) if form.subtitle else ""
    grid = FormGrid(table.title, subtitle, width, widths=[c.width or 10 for c in table.columns])
    fields = {r.key: r for r in rows if r.kind == "field" and r.key}
    for i, spec_row in enumerate(form.rows):
        cells = printed_cells(spec_row)
        line, col = [], 0
        for cell, span in zip(cells, cell_widths(spec_row, cells, width), strict=True):
            if cell.kind in ("caption", "group"):
                down = merged_down(form.rows, i, cell.kind)
                if down:
                    line.append(Cell(cell.text, col, span, down, bold=True))
            elif cell.kind in ("heading", "label"):
                line.append(Cell(cell.text, col, span, bold=True))
            elif cell.spec is not None:
                text = _value(fields.get(cell.spec.key), cell.spec.role == "amount")
                line.append(Cell(text, col, span))
            col += span
        grid.rows.append(line)
    grid.rows.append([Cell(c.header[-1], n, bold=True) for n, c in enumerate(table.columns)])
    body = [r for r in rows if r.kind != "field"]
    levels = [k for k in form.levels if table.has_column(k)]
    runs = level_runs(body, levels)
    for i, row in enumerate(body):
        if row.kind == "note":
            grid.rows.append([Cell(row.name, 0, width)])
            continue
        line = []
        for n, column in enumerate(table.columns):
            span = runs.get(column.key, {}).get(i, 1)
            if span == 0:
                continue
            if column.role == "amount":
                found = row.values.get(column.key)
                value = found.value if found is not None else None
                text = _number(value) if value is not None else ""
            else:
                text = row.texts.get(column.key, "") or (row.name if row.kind == "total" else "")
            line.append(Cell(text, n, rows=span, bold=row.kind == "total"))
        grid.rows.append(line)
    return grid


def form_grids(data: WorkbookData, spec: TableSetSpec) -> list[FormGrid]:
    """Every filled block of the workbook's form tables, in the set's order."""
    from workbook_tools.rules.kinds.forms import group_blocks

    grids = []
    for table in spec.tables:
        if table.form is None or table.id not in data.tables:
            continue
        rows = data.tables[table.id].rows
        for block in group_blocks(rows):
            mine = [r for r in rows if r.block == block.number]
            grids.append(_block_grid(table, mine, data.year or spec.year))
    return grids


# -- Word ------------------------------------------------------------------------------
def add_docx(document: DocumentObject, grids: list[FormGrid]) -> None:
    """Append each block on a page of its own."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Emu, Pt

    def font(run: object, size: float, bold: bool = False) -> None:
        run.font.name = TABLE_FONT  # type: ignore[attr-defined]
        run.font.size = Pt(size)  # type: ignore[attr-defined]
        run.font.bold = bold  # type: ignore[attr-defined]
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
        fonts.set(qn("w:eastAsia"), TABLE_FONT)

    def plain(paragraph: object, size: float) -> None:
        """Off the text's 22 × 28 grid: single lines of the table's own size."""
        layout = paragraph.paragraph_format  # type: ignore[attr-defined]
        layout.line_spacing = Pt(size * 1.3)
        layout.space_before = layout.space_after = Pt(0)
        layout.first_line_indent = Pt(0)
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        paragraph._p.get_or_add_pPr().append(snap)  # type: ignore[attr-defined]

    section = document.sections[-1]
    room = section.page_width - section.left_margin - section.right_margin
    for grid in grids:
        for text, size in ((grid.title, TITLE_SIZE), (grid.subtitle, TABLE_SIZE)):
            if text:
                paragraph = document.add_paragraph()
                paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
                plain(paragraph, size)
                paragraph.paragraph_format.page_break_before = size == TITLE_SIZE
                font(paragraph.add_run(text), size, bold=size == TITLE_SIZE)
        table = document.add_table(rows=len(grid.rows), cols=grid.width)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        total = sum(grid.widths) or 1
        widths = [Emu(int(room * w / total)) for w in grid.widths]
        for n, column in enumerate(table.columns):
            column.width = widths[n]
            for cell in column.cells:
                cell.width = widths[n]
        for r, line in enumerate(grid.rows):
            for cell in line:
                target = table.cell(r, cell.column)
                last = table.cell(r + cell.rows - 1, cell.column + cell.span - 1)
                if last is not target:
                    target = target.merge(last)
                paragraph = target.paragraphs[0]
                plain(paragraph, TABLE_SIZE)
                if cell.bold:
                    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
                font(paragraph.add_run(cell.text), TABLE_SIZE, cell.bold)


# -- Markdown --------------------------------------------------------------------------
def markdown(grids: list[FormGrid]) -> str:
    """Each block as a Markdown table (merged cells written once, the rest left blank)."""
    lines: list[str] = []
    for grid in grids:
        lines += [f"## {grid.title}", ""]
        if grid.subtitle:
            lines += [grid.subtitle, ""]
        rows = [[""] * grid.width for _ in grid.rows]
        for r, line in enumerate(grid.rows):
            for cell in line:
                text = cell.text.replace("|", "｜").replace("\n", " ")
                rows[r][cell.column] = f"**{text}**" if cell.bold and text else text
        lines.append("| " + " | ".join(rows[0]) + " |")
        lines.append("|" + "---|" * grid.width)
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        lines.append("")
    return "\n".join(lines)
