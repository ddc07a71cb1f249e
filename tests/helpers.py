"""Small helpers for tests that change the data of an example in memory."""

from __future__ import annotations

from decimal import Decimal

from workbook_tools.io.model import Amount, Row, WorkbookData


def find_row(
    data: WorkbookData,
    table: str,
    *,
    code: str | None = None,
    key: str | None = None,
    kind: str | None = None,
    project: str | None = None,
) -> Row:
    for row in data.tables[table].rows:
        if code is not None and (row.code != code or row.kind == "project"):
            continue
        if key is not None and row.key != key:
            continue
        if kind is not None and row.kind != kind:
            continue
        if project is not None and row.project != project:
            continue
        return row
    raise LookupError((table, code, key, kind, project))


def set_amount(row: Row, column: str, value: str | None) -> str:
    """Set (or blank with None) an amount; returns the cell address."""
    cell = row.cell(column)
    assert cell is not None, column
    if value is None:
        row.values.pop(column, None)
    else:
        row.values[column] = Amount(Decimal(value), cell)
    return cell
