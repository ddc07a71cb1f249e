"""Every figure the 情况说明 speaks of, computed from the tables as the set's spec declares.

A ``Figure`` is one subject of the text (an income source, 基本支出, a 类 or 项 of the
一般公共预算, a 三公 item …) with this year's amount, the whole it is a share of, last
year's amount and the reason staff gave. The draft writer and the text checker both work
from the same ``Figures``; which figures there are is data (``spec.narrative.figures``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from workbook_tools.errors import InputError
from workbook_tools.io.model import Row, Table, WorkbookData
from workbook_tools.narrative import arithmetic
from workbook_tools.rules.findings import CellRef
from workbook_tools.spec import TableSetSpec, load_spec
from workbook_tools.spec.forms import FIELD_VALUE
from workbook_tools.spec.models import Ref
from workbook_tools.spec.narrative import FigureSpec, FormTallySpec, NarrativeSpec, RowsSpec

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass
class Figure:
    key: str
    subject: str  # how the text names it
    amount: Decimal
    name: str = ""  # the row's own name (a 类 without "（类）")
    whole: Decimal | None = None  # the total a share is taken of
    last: Decimal | None = None  # last year's budget, when entered
    reason: str | None = None
    sections: tuple[str, ...] = ()  # ids of the sections whose text names it
    aliases: tuple[str, ...] = ()
    cells: list[CellRef] = field(default_factory=list)
    unit: str = "万元"
    table: str = ""  # the table the amount comes from
    names: list[str] = field(default_factory=list)  # ``names`` figures: the rows' names
    from_zero: str = "hundred"  # the set's convention for a rise from 0
    budget: Decimal | None = None  # the budget the amount is compared with (决算: 年初预算数)
    budgeted: bool = False  # the spec names where its budget is (the text may state it)
    budget_reason: str | None = None  # why the 决算 differs from the budget

    @property
    def share(self) -> Decimal | None:
        return arithmetic.share(self.amount, self.whole) if self.whole is not None else None

    @property
    def change(self) -> Decimal | None:
        return self.amount - self.last if self.last is not None else None

    @property
    def growth(self) -> Decimal | None:
        if self.last is None:
            return None
        return arithmetic.growth(self.amount, self.last, self.from_zero)

    @property
    def variance(self) -> Decimal | None:
        """预决算差异率: (决算 − 预算) ÷ 预算, in percent."""
        if self.budget is None:
            return None
        return arithmetic.growth(self.amount, self.budget, self.from_zero)

    @property
    def execution(self) -> Decimal | None:
        """完成预算的 X%: 决算 ÷ 预算, in percent."""
        return arithmetic.share(self.amount, self.budget) if self.budget is not None else None


@dataclass
class Figures:
    unit: str
    year: int
    narrative: NarrativeSpec
    by_key: dict[str, Figure] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)  # group → keys, in order
    present: set[str] = field(default_factory=set)  # tables the workbook has
    empty: set[str] = field(default_factory=set)  # tables present and empty
    spec: TableSetSpec | None = None  # the set (its kind and wording, for the text checks)

    def add(self, figure: Figure, group: str) -> Figure:
        self.by_key[figure.key] = figure
        self.groups.setdefault(group, []).append(figure.key)
        return figure

    def get(self, key: str) -> Figure | None:
        return self.by_key.get(key)

    def group(self, name: str) -> list[Figure]:
        return [self.by_key[key] for key in self.groups.get(name, [])]


class Source:
    """Amounts, texts and cells of the workbook, by reference."""

    def __init__(self, data: WorkbookData, spec: TableSetSpec) -> None:
        self.data, self.spec = data, spec

    def table(self, table_id: str) -> Table | None:
        return self.data.tables.get(table_id)

    def _published(self, table_id: str) -> bool:
        return self.spec.has_table(table_id) and self.spec.table(table_id).publish

    def amount(self, refs: list[str]) -> tuple[Decimal, list[CellRef], str] | None:
        """The first reference found: (amount, its cell, table); None when none is."""
        for text in refs:
            found = self._amount(Ref.parse(text))
            if found is not None:
                return found
        return None

    def _amount(self, ref: Ref) -> tuple[Decimal, list[CellRef], str] | None:
        table = self.table(ref.table)
        if table is None:
            return None
        row = table.find(ref)
        column = ref.column or "total"
        value = row.values.get(column) if row is not None else None
        if (value is None or value.value is None) and not self._published(ref.table):
            return None  # the supplement sheet: blank is "not given"
        return row_amount(row, column, ref.table)

    def last_and_reason(
        self, last: str | None, reason: str | None
    ) -> tuple[Decimal | None, str | None]:
        return self.value(last), self.text(reason)

    def value(self, ref_text: str | None) -> Decimal | None:
        """The amount a reference names; None when not given (or no reference)."""
        found = self._amount(Ref.parse(ref_text)) if ref_text else None
        return found[0] if found is not None else None

    def text(self, ref_text: str | None) -> str | None:
        if not ref_text:
            return None
        ref = Ref.parse(ref_text)
        table = self.table(ref.table)
        row = table.find(ref) if table is not None else None
        return row.texts.get(ref.column or "") if row is not None else None


def row_amount(row: Row | None, column: str, table: str) -> tuple[Decimal, list[CellRef], str]:
    if row is None:
        return ZERO, [], table
    cell = row.cell(column)
    return row.amount(column), [CellRef(row.sheet, cell)] if cell else [], table


FigureKind = Callable[[Source, FigureSpec, Figures], Iterator[Figure]]


def form_tally(source: Source, tally: FormTallySpec) -> tuple[Decimal, list[CellRef], str] | None:
    """A figure from the blocks of a form table (None when the workbook has none filled)."""
    from workbook_tools.rules.kinds.forms import chosen_blocks, field_amount, group_blocks

    table = source.table(tally.table)
    found = group_blocks(table.rows) if table is not None else []
    if table is None or not found:
        return None
    chosen = chosen_blocks(found, tally.nonzero, tally.zero)
    if tally.sum is None:
        return Decimal(len(chosen)), [], tally.table
    rows = [b.fields[tally.sum] for b in chosen if tally.sum in b.fields]
    cells = [CellRef(r.sheet or table.sheet, c) for r in rows if (c := r.cell(FIELD_VALUE))]
    total = sum((field_amount(b, tally.sum) for b in chosen), ZERO)
    return total.quantize(CENT), cells, tally.table


def value_figures(source: Source, item: FigureSpec, figures: Figures) -> Iterator[Figure]:
    found = form_tally(source, item.forms) if item.forms is not None else None
    found = found or source.amount(item.amount)
    if found is None:
        return  # not stated: no table has it
    amount, cells, table = found
    last, reason = source.last_and_reason(_key(item.last, item.key), _key(item.reason, item.key))
    yield Figure(
        item.key,
        item.subject,
        amount,
        name=item.subject,
        last=last,
        reason=reason,
        cells=cells,
        unit=item.unit,
        table=table,
        aliases=tuple(item.aliases),
        budget=source.value(_key(item.budget, item.key)),
        budgeted=item.budget is not None,
        budget_reason=source.text(_key(item.budget_reason, item.key)),
    )


def row_figures(source: Source, item: FigureSpec, figures: Figures) -> Iterator[Figure]:
    for n, row, names, rows in _rows(source, item):
        fields = {"code": row.code or "", "n": n, "name": row.name, "project": row.project or ""}
        fields |= names
        amount, cells, table = row_amount(row, rows.column, rows.table)
        last, reason, budget, budget_reason = _supplement(source, item, row.code)
        yield Figure(
            item.key.format(**fields),
            item.subject.format(**fields),
            amount,
            name=row.project or row.name,
            last=last,
            reason=reason,
            cells=cells,
            unit=item.unit,
            table=table,
            aliases=tuple(a.format(**fields) for a in item.aliases),
            budget=budget,
            budgeted=item.supplement is not None and item.supplement.budget is not None,
            budget_reason=budget_reason,
        )


def name_figures(source: Source, item: FigureSpec, figures: Figures) -> Iterator[Figure]:
    rows = _source_rows(source, item)
    if rows is None:
        return
    names = [row.project or row.name for _, row, _, _ in _rows(source, item)]
    yield Figure(item.key, item.subject, ZERO, names=names, table=rows.table)


FIGURE_KINDS: dict[str, FigureKind] = {
    "value": value_figures,
    "rows": row_figures,
    "names": name_figures,
}


def _key(template: str | None, key: str) -> str | None:
    return template.replace("{key}", key) if template else None


def _source_rows(source: Source, item: FigureSpec) -> RowsSpec | None:
    """The first of the figure's row sources whose table the workbook has."""
    return next((rows for rows in item.rows if source.table(rows.table) is not None), None)


def _rows(source: Source, item: FigureSpec) -> Iterator[tuple[int, Row, dict[str, str], RowsSpec]]:
    """The rows a rows/names figure stands for, numbered from 1, with ancestors' names."""
    spec = _source_rows(source, item)
    table = source.table(spec.table) if spec is not None else None
    if spec is None or table is None:
        return
    codes = table.code_rows()
    n = 0
    for row in table.rows:
        if row.kind not in spec.kinds or (row.kind == "project" and not row.project):
            continue
        if spec.nonzero and not row.amount(spec.nonzero):
            continue
        if spec.codes and not (row.code or "").startswith(tuple(spec.codes)):
            continue
        code = row.code or ""
        names = {
            "lei_name": codes[code[:3]].name if code[:3] in codes else "",
            "kuan_name": codes[code[:5]].name if code[:5] in codes else "",
        }
        n += 1
        yield n, row, names, spec


def _supplement(
    source: Source, item: FigureSpec, code: str | None
) -> tuple[Decimal | None, str | None, Decimal | None, str | None]:
    """Last year's amount, the reason, the budget and the budget's reason of a code, from
    its supplement row."""
    supplement = item.supplement
    table = source.table(supplement.table) if supplement is not None else None
    if supplement is None or table is None or not code:
        return None, None, None, None
    row = table.code_rows().get(code)
    if row is None:
        return None, None, None, None

    def given(column: str | None) -> Decimal | None:
        value = row.values.get(column) if column else None
        return value.value if value is not None else None

    def text(column: str | None) -> str | None:
        return row.texts.get(column) if column else None

    reason, budget_reason = text(supplement.reason), text(supplement.budget_reason)
    return given(supplement.last), reason, given(supplement.budget), budget_reason


def compute_figures(data: WorkbookData, spec: TableSetSpec | None = None) -> Figures:
    spec = spec or load_spec(data.set_id)
    if spec.narrative is None:
        raise InputError(f"表套「{spec.id}」没有定义情况说明，无法生成或核对", file=data.file)
    figures = Figures(data.unit, data.year or spec.year, spec.narrative, spec=spec)
    figures.present = set(data.tables)
    figures.empty = {tid for tid, table in data.tables.items() if table.is_empty()}
    source = Source(data, spec)
    wholes: list[tuple[Figure, str]] = []
    for group in spec.narrative.figures:
        for item in group.items:
            for figure in FIGURE_KINDS[item.kind](source, item, figures):
                figure.sections = tuple(item.sections)
                figure.from_zero = spec.conventions.growth_from_zero
                figures.add(figure, group.group)
                if item.whole:
                    wholes.append((figure, item.whole))
    for figure, key in wholes:
        whole = figures.get(key)
        figure.whole = whole.amount if whole is not None else None
    return figures
