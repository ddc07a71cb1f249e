"""The indicators of a form: their 一级指标 and the values written for them (findings).

An indicator value (指标值) is *quantitative* — an operator (=, ≥, ≤, >=, <=, ＞=, >, < …)
then a number with its unit (``=365 天``, ``>=100 个``, ``≤3 小时``, ``=100%``,
``≥4次/月``); a *range* (``10%-20%``); a *deadline* (``2024年11月底前``); or *qualitative*,
words without a number that contain one of the set's stems (``params.qualitative``: 保障,
持续推进, 有所提升 …). White space is ignored (PDF copies split ``> =90%``).

- ``form_levels``: each block has every first-level indicator of ``params.required``
  (stems: 产出, 效益, 满意度 …) in ``params.column``.
- ``form_target_format``: each value in ``params.target`` is one of the forms above.
- ``form_last_unit``: last year's value (``params.last``) is in the target's unit.
- ``form_target_below_last``: a ≥ target below last year's achieved value (a hint: the
  target is set lower than what was already reached).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from workbook_tools.io.model import Row
from workbook_tools.rules.context import Context
from workbook_tools.rules.findings import CellRef, Finding
from workbook_tools.rules.kinds.forms import Block, block_label, blocks, form_table
from workbook_tools.rules.registry import RuleKind, params, register
from workbook_tools.spec.models import RelationSpec, TableSpec

ValueKind = Literal["quantity", "number", "range", "deadline", "words", "unknown", "blank"]
_OPERATORS = {
    "≥": ">=",
    "≧": ">=",
    "=>": ">=",
    "≤": "<=",
    "≦": "<=",
    "=<": "<=",
    "不低于": ">=",
    "不少于": ">=",
    "大于等于": ">=",
    "不高于": "<=",
    "不超过": "<=",
    "不多于": "<=",
    "小于等于": "<=",
}
_NUMBER = r"\d+(?:\.\d+)?"
_QUANTITY = re.compile(rf"^(?P<op>>=|<=|>|<|=)?(?P<number>{_NUMBER})(?P<unit>\D.*)?$")
_RANGE = re.compile(rf"^(?P<op>>=|<=|>|<|=)?{_NUMBER}\D*?[-~～至到]{_NUMBER}(?P<unit>\D*)$")
_DEADLINE = re.compile(
    r"^(?:(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?|\d{4}年(?:度)?)(?:底|末|中旬|上旬|下旬)?"
    r"(?:前|以前|之前|内|完成)?$"
)


@dataclass(frozen=True)
class Value:
    kind: ValueKind
    op: str | None = None
    number: Decimal | None = None
    unit: str = ""


def compact(text: str) -> str:
    """NFKC, no white space, operators written one way (≥ → >=)."""
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for word, op in _OPERATORS.items():
        value = value.replace(word, op)
    return value


def parse_value(text: str, qualitative: list[str]) -> Value:
    value = compact(text)
    if not value:
        return Value("blank")
    if _DEADLINE.match(value):
        return Value("deadline")
    if _RANGE.match(value):
        return Value("range", unit=_RANGE.match(value).group("unit") or "")  # type: ignore[union-attr]
    match = _QUANTITY.match(value)
    if match is not None:
        try:
            number = Decimal(match.group("number"))
        except InvalidOperation:
            return Value("unknown")
        unit = match.group("unit") or ""
        kind: ValueKind = "quantity" if match.group("op") else "number"
        return Value(kind, match.group("op"), number, unit)
    if not any(ch.isdigit() for ch in value):
        words = any(stem in value for stem in qualitative)
        return Value("words" if words else "unknown")
    return Value("unknown")


def _cell(row: Row, column: str) -> CellRef | None:
    cell = row.cell(column)
    return CellRef(row.sheet, cell) if cell else None


def _finding(rel: RelationSpec, row: Row, column: str, message: str, **extra: object) -> Finding:
    ref = _cell(row, column) or CellRef(row.sheet, row.label_cell)
    return Finding(
        rel.id, rel.severity, rel.table or "", ref.sheet, ref.cell, message, [ref], **extra
    )  # type: ignore[arg-type]


def _indicators(ctx: Context, rel: RelationSpec) -> Iterator[tuple[Block, Row]]:
    assert rel.table is not None
    for block in blocks(ctx, rel.table):
        for row in block.indicators:
            yield block, row


def _where(ctx: Context, rel: RelationSpec, block: Block, row: Row) -> str:
    assert rel.table is not None
    return f"{block_label(ctx, rel.table, block)}{ctx.row_name(row)}"


# -- form_levels -------------------------------------------------------------------------
def missing_levels(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    assert rel.table is not None
    column = str(params(rel, "column"))
    required = [str(stem) for stem in params(rel, "required", [])]
    for block in blocks(ctx, rel.table):
        rows = block.indicators
        if not rows:
            continue
        present = {compact(r.texts.get(column, "")) for r in rows}
        missing = [s for s in required if not any(s in text for text in present)]
        if not missing:
            continue
        cells = [c for r in rows if (c := _cell(r, column)) is not None]
        name = ctx.column_name(rel.table, column)
        message = (
            f"{rel.title}：{block_label(ctx, rel.table, block)}的「{name}」中没有"
            + "、".join(f"{s}类指标" for s in missing)
            + f"（应有：{'、'.join(required)}）"
        )
        first = cells[0]
        yield Finding(
            rel.id,
            rel.severity,
            rel.table,
            first.sheet,
            first.cell,
            message,
            cells,
            expected="、".join(required),
            actual="、".join(dict.fromkeys(r.texts.get(column, "") for r in rows)),
        )


# -- form_target_format ------------------------------------------------------------------
def malformed_targets(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    column = str(params(rel, "target"))
    stems = [str(s) for s in params(rel, "qualitative", [])]
    for block, row in _indicators(ctx, rel):
        text = row.texts.get(column, "")
        value = parse_value(text, stems)
        problem = _format_problem(value, text, stems)
        if problem is not None:
            message = f"{rel.title}：{_where(ctx, rel, block, row)}的指标值「{text}」{problem}"
            yield _finding(rel, row, column, message, actual=text)


def _format_problem(value: Value, text: str, stems: list[str]) -> str | None:
    if value.kind == "blank":
        return None if not text else "为空"
    if value.kind == "number":
        return "缺少运算符（=、≥、≤ 等）"
    if value.kind == "quantity" and not value.unit:
        return "缺少计量单位"
    if value.kind == "unknown":
        examples = "、".join(stems[:3])
        return f"既不是“运算符 + 数值 + 单位”，也不是常用的定性表述（{examples}…）"
    return None


def _blank_target(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    column = str(params(rel, "target"))
    for block, row in _indicators(ctx, rel):
        if not row.texts.get(column):
            message = f"{rel.title}：{_where(ctx, rel, block, row)}没有填写指标值"
            yield _finding(rel, row, column, message, actual="（空）")


def targets(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    yield from _blank_target(ctx, rel)
    yield from malformed_targets(ctx, rel)


# -- form_last_unit / form_target_below_last ---------------------------------------------
def _pairs(ctx: Context, rel: RelationSpec) -> Iterator[tuple[Block, Row, Value, Value]]:
    target, last = str(params(rel, "target")), str(params(rel, "last"))
    for block, row in _indicators(ctx, rel):
        if not row.texts.get(last):
            continue
        goal = parse_value(row.texts.get(target, ""), [])
        done = parse_value(row.texts[last], [])
        if goal.number is not None and done.number is not None:
            yield block, row, goal, done


def unit_differs(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    target, last = str(params(rel, "target")), str(params(rel, "last"))
    for block, row, goal, done in _pairs(ctx, rel):
        if goal.unit == done.unit or not goal.unit:
            continue
        got = f"“{done.unit}”" if done.unit else "没有单位"
        message = (
            f"{rel.title}：{_where(ctx, rel, block, row)}的上年完成值「{row.texts[last]}」{got}，"
            f"指标值「{row.texts.get(target, '')}」的单位是“{goal.unit}”"
        )
        finding = _finding(rel, row, last, message, expected=goal.unit, actual=done.unit)
        finding.cells.append(_cell(row, target) or finding.cells[0])
        yield finding


def below_last(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    target, last = str(params(rel, "target")), str(params(rel, "last"))
    for block, row, goal, done in _pairs(ctx, rel):
        if goal.op not in (">=", ">") or goal.unit != done.unit:
            continue
        assert goal.number is not None and done.number is not None
        if goal.number >= done.number:
            continue
        message = (
            f"{rel.title}：{_where(ctx, rel, block, row)}的指标值「{row.texts.get(target, '')}」"
            f"低于上年完成值「{row.texts[last]}」，目标是否定得偏低？"
        )
        finding = _finding(rel, row, target, message, actual=row.texts.get(target, ""))
        finding.cells.append(_cell(row, last) or finding.cells[0])
        yield finding


# -- validation --------------------------------------------------------------------------
Validator = Callable[[RelationSpec, dict[str, TableSpec]], list[str]]


def _columns(*names: str) -> Validator:
    """A validator: each of ``params.<name>`` is a column of the relation's form table."""

    def validate(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
        table, problems = form_table(rel, tables)
        if table is None:
            return problems
        found = []
        for name in names:
            column = params(rel, name)
            if not isinstance(column, str) or not table.has_column(column):
                found.append(f"params.{name} 应是表 {table.id} 的栏目")
        return found

    return validate


for _kind in (
    RuleKind("form_levels", "一级指标齐全", findings=missing_levels, validate=_columns("column")),
    RuleKind("form_target_format", "指标值写法", findings=targets, validate=_columns("target")),
    RuleKind(
        "form_last_unit",
        "上年完成值单位",
        findings=unit_differs,
        validate=_columns("target", "last"),
    ),
    RuleKind(
        "form_target_below_last",
        "指标值低于上年完成值",
        findings=below_last,
        validate=_columns("target", "last"),
    ),
):
    register(_kind)
