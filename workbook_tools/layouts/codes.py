"""Tables whose rows are classification codes (``code``) or projects under codes (``project``).

Codes may be typed in three columns 类/款/项, in one column, or in front of the name
(``201 一般公共服务支出``); a 款 typed as the number 3 is ``03``. A project table lists
projects under their code rows and under 单位 rows (the unit's name where a code would be).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbook_tools.codes import code_level, code_part, joined_code, split_code_and_name
from workbook_tools.io.labels import norm
from workbook_tools.io.model import Row
from workbook_tools.layouts.base import Layout, Problem, total_names
from workbook_tools.spec.models import TableSetSpec, TableSpec

if TYPE_CHECKING:
    from workbook_tools.io.rowview import RowView
    from workbook_tools.writers.template import TableContent, TableWriter

CODE_KINDS = ("lei", "kuan", "xiang")


def parent_codes(rows: list[Row]) -> set[str]:
    """The codes that have a child row in ``rows`` (a 类 with 款, a 款 with 项)."""
    codes = {r.code for r in rows if r.kind in CODE_KINDS and r.code}
    return {code[:length] for code in codes for length in (3, 5) if len(code) > length} & codes


class CodeParser:
    def __init__(self, layout: CodeRows, table: TableSpec, view: RowView) -> None:
        self.layout, self.table, self.view = layout, table, view
        self.totals = total_names(table)
        self.last_code = ""
        self.name_col = view.col("name")
        self.project_col = view.col("project")
        self.parts = [view.col(role) for role in CODE_KINDS]

    def code(self, r: int) -> tuple[str | None, str]:
        view = self.view
        name = view.text(r, self.name_col)
        lei_col, kuan_col, xiang_col = self.parts
        if lei_col is not None:
            lei = code_part(view.value(r, lei_col), 3)
            kuan = code_part(view.value(r, kuan_col), 2)
            xiang = code_part(view.value(r, xiang_col), 2)
            if lei is None and kuan is not None and self.last_code:
                lei = self.last_code[:3]
            if kuan is None and xiang is not None and len(self.last_code) >= 5:
                lei, kuan = self.last_code[:3], self.last_code[3:5]
            if lei is None:
                return None, name
            return lei + (kuan or "") + (xiang if kuan and xiang else ""), name
        code_col = view.col("code") or view.header.code_column
        if code_col is not None:
            code = joined_code(view.value(r, code_col))
            if code is not None:
                return code, name
        if self.table.code_scheme is not None:
            code, rest = split_code_and_name(name)
            if code is not None:
                return code, rest
        return None, name

    def rows(self, r: int) -> list[Row]:
        code, name = self.code(r)
        project = self.view.text(r, self.project_col) if self.project_col is not None else None
        amounts = self.view.amounts(r)
        row = Row("unknown", name, code, project or None, values=amounts, sheet_row=r)
        label_col = self.name_col if self.name_col is not None else self.project_col
        row.label_cell = self.view.cell(r, label_col)
        if project and self.layout.lists_projects and norm(project) not in self.totals:
            row.kind = "project"
        elif code is not None:
            row.kind = code_level(code)  # type: ignore[assignment]
        elif texts := {norm(t) for t in [name, project or "", *self.view.code_cells(r)]} & (
            self.totals
        ):
            row.kind, row.name, row.project = "total", next(iter(texts)), None
        elif not name and not project and not amounts:
            return []
        elif name and self.layout.lists_projects:
            row.kind = "unit"
        if code is not None:
            self.last_code = code
        return [row]


class CodeRows(Layout):
    name = "code"
    required_roles = (("name", None),)
    has_codes = True
    total_in_template = True
    unrecognised = "没有科目编码"

    def problems(self, table: TableSpec) -> list[Problem]:
        found = super().problems(table)
        if table.code_scheme is None:
            found.append(
                ("code_scheme", f"布局 {self.name} 需要 code_scheme（function 或 economic）")
            )
        return found

    def parser(self, table: TableSpec, spec: TableSetSpec, view: RowView) -> CodeParser:
        return CodeParser(self, table, view)

    def derived_row(self, table: TableSpec, row: Row, parents: set[str]) -> bool:
        if not table.publish:
            return False
        return row.kind == "total" or bool(row.code and row.code in parents)

    # -- writing -------------------------------------------------------------------------
    def write(self, writer: TableWriter, content: TableContent | None) -> None:
        if content is None:
            totals = [Row("total", writer.table.total_label)] if writer.table.publish else []
            rows = totals + [Row("unknown")] * writer.table.blank_rows
        else:
            rows = list(content.rows)
        totals = [r for r in rows if r.kind == "total"]
        others = [r for r in rows if r.kind != "total"]
        rows = totals + others if writer.total_first else others + totals
        for i, row in enumerate(rows):
            if writer.style.split_after and i == writer.style.split_after:
                writer.repeat_header()
            self._write_row(writer, row)

    def _write_row(self, writer: TableWriter, row: Row) -> None:
        bold = writer.emphasis(row)
        text = writer.fmt(border=1, bold=bold, locked=False)
        code = row.code or ""
        for i, column in enumerate(writer.columns):
            role = column.role
            if role == "amount":
                writer.amount(i, row, column.key, bold)
            elif role in CODE_KINDS:
                start, width = {"lei": (0, 3), "kuan": (3, 2), "xiang": (5, 2)}[role]
                writer.code_part(i, code[start : start + width], text)
            elif role == "code":
                writer.cell(i, code, text)
            elif role == "text":
                writer.cell(
                    i,
                    row.texts.get(column.key, ""),
                    writer.fmt(border=1, locked=False, text_wrap=True),
                )
            elif role == "name":
                writer.cell(i, self._name(writer, row, code), text)
            elif role == "project":
                wrap = writer.fmt(border=1, bold=bold, locked=False, text_wrap=True)
                writer.cell(i, self._project(writer, row), wrap)
        writer.next_row()

    def _name(self, writer: TableWriter, row: Row, code: str) -> str:
        name = row.name
        if code and (writer.style.code_style == "in_name" or not writer.has_codes):
            name = f"{code} {name}"
        return writer.spaced(name) if row.kind == "total" else name

    def _project(self, writer: TableWriter, row: Row) -> Any:
        if row.kind == "total" and not writer.has_role("name"):
            return writer.spaced(row.name)
        return row.project or ""


class ProjectRows(CodeRows):
    """Projects listed under their code rows (and 单位 rows); code rows sum their projects."""

    name = "project"
    required_roles = (("project", None),)
    lists_projects = True

    def problems(self, table: TableSpec) -> list[Problem]:
        return Layout.problems(self, table)

    def derived_row(self, table: TableSpec, row: Row, parents: set[str]) -> bool:
        if not table.publish:
            return False
        return row.kind in ("total", "unit", *CODE_KINDS)
