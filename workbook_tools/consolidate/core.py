"""Consolidation (汇总): the tables of several units' workbooks summed into one workbook of
the same set, cell by cell, by code and line.

Rows are matched by what they are, never by where they are: a code row by its kind and code,
a fixed line by its key, a panel's row by its panel too. The result has the union of the
units' rows in code order. Tables that list projects (rows of kind ``unit``/``project``) keep
each unit's block of rows — its 单位 row, its code rows, its projects — one unit after the
other, under the summed total. Forms (text tables: fields, indicators) are not summed.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from workbook_tools.batch.roster import unit_key
from workbook_tools.errors import InputError
from workbook_tools.io.model import FORM_KINDS, Amount, Row, Table, WorkbookData
from workbook_tools.spec import TableSetSpec, load_spec

RowId = tuple[str, str | None, str | None, str | None, str]  # kind, panel, code, key, name
BLOCK_KINDS = ("unit", "project")  # rows that belong to one unit, listed per unit
CODE_KINDS = ("lei", "kuan", "xiang")


def row_id(row: Row) -> RowId:
    """What a row is (the same in every unit's workbook); the name only for rows that have
    neither code nor key."""
    name = row.name.strip() if row.code is None and row.key is None else ""
    return (row.kind, row.panel, row.code, row.key, name)


@dataclass
class Contribution:
    """One unit's amount in a consolidated cell."""

    unit: str
    file: str
    sheet: str
    cell: str
    value: Decimal


@dataclass
class Consolidated:
    data: WorkbookData
    spec: TableSetSpec
    units: list[WorkbookData]
    # (table id, row index in the consolidated table, column) → every unit's amount
    contributions: dict[tuple[str, int, str], list[Contribution]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # tables not summed (forms), by title


def _same_set(units: list[WorkbookData]) -> None:
    """Refuse mixing sets or years, and a unit twice (Chinese, naming the files)."""
    first = units[0]
    for data in units[1:]:
        if data.set_id != first.set_id:
            raise InputError(
                f"不能汇总不同表套的工作簿：「{Path(first.file).name}」是 {first.set_id}，"
                f"「{Path(data.file).name}」是 {data.set_id}",
                file=data.file,
            )
        if data.year != first.year:
            raise InputError(
                f"不能汇总不同年度的工作簿：「{Path(first.file).name}」是 {first.year} 年，"
                f"「{Path(data.file).name}」是 {data.year} 年",
                file=data.file,
            )
    seen: dict[str, WorkbookData] = {}
    for data in units:
        key = unit_key(data.unit or "")
        if not key:
            raise InputError("工作簿没有注明单位（编制部门），无法汇总", file=data.file)
        if key in seen:
            raise InputError(
                f"单位「{data.unit}」出现了两次：「{Path(seen[key].file).name}」和"
                f"「{Path(data.file).name}」；同一单位只能汇总一次",
                file=data.file,
            )
        seen[key] = data


def _is_form(tables: list[Table]) -> bool:
    return any(row.kind in FORM_KINDS for table in tables for row in table.rows)


def _has_blocks(tables: list[Table]) -> bool:
    return any(row.kind in BLOCK_KINDS for table in tables for row in table.rows)


def _blank_copy(row: Row) -> Row:
    fresh = copy.copy(row)
    fresh.values, fresh.texts, fresh.sheet_row, fresh.label_cell = {}, {}, 0, ""
    fresh.columns = dict(row.columns)
    return fresh


def _code_sort(rows: list[Row], order: dict[RowId, int]) -> list[Row]:
    """Totals and lines in the units' order; code rows of one panel by code."""

    def key(row: Row) -> tuple[object, ...]:
        if row.code is not None and row.kind in ("lei", "kuan", "xiang"):
            return (row.panel or "", 1, row.code, 0)
        return (row.panel or "", 0 if row.kind == "total" else 2, "", order[row_id(row)])

    if not any(r.code for r in rows):
        return sorted(rows, key=lambda r: order[row_id(r)])
    firsts = {}
    for index, row in enumerate(rows):
        firsts.setdefault(row.panel or "", index)
    return sorted(rows, key=lambda r: (firsts[r.panel or ""], *key(r)[1:]))


def _block_order(rows: list[Row], order: dict[RowId, int]) -> list[Row]:
    """A table listing projects: the summed total first, then each unit's block as the unit
    has it (its 单位 row, its code rows, its projects), unit after unit."""
    return [r for r in rows if r.kind == "total"] + [r for r in rows if r.kind != "total"]


def consolidate_data(units: list[WorkbookData], unit: str) -> Consolidated:
    """The sum of ``units`` (read workbooks of one set and year) as ``unit``'s workbook."""
    if not units:
        raise InputError("没有要汇总的单位工作簿")
    _same_set(units)
    spec = load_spec(units[0].set_id)
    data = WorkbookData(units[0].set_id, unit, units[0].year, file="")
    result = Consolidated(data, spec, units)
    for table_spec in spec.tables:
        tables = [(u, u.tables[table_spec.id]) for u in units if table_spec.id in u.tables]
        if not tables:
            continue
        if _is_form([t for _, t in tables]):
            result.skipped.append(f"表{table_spec.number}「{table_spec.title}」")
            continue
        blocks = _has_blocks([t for _, t in tables])
        rows: list[Row] = []
        sources: list[list[tuple[WorkbookData, Row]]] = []
        index: dict[RowId, int] = {}
        for u, table in tables:
            for row in table.rows:
                ident = row_id(row)
                if blocks and row.kind != "total":  # the unit's block: its own rows
                    ident = (*ident[:4], f"{unit_key(u.unit)}\x1f{ident[4]}\x1f{row.project}")
                if ident not in index:
                    index[ident] = len(rows)
                    rows.append(_blank_copy(row))
                    sources.append([])
                sources[index[ident]].append((u, row))
        for position, (row, found) in enumerate(zip(rows, sources, strict=True)):
            for u, source in found:
                for column, amount in source.values.items():
                    if amount.value is None:
                        continue
                    value = amount.value * _scale(u, table_spec.id)
                    before = row.values.get(column)
                    total = (before.value or Decimal(0)) + value if before else value
                    row.values[column] = Amount(total, "")
                    result.contributions.setdefault((table_spec.id, position, column), []).append(
                        Contribution(u.unit, u.file, source.sheet, amount.cell, value)
                    )
        first = tables[0][1]
        out = Table(first.id, first.number, first.title, rows=[])
        out.money_unit = first.money_unit
        order = {row_id(r): i for i, r in enumerate(rows)}
        ordered = _block_order(rows, order) if blocks else _code_sort(rows, order)
        positions = {id(r): i for i, r in enumerate(rows)}
        remap = {positions[id(r)]: i for i, r in enumerate(ordered)}
        result.contributions = {
            (t, remap[p] if t == table_spec.id else p, c): v
            for (t, p, c), v in result.contributions.items()
            if t != table_spec.id or p in remap
        }
        out.rows = ordered
        out.remarks = list(first.remarks)
        data.tables[table_spec.id] = out
    return result


def _scale(data: WorkbookData, table: str) -> Decimal:
    return data.tables[table].scale


def by_unit_totals(result: Consolidated) -> dict[str, dict[str, Decimal]]:
    """For tests and reports: each unit's sum over every cell of each table."""
    found: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (table, _, _), parts in result.contributions.items():
        for part in parts:
            found[part.unit][table] = found[part.unit].get(table, Decimal(0)) + part.value
    return found
