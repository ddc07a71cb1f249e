"""The cells of one located table, by spec column: what a layout reads its rows from."""

from __future__ import annotations

from decimal import Decimal

from workbook_tools.io.grid import Grid, cell_name, column_letter
from workbook_tools.io.locate import Header
from workbook_tools.io.model import Amount
from workbook_tools.money import NotAnAmount, parse_amount
from workbook_tools.spec.models import TableSpec

CODE_ROLES = ("lei", "kuan", "xiang")


class RowView:
    """Texts and amounts of a table's rows, found through its header mapping."""

    def __init__(self, table: TableSpec, grid: Grid, header: Header, scale: Decimal) -> None:
        self.table, self.grid, self.header, self.scale = table, grid, header, scale
        self.columns = header.columns  # column key → grid column
        self._amount_columns = [
            (column, header.columns[column.key], column_letter(header.columns[column.key]))
            for column in table.amount_columns
            if column.key in header.columns
        ]

    def col(self, role: str, panel: str | None = None) -> int | None:
        """The grid column of the table's first column of ``role``."""
        column = self.table.role_column(role, panel)
        return None if column is None else self.columns.get(column.key)

    def key(self, role: str, panel: str | None = None) -> str | None:
        column = self.table.role_column(role, panel)
        return None if column is None else column.key

    def value(self, r: int, col: int | None) -> object:
        return None if col is None else self.grid.value(r, col)

    def text(self, r: int, col: int | None) -> str:
        value = self.value(r, col)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def role_text(self, r: int, role: str, panel: str | None = None) -> str:
        return self.text(r, self.col(role, panel))

    def cell(self, r: int, col: int | None, fallback: int = 1) -> str:
        return cell_name(r, col if col is not None else fallback)

    def texts(self, r: int) -> dict[str, str]:
        """The text columns (说明、原因) of row ``r`` that are filled."""
        found = {}
        for column in self.table.columns:
            if column.role == "text" and column.key in self.columns:
                text = self.text(r, self.columns[column.key])
                if text:
                    found[column.key] = text
        return found

    def amounts(self, r: int, panel: str | None = None) -> dict[str, Amount]:
        found = {}
        cells = self.grid.row_cells(r)
        if not cells and not self.grid.formulas_without_value:
            return found  # an empty row (most cells of most rows are blank)
        for column, col, letter in self._amount_columns:
            if panel is not None and column.panel != panel:
                continue
            if col not in cells and not self.grid.formulas_without_value:
                continue
            amount = self._amount(r, col, letter)
            if amount is not None:
                found[column.key] = amount
        return found

    def amount_at(self, r: int, col: int) -> Amount:
        """The amount in any cell of the table's region (a form's field); blank: no value."""
        found = self._amount(r, col, column_letter(col))
        return found if found is not None else Amount(None, cell_name(r, col))

    def _amount(self, r: int, col: int, letter: str) -> Amount | None:
        raw = self.grid.value(r, col)
        formulas = self.grid.formulas_without_value
        if raw is None and not formulas:
            return None
        cell = f"{letter}{r}"
        formula = formulas.get((r, col)) if formulas else None
        if formula is not None:
            return Amount(None, cell, formula=formula, problem="formula_without_value")
        try:
            value = parse_amount(raw)
        except NotAnAmount:
            # a whole float is shown as the engines that read it as an int show it
            shown = self.text(r, col) if isinstance(raw, float) else str(raw)
            return Amount(None, cell, text=shown, problem="not_a_number")
        if value is None:
            return None
        return Amount((value * self.scale).normalize() if self.scale != 1 else value, cell)

    def code_cells(self, r: int) -> list[str]:
        """The texts of the code columns (类/款/项 or the one code column)."""
        cols = [self.col(role) for role in CODE_ROLES]
        cols.append(self.header.code_column)
        return [self.grid.text(r, c) for c in cols if c is not None]
