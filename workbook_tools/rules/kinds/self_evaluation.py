"""Self-evaluation forms (绩效自评表 of final accounts): execution rate, scores, totals.

A 绩效自评表 is a form (layout ``form``, see ``workbook_tools.rules.kinds.forms``): its fund
rows give 年初预算数, 全年预算数, 全年执行数, the 分值 of budget execution, the 执行率 (a
text such as ``99.49%``) and its 得分; its indicator rows a 分值 and an 得分 each, and its
总分 row the sums. The kinds, evaluated per block:

- ``form_rate`` (findings): the stated rate (``params.rate``, a text field) =
  ``params.actual`` ÷ ``params.budget`` in per cent to two decimals; within what the rounding
  of the two amounts allows it is a tail (warning), beyond it an error.
- ``form_rate_score`` (instances): ``params.score`` = ``params.weight`` × the stated rate
  (at most ``params.cap`` per cent, 100 unless given), to two decimals (10 × 99.49% = 9.95).
- ``form_row_cap`` (instances, ``op: le``): each indicator's ``params.column`` (得分) ≤ its
  ``params.limit`` (分值).
- ``form_grand_total`` (instances): Σ of ``params.column`` over the indicator rows plus the
  ``params.fields`` of the block (the fund part's 分值 or 得分) = the 总分 row's cell; with
  ``params.total`` (100) also the 总分 row's cell = that figure (or the sum, when the block
  has no 总分 row).
- ``form_rate_reason`` (findings): a rate below ``params.below`` per cent needs a text in
  ``params.reason``.
- ``form_indicator_score`` (findings, a hint): an indicator's 得分 against the common
  scoring rule — a target met (``≥``: 实际 ≥ 指标值, ``≤``: 实际 ≤ 指标值) scores its full 分值;
  one not met scores 实际 ÷ 指标值 × 分值 (``≥``) or 指标值 ÷ 实际 × 分值 (``≤``). Only
  numeric targets and results in the same unit are judged.
- ``form_field_ref`` (instances): Σ ``parts`` (fields) of each block op Σ ``right`` (cells
  of other tables), skipped when none of those cells is filled (an optional table).
- ``form_blocks_total`` (instances): Σ over the blocks of the field ``params.field`` (or,
  without it, the number of blocks) = Σ ``right``, skipped likewise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from workbook_tools.money import money
from workbook_tools.rules.context import Context, Term
from workbook_tools.rules.findings import CellRef, Finding
from workbook_tools.rules.kinds.forms import (
    Block,
    block_label,
    blocks,
    constant,
    field_name,
    field_term,
    form_table,
    ref_term,
)
from workbook_tools.rules.kinds.forms_values import Value, parse_value
from workbook_tools.rules.registry import RuleKind, params, register
from workbook_tools.rules.relations import Instance
from workbook_tools.spec.forms import FIELD_VALUE
from workbook_tools.spec.models import REF_PATTERN, RelationSpec, TableSpec

Instances = Iterator[Instance]
CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")
HUNDRED = Decimal(100)
_PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)%$")


def parse_percent(text: str) -> Decimal | None:
    """``"99.49%"`` / ``"99. 49%"`` / ``"99.49％"`` → ``Decimal("99.49")``; None otherwise."""
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    found = _PERCENT.match(value)
    if found is None:
        return None
    try:
        return Decimal(found.group(1))
    except InvalidOperation:
        return None


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _round_as(value: Decimal, like: Decimal) -> Decimal:
    """``value`` to as many decimals as ``like`` has (at most two)."""
    places = min(2, max(0, -int(like.as_tuple().exponent)))
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _field_ref(ctx: Context, table_id: str, block: Block, key: str) -> CellRef | None:
    row = block.fields.get(key)
    if row is None:
        return None
    cell = row.cell(FIELD_VALUE)
    return CellRef(row.sheet or ctx.table(table_id).sheet, cell) if cell else None


def _rate(block: Block, key: str) -> Decimal | None:
    return parse_percent(block.text(key))


# -- form_rate ---------------------------------------------------------------------------
def rate_findings(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    assert rel.table is not None
    table = rel.table
    key, actual_key, budget_key = (str(params(rel, k)) for k in ("rate", "actual", "budget"))
    for block in blocks(ctx, table):
        actual = field_term(ctx, table, block, actual_key)
        budget = field_term(ctx, table, block, budget_key)
        if not budget.published or budget.value <= 0:
            continue
        text = block.text(key)
        stated = parse_percent(text) if text else None
        exact = actual.value / budget.value * HUNDRED
        expected = _round(exact)
        ref = _field_ref(ctx, table, block, key)
        cells = [r for r in (ref, actual.ref, budget.ref) if r is not None]
        if not cells:
            continue
        head = block_label(ctx, table, block)
        shown = f"{head}{field_name(ctx, table, key)}"
        formula = f"{money(actual.value)} ÷ {money(budget.value)} = {expected}%"
        if stated is None:
            what = f"写作“{text}”，不是百分数" if text else "未填写"
            message = f"{rel.title}：{shown}{what}，应为 {formula}"
            severity = rel.severity
        elif stated == _round_as(exact, stated):  # 99.5% for 99.494…% is right too
            continue
        else:
            low = (actual.value - HALF_CENT) / (budget.value + HALF_CENT) * HUNDRED
            high = (actual.value + HALF_CENT) / (budget.value - HALF_CENT) * HUNDRED
            tail = low - HALF_CENT <= stated <= high + HALF_CENT
            severity = "warning" if tail else rel.severity
            words = "属于金额四舍五入的尾差" if tail else f"相差 {stated - expected} 个百分点"
            message = f"{rel.title}：{shown}为 {stated}%，应为 {formula}，{words}"
        first = cells[0]
        yield Finding(
            rel.id,
            severity,  # type: ignore[arg-type]
            table,
            first.sheet,
            first.cell,
            message,
            cells,
            expected=f"{expected}%",
            actual=text or None,
        )


# -- form_rate_score ---------------------------------------------------------------------
def rate_score(ctx: Context, rel: RelationSpec) -> Instances:
    assert rel.table is not None
    table = rel.table
    key, weight_key, score_key = (str(params(rel, k)) for k in ("rate", "weight", "score"))
    cap = Decimal(str(params(rel, "cap", 100)))
    for block in blocks(ctx, table):
        rate = _rate(block, key)
        weight = field_term(ctx, table, block, weight_key)
        if rate is None or not weight.published:
            continue
        used = min(rate, cap)
        product = _round(weight.value * used / HUNDRED)
        words = (
            f"{block_label(ctx, table, block)}{field_name(ctx, table, score_key)}",
            f"{field_name(ctx, table, weight_key)} {money(weight.value)} × 执行率 {used}% =",
        )
        score = field_term(ctx, table, block, score_key)
        yield Instance([score], [constant(product, table)], lambda w=words: w)


# -- form_row_cap ------------------------------------------------------------------------
def row_cap(ctx: Context, rel: RelationSpec) -> Instances:
    assert rel.table is not None
    table = rel.table
    column, limit = str(params(rel, "column")), str(params(rel, "limit"))
    for block in blocks(ctx, table):
        head = block_label(ctx, table, block)
        for row in block.indicators:
            words = (
                f"{head}{ctx.row_name(row)}「{ctx.column_name(table, column)}」",
                f"「{ctx.column_name(table, limit)}」",
            )
            left, right = ctx.term(table, row, column), ctx.term(table, row, limit)
            yield Instance([left], [right], lambda w=words: w)


# -- form_grand_total --------------------------------------------------------------------
def grand_total(ctx: Context, rel: RelationSpec) -> Instances:
    assert rel.table is not None
    table, column = rel.table, str(params(rel, "column"))
    keys = [str(k) for k in params(rel, "fields", [])]
    fixed = params(rel, "total")
    name = ctx.column_name(table, column)
    for block in blocks(ctx, table):
        head = block_label(ctx, table, block)
        rows = block.indicators
        parts = [ctx.term(table, row, column) for row in rows]
        parts += [field_term(ctx, table, block, k) for k in keys]
        with_fields = "".join(f"与{field_name(ctx, table, k)}" for k in keys)
        words = f"{head}{len(rows)} 项指标的「{name}」{with_fields}之和"
        total = block.total
        cell = ctx.term(table, total, column) if total is not None else None
        if cell is not None:  # a blank 总分 is a zero that the sum contradicts
            sum_words = (words, f"「{total.name if total else ''}」行「{name}」")
            yield Instance(parts, [cell], lambda w=sum_words: w)
            if fixed is not None:
                fixed_words = (f"{head}「{total.name if total else ''}」行「{name}」", "规定的")
                yield Instance(
                    [cell], [constant(Decimal(str(fixed)), table)], lambda w=fixed_words: w
                )
        elif fixed is not None:
            yield Instance(
                parts, [constant(Decimal(str(fixed)), table)], lambda w=(words, "规定的"): w
            )


# -- form_rate_reason --------------------------------------------------------------------
def rate_reason(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    assert rel.table is not None
    table = rel.table
    key, reason = str(params(rel, "rate")), str(params(rel, "reason"))
    below = Decimal(str(params(rel, "below", 90)))
    for block in blocks(ctx, table):
        rate = _rate(block, key)
        if rate is None or rate >= below or block.text(reason).strip():
            continue
        ref = _field_ref(ctx, table, block, reason) or _field_ref(ctx, table, block, key)
        if ref is None:
            continue
        message = (
            f"{rel.title}：{block_label(ctx, table, block)}执行率 {rate}% 低于 {below}%，"
            f"{field_name(ctx, table, reason)}未填写"
        )
        yield Finding(
            rel.id,
            rel.severity,
            table,
            ref.sheet,
            ref.cell,
            message,
            [ref],
            expected="说明原因",
            actual=f"{rate}%",
        )


# -- form_indicator_score ----------------------------------------------------------------
def indicator_scores(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    assert rel.table is not None
    table = rel.table
    target_key, actual_key = str(params(rel, "target")), str(params(rel, "actual"))
    weight_key, score_key = str(params(rel, "weight")), str(params(rel, "score"))
    for block in blocks(ctx, table):
        for row in block.indicators:
            target = parse_value(row.texts.get(target_key, ""), [])
            actual = parse_value(row.texts.get(actual_key, ""), [])
            weight, score = ctx.term(table, row, weight_key), ctx.term(table, row, score_key)
            if not (weight.published and score.published) or score.ref is None:
                continue
            expected = _common_score(target, actual, weight.value)
            if expected is None or abs(expected - score.value) <= CENT:
                continue
            met = expected == weight.value
            why = "指标已完成，按常用赋分规则应得满分" if met else "指标未完成，按比例赋分应为"
            message = (
                f"{rel.title}：{block_label(ctx, table, block)}{ctx.row_name(row)}"
                f"指标值「{row.texts.get(target_key, '')}」、实际完成值"
                f"「{row.texts.get(actual_key, '')}」，{why} {money(expected)}，"
                f"表中得分为 {money(score.value)}（分值 {money(weight.value)}），请核实赋分规则"
            )
            cells = [r for r in (score.ref, weight.ref) if r is not None]
            yield Finding(
                rel.id,
                rel.severity,
                table,
                score.ref.sheet,
                score.ref.cell,
                message,
                cells,
                expected=expected,
                actual=score.value,
                difference=score.value - expected,
            )


def _common_score(target: Value, actual: Value, weight: Decimal) -> Decimal | None:
    """The score of a numeric ``≥``/``≤`` target by the common rule; None if not judged."""
    if target.kind != "quantity" or target.op not in (">=", "<=", ">", "<"):
        return None
    if actual.kind not in ("quantity", "number") or actual.op not in (None, "="):
        return None
    if target.number is None or actual.number is None or target.unit != actual.unit:
        return None
    at_least = target.op in (">=", ">")
    met = actual.number >= target.number if at_least else actual.number <= target.number
    if met:
        return weight
    if at_least:
        if target.number <= 0:
            return None
        return _round(weight * actual.number / target.number)
    if actual.number <= 0:
        return None
    return _round(weight * target.number / actual.number)


# -- form_field_ref / form_blocks_total --------------------------------------------------
def _others(ctx: Context, rel: RelationSpec) -> list[tuple[Term, str]]:
    return [ref_term(ctx, text) for text in rel.right] if isinstance(rel.right, list) else []


def field_ref(ctx: Context, rel: RelationSpec) -> Instances:
    assert rel.table is not None
    table = rel.table
    others = _others(ctx, rel)
    if not any(t.published for t, _ in others):
        return
    for block in blocks(ctx, table):
        left = [field_term(ctx, table, block, k) for k in rel.parts]
        words = (
            block_label(ctx, table, block) + "+".join(field_name(ctx, table, k) for k in rel.parts),
            "+".join(d for _, d in others),
        )
        yield Instance(left, [t for t, _ in others], lambda w=words: w)


def blocks_total(ctx: Context, rel: RelationSpec) -> Instances:
    assert rel.table is not None
    table = rel.table
    others = _others(ctx, rel)
    if not any(t.published for t, _ in others):
        return
    found = blocks(ctx, table)
    key = params(rel, "field")
    label = ctx.table_spec(table).label
    if key is None:
        left = [constant(Decimal(len(found)), table)]
        words = f"{label}的张数（{len(found)}）"
    else:
        left = [field_term(ctx, table, block, str(key)) for block in found]
        words = f"{len(found)} 张{label}{field_name(ctx, table, str(key))}之和"
    pair = (words, "+".join(d for _, d in others))
    yield Instance(left, [t for t, _ in others], lambda w=pair: w)


# -- validation --------------------------------------------------------------------------
Validator = Callable[[RelationSpec, dict[str, TableSpec]], list[str]]


def _shape(names: tuple[str, ...], amounts: tuple[str, ...] = ()) -> Validator:
    """A validator: the relation's table is a form, ``names`` are its fields (of which
    ``amounts`` are amount fields) or columns, as the kind needs."""

    def validate(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
        table, problems = form_table(rel, tables)
        if table is None:
            return problems
        found = []
        fields = {f.key: f for f in table.form.fields}
        for name in names:
            value = params(rel, name)
            if value is None:
                found.append(f"{rel.kind} 类关系需要 params.{name}")
                continue
            column_kind = name in ("column", "limit") or rel.kind == "form_indicator_score"
            if column_kind and not table.has_column(str(value)):
                found.append(f"params.{name} 应是表 {table.id} 的栏目")
            elif not column_kind and str(value) not in fields:
                found.append(f"params.{name} 应是表 {table.id} 的字段")
            elif name in amounts and fields[str(value)].role != "amount":
                found.append(f"params.{name} 应是金额字段")
        for key in params(rel, "fields", []) or []:
            if key not in fields or fields[key].role != "amount":
                found.append(f"params.fields 中的 {key} 应是表 {table.id} 的金额字段")
        if isinstance(rel.right, list):
            found += [f"引用 {r!r} 的写法不对" for r in rel.right if not REF_PATTERN.match(r)]
        if rel.kind == "form_row_cap" and rel.op != "le":
            found.append("form_row_cap 类关系应写 op: le")
        return found

    return validate


def _refs_shape(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    table, problems = form_table(rel, tables)
    if table is None:
        return problems
    amounts = {f.key for f in table.form.amount_fields}
    keys = list(rel.parts) if rel.kind == "form_field_ref" else []
    key = params(rel, "field")
    keys += [str(key)] if key is not None else []
    found = [f"表 {table.id} 没有金额字段 {k}" for k in keys if k not in amounts]
    if rel.kind == "form_field_ref" and not rel.parts:
        found.append("form_field_ref 类关系需要 parts（字段）")
    if not isinstance(rel.right, list) or not rel.right:
        found.append(f"{rel.kind} 类关系需要 right（其他表的单元格引用）")
    else:
        found += [f"引用 {r!r} 的写法不对" for r in rel.right if not REF_PATTERN.match(r)]
    return found


for _kind in (
    RuleKind(
        "form_rate",
        "自评表执行率",
        findings=rate_findings,
        validate=_shape(("rate", "actual", "budget"), ("actual", "budget")),
    ),
    RuleKind(
        "form_rate_score",
        "自评表执行率得分",
        instances=rate_score,
        validate=_shape(("rate", "weight", "score"), ("weight", "score")),
    ),
    RuleKind(
        "form_row_cap",
        "自评表指标得分上限",
        instances=row_cap,
        validate=_shape(("column", "limit")),
    ),
    RuleKind(
        "form_grand_total",
        "自评表总分",
        instances=grand_total,
        validate=_shape(("column",)),
    ),
    RuleKind(
        "form_rate_reason",
        "自评表执行率偏低须说明原因",
        findings=rate_reason,
        validate=_shape(("rate", "reason")),
    ),
    RuleKind(
        "form_indicator_score",
        "自评表指标得分与赋分规则",
        findings=indicator_scores,
        validate=_shape(("target", "actual", "weight", "score")),
    ),
    RuleKind("form_field_ref", "表单字段与其他表", instances=field_ref, validate=_refs_shape),
    RuleKind("form_blocks_total", "表单各张合计", instances=blocks_total, validate=_refs_shape),
):
    register(_kind)
