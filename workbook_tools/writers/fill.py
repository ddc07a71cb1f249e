"""填充合计: write recomputed values into the derived cells staff leave empty.

The relations of the spec are the equations: in every instance whose left side is a single
derived cell (a 合计 column, a subtotal or total row, a 表1/表4 line taken from another
table), that cell is Σ of the right side. Empty derived cells are filled, pass after pass,
until nothing changes; a derived cell that already holds a value that differs by more than a
rounding tail is left alone and reported (or replaced with ``overwrite``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from workbook_tools.io.model import Amount, Row, WorkbookData
from workbook_tools.io.reader import read_workbook
from workbook_tools.layouts import layout_of, parent_codes
from workbook_tools.money import money
from workbook_tools.rules.context import Context, Term
from workbook_tools.rules.relations import EQUATION_KINDS
from workbook_tools.rules.tolerance import judge
from workbook_tools.spec import RelationSpec, TableSetSpec, load_spec
from workbook_tools.writers.package import lossy_parts, open_for_edit, resolve_target, save_workbook

FILLED_SUFFIX = "已填充"
MAX_PASSES = 12


@dataclass
class FillChange:
    kind: Literal["filled", "conflict", "overwritten"]
    sheet: str
    cell: str
    old: Decimal | None
    new: Decimal
    rule: str
    title: str

    def describe(self) -> str:
        where = f"{self.sheet}!{self.cell}"
        if self.kind == "filled":
            return f"已填充 {where} = {money(self.new)}（{self.title}）"
        old = money(self.old) if self.old is not None else "空"
        if self.kind == "overwritten":
            return f"已替换 {where}：{old} → {money(self.new)}（{self.title}）"
        return (
            f"未改动 {where}：现为 {old}，按「{self.title}」重算应为 {money(self.new)}；"
            "如需替换请加 --overwrite"
        )


class _Derived:
    """Which cells the tools compute: the layouts' derived columns, lines and rows."""

    def __init__(self, data: WorkbookData, spec: TableSetSpec) -> None:
        self.spec = spec
        self.parents = {tid: parent_codes(table.rows) for tid, table in data.tables.items()}

    def __call__(self, table_id: str, row: Row, column: str) -> bool:
        table = self.spec.table(table_id)
        return layout_of(table).derived(table, row, column, self.parents[table_id])


def plan_fill(data: WorkbookData, spec: TableSetSpec, overwrite: bool = False) -> list[FillChange]:
    """Fill ``data`` in memory; returns every change (and every conflict) in order."""
    derived = _Derived(data, spec)
    changes: dict[tuple[str, str], FillChange] = {}
    equations = [
        r
        for r in spec.relations_for(data.tables)
        if r.kind in EQUATION_KINDS and r.op == "eq" and r.severity != "hint"
    ]

    def one_pass(wait: bool) -> bool:
        progress = False
        ctx = Context(data, spec)
        live = _live_targets(ctx, equations, derived) if wait else set()
        for rel in equations:
            for instance in EQUATION_KINDS[rel.kind](ctx, rel):
                if any(_key(t) in live for t in instance.right):
                    continue  # a part is itself still to be computed
                change = _solve(instance.left, instance.right, derived, changes, rel, overwrite)
                if change is not None:
                    changes[(change.sheet, change.cell)] = change
                    progress = progress or change.kind != "conflict"
        return progress

    for _ in range(MAX_PASSES):
        if not (one_pass(wait=True) or one_pass(wait=False)):
            break
    return list(changes.values())


def _key(term: Term) -> tuple[str, str] | None:
    return (term.ref.sheet, term.ref.cell) if term.ref is not None else None


def _blank_target(terms: list[Term], derived: _Derived) -> Term | None:
    """The single left term when it is a blank derived cell, else None."""
    if len(terms) != 1:
        return None
    term = terms[0]
    if term.row is None or term.ref is None or term.column in term.row.values:
        return None
    return term if derived(term.table, term.row, term.column) else None


def _live_targets(
    ctx: Context, equations: list[RelationSpec], derived: _Derived
) -> set[tuple[str, str] | None]:
    """Blank derived cells that some equation will still compute (directly or in a chain).

    A blank derived cell no equation can reach (a class the unit has no money in) is an
    exact zero; waiting for it would stall the filling.
    """
    sources: dict[tuple[str, str] | None, list[list[Term]]] = {}
    for rel in equations:
        for instance in EQUATION_KINDS[rel.kind](ctx, rel):
            target = _blank_target(instance.left, derived)
            if target is not None:
                sources.setdefault(_key(target), []).append(instance.right)
    live: set[tuple[str, str] | None] = set()
    grew = True
    while grew:
        grew = False
        for key, rights in sources.items():
            if key not in live and any(
                t.published or _key(t) in live for right in rights for t in right
            ):
                live.add(key)
                grew = True
    return live


def _solve(
    left: list[Term],
    right: list[Term],
    derived: _Derived,
    done: dict[tuple[str, str], FillChange],
    rel: RelationSpec,
    overwrite: bool,
) -> FillChange | None:
    if len(left) != 1 or not any(t.published for t in right):
        return None
    target = left[0]
    row, ref = target.row, target.ref
    if row is None or ref is None or not derived(target.table, row, target.column):
        return None
    if (ref.sheet, ref.cell) in done:
        return None
    value = sum((t.value for t in right), Decimal(0))
    current = row.values.get(target.column)
    if current is None:
        row.values[target.column] = Amount(value, ref.cell)
        return FillChange("filled", ref.sheet, ref.cell, None, value, rel.id, rel.title)
    if current.value is None:  # a formula without value or text: never overwritten
        return None
    terms = 1 + sum(1 for t in right if t.published)
    if judge(current.value - value, terms) != "mismatch":
        return None
    if overwrite:
        row.values[target.column] = Amount(value, ref.cell)
        return FillChange(
            "overwritten", ref.sheet, ref.cell, current.value, value, rel.id, rel.title
        )
    return FillChange("conflict", ref.sheet, ref.cell, current.value, value, rel.id, rel.title)


@dataclass
class FillReport:
    changes: list[FillChange]
    path: Path
    in_place: bool
    lost: list[str]


def fill_file(
    source: str | Path,
    *,
    output: str | Path | None = None,
    in_place: bool = False,
    overwrite: bool = False,
    force: bool = False,
    set_id: str | None = None,
) -> FillReport:
    """Recompute the empty derived cells of ``source`` and write them back."""
    source = Path(source)
    data = read_workbook(source, set_id=set_id)
    spec = load_spec(data.set_id)
    changes = plan_fill(data, spec, overwrite)
    target = resolve_target(source, output, in_place, FILLED_SUFFIX)
    book = open_for_edit(source)
    for change in changes:
        if change.kind != "conflict":
            book[change.sheet][change.cell].value = float(change.new)
    path = save_workbook(book, source, target, overwrite=force)
    return FillReport(changes, path, target.in_place, [] if in_place else lossy_parts(source))
