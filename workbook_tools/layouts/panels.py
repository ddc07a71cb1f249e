"""Two-panel tables (``two_panel``: 表1, 表4): fixed income lines on the left, the year's
function classes and the expenditure total on the right, side by side on the same rows.

A class on the right is recognised by its code (``201 一般公共服务支出``) or, in a table
that lists the classes (``class_list``), by its name as the set's ``function_classes`` give
it, with or without an ordinal (``一、一般公共服务支出``); fixed lines declared on the right
(``panel: right``, such as 结余分配) are recognised by their labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from workbook_tools.codes import code_level, split_code_and_name
from workbook_tools.io.labels import norm_line
from workbook_tools.io.model import Row
from workbook_tools.layouts.base import Layout, LineMatcher, Problem, total_names
from workbook_tools.layouts.lines import LineParser, clean_label
from workbook_tools.spec.models import CodeName, TableSetSpec, TableSpec

if TYPE_CHECKING:
    from workbook_tools.io.rowview import RowView
    from workbook_tools.writers.template import TableContent, TableWriter


class PanelParser:
    def __init__(self, table: TableSpec, view: RowView, classes: Sequence[CodeName] = ()) -> None:
        self.table, self.view = table, view
        self.left = LineParser(table, view, "left")
        self.right_col = view.col("label", "right")
        self.right_lines = LineMatcher(table.panel_lines("right"))
        listed = classes if table.class_list else []
        self.classes = {norm_line(c.name): c for c in listed}
        names = total_names(table)
        if table.right_total is not None:
            total = table.right_total
            names |= {norm_line(total.label), *(norm_line(a) for a in total.aliases)}
        self.total_names = names

    def rows(self, r: int) -> list[Row]:
        rows = self.left.rows(r)
        label = self.view.text(r, self.right_col)
        amounts = self.view.amounts(r, "right")
        if label or amounts:
            rows.append(self._right_row(r, label, amounts))
        return rows

    def _right_row(self, r: int, label: str, amounts: dict) -> Row:
        code, name = split_code_and_name(label)
        named = self.classes.get(norm_line(label)) if code is None else None
        if named is not None:
            code, name = named.code, named.name
        row = Row("unknown", name, code, panel="right", values=amounts, sheet_row=r)
        row.label_cell = self.view.cell(r, self.right_col)
        line = self.right_lines.match(label) if code is None else None
        if code is not None:
            row.kind = code_level(code)  # type: ignore[assignment]
        elif line is not None:
            row.kind, row.key, row.name = "line", line.key, clean_label(label)
        elif norm_line(label) in self.total_names:
            row.kind, row.name = "total", clean_label(label)
            row.key = self.table.right_total.key if self.table.right_total else None
        return row


class TwoPanel(Layout):
    name = "two_panel"
    required_roles = (("label", "left"), ("label", "right"))
    has_lines = True
    unrecognised = "不是本表的固定行"

    def problems(self, table: TableSpec) -> list[Problem]:
        found = super().problems(table)
        if not table.lines:
            found.append(("lines", f"布局 {self.name} 需要 lines（左栏固定行）"))
        panels = {c.panel for c in table.amount_columns}
        if panels != {"left", "right"}:
            found.append(("columns", f"布局 {self.name} 的金额栏需分为 panel: left 和 right"))
        return found

    def parser(self, table: TableSpec, spec: TableSetSpec, view: RowView) -> PanelParser:
        return PanelParser(table, view, spec.function_classes)

    def derived_row(self, table: TableSpec, row: Row, parents: set[str]) -> bool:
        line = table.line(row.key) if row.key else None
        return bool(line is not None and line.derived)

    def write(self, writer: TableWriter, content: TableContent | None) -> None:
        table, rows = writer.table, (content.rows if content else [])
        lines = {r.key: r for r in rows if r.panel == "left" and r.key}
        right = {r.code: r for r in rows if r.panel == "right" and r.code}
        right_total = next((r for r in rows if r.panel == "right" and r.kind == "total"), None)
        left = table.panel_lines("left")
        body = [line for line in left if line.level > 0]
        total_line = next((line for line in left if line.level == 0), None)
        rule = writer.spec.conventions.emphasis
        classes = [(c.code, c.name) for c in writer.spec.function_classes]
        classes += [(code, r.name) for code, r in right.items() if code not in dict(classes)]
        for i in range(max(len(body), len(classes))):
            if i < len(body):
                line = body[i]
                row = lines.get(line.key, Row("line", line.label, key=line.key))
                self._cells(writer, "left", line.label, row, self.line_emphasis(line, rule))
            else:
                self._cells(writer, "left", "", Row("line"), False)
            if i < len(classes):
                code, name = classes[i]
                row = right.get(code, Row("lei", name, code=code))
                self._cells(writer, "right", f"{code} {name}", row, False)
            else:
                self._cells(writer, "right", "", Row("line"), False)
            writer.next_row()
        if total_line is not None:
            row = lines.get(total_line.key, Row("line", total_line.label, key=total_line.key))
            self._cells(writer, "left", writer.spaced(total_line.label), row, True)
        if table.right_total is not None:
            total = table.right_total
            row = right_total or Row("total", total.label, key=total.key)
            self._cells(writer, "right", writer.spaced(total.label), row, True)
        writer.next_row()

    def _cells(self, writer: TableWriter, panel: str, label: str, row: Row, bold: bool) -> None:
        for i, column in enumerate(writer.columns):
            if column.panel != panel:
                continue
            if column.role == "amount":
                writer.amount(i, row, column.key, bold)
            else:
                writer.cell(i, label, writer.fmt(border=1, bold=bold))
