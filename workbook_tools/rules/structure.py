"""Structural rules: what must hold of any table whatever its relations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from workbook_tools.io.model import Row, Table
from workbook_tools.layouts import layout_of
from workbook_tools.money import money
from workbook_tools.rules.context import CODE_KINDS, Context, show_code
from workbook_tools.rules.findings import CellRef, Finding, Severity

Findings = Iterator[Finding]


@dataclass(frozen=True)
class StructureRule:
    id: str
    severity: Severity
    title: str
    title_en: str
    check: Callable[[Context], Findings]


def _finding(
    rule: StructureRule, table: Table, sheet: str, cell: str, message: str, **values: object
) -> Finding:
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        table=table.id,
        sheet=sheet or table.sheet,
        cell=cell,
        message=f"{rule.title}：{message}",
        cells=[CellRef(sheet or table.sheet, cell)],
        **values,  # type: ignore[arg-type]
    )


def _rows(ctx: Context) -> Iterator[tuple[Table, Row]]:
    for table in ctx.data.tables.values():
        for row in table.rows:
            yield table, row


def _cell_problems(ctx: Context, problem: str) -> Iterator[tuple[Table, Row, str, str]]:
    for table, row in _rows(ctx):
        for key, amount in row.values.items():
            if amount.problem == problem:
                yield table, row, key, amount.cell


def formula_without_value(ctx: Context) -> Findings:
    rule = RULES_BY_ID["s.formula_without_value"]
    for table, row, key, cell in _cell_problems(ctx, "formula_without_value"):
        formula = row.values[key].formula
        where = ctx.where(table.id, row, key)
        message = f"{where}是公式 {formula}，但文件中没有保存计算结果，无法读取其数值。请在 Excel/WPS 中打开、重新计算并保存"
        yield _finding(rule, table, row.sheet, cell, message, actual=formula)


def not_a_number(ctx: Context) -> Findings:
    rule = RULES_BY_ID["s.not_a_number"]
    for table, row, key, cell in _cell_problems(ctx, "not_a_number"):
        text = row.values[key].text
        message = f"{ctx.where(table.id, row, key)}填的是“{text}”，不是数字"
        yield _finding(rule, table, row.sheet, cell, message, actual=text)


def negative_amount(ctx: Context) -> Findings:
    rule = RULES_BY_ID["s.negative"]
    for table, row in _rows(ctx):
        for key, amount in row.values.items():
            if amount.value is not None and amount.value < 0:
                message = f"{ctx.where(table.id, row, key)}为负数 {money(amount.value)}"
                yield _finding(rule, table, row.sheet, amount.cell, message, actual=amount.value)


def _unknown_rows(ctx: Context, named: bool) -> Iterator[tuple[Table, Row]]:
    for table, row in _rows(ctx):
        if row.kind == "unknown" and row.has_amounts() and bool(row.name) == named:
            yield table, row


def unnamed_row(ctx: Context) -> Findings:
    rule = RULES_BY_ID["s.unnamed_row"]
    for table, row in _unknown_rows(ctx, named=False):
        label = ctx.table_spec(table.id).label
        message = f"{label}第 {row.sheet_row} 行有金额，但没有名称也没有编码，无法判断是哪一项（未计入任何合计）"
        yield _finding(rule, table, row.sheet, row.label_cell, message)


def unrecognised_row(ctx: Context) -> Findings:
    rule = RULES_BY_ID["s.unrecognised_row"]
    for table, row in _unknown_rows(ctx, named=True):
        spec = ctx.table_spec(table.id)
        what = layout_of(spec).unrecognised
        message = (
            f"{spec.label}第 {row.sheet_row} 行「{row.name}」有金额，但{what}（未计入任何合计）"
        )
        yield _finding(rule, table, row.sheet, row.label_cell, message, actual=row.name)


def duplicate_code(ctx: Context) -> Findings:
    rule = RULES_BY_ID["s.duplicate_code"]
    for table in ctx.data.tables.values():
        seen: dict[tuple[str | None, int, str], Row] = {}
        several = sum(1 for row in table.rows if row.kind == "unit") > 1
        block = 0  # 汇总 with several units: each unit block lists its own codes
        for row in table.rows:
            if several and row.kind == "unit":
                block += 1
            if row.kind not in CODE_KINDS or not row.code:
                continue
            key = (row.panel, block, row.code)
            first = seen.setdefault(key, row)
            if first is row:
                continue
            label = ctx.table_spec(table.id).label
            message = (
                f"{label}科目 {show_code(row.code)} 出现了两次"
                f"（第 {first.sheet_row} 行和第 {row.sheet_row} 行），合计时只计第一行"
            )
            finding = _finding(rule, table, row.sheet, row.label_cell, message)
            finding.cells.append(CellRef(first.sheet or table.sheet, first.label_cell))
            yield finding


def class_not_in_year(ctx: Context) -> Findings:
    rule = RULES_BY_ID["s.class_not_in_year"]
    function = {c.code for c in ctx.spec.function_classes}
    economic = {c.code for c in ctx.spec.economic_classes}
    for table in ctx.data.tables.values():
        scheme = ctx.table_spec(table.id).code_scheme or "function"
        allowed = economic if scheme == "economic" else function
        if not allowed:
            continue
        for row in table.rows:
            code = row.code
            if not code or code[:3] in allowed or not any(a.value for a in row.values.values()):
                continue
            kind = "经济分类" if scheme == "economic" else "支出功能分类"
            message = (
                f"{ctx.table_spec(table.id).label}科目 {show_code(code)} 的类级科目 {code[:3]} "
                f"不在 {ctx.spec.year} 年{kind}类级科目表中"
            )
            yield _finding(rule, table, row.sheet, row.label_cell, message, actual=code[:3])


def missing_parent(ctx: Context) -> Findings:
    rule = RULES_BY_ID["s.missing_parent"]
    for table in ctx.data.tables.values():
        spec = ctx.table_spec(table.id)
        if not layout_of(spec).has_codes or not spec.publish:
            continue
        codes = {r.code for r in table.rows if r.kind in CODE_KINDS and r.code}
        reported: set[str] = set()
        for row in table.rows:
            if not row.code or row.kind not in (*CODE_KINDS, "project"):
                continue
            lengths = (3, 5) if row.kind == "project" else (len(row.code) - 2,)
            for length in lengths:
                parent = row.code[:length]
                if length < 3 or len(row.code) <= length or parent in codes or parent in reported:
                    continue
                reported.add(parent)
                level = "类" if length == 3 else "款"
                message = (
                    f"{ctx.table_spec(table.id).label}{ctx.row_name(row)}的上级{level}"
                    f" {show_code(parent)} 没有单独列行，无法核对类、款、项的合计关系"
                )
                yield _finding(rule, table, row.sheet, row.label_cell, message, expected=parent)


def missing_total(ctx: Context) -> Findings:
    rule = RULES_BY_ID["s.missing_total"]
    for table in ctx.data.tables.values():
        spec = ctx.table_spec(table.id)
        if not layout_of(spec).has_codes or not spec.publish:
            continue
        if table.is_empty() or any(r.kind == "total" for r in table.rows):
            continue
        message = f"{ctx.table_spec(table.id).label}有数据，但没有「合计/总计」行"
        yield _finding(rule, table, table.sheet, table.title_cell, message)


def money_unit(ctx: Context) -> Findings:
    rule = RULES_BY_ID["s.money_unit"]
    for table in ctx.data.tables.values():
        declared = ctx.table_spec(table.id).money_unit
        if table.money_unit is None or table.money_unit == declared:
            continue
        converted = "已换算后校验，" if table.scale != 1 else ""
        message = (
            f"{ctx.table_spec(table.id).label}标明的金额单位是“{table.money_unit}”，"
            f"本表套的公开表以“{declared}”为单位（保留两位小数）；{converted}请换算后填写"
        )
        yield _finding(
            rule,
            table,
            table.sheet,
            table.money_unit_cell,
            message,
            expected=declared,
            actual=table.money_unit,
        )


STRUCTURE_RULES = [
    StructureRule(
        "s.formula_without_value",
        "error",
        "公式没有计算结果",
        "formula cell without a cached value",
        formula_without_value,
    ),
    StructureRule(
        "s.not_a_number",
        "error",
        "金额栏填了非数字",
        "text that is not a number in an amount cell",
        not_a_number,
    ),
    StructureRule("s.negative", "error", "金额为负数", "negative amount", negative_amount),
    StructureRule(
        "s.unnamed_row",
        "warning",
        "有金额的行没有名称和编码",
        "row with amounts but no name or code",
        unnamed_row,
    ),
    StructureRule(
        "s.unrecognised_row",
        "warning",
        "有金额的行无法识别",
        "row with amounts whose label or code is not recognised",
        unrecognised_row,
    ),
    StructureRule(
        "s.duplicate_code", "error", "科目编码重复", "duplicate code rows", duplicate_code
    ),
    StructureRule(
        "s.class_not_in_year",
        "error",
        "类级科目不在本年度科目表中",
        "class code not in the year's class list",
        class_not_in_year,
    ),
    StructureRule(
        "s.missing_parent",
        "error",
        "款、项缺少上级科目行",
        "款/项 row whose parent row is missing",
        missing_parent,
    ),
    StructureRule(
        "s.missing_total",
        "warning",
        "缺少合计行",
        "table with data but no total row",
        missing_total,
    ),
    StructureRule(
        "s.money_unit",
        "error",
        "金额单位与表套规定的不同",
        "money unit differs from the set's",
        money_unit,
    ),
]
RULES_BY_ID = {rule.id: rule for rule in STRUCTURE_RULES}
