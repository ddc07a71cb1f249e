"""What 填充合计 writes: every blank derived cell its details determine, from the details.

Derived values come from ``workbook_tools.rules.derive``: computed from the leaf inputs in
dependency order, so a wrong typed total never spreads. A blank derived cell is filled with
the sum of its sources as displayed; when a typed source disagrees with its own definition
the cell is left blank and the reason given. A typed derived cell that differs from its
computed value by more than a rounding tail is reported (``conflict``) or, with
``overwrite``, replaced by the computed value. Filling once more changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from workbook_tools.io.grid import cell_position
from workbook_tools.io.model import Amount, WorkbookData
from workbook_tools.money import money
from workbook_tools.rules.context import Context
from workbook_tools.rules.derive import Definition, Derivation
from workbook_tools.rules.evaluate import derivation, equations, unknown_cells
from workbook_tools.spec import TableSetSpec

ChangeKind = Literal["filled", "conflict", "overwritten", "blocked"]


@dataclass
class FillChange:
    kind: ChangeKind
    sheet: str
    cell: str
    old: Decimal | None
    new: Decimal | None  # in the set's unit
    rule: str
    title: str
    reason: str = ""  # blocked: why the cell stays blank
    scale: Decimal = Decimal(1)  # the sheet's amount × scale = the set's unit

    @property
    def written(self) -> Decimal | None:
        """The number to type into the cell, in the unit its table is printed in."""
        if self.new is None:
            return None
        return self.new / self.scale if self.scale != 1 else self.new

    def describe(self) -> str:
        where = f"{self.sheet}!{self.cell}"
        new = money(self.new) if self.new is not None else "（无）"
        if self.kind == "filled":
            return f"已填充 {where} = {new}（{self.title}）"
        if self.kind == "blocked":
            return f"未填充 {where}：{self.reason}"
        old = money(self.old) if self.old is not None else "空"
        if self.kind == "overwritten":
            return f"已替换 {where}：{old} → {new}（{self.title}）"
        return f"未改动 {where}：现为 {old}，按「{self.title}」重算应为 {new}；如需替换请加 --overwrite"


def plan_fill(data: WorkbookData, spec: TableSetSpec, overwrite: bool = False) -> list[FillChange]:
    """Every change filling would make (and every conflict and blocked cell), in sheet order."""
    ctx = Context(data, spec)
    unknown = unknown_cells(ctx)
    derived = derivation(ctx, equations(ctx, spec.relations_for(data.tables)), unknown)
    changes = []
    for definitions in derived.definitions.values():
        change = _change(derived, definitions, data, overwrite)
        if change is not None:
            changes.append(change)
    order = {t.sheet: i for i, t in enumerate(data.tables.values())}
    changes.sort(key=lambda c: (order.get(c.sheet, 99), *cell_position(c.cell)))
    return changes


def _change(
    derived: Derivation, definitions: list[Definition], data: WorkbookData, overwrite: bool
) -> FillChange | None:
    target, relation = definitions[0].target, definitions[0].relation
    ref = target.ref
    assert ref is not None and target.row is not None
    if ref in derived.unknown:
        return None  # a formula or text: never written over
    scale = data.tables[target.table].scale

    def change(kind: ChangeKind, new: Decimal | None, reason: str = "") -> FillChange:
        old = target.value if target.published else None
        return FillChange(
            kind, ref.sheet, ref.cell, old, new, relation.id, relation.title, reason, scale
        )

    if not target.published:
        value, why = derived.fill_value(ref)
        if value is None and overwrite:
            value = derived.overwrite_value(ref)
        if value is None:
            has_details = any(s.published for d in definitions for s in d.sources)
            return change("blocked", None, why) if has_details else None
        return change("filled", value) if value != 0 else None
    computed = derived.overwrite_value(ref)
    if computed is None or derived.consistent(target):
        return None
    return change("overwritten" if overwrite else "conflict", computed)


def apply_fill(data: WorkbookData, changes: list[FillChange]) -> None:
    """Put the written values into ``data`` (so that it can be checked as filled)."""
    cells = {(c.sheet, c.cell): c for c in changes if c.kind in ("filled", "overwritten")}
    for table in data.tables.values():
        for row in table.rows:
            for key in row.columns:
                cell = row.cell(key)
                change = cells.get((row.sheet, cell or ""))
                if change is not None and change.new is not None and cell:
                    row.values[key] = Amount(change.new, cell)
