"""Lanes of codes side by side (``lanes``: the 决算 一般公共预算财政拨款基本支出决算表).

The table is printed as two lanes, each a code column, a name column and one amount
column: 301 工资福利支出 and 303 对个人和家庭的补助 with their 款 on the left, 302 商品和服务
支出 and 310 资本性支出 on the right, and under each lane its 合计 line (人员经费合计,
公用经费合计). The columns of a lane carry ``panel: left`` or ``panel: right``; the lines
(``lines``) carry their lane too, and a line with a ``code`` is a code row of the blank
template. Rows of both lanes are read as one table of code rows: their amounts are under
the first lane's column keys (``amount``), whichever lane they stand in, so relations name
``t6!code=30217:amount`` without knowing the lane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbook_tools.codes import code_level, joined_code, split_code_and_name
from workbook_tools.io.grid import column_letter
from workbook_tools.io.model import Row
from workbook_tools.layouts.base import Layout, LineMatcher, Problem
from workbook_tools.spec.models import LineSpec, TableSetSpec, TableSpec

if TYPE_CHECKING:
    from workbook_tools.io.rowview import RowView
    from workbook_tools.writers.template import TableContent, TableWriter

LANES = ("left", "right")
ROLES = ("code", "name", "amount")


def lane_keys(table: TableSpec, panel: str) -> dict[str, str]:
    """Role → column key of one lane (``{"code": "code_r", "name": "name_r", …}``)."""
    found = {}
    for role in ROLES:
        column = table.role_column(role, panel)
        if column is not None:
            found[role] = column.key
    return found


class LaneReader:
    """One lane of a sheet row: a code row, a 合计 line, or nothing."""

    def __init__(self, table: TableSpec, view: RowView, panel: str) -> None:
        self.view, self.panel = view, panel
        own, first = lane_keys(table, panel), lane_keys(table, LANES[0])
        self.code_col = view.col("code", panel)
        self.name_col = view.col("name", panel)
        self.amount_key, self.logical = own.get("amount", ""), first.get("amount", "")
        found = {key: view.header.columns.get(key) for key in own.values()}
        self.columns = {
            first[role]: column_letter(col)
            for role, key in own.items()
            if (col := found[key]) is not None
        }
        lines = table.panel_lines(panel)
        self.codes = {line.code: line for line in lines if line.code}
        self.lines = LineMatcher([line for line in lines if not line.code])

    def row(self, r: int) -> Row | None:
        code_text = self.view.text(r, self.code_col)
        name = self.view.text(r, self.name_col)
        found = self.view.amounts(r, self.panel).get(self.amount_key)
        amounts = {self.logical: found} if found is not None else {}
        if not code_text and not name and not amounts:
            return None
        code, name = self._code(code_text, name)
        row = Row("unknown", name, code, panel=self.panel, values=amounts, sheet_row=r)  # type: ignore[arg-type]
        row.label_cell = self.view.cell(r, self.code_col if code_text else self.name_col)
        row.columns = dict(self.columns)
        if code is not None:
            row.kind = code_level(code)  # type: ignore[assignment]
            line = self.codes.get(code)
            row.key = line.key if line is not None else None
            return row
        line = self.lines.match(name or code_text)
        if line is not None:
            row.kind, row.key, row.name = "line", line.key, "".join((name or code_text).split())
        return row

    def _code(self, code_text: str, name: str) -> tuple[str | None, str]:
        code = joined_code(code_text) if code_text else None
        if code is not None:
            return code, name
        code, rest = split_code_and_name(code_text + name)  # "30207邮电费" in one cell
        return (code, rest) if code is not None and len(code) <= 5 else (None, name)


class LaneParser:
    def __init__(self, table: TableSpec, view: RowView) -> None:
        self.lanes = [LaneReader(table, view, panel) for panel in LANES]

    def rows(self, r: int) -> list[Row]:
        return [row for lane in self.lanes if (row := lane.row(r)) is not None]


class Lanes(Layout):
    name = "lanes"
    required_roles = tuple((role, panel) for panel in LANES for role in ROLES)
    unrecognised = "没有科目编码，也不是本栏的合计行"

    def problems(self, table: TableSpec) -> list[Problem]:
        found = super().problems(table)
        if table.code_scheme is None:
            found.append(
                ("code_scheme", f"布局 {self.name} 需要 code_scheme（function 或 economic）")
            )
        for line in table.lines:
            if line.panel is None:
                found.append(
                    (
                        f"lines.[{line.key}].panel",
                        "布局 lanes 的每一行都要写明 panel: left 或 right",
                    )
                )
            if line.code is not None and not (line.code.isdigit() and len(line.code) in (3, 5, 7)):
                found.append((f"lines.[{line.key}].code", "科目编码应为 3、5 或 7 位数字"))
        return found

    def parser(self, table: TableSpec, spec: TableSetSpec, view: RowView) -> LaneParser:
        return LaneParser(table, view)

    def derived_row(self, table: TableSpec, row: Row, parents: set[str]) -> bool:
        line = table.line(row.key) if row.key else None
        if line is not None and line.derived:
            return True
        return bool(row.code and row.code in parents)

    # -- writing -------------------------------------------------------------------------
    def write(self, writer: TableWriter, content: TableContent | None) -> None:
        table = writer.table
        rows = list(content.rows) if content else []
        lanes = [self._lane(table, panel, rows) for panel in LANES]
        totals = [[line for line in table.panel_lines(p) if not line.code] for p in LANES]
        for i in range(max(len(lane) for lane in lanes)):
            for panel, lane in zip(LANES, lanes, strict=True):
                self._cells(writer, panel, lane[i] if i < len(lane) else None)
            writer.next_row()
        keyed = {r.key: r for r in rows if r.key}
        for i in range(max(len(t) for t in totals)):
            for panel, lines in zip(LANES, totals, strict=True):
                line = lines[i] if i < len(lines) else None
                row = None
                if line is not None:
                    row = keyed.get(line.key) or Row("line", line.label, key=line.key, panel=panel)  # type: ignore[arg-type]
                self._cells(writer, panel, row, line)
            writer.next_row()

    def _lane(self, table: TableSpec, panel: str, rows: list[Row]) -> list[Row]:
        """The code rows of one lane: its declared codes, and the rows read for it."""
        declared = [line for line in table.panel_lines(panel) if line.code]
        by_code = {r.code: r for r in rows if r.code and r.kind in ("lei", "kuan", "xiang")}
        lane = [by_code.get(line.code) or _blank(line, panel) for line in declared]
        known = {line.code for line in declared}
        for code, row in by_code.items():
            if code not in known and self._belongs(table, panel, code, row):
                lane.append(row)
        return sorted(lane, key=lambda r: r.code or "")

    @staticmethod
    def _belongs(table: TableSpec, panel: str, code: str, row: Row) -> bool:
        """A code the spec does not list goes to the lane of its class, else to its own."""
        lanes = {
            p: {str(line.code)[:3] for line in table.panel_lines(p) if line.code} for p in LANES
        }
        owner = next((p for p, found in lanes.items() if code[:3] in found), None)
        return owner == panel if owner is not None else (row.panel or LANES[-1]) == panel

    def _cells(
        self, writer: TableWriter, panel: str, row: Row | None, line: LineSpec | None = None
    ) -> None:
        bold = False
        if line is not None:
            bold = self.line_emphasis(line, writer.spec.conventions.emphasis)
        elif row is not None:
            bold = writer.emphasis(row)
        keys = lane_keys(writer.table, LANES[0])
        text = writer.fmt(border=1, bold=bold, locked=False)
        for i, column in enumerate(writer.columns):
            if column.panel != panel:
                continue
            if row is None:
                blank = column.role == "amount"
                writer.cell(i, "", writer.fmt(border=1, locked=not blank))
            elif column.role == "amount":
                writer.amount(i, row, keys["amount"], bold)
            elif column.role == "code":
                writer.cell(i, "" if line is not None else row.code or "", text)
            elif column.role == "name":
                label = line.label if line is not None else row.name
                writer.cell(i, writer.spaced(label) if line is not None else label, text)


def _blank(line: LineSpec, panel: str) -> Row:
    code = str(line.code)
    return Row(code_level(code), line.label, code, key=line.key, panel=panel)  # type: ignore[arg-type]
