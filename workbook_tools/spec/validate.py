"""Checking a spec when it is compiled: its shape with pydantic, then its meaning.

The shape (fields, types, no unknown field) is checked by pydantic against the dataclasses
of ``workbook_tools.spec.models``; then every rule a spec must keep: ids and keys well
formed and unique, each relation complete for its kind and naming tables, lines and columns
that exist, the narrative's references valid, each table complete for its layout. Every
problem is collected and named by its field path (``tables.[t2].columns.[总计].key``), in
Chinese, for the person who maintains the spec files. Only this module imports pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import TypeAdapter, ValidationError

from workbook_tools.spec.models import (
    KEY,
    REF_PATTERN,
    TABLE_ID,
    Ref,
    RelationSpec,
    Side,
    TableSetSpec,
    TableSpec,
)
from workbook_tools.spec.narrative import NarrativeSpec

Problem = tuple[str, str]  # (field path, Chinese message)
_ADAPTER: TypeAdapter[TableSetSpec] | None = None
_RELATION_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SET_ID = re.compile(r"^[a-z0-9-]+$")
_CLASS_CODE = re.compile(r"^\d{3}$")


def build(raw: dict[str, Any]) -> tuple[TableSetSpec | None, list[Problem]]:
    """The spec of ``raw`` and its problems (``None`` when its shape is wrong)."""
    global _ADAPTER
    _ADAPTER = _ADAPTER or TypeAdapter(TableSetSpec)
    try:
        spec = _ADAPTER.validate_python(raw)
    except ValidationError as exc:
        return None, [(_field_name(raw, e["loc"]), _problem(e)) for e in exc.errors()]
    return spec, list(problems(spec))


def problems(spec: TableSetSpec) -> Iterator[Problem]:
    from workbook_tools.layouts import table_problems

    yield from _set_problems(spec)
    tables = {t.id: t for t in spec.tables}
    for table in spec.tables:
        where = f"tables.[{table.id}]"
        yield from _table_problems(table, where)
        for name, text in table_problems(table):
            yield f"{where}.{name}", text
    for relation in spec.relations:
        where = f"relations.[{relation.id}]"
        yield from ((where, p) for p in _relation_shape(relation, tables))
        yield from ((where, p) for p in relation_problems(relation, tables))
    if spec.narrative is not None:
        yield from (("narrative", p) for p in narrative_problems(spec.narrative, tables))


def _set_problems(spec: TableSetSpec) -> Iterator[Problem]:
    if not _SET_ID.match(spec.id):
        yield "id", "写法不对（只用小写字母、数字和 -，如 budget-2026）"
    for field_name, classes in (
        ("function_classes", spec.function_classes),
        ("economic_classes", spec.economic_classes),
    ):
        for item in classes:
            if not _CLASS_CODE.match(item.code):
                yield f"{field_name}.[{item.code}].code", "类级科目编码应为 3 位数字"
    yield from _duplicates("tables", [t.id for t in spec.tables], "表的 id")
    yield from _duplicates("relations", [r.id for r in spec.relations], "关系的 id")


def _duplicates(where: str, ids: list[str], what: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            yield where, f"{what}「{item}」重复"
        seen.add(item)


def _table_problems(table: TableSpec, where: str) -> Iterator[Problem]:
    if not re.match(TABLE_ID, table.id):
        yield f"{where}.id", "写法不对（小写字母开头，只用小写字母、数字和下划线）"
    for column in table.columns:
        if not re.match(KEY, column.key):
            yield (
                f"{where}.columns.[{column.key}].key",
                "写法不对（小写字母开头，只用小写字母、数字和下划线）",
            )
        if not column.header:
            yield f"{where}.columns.[{column.key}].header", "至少要有一层表头文字"
    for line in [*table.lines, *([table.right_total] if table.right_total else [])]:
        if not re.match(KEY, line.key):
            yield (
                f"{where}.lines.[{line.key}].key",
                "写法不对（小写字母开头，只用小写字母、数字和下划线）",
            )
        if not 0 <= line.level <= 3:
            yield f"{where}.lines.[{line.key}].level", "应为 0（合计）到 3（其中）"
    yield from _duplicates(f"{where}.columns", [c.key for c in table.columns], "栏目 key")
    numbers = [str(c.number) for c in table.columns if c.number is not None]
    yield from _duplicates(f"{where}.columns", numbers, "※ 栏次号")
    yield from _duplicates(f"{where}.lines", [line.key for line in table.lines], "固定行 key")


def _relation_shape(relation: RelationSpec, tables: dict[str, TableSpec]) -> Iterator[str]:
    from workbook_tools.rules.registry import all_kinds

    if not _RELATION_ID.match(relation.id):
        yield "id 写法不对（小写字母、数字和 . _ -）"
    kinds = all_kinds()
    kind = kinds.get(relation.kind)
    if kind is None:
        yield f"没有名为「{relation.kind}」的关系种类（可用：{'、'.join(sorted(kinds))}）"
    elif kind.validate is not None:
        yield from kind.validate(relation, tables)


def relation_problems(relation: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    """References of a relation to tables, lines and columns that do not exist."""
    where = f"关系 {relation.id}"
    refs: list[tuple[str, str | None, list[str]]] = []  # (table, line, columns)
    if relation.table is not None:
        parts = [p.lstrip("-") for p in relation.parts]
        lines = [relation.total, *parts] if relation.kind == "line_sum" else []
        columns = list(relation.columns)
        if relation.kind == "row_sum":
            columns += [str(relation.total), *parts]
        refs += [(relation.table, line, []) for line in lines]
        refs.append((relation.table, None, columns))
    for side in (relation.left, relation.right):
        if isinstance(side, Side):
            refs.append((side.table, None, list(side.columns)))
        elif isinstance(side, list):
            for text in side:
                if REF_PATTERN.match(text):
                    ref = Ref.parse(text)
                    line = ref.key if ref.row == "line" else None
                    refs.append((ref.table, line, [ref.column or ""]))
    return [
        p for table, line, columns in refs for p in _missing(where, tables, table, line, columns)
    ]


def _missing(
    where: str, tables: dict[str, TableSpec], table_id: str, line: str | None, columns: list[str]
) -> list[str]:
    spec = tables.get(table_id)
    if spec is None:
        return [f"{where}：没有表 {table_id}"]
    found = []
    if line is not None and line not in spec.line_keys():
        found.append(f"{where}：表 {table_id} 没有行 {line}")
    found += [
        f"{where}：表 {table_id} 没有栏目 {c}" for c in columns if c and not spec.has_column(c)
    ]
    return found


def _ref_problems(text: str, tables: dict[str, TableSpec], where: str) -> list[str]:
    try:
        ref = Ref.parse(text)
    except ValueError:
        return [f"{where}：引用 {text!r} 的写法不对（应为 表!行:栏）"]
    line = ref.key if ref.row == "line" else None
    return _missing(where, tables, ref.table, line, [ref.column or ""])


def narrative_problems(narrative: NarrativeSpec, tables: dict[str, TableSpec]) -> list[str]:
    """What is wrong in the narrative: shapes, duplicates, references to the tables."""
    found: list[str] = []
    keys = [f.key for group in narrative.figures for f in group.items]
    found += [f"情况说明的数 {k} 重复" for _, k in _duplicates("", keys, "")]
    found += [
        f"情况说明的节编号 {n} 重复"
        for _, n in _duplicates("", [s.number for s in narrative.sections], "")
    ]
    sections = {s.id for s in narrative.sections}
    for group in narrative.figures:
        for figure in group.items:
            found += _figure_problems(figure, tables, sections)
    for section in narrative.sections:
        found += _section_problems(section, tables)
    return found


def _figure_problems(figure: Any, tables: dict[str, TableSpec], sections: set[str]) -> list[str]:
    where = f"情况说明的数 {figure.key}"
    found = []
    if figure.kind == "value" and not figure.amount:
        found.append(f"{where}：value 类的数需要 amount（引用）")
    if figure.kind in ("rows", "names") and not figure.rows:
        found.append(f"{where}：{figure.kind} 类的数需要 rows")
    refs = list(figure.amount)
    if figure.kind == "value":
        refs += [t for t in (figure.last, figure.reason, figure.budget, figure.budget_reason) if t]
    found += [p for ref in refs for p in _ref_problems(ref, tables, where)]
    sources = [(r.table, [r.column, r.nonzero or ""]) for r in figure.rows]
    if figure.supplement is not None:
        supplement = figure.supplement
        columns = [supplement.last, supplement.reason, supplement.budget, supplement.budget_reason]
        columns = [c or "" for c in columns]
        sources.append((supplement.table, columns))
    for table_id, columns in sources:
        found += _missing(where, tables, table_id, None, columns)
    found += [f"{where}：没有编号为 {s} 的节" for s in figure.sections if s not in sections]
    found += _tally_problems(figure, tables, where)
    return found


def _tally_problems(figure: Any, tables: dict[str, TableSpec], where: str) -> list[str]:
    """``forms``: a form table of the set (a set without it uses ``amount``) and its fields."""
    tally = getattr(figure, "forms", None)
    table = tables.get(tally.table) if tally is not None else None
    if tally is None or table is None:
        return []
    if table.form is None:
        return [f"{where}：forms.table {tally.table} 不是布局为 form 的表"]
    amounts = {f.key for f in table.form.amount_fields}
    keys = [tally.sum, tally.nonzero, tally.zero]
    return [f"{where}：表 {table.id} 没有金额字段 {k}" for k in keys if k and k not in amounts]


def _section_problems(section: Any, tables: dict[str, TableSpec]) -> list[str]:
    where = f"情况说明的节 {section.id}"
    found = []
    if not re.match(KEY, section.id):
        found.append(f"{where}：id 写法不对")
    for paragraph in section.paragraphs:
        if paragraph.kind == "each" and (paragraph.group is None or not paragraph.item):
            found.append(f"{where}：each 段落需要 group 和 item")
        if paragraph.kind != "each" and not paragraph.text:
            found.append(f"{where}：{paragraph.kind} 段落需要 text")
        for condition in (paragraph.when, paragraph.unless):
            if condition is None:
                continue
            for table_id in [*condition.empty, *condition.not_empty]:
                if table_id not in tables:
                    found.append(f"{where}：没有表 {table_id}")
    return found


# -- pydantic's messages, in Chinese ---------------------------------------------------------
_PROBLEMS = {
    "missing": "缺少此字段",
    "unexpected_keyword_argument": "不认识的字段（是否拼写错误？）",
    "extra_forbidden": "不认识的字段（是否拼写错误？）",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "dataclass_type": "应为映射（键: 值）",
    "dataclass_args_type": "应为映射（键: 值）",
    "too_short": "项数太少",
}


def _problem(error: Any) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "value_error":
        return str(context.get("error", error.get("msg", ""))).strip()
    if kind == "literal_error":
        return f"只能是 {context.get('expected', '')}"
    if kind.startswith("union"):
        return "取值的形式不对"
    return _PROBLEMS.get(kind, f"取值不对（{kind}）")


def _field_name(raw: Any, loc: tuple[Any, ...]) -> str:
    """Dotted field path, with list indexes shown as the item's id/key where it has one."""
    names: list[str] = []
    node = raw
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            label = node.get("id") or node.get("key") if isinstance(node, dict) else None
            names.append(f"[{label}]" if label else f"[{part}]")
            continue
        if isinstance(part, str) and part.startswith(("list[", "function-", "tagged-union")):
            continue  # pydantic's names of union members
        names.append(str(part))
        node = node.get(part) if isinstance(node, dict) else None
    return ".".join(names) or "（整体）"
