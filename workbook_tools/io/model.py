"""Typed tables: what the reader produces and the layout writer consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from workbook_tools.money import format_amount
from workbook_tools.spec.models import Ref

RowKind = Literal[
    "total",
    "lei",
    "kuan",
    "xiang",
    "project",
    "unit",
    "line",
    "field",
    "indicator",
    "note",
    "unknown",
]
FORM_KINDS = ("field", "indicator", "note")  # a form's rows: its fields, grid rows and notes
Problem = Literal["not_a_number", "formula_without_value"]


@dataclass
class Amount:
    """One amount and the cell it came from (A1 style, on the table's sheet)."""

    value: Decimal | None
    cell: str = ""
    text: str | None = None  # the cell's text when it is not a number
    formula: str | None = None  # the formula when it has no cached value
    problem: Problem | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cell": self.cell, "value": None}
        if self.value is not None:
            out["value"] = format_amount(self.value)
        if self.problem is not None:
            out["problem"] = self.problem
        if self.text is not None:
            out["text"] = self.text
        if self.formula is not None:
            out["formula"] = self.formula
        return out


@dataclass
class Row:
    kind: RowKind
    name: str = ""
    code: str | None = None
    project: str | None = None
    key: str | None = None  # fixed line key (表1/表4 left panel, 表10)
    panel: Literal["left", "right"] | None = None
    values: dict[str, Amount] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # text columns (说明、原因)
    sheet_row: int = 0
    label_cell: str = ""
    sheet: str = ""
    columns: dict[str, str] = field(default_factory=dict, repr=False)  # column key → letter
    block: int = 0  # which block of a table that repeats (one form per project), from 0

    def cell(self, column: str) -> str | None:
        """The address of ``column`` in this row, blank or not (None: no such column)."""
        found = self.values.get(column)
        if found is not None:
            return found.cell
        letter = self.columns.get(column)
        return f"{letter}{self.sheet_row}" if letter and self.sheet_row else None

    def amount(self, column: str) -> Decimal:
        """The amount in ``column`` (blank and unreadable cells count as zero)."""
        found = self.values.get(column)
        return found.value if found is not None and found.value is not None else Decimal(0)

    def has_amounts(self) -> bool:
        return any(a.value is not None or a.problem is not None for a in self.values.values())

    def plain(self) -> tuple[Any, ...]:
        """The row's data without cell addresses, for comparing two readings."""
        amounts = tuple(sorted((k, a.value) for k, a in self.values.items() if a.value is not None))
        texts = tuple(sorted(self.texts.items()))
        return (
            self.kind,
            self.key,
            self.code,
            self.name,
            self.project,
            self.panel,
            amounts,
            texts,
            self.block,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "code": self.code, "name": self.name}
        if self.key is not None:
            out["key"] = self.key
        if self.project is not None:
            out["project"] = self.project
        if self.panel is not None:
            out["panel"] = self.panel
        out["row"] = self.sheet_row
        if self.block or self.kind in FORM_KINDS:
            out["block"] = self.block
        out["values"] = {k: a.to_json() for k, a in self.values.items()}
        if self.texts:
            out["texts"] = dict(self.texts)
        return out


@dataclass
class Remark:
    text: str
    cell: str


@dataclass
class Table:
    id: str
    number: int
    title: str
    sheet: str = ""
    title_cell: str = ""
    rows: list[Row] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    money_unit: str | None = None  # "万元" as printed in 单位：万元; None when not printed
    money_unit_cell: str = ""
    scale: Decimal = Decimal(1)  # printed amount × scale = amount in the set's declared unit
    column_cells: dict[str, str] = field(default_factory=dict)  # column key → header column

    def is_empty(self) -> bool:
        return not any(row.has_amounts() for row in self.rows)

    def code_rows(self) -> dict[str, Row]:
        """Code rows (not projects) by code; the first of duplicates wins."""
        rows: dict[str, Row] = {}
        for row in self.rows:
            if row.kind in ("lei", "kuan", "xiang") and row.code and row.code not in rows:
                rows[row.code] = row
        return rows

    def total_row(self) -> Row | None:
        return next((r for r in self.rows if r.kind == "total"), None)

    def line_row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def find(self, ref: Ref) -> Row | None:
        """The row a reference names (``total``, ``line=…``, ``code=…``)."""
        if ref.row == "total":
            return self.total_row()
        if ref.row == "line":
            return self.line_row(ref.key)
        return self.code_rows().get(ref.key)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "sheet": self.sheet,
            "title_cell": self.title_cell,
            "money_unit": self.money_unit,
            "columns": self.column_cells,
            "rows": [row.to_json() for row in self.rows],
            "remarks": [{"cell": r.cell, "text": r.text} for r in self.remarks],
        }


@dataclass
class WorkbookData:
    set_id: str
    unit: str = ""
    year: int | None = None
    file: str = ""
    tables: dict[str, Table] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # e.g. spec files skipped as broken

    def plain(self) -> dict[str, Any]:
        """Everything but cell addresses and sheet names: equal for two layouts of one data."""
        return {
            "set": self.set_id,
            "unit": self.unit,
            "year": self.year,
            "tables": {
                tid: {
                    "rows": [row.plain() for row in canonical_order(table.rows)],
                    "remarks": [r.text for r in table.remarks],
                }
                for tid, table in self.tables.items()
            },
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "set": self.set_id,
            "unit": self.unit,
            "year": self.year,
            "tables": [table.to_json() for table in self.tables.values()],
        }


def canonical_order(rows: list[Row]) -> list[Row]:
    """Total rows first, the rest in reading order (layouts differ in where totals go)."""
    return [r for r in rows if r.kind == "total"] + [r for r in rows if r.kind != "total"]
