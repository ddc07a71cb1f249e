"""Rule kinds of forms (layout ``form``: 绩效目标表, 绩效自评表), evaluated per block.

A form table holds one block per unit or project (``Row.block``); these kinds take the
fields and indicator rows of each block, so one relation checks every project:

- ``form_sum``: ``total`` = Σ ``parts`` of each block (年度预算总额 = 财政拨款 + 其他资金);
  without ``total``, Σ ``parts`` = Σ ``right`` (cells of other tables: 上级安排 + 本级安排 +
  其他 = 表1 收入总计). Fields are named by key; a part ``-key`` is subtracted.
- ``form_column_sum``: Σ of a grid column over the indicator rows of each block =
  ``params.total`` (分值权重 add up to 90), or the block's total row when it has one.
- ``form_tally``: a cell elsewhere (``left``: the 情况说明's 财政拨款项目个数 and 金额 in the
  supplement sheet) = the number of blocks chosen by ``params.nonzero`` / ``params.zero``
  (a field that is not 0 / is 0), or the Σ of their ``params.sum`` field.
- ``form_column_min``: each indicator row's cell in ``params.column`` ≥ ``params.min``
  (every indicator carries a weight); declare it with ``op: ge``.

All four give *instances*, so they judge with the rounding rule, define derived fields
for ``wbt fill`` and feed the diagnosis. A block with nothing filled in (a blank block
of the template) is skipped. See ``forms_projects`` and ``forms_values`` for the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from workbook_tools.io.model import Row
from workbook_tools.rules.context import Context, Term
from workbook_tools.rules.registry import RuleKind, params, register
from workbook_tools.rules.relations import Instance, signed
from workbook_tools.spec.forms import FIELD_VALUE, FormSpec
from workbook_tools.spec.models import REF_PATTERN, Ref, RelationSpec, TableSpec

Instances = Iterator[Instance]


@dataclass
class Block:
    """One block of a form: its fields by key and its grid rows, in order."""

    number: int
    fields: dict[str, Row] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)

    @property
    def indicators(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "indicator"]

    @property
    def total(self) -> Row | None:
        return next((r for r in self.rows if r.kind == "total"), None)

    @property
    def empty(self) -> bool:
        """Nothing filled in: a blank block of the template."""
        rows = [*self.fields.values(), *self.rows]
        return not any(r.has_amounts() or r.texts for r in rows)

    def text(self, key: str | None) -> str:
        row = self.fields.get(key or "")
        return row.texts.get(FIELD_VALUE, "") if row is not None else ""


def group_blocks(rows: list[Row]) -> list[Block]:
    """The rows of a form table as blocks, those with something filled in, in order."""
    found: dict[int, Block] = {}
    for row in rows:
        block = found.setdefault(row.block, Block(row.block))
        if row.kind == "field" and row.key:
            block.fields.setdefault(row.key, row)
        else:
            block.rows.append(row)
    return [found[n] for n in sorted(found) if not found[n].empty]


def blocks(ctx: Context, table_id: str) -> list[Block]:
    """The blocks of a form table that have something filled in (cached per check)."""
    cache: dict[str, list[Block]] = ctx.__dict__.setdefault("_form_blocks", {})
    if table_id not in cache:
        cache[table_id] = group_blocks(ctx.table(table_id).rows)
    return cache[table_id]


def field_amount(block: Block, key: str) -> Decimal:
    row = block.fields.get(key)
    return row.amount(FIELD_VALUE) if row is not None else Decimal(0)


def chosen_blocks(found: list[Block], nonzero: str | None, zero: str | None) -> list[Block]:
    """The blocks whose field ``nonzero`` is not 0 and whose field ``zero`` is 0 (or blank):
    the 财政拨款 projects, the 非财政拨款 ones."""
    return [
        b
        for b in found
        if (nonzero is None or field_amount(b, nonzero) != 0)
        and (zero is None or field_amount(b, zero) == 0)
    ]


def form_of(ctx: Context, table_id: str) -> FormSpec:
    form = ctx.table_spec(table_id).form
    assert form is not None, table_id
    return form


def block_label(ctx: Context, table_id: str, block: Block) -> str:
    """``项目支出绩效目标表「公告费」`` (the table's name alone for a one-block form)."""
    label = ctx.table_spec(table_id).label
    name = block.text(form_of(ctx, table_id).block_name)
    return f"{label}「{name}」" if name else label


def field_term(ctx: Context, table_id: str, block: Block, key: str) -> Term:
    return ctx.term(table_id, block.fields.get(key), FIELD_VALUE)


def field_name(ctx: Context, table_id: str, key: str) -> str:
    spec = form_of(ctx, table_id).find(key)
    if spec is not None and spec.under is not None:  # a matrix field: 年度总资金全年预算数
        return f"「{spec.label}{spec.under}」"
    return f"「{spec.label if spec is not None else key}」"


def ref_term(ctx: Context, text: str) -> tuple[Term, str]:
    """A cell of another table by reference (``t1!line=income_total:income``)."""
    ref = Ref.parse(text)
    column = ref.column or "total"
    if ref.row == "total":
        row = ctx.total_row(ref.table)
    elif ref.row == "line":
        row = ctx.line_row(ref.table, ref.key)
    else:
        row = ctx.code_rows(ref.table).get(ref.key)
    return ctx.term(ref.table, row, column), ctx.where(ref.table, row, column)


def constant(value: Decimal, table_id: str) -> Term:
    """A fixed figure (规定的总分值 90): exact, in no cell."""
    return Term(value, None, table_id)


# -- form_sum ----------------------------------------------------------------------------
def form_sum(ctx: Context, rel: RelationSpec) -> Instances:
    assert rel.table is not None
    table = rel.table
    plus, minus = signed(rel.parts)
    others = [ref_term(ctx, text) for text in rel.right] if isinstance(rel.right, list) else []
    for block in blocks(ctx, table):
        head = block_label(ctx, table, block)
        if rel.total is not None:
            left = [field_term(ctx, table, block, k) for k in (rel.total, *minus)]
            right = [field_term(ctx, table, block, k) for k in plus]
            words = (
                head + "".join(field_name(ctx, table, k) for k in (rel.total,)),
                "+".join(field_name(ctx, table, k) for k in plus) + "之和",
            )
        else:
            left = [field_term(ctx, table, block, k) for k in plus]
            right = [t for t, _ in others] + [field_term(ctx, table, block, k) for k in minus]
            words = (
                head + "+".join(field_name(ctx, table, k) for k in plus),
                "+".join(d for _, d in others),
            )
        yield Instance(left, right, lambda words=words: words)


def _form_sum_shape(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    found = _form_fields(rel, tables, [rel.total, *(p.lstrip("-") for p in rel.parts)])
    if not rel.parts:
        found.append("form_sum 类关系需要 parts（字段）")
    if rel.total is None and not rel.right:
        found.append("form_sum 类关系需要 total（字段）或 right（其他表的单元格）")
    if rel.right is not None and not isinstance(rel.right, list):
        found.append("form_sum 的 right 应是引用的列表")
    elif rel.right:
        found += [f"引用 {r!r} 的写法不对" for r in rel.right if not REF_PATTERN.match(r)]
    return found


def form_table(
    rel: RelationSpec, tables: dict[str, TableSpec]
) -> tuple[TableSpec, list[str]] | tuple[None, list[str]]:
    """The relation's table when it has the form layout, else the problem to report."""
    table = tables.get(rel.table or "")
    if table is None or table.form is None:
        return None, [f"{rel.kind} 类关系的 table 应是布局为 form 的表"]
    return table, []


def _form_fields(
    rel: RelationSpec, tables: dict[str, TableSpec], keys: list[str | None]
) -> list[str]:
    """The relation's table is a form and ``keys`` are amount fields of it."""
    table, problems = form_table(rel, tables)
    if table is None:
        return problems
    amounts = {f.key for f in table.form.amount_fields}
    return [f"表 {table.id} 没有金额字段 {k}" for k in keys if k and k not in amounts]


# -- form_column_sum / form_column_min ---------------------------------------------------
def form_column_sum(ctx: Context, rel: RelationSpec) -> Instances:
    assert rel.table is not None
    table, column = rel.table, str(params(rel, "column"))
    name = ctx.column_name(table, column)
    fixed = params(rel, "total")
    for block in blocks(ctx, table):
        rows = block.indicators
        left = [ctx.term(table, row, column) for row in rows]
        words = f"{block_label(ctx, table, block)}{len(rows)} 项指标的「{name}」之和"
        if block.total is not None:
            right = [ctx.term(table, block.total, column)]
            other = f"总计行「{name}」"
        elif fixed is not None:
            right = [constant(Decimal(str(fixed)), table)]
            other = "规定的总分值"
        else:
            continue
        yield Instance(left, right, lambda w=(words, other): w)


def form_column_min(ctx: Context, rel: RelationSpec) -> Instances:
    assert rel.table is not None
    table, column = rel.table, str(params(rel, "column"))
    least = constant(Decimal(str(params(rel, "min", 0))), table)
    for block in blocks(ctx, table):
        head = block_label(ctx, table, block)
        for row in block.indicators:
            words = (f"{head}{ctx.row_name(row)}「{ctx.column_name(table, column)}」", "")
            yield Instance([ctx.term(table, row, column)], [least], lambda w=words: w)


def _column_shape(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    found = _form_fields(rel, tables, [])
    table = tables.get(rel.table or "")
    column = params(rel, "column")
    if table is not None and (not isinstance(column, str) or not table.has_column(column)):
        found.append(f"params.column 应是表 {table.id} 的栏目")
    for name in ("total", "min"):
        value = params(rel, name)
        if value is not None and not isinstance(value, int | float):
            found.append(f"params.{name} 应为数字")
    if rel.kind == "form_column_min" and rel.op != "ge":
        found.append("form_column_min 类关系应写 op: ge")
    return found


# -- form_tally --------------------------------------------------------------------------
def tally_words(
    label: str, form: FormSpec, total: str | None, nonzero: str | None, zero: str | None, count: int
) -> str:
    """``项目支出绩效目标表中「其中：财政拨款」不为 0 的 8 张表的「其中：财政拨款」之和``,
    or ``…表的张数``."""

    def name(key: str) -> str:
        spec = form.find(key)
        return f"「{spec.label if spec is not None else key}」"

    where = []
    if nonzero is not None:
        where.append(f"{name(nonzero)}不为 0")
    if zero is not None:
        where.append(f"{name(zero)}为 0")
    which = f"{'、'.join(where)} 的" if where else ""
    if total is None:
        return f"{label}{'中' + which if which else ''}表的张数"
    return f"{label}中{which} {count} 张表的{name(total)}之和"


def form_tally(ctx: Context, rel: RelationSpec) -> Instances:
    """``left`` (a cell, e.g. the 情况说明's 财政拨款项目个数) = the count of the form's
    blocks chosen by ``params.nonzero`` / ``params.zero``, or Σ their ``params.sum`` field."""
    assert rel.table is not None and isinstance(rel.left, list)
    table, form = rel.table, form_of(ctx, rel.table)
    total, nonzero, zero = params(rel, "sum"), params(rel, "nonzero"), params(rel, "zero")
    chosen = chosen_blocks(blocks(ctx, table), nonzero, zero)
    left = [ref_term(ctx, text) for text in rel.left]
    if total is None:
        right = [constant(Decimal(len(chosen)), table)]
    else:
        right = [field_term(ctx, table, b, str(total)) for b in chosen]
    label = ctx.table_spec(table).label
    words = (
        "+".join(d for _, d in left),
        tally_words(label, form, total, nonzero, zero, len(chosen)),
    )
    yield Instance([t for t, _ in left], right, lambda w=words: w)


def _tally_shape(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    keys = [params(rel, name) for name in ("sum", "nonzero", "zero")]
    found = _form_fields(rel, tables, [k for k in keys if isinstance(k, str)])
    found += [
        f"params 的字段应写 key（字符串）：{k!r}"
        for k in keys
        if k is not None and not isinstance(k, str)
    ]
    if not isinstance(rel.left, list) or not rel.left:
        found.append("form_tally 类关系需要 left（其他表的单元格引用列表）")
    else:
        found += [f"引用 {r!r} 的写法不对" for r in rel.left if not REF_PATTERN.match(r)]
    return found


for _kind in (
    RuleKind("form_sum", "表单字段合计", instances=form_sum, validate=_form_sum_shape),
    RuleKind("form_tally", "表单个数与金额", instances=form_tally, validate=_tally_shape),
    RuleKind(
        "form_column_sum", "表单指标栏合计", instances=form_column_sum, validate=_column_shape
    ),
    RuleKind(
        "form_column_min", "表单指标栏下限", instances=form_column_min, validate=_column_shape
    ),
):
    register(_kind)
