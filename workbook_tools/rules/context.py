"""What the rules see: the typed tables with lookups, terms and Chinese descriptions."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from workbook_tools.io.model import Row, Table, WorkbookData
from workbook_tools.money import money
from workbook_tools.rules.findings import CellRef, Finding, Severity
from workbook_tools.rules.tolerance import Verdict, tolerance
from workbook_tools.spec import TableSetSpec, TableSpec

CODE_KINDS = ("lei", "kuan", "xiang")


class Term(NamedTuple):
    """One figure taking part in a relation (a tuple: built for every cell of a check)."""

    value: Decimal
    ref: CellRef | None  # None when the row or column does not exist
    table: str
    published: bool = False  # the cell holds a figure (a blank cell is an exact zero)
    row: Row | None = None
    column: str = ""


ZERO = Decimal(0)


def _term(row: Row, column: str, table_id: str, sheet: str) -> Term:
    amount = row.values.get(column)
    if amount is not None:
        value = amount.value
        ref = CellRef(row.sheet or sheet, amount.cell) if amount.cell else None
        return Term(ZERO if value is None else value, ref, table_id, value is not None, row, column)
    cell = row.cell(column)
    ref = CellRef(row.sheet or sheet, cell) if cell else None
    return Term(ZERO, ref, table_id, False, row, column)


def show_code(code: str) -> str:
    """``"2010301"`` → ``"201 03 01"``."""
    return " ".join(code[i : i + n] for i, n in ((0, 3), (3, 2), (5, 2)) if code[i : i + n])


class Context:
    def __init__(self, data: WorkbookData, spec: TableSetSpec) -> None:
        self.data, self.spec = data, spec
        self._codes: dict[str, dict[str, Row]] = {}
        self._specs = {t.id: t for t in spec.tables}
        self._terms: dict[tuple[int, str], Term] = {}
        self._totals: dict[str, Row | None] = {}
        self._lines: dict[str, dict[str, Row]] = {}

    def table(self, table_id: str) -> Table:
        return self.data.tables[table_id]

    def table_spec(self, table_id: str) -> TableSpec:
        return self._specs[table_id]

    # -- lookups -------------------------------------------------------------------------
    def code_rows(self, table_id: str) -> dict[str, Row]:
        """Code rows (not projects) by code; the first of duplicates wins."""
        if table_id not in self._codes:
            rows: dict[str, Row] = {}
            for row in self.table(table_id).rows:
                if row.kind in CODE_KINDS and row.code and row.code not in rows:
                    rows[row.code] = row
            self._codes[table_id] = rows
        return self._codes[table_id]

    def total_row(self, table_id: str) -> Row | None:
        if table_id not in self._totals:
            self._totals[table_id] = self.table(table_id).total_row()
        return self._totals[table_id]

    def line_row(self, table_id: str, key: str) -> Row | None:
        lines = self._lines.get(table_id)
        if lines is None:
            lines = self._lines[table_id] = {}
            for row in self.table(table_id).rows:
                if row.key is not None:
                    lines.setdefault(row.key, row)
        return lines.get(key)

    def term(self, table_id: str, row: Row | None, column: str) -> Term:
        """The cell ``column`` of ``row`` as a term (one per cell, shared by its relations)."""
        if row is None:
            return Term(ZERO, None, table_id, column=column)
        key = (id(row), column)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = _term(row, column, table_id, self.table(table_id).sheet)
        return found

    # -- words ---------------------------------------------------------------------------
    def column_name(self, table_id: str, column: str) -> str:
        return self.table_spec(table_id).column(column).title

    def row_name(self, row: Row) -> str:
        if row.kind == "total":
            return f"「{row.name or '合计'}」行"
        if row.kind in CODE_KINDS and row.code:
            return f"「{show_code(row.code)} {row.name}」行".replace(" 」", "」")
        if row.kind in ("line", "field", "indicator"):
            return f"「{row.name}」行"
        if row.kind == "project":
            return f"项目「{row.project}」行"
        if row.kind == "unit":
            return f"单位「{row.name}」行"
        return f"第 {row.sheet_row} 行"

    def where(self, table_id: str, row: Row | None, column: str) -> str:
        label = self.table_spec(table_id).label
        row_text = self.row_name(row) if row is not None else "（无此行）"
        return f"{label}{row_text}「{self.column_name(table_id, column)}」栏"

    # -- findings ------------------------------------------------------------------------
    def finding(
        self,
        rule: str,
        severity: Severity,
        message: str,
        left: list[Term],
        right: list[Term],
        *,
        expected: Decimal | str | None = None,
        actual: Decimal | str | None = None,
        difference: Decimal | None = None,
    ) -> Finding | None:
        anchor = next((t for t in [*left, *right] if t.ref is not None), None)
        if anchor is None or anchor.ref is None:
            return None
        cells = list(dict.fromkeys(t.ref for t in [*left, *right] if t.ref is not None))
        return Finding(
            rule=rule,
            severity=severity,
            table=anchor.table,
            sheet=anchor.ref.sheet,
            cell=anchor.ref.cell,
            message=message,
            cells=cells,
            expected=expected,
            actual=actual,
            difference=difference,
        )


def verdict_text(verdict: Verdict, difference: Decimal, terms: int) -> str:
    if verdict == "tail":
        limit = format(tolerance(terms).normalize(), "f")
        return f"相差 {money(difference)}，属于 {terms} 个数四舍五入的尾差（允许 ±{limit}）"
    return f"相差 {money(difference)}"
