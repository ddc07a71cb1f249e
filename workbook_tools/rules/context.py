"""What the rules see: the typed tables with lookups, terms and Chinese descriptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from workbook_tools.io.model import Row, Table, WorkbookData
from workbook_tools.money import money
from workbook_tools.rules.findings import CellRef, Finding, Severity
from workbook_tools.rules.tolerance import Verdict, tolerance
from workbook_tools.spec import TableSetSpec, TableSpec

CODE_KINDS = ("lei", "kuan", "xiang")


@dataclass(frozen=True)
class Term:
    """One published figure taking part in a relation."""

    value: Decimal
    ref: CellRef | None  # None when the row or column does not exist
    table: str
    published: bool = False  # the cell holds a figure (a blank cell is an exact zero)
    row: Row | None = field(default=None, compare=False, repr=False)
    column: str = ""


def show_code(code: str) -> str:
    """``"2010301"`` → ``"201 03 01"``."""
    return " ".join(code[i : i + n] for i, n in ((0, 3), (3, 2), (5, 2)) if code[i : i + n])


class Context:
    def __init__(self, data: WorkbookData, spec: TableSetSpec) -> None:
        self.data, self.spec = data, spec
        self._codes: dict[str, dict[str, Row]] = {}
        self._specs = {t.id: t for t in spec.tables}

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
        return next((r for r in self.table(table_id).rows if r.kind == "total"), None)

    def line_row(self, table_id: str, key: str) -> Row | None:
        return next((r for r in self.table(table_id).rows if r.key == key), None)

    def term(self, table_id: str, row: Row | None, column: str) -> Term:
        if row is None:
            return Term(Decimal(0), None, table_id, column=column)
        cell = row.cell(column)
        ref = CellRef(row.sheet or self.table(table_id).sheet, cell) if cell else None
        amount = row.values.get(column)
        published = amount is not None and amount.value is not None
        return Term(row.amount(column), ref, table_id, published, row, column)

    # -- words ---------------------------------------------------------------------------
    def column_name(self, table_id: str, column: str) -> str:
        return self.table_spec(table_id).column(column).label

    def row_name(self, row: Row) -> str:
        if row.kind == "total":
            return f"「{row.name or '合计'}」行"
        if row.kind in CODE_KINDS and row.code:
            return f"「{show_code(row.code)} {row.name}」行".replace(" 」", "」")
        if row.kind == "line":
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
