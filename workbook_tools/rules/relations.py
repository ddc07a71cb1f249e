"""Rule kinds that evaluate the relations declared in a spec.

Each equation kind is a small function ``(context, relation) → instances`` (Σ left op
Σ right); ``workbook_tools.rules.evaluate`` judges them with the rounding rule of
``tolerance``, ``workbook_tools.rules.derive`` takes its definitions of derived cells from
them, and the diagnosis looks for the cells that explain the failing ones. Other kinds
(``FINDING_KINDS``) give findings directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from workbook_tools.io.model import Row
from workbook_tools.rules.context import CODE_KINDS, Context, Term, show_code
from workbook_tools.rules.findings import CellRef, Finding
from workbook_tools.rules.registry import RuleKind, register
from workbook_tools.spec.models import REF_PATTERN, RelationSpec, Side, TableSpec

Findings = Iterator[Finding]
EMPTY_MARK = "为空表"


@dataclass(frozen=True)
class Instance:
    """One instance of a relation: Σ left (op) Σ right, with its words for a message."""

    left: list[Term]
    right: list[Term]
    words: Callable[[], tuple[str, str]]


Instances = Iterator[Instance]


def signed(parts: list[str]) -> tuple[list[str], list[str]]:
    """Parts added and parts subtracted (``-key``): 年末 = 年初 + 收入 − 支出."""
    plus = [p for p in parts if not p.startswith("-")]
    minus = [p[1:] for p in parts if p.startswith("-")]
    return plus, minus


def _joined(names: list[str], minus_names: list[str]) -> str:
    text = "+".join(names)
    return text + "".join(f"−{name}" for name in minus_names)


def row_sum(ctx: Context, rel: RelationSpec) -> Instances:
    """total = Σ parts in every row (a part ``-key`` is subtracted)."""
    assert rel.table is not None and rel.total is not None
    plus, minus = signed(rel.parts)
    for row in ctx.table(rel.table).rows:
        if not row.values and row.cell(rel.total) is None:
            continue  # nothing in the row and no total cell to define there: 0 = 0
        left = [ctx.term(rel.table, row, c) for c in (rel.total, *minus)]
        right = [ctx.term(rel.table, row, p) for p in plus]
        yield Instance(left, right, lambda row=row: _row_sum_words(ctx, rel, row))


def _row_sum_words(ctx: Context, rel: RelationSpec, row: Row) -> tuple[str, str]:
    assert rel.table is not None and rel.total is not None
    plus, minus = signed(rel.parts)
    name = ctx.column_name
    parts = _joined(
        [f"「{name(rel.table, p)}」" for p in plus], [f"「{name(rel.table, p)}」" for p in minus]
    )
    total = ctx.where(rel.table, row, rel.total)
    if minus:
        total += "".join(f"+「{name(rel.table, p)}」" for p in minus)
        return total, parts.split("−")[0] + "之和"
    return total, f"{parts}之和"


def line_sum(ctx: Context, rel: RelationSpec) -> Instances:
    """total line = Σ part lines in each column (a part ``-key`` is subtracted)."""
    assert rel.table is not None and rel.total is not None
    plus, minus = signed(rel.parts)
    total = ctx.line_row(rel.table, rel.total)
    added = [ctx.line_row(rel.table, p) for p in plus]
    taken = [ctx.line_row(rel.table, p) for p in minus]
    for column in rel.columns:
        left = [ctx.term(rel.table, row, column) for row in (total, *taken)]
        right = [ctx.term(rel.table, row, column) for row in added]
        where = ctx.where(rel.table, total, column) + "".join(
            f"+「{row.name}」" for row in taken if row is not None
        )
        names = "+".join(f"「{row.name}」" for row in added if row is not None)
        words = (where, f"{names}之和")
        yield Instance(left, right, lambda words=words: words)


def _parents(codes: list[str]) -> dict[str, str | None]:
    """Each code's nearest ancestor present in the table (None for the top level)."""
    present = set(codes)
    parents: dict[str, str | None] = {}
    for code in codes:
        parent = None
        for length in (5, 3):
            if len(code) > length and code[:length] in present:
                parent = code[:length]
                break
        parents[code] = parent
    return parents


def _amount_columns(ctx: Context, rel: RelationSpec) -> list[str]:
    assert rel.table is not None
    if rel.columns:
        return rel.columns
    return [c.key for c in ctx.table_spec(rel.table).amount_columns]


def hierarchy(ctx: Context, rel: RelationSpec) -> Instances:
    """类 = Σ 款, 款 = Σ 项, 总计 = Σ 类 (children are the nearest rows below a code)."""
    assert rel.table is not None
    rows = ctx.code_rows(rel.table)
    parents = _parents(list(rows))
    children: dict[str | None, list[Row]] = {}
    for code, parent in parents.items():
        children.setdefault(parent, []).append(rows[code])
    groups: list[tuple[Row | None, list[Row], str]] = []
    for code, row in rows.items():
        level = row.kind
        if level in rel.levels and children.get(code):
            groups.append((row, children[code], _child_words(children[code])))
    total = ctx.total_row(rel.table)
    if "total" in rel.levels and total is not None and children.get(None):
        groups.append((total, children[None], _child_words(children[None])))
    for column in _amount_columns(ctx, rel):
        for parent_row, kids, words in groups:
            left = [ctx.term(rel.table, parent_row, column)]
            right = [ctx.term(rel.table, kid, column) for kid in kids]
            yield Instance(
                left,
                right,
                lambda p=parent_row, c=column, w=words: (ctx.where(rel.table, p, c), w),
            )


def _child_words(kids: list[Row]) -> str:
    level = {"lei": "类", "kuan": "款", "xiang": "项"}.get(kids[0].kind, "")
    return f"所属{level} {len(kids)} 行之和"


def _project_codes(rows: list[Row]) -> list[tuple[Row, str]]:
    """Project rows with their code: their own, or that of the code row above them."""
    current = ""
    found = []
    for row in rows:
        if row.kind in CODE_KINDS and row.code:
            current = row.code
        elif row.kind == "project":
            found.append((row, row.code or current))
    return found


def _unit_blocks(rows: list[Row]) -> list[int]:
    """For each row, the index of the 单位 row whose block holds it (-1: before any unit)."""
    current, blocks = -1, []
    for i, row in enumerate(rows):
        if row.kind == "unit":
            current = i
        blocks.append(current)
    return blocks


def _rollup_groups(rows: list[Row]) -> list[tuple[Row, list[int], str]]:
    """Code, unit and total rows with the positions (in project order) of the projects they
    hold, in one pass: each project is added to its own unit block's code prefixes. With
    several units, a code row inside a unit block holds that unit's projects only."""
    blocks = _unit_blocks(rows)
    several = sum(1 for row in rows if row.kind == "unit") > 1
    lengths = sorted({len(r.code) for r in rows if r.kind in CODE_KINDS and r.code})
    by_prefix: dict[tuple[int, str], list[int]] = {}
    by_unit: dict[int, list[int]] = {}
    current, n = "", 0
    for i, row in enumerate(rows):
        if row.kind in CODE_KINDS and row.code:
            current = row.code
        elif row.kind == "project":
            code, block = row.code or current, blocks[i] if several else -1
            for length in lengths:
                if len(code) >= length:
                    by_prefix.setdefault((block, code[:length]), []).append(n)
            by_unit.setdefault(blocks[i], []).append(n)
            n += 1
    groups: list[tuple[Row, list[int], str]] = []
    for i, row in enumerate(rows):
        if row.kind in CODE_KINDS and row.code:
            under = by_prefix.get((blocks[i] if several else -1, row.code), [])
            groups.append((row, under, f"科目 {show_code(row.code)} 下 {len(under)} 个项目之和"))
        elif row.kind == "unit":
            under = by_unit.get(i, []) if several else list(range(n))
            groups.append((row, under, f"本单位 {len(under)} 个项目之和"))
    return groups


def project_rollup(ctx: Context, rel: RelationSpec) -> Instances:
    """Code rows, unit rows and the total row = Σ of the projects they hold."""
    assert rel.table is not None
    rows = ctx.table(rel.table).rows
    projects = [p for p, _ in _project_codes(rows)]
    groups = _rollup_groups(rows)
    total = ctx.total_row(rel.table)
    everything = list(range(len(projects)))
    if total is not None:
        groups.append((total, everything, f"全部 {len(projects)} 个项目之和"))
    for column in _amount_columns(ctx, rel):
        terms = [ctx.term(rel.table, p, column) for p in projects]
        for parent, under, words in groups:
            right = terms if under is everything else [terms[i] for i in under]
            yield Instance(
                [ctx.term(rel.table, parent, column)],
                right,
                lambda p=parent, c=column, w=words: (ctx.where(rel.table, p, c), w),
            )


def _side_rows(ctx: Context, side: Side) -> dict[str, list[Row]]:
    """Per code, the rows whose amounts stand for that code on one side of ``per_code``."""
    table = ctx.table(side.table)
    if side.rows == "classes":
        found: dict[str, list[Row]] = {}
        for row in table.rows:
            if row.panel == "right" and row.kind == "lei" and row.code:
                found.setdefault(row.code, [row])
        return found
    found = {code: [row] for code, row in ctx.code_rows(side.table).items()}
    if sum(1 for row in table.rows if row.kind == "unit") > 1:  # 汇总: a code in each unit
        found = {}
        for row in table.rows:
            if row.kind in CODE_KINDS and row.code:
                found.setdefault(row.code, []).append(row)
    for row, code in _project_codes(table.rows):
        for length in (3, 5, 7):
            prefix = code[:length]
            if len(prefix) == length and prefix not in ctx.code_rows(side.table):
                found.setdefault(prefix, []).append(row)
    return found


def _side_total(ctx: Context, side: Side) -> list[Row]:
    total = ctx.total_row(side.table)
    return [total] if total is not None else []


def per_code(ctx: Context, rel: RelationSpec) -> Instances:
    assert isinstance(rel.left, Side) and isinstance(rel.right, Side)
    left_rows, right_rows = _side_rows(ctx, rel.left), _side_rows(ctx, rel.right)
    levels = {"lei": 3, "kuan": 5, "xiang": 7}
    lengths = {levels[level] for level in rel.levels if level in levels}
    wanted = left_rows if rel.codes == "left" else {*left_rows, *right_rows}
    codes = sorted(c for c in wanted if len(c) in lengths)
    keyed: list[tuple[str, list[Row], list[Row]]] = [
        (code, left_rows.get(code, []), right_rows.get(code, [])) for code in codes
    ]
    if "total" in rel.levels:
        keyed.append(("", _side_total(ctx, rel.left), _side_total(ctx, rel.right)))
    left_side, right_side = rel.left, rel.right
    for code, lefts, rights in keyed:
        left = _terms(ctx, left_side, lefts)
        right = _terms(ctx, right_side, rights)

        def words(
            lefts: list[Row] = lefts, rights: list[Row] = rights, code: str = code
        ) -> tuple[str, str]:
            return (
                _side_desc(ctx, left_side, lefts, code),
                _side_desc(ctx, right_side, rights, code),
            )

        yield Instance(left, right, words)


def _terms(ctx: Context, side: Side, rows: list[Row]) -> list[Term]:
    if not rows:
        return [ctx.term(side.table, None, column) for column in side.columns]
    return [ctx.term(side.table, row, column) for row in rows for column in side.columns]


def _side_desc(ctx: Context, side: Side, rows: list[Row], code: str) -> str:
    label = ctx.table_spec(side.table).label
    columns = "+".join(f"「{ctx.column_name(side.table, c)}」" for c in side.columns)
    if not code:
        return f"{label}总计行{columns}栏"
    if len(rows) == 1:
        return f"{label}{ctx.row_name(rows[0])}{columns}栏"
    if not rows:
        return f"{label}科目 {show_code(code)}（表中无此行）{columns}栏"
    return f"{label}科目 {show_code(code)} 下 {len(rows)} 个项目{columns}栏之和"


def _resolve(ctx: Context, ref: str) -> tuple[Term, str]:
    match = REF_PATTERN.match(ref)
    assert match is not None, ref
    table_id, row_ref, column = match.group(1), match.group(2), match.group(3) or "total"
    if row_ref == "total":
        row = ctx.total_row(table_id)
    elif row_ref.startswith("line="):
        row = ctx.line_row(table_id, row_ref[5:])
    else:
        row = ctx.code_rows(table_id).get(row_ref[5:])
    desc = ctx.where(table_id, row, column)
    if row is None and row_ref.startswith("code="):
        label = ctx.table_spec(table_id).label
        desc = f"{label}科目 {show_code(row_ref[5:])}（表中无此行）"
    return ctx.term(table_id, row, column), desc


def refs(ctx: Context, rel: RelationSpec) -> Instances:
    assert isinstance(rel.left, list) and isinstance(rel.right, list)
    left = [_resolve(ctx, ref) for ref in rel.left]
    right = [_resolve(ctx, ref) for ref in rel.right]
    yield Instance(
        [t for t, _ in left],
        [t for t, _ in right],
        lambda: ("+".join(d for _, d in left), "+".join(d for _, d in right)),
    )


def empty_remark(ctx: Context, rel: RelationSpec) -> Findings:
    """An empty table carries the 为空表 remark; a table with data does not."""
    assert rel.table is not None
    table, spec = ctx.table(rel.table), ctx.table_spec(rel.table)
    marked = [r for r in table.remarks if EMPTY_MARK in r.text]
    expected = (spec.empty_remark or "").format(unit=ctx.data.unit, year=ctx.data.year or "")
    if table.is_empty() and not marked:
        message = (
            f"{rel.title}：{spec.label}「{spec.title}」没有数据，但表下没有空表说明。"
            f"应注明：{expected}"
        )
        cell = table.title_cell
        yield _structure_finding(ctx, rel, table.sheet, cell, message, expected, "（无）")
    elif not table.is_empty() and marked:
        remark = marked[0]
        message = f"{rel.title}：{spec.label}「{spec.title}」有数据，却注明了“{remark.text}”，请删除该说明"
        yield _structure_finding(ctx, rel, table.sheet, remark.cell, message, "（无）", remark.text)


def _structure_finding(
    ctx: Context, rel: RelationSpec, sheet: str, cell: str, message: str, expected: str, actual: str
) -> Finding:
    assert rel.table is not None
    return Finding(
        rule=rel.id,
        severity=rel.severity,
        table=rel.table,
        sheet=sheet,
        cell=cell,
        message=message,
        cells=[CellRef(sheet, cell)],
        expected=expected,
        actual=actual,
    )


# -- the core kinds, registered -------------------------------------------------------------
_NEEDS_TABLE = {"row_sum", "line_sum", "hierarchy", "project_rollup", "empty_remark"}


def _needs_table(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    return [f"{rel.kind} 类关系需要 table"] if rel.table is None else []


def _sum_shape(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    found = _needs_table(rel, tables)
    if rel.total is None or not rel.parts:
        found.append(f"{rel.kind} 类关系需要 total 和 parts")
    return found


def _per_code_shape(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    if isinstance(rel.left, Side) and isinstance(rel.right, Side):
        return [] if rel.left.columns and rel.right.columns else ["left/right 的 columns 不能为空"]
    return ["per_code 类关系的 left 和 right 都应是 {table, columns}"]


def _refs_shape(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    found = []
    for side in (rel.left, rel.right):
        if not isinstance(side, list) or not side:
            found.append("refs 类关系的 left 和 right 都应是引用的列表")
            continue
        found += [
            f"引用 {r!r} 的写法不对（应为 表!行:栏）" for r in side if not REF_PATTERN.match(r)
        ]
    return found


for _kind in (
    RuleKind("row_sum", "行内合计", instances=row_sum, validate=_sum_shape),
    RuleKind("line_sum", "固定行合计", instances=line_sum, validate=_sum_shape),
    RuleKind("hierarchy", "类款项层级", instances=hierarchy, validate=_needs_table),
    RuleKind("project_rollup", "项目汇总", instances=project_rollup, validate=_needs_table),
    RuleKind("per_code", "表间逐科目", instances=per_code, validate=_per_code_shape),
    RuleKind("refs", "表间单元格", instances=refs, validate=_refs_shape),
    RuleKind("empty_remark", "空表说明", findings=empty_remark, validate=_needs_table),
):
    register(_kind)
