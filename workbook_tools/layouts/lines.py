"""Tables of fixed labelled lines (``fixed``: 表10 三公, the supplement sheet) and tables of
one data row (``one_row``: the 2022 三公 table, whose items are columns)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbook_tools.io.model import Row
from workbook_tools.layouts.base import Layout, LineMatcher
from workbook_tools.spec.models import TableSetSpec, TableSpec

if TYPE_CHECKING:
    from workbook_tools.io.rowview import RowView
    from workbook_tools.writers.template import TableContent, TableWriter


def clean_label(text: str) -> str:
    """A label without any white space: ``"收 入 总 计"`` → ``"收入总计"``."""
    return "".join(text.split())


class LineParser:
    def __init__(self, table: TableSpec, view: RowView, panel: str | None = None) -> None:
        self.table, self.view, self.panel = table, view, panel
        self.lines = LineMatcher(table.panel_lines(panel) if panel else table.lines)
        self.label_col = view.col("label", panel)

    def line_row(self, r: int) -> Row | None:
        label = self.view.text(r, self.label_col)
        amounts = self.view.amounts(r, self.panel)
        if not label and not amounts:
            return None
        row = Row("unknown", label.strip(), panel=self.panel, values=amounts, sheet_row=r)  # type: ignore[arg-type]
        row.label_cell = self.view.cell(r, self.label_col)
        line = self.lines.match(label)
        if line is not None:
            row.kind = "total" if line.level == 0 and self.panel is None else "line"
            row.key, row.name = line.key, clean_label(label)
        return row

    def rows(self, r: int) -> list[Row]:
        row = self.line_row(r)
        return [row] if row is not None else []


class FixedLines(Layout):
    name = "fixed"
    required_roles = (("label", None),)
    has_lines = True
    unrecognised = "不是本表的固定行"

    def problems(self, table: TableSpec) -> list[tuple[str, str]]:
        found = super().problems(table)
        if not table.lines:
            found.append(("lines", f"布局 {self.name} 需要 lines（固定行）"))
        return found

    def parser(self, table: TableSpec, spec: TableSetSpec, view: RowView) -> LineParser:
        return LineParser(table, view)

    def derived_row(self, table: TableSpec, row: Row, parents: set[str]) -> bool:
        line = table.line(row.key) if row.key else None
        return bool(line is not None and line.derived)

    def write(self, writer: TableWriter, content: TableContent | None) -> None:
        by_key = {r.key: r for r in (content.rows if content else []) if r.key}
        for line in writer.table.lines:
            row = by_key.get(line.key, Row("line", line.label, key=line.key))
            bold = self.line_emphasis(line, writer.spec.conventions.emphasis)
            label_fmt = writer.fmt(border=1, bold=bold, indent=2 if line.level == 3 else 0)
            for i, column in enumerate(writer.columns):
                if column.role == "amount":
                    writer.amount(i, row, column.key, bold)
                elif column.role == "text":
                    text_fmt = writer.fmt(border=1, locked=False, text_wrap=True)
                    writer.cell(i, row.texts.get(column.key, ""), text_fmt)
                else:
                    writer.cell(i, writer.spaced(line.label), label_fmt)
            writer.next_row()


class OneRowParser:
    def __init__(self, table: TableSpec, view: RowView) -> None:
        self.table, self.view = table, view
        self.seen = False

    def rows(self, r: int) -> list[Row]:
        amounts = self.view.amounts(r)
        if not amounts:
            return []
        kind, name = ("unknown", "多余的数据行") if self.seen else ("total", self.table.total_label)
        self.seen = True
        row = Row(kind, name, values=amounts, sheet_row=r)  # type: ignore[arg-type]
        row.label_cell = next(iter(amounts.values())).cell
        return [row]


class OneRow(Layout):
    """One row of amounts under the header; the columns are the items (2022 三公)."""

    name = "one_row"
    unrecognised = "本表只应有一行数据"

    def parser(self, table: TableSpec, spec: TableSetSpec, view: RowView) -> OneRowParser:
        return OneRowParser(table, view)

    def write(self, writer: TableWriter, content: TableContent | None) -> None:
        rows = [r for r in (content.rows if content else []) if r.kind == "total"]
        row = rows[0] if rows else Row("total", writer.table.total_label)
        for i, column in enumerate(writer.columns):
            if column.role == "amount":
                writer.amount(i, row, column.key, False)
            else:
                writer.cell(i, "", writer.fmt(border=1))
        writer.next_row()
