"""The table set, declared: tables, layouts, columns by role, lines, relations, narrative.

A spec file (YAML, one per set and year) describes one ``TableSetSpec``. Tables, their
layouts (by name, see ``workbook_tools.layouts``), columns by role, fixed lines, code lists,
the relations the checks evaluate, the narrative and the regional conventions are all data
here; a new year or region is a new spec file, not new code.

A table's ``id`` names what the table *is* (``t10`` is the 三公 table in every budget set);
its ``number`` is how a set prints it (表8 in the 2022 set, 表10 in 2024).

These are plain frozen dataclasses, so that a command loads a compiled spec without any
validation library (see ``workbook_tools.spec.compile``); ``workbook_tools.spec.validate``
checks a spec with pydantic and the rules below when it is compiled.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from workbook_tools.spec.forms import FIELD_VALUE, FormSpec
from workbook_tools.spec.narrative import STRICT, NarrativeSpec

ColumnRole = Literal["lei", "kuan", "xiang", "code", "name", "project", "label", "amount", "text"]
CodeScheme = Literal["function", "economic"]
Severity = Literal["error", "warning", "hint"]
Op = Literal["eq", "le", "ge"]
Kind = Literal["budget", "final_accounts"]

KEY = r"^[a-z][a-z0-9_]*$"
TABLE_ID = r"^[a-z][a-z0-9_]*$"


@dataclass(frozen=True)
class ColumnSpec:
    __pydantic_config__ = STRICT
    key: str
    header: list[str]  # header labels, top row first
    role: ColumnRole = "amount"
    aliases: list[str] = field(default_factory=list)  # accepted variants of the leaf
    number: int | None = None  # the ※ column number
    panel: Literal["left", "right"] | None = None
    derived: bool = False
    input: bool = False  # always entered by staff, even on derived lines
    width: float = 12
    caption: str | None = None  # how messages name it when leaves repeat (因公出国（境）费决算数)

    @property
    def label(self) -> str:
        return self.header[-1]

    @property
    def title(self) -> str:
        """How messages name the column: its ``caption``, else its leaf label."""
        return self.caption or self.header[-1]


@dataclass(frozen=True)
class LineSpec:
    """A fixed labelled row (表1/表4 left panel, 表10)."""

    __pydantic_config__ = STRICT
    key: str
    label: str
    aliases: list[str] = field(default_factory=list)
    derived: bool = False
    level: int = 1  # 0 total, 1 heading, 2 item, 3 其中
    panel: Literal["left", "right"] | None = None  # the side or lane it is on (two sides)
    code: str | None = None  # a line that is a classification code row (lanes of codes)


def _totals() -> list[str]:
    return ["合计", "总计"]


@dataclass(frozen=True)
class TableSpec:
    __pydantic_config__ = STRICT
    id: str
    number: int
    title: str
    layout: str  # layout class name, see workbook_tools.layouts
    columns: list[ColumnSpec]
    title_variants: list[str] = field(default_factory=list)
    code_scheme: CodeScheme | None = None
    lines: list[LineSpec] = field(default_factory=list)  # fixed rows, in order
    total_label: str = "合计"
    total_aliases: list[str] = field(default_factory=_totals)
    total_row: Literal["first", "last"] = "first"  # where template and export put it
    right_total: LineSpec | None = None  # two_panel: 支出总计 row
    class_list: bool = False  # two_panel: right side lists the classes
    blank_rows: int = 20  # template rows for codes or projects
    remark: str | None = None
    empty_remark: str | None = None  # 为空表 sentence; {unit} {year}
    may_be_empty: bool = False
    landscape: bool = True
    short: str | None = None  # name in messages; default 表<number>
    publish: bool = True  # part of the published disclosure
    required: bool = True  # reading fails when the table is missing
    sheet: str | None = None  # template sheet; default 表<number>
    money_unit: str = "万元"  # the unit the set publishes it in
    one_page: bool = False  # print it on one page, as the seeds do
    form: FormSpec | None = None  # layout form: the fields above the grid (spec.forms)

    @property
    def label(self) -> str:
        """How messages name the table: ``表2``, or ``short`` for supplementary tables."""
        return self.short or f"表{self.number}"

    @property
    def sheet_name(self) -> str:
        return self.sheet or f"表{self.number}"

    @cached_property
    def _by_key(self) -> dict[str, ColumnSpec]:
        found = {column.key: column for column in self.columns}
        if self.form is not None:  # a field's value: "perf_dept!line=upper:value"
            found.setdefault(FIELD_VALUE, ColumnSpec(FIELD_VALUE, ["金额"]))
        return found

    def column(self, key: str) -> ColumnSpec:
        return self._by_key[key]

    def has_column(self, key: str) -> bool:
        return key in self._by_key

    def role_column(self, role: str, panel: str | None = None) -> ColumnSpec | None:
        """The first column of ``role`` (on ``panel`` when given)."""
        for column in self.columns:
            if column.role == role and (panel is None or column.panel == panel):
                return column
        return None

    @property
    def amount_columns(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.role == "amount"]

    def line_keys(self) -> set[str]:
        keys = {line.key for line in self.lines}
        if self.right_total is not None:
            keys.add(self.right_total.key)
        if self.form is not None:
            keys.update(f.key for f in self.form.fields)
        return keys

    def panel_lines(self, panel: str | None) -> list[LineSpec]:
        """The fixed lines of one side or lane (a line without ``panel`` is on the left)."""
        side = panel or "left"
        return [line for line in self.lines if (line.panel or "left") == side]

    def line(self, key: str) -> LineSpec | None:
        for line in [*self.lines, *([self.right_total] if self.right_total else [])]:
            if line.key == key:
                return line
        return None


# A reference names amounts: "t1!line=gp_own:income", "t2!total:gp", "t6!code=30108:total".
# Per-code relations name a table and its columns instead.
REF_PATTERN = re.compile(
    r"^([a-z][a-z0-9_]*)!(total|line=[a-z0-9_]+|code=\d{3,7})(?::([a-z0-9_]+))?$"
)


@dataclass(frozen=True)
class Ref:
    """A parsed reference: table, row (``total``, ``line`` or ``code`` with its key), column."""

    table: str
    row: Literal["total", "line", "code"]
    key: str
    column: str | None

    @classmethod
    def parse(cls, text: str) -> Ref:
        match = REF_PATTERN.match(text)
        if match is None:
            raise ValueError(f"bad reference {text!r}")
        row = match.group(2)
        kind, _, key = row.partition("=")
        return cls(match.group(1), kind, key, match.group(3))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Side:
    """One side of a per-code relation: the sum of ``columns`` of ``table`` for a code."""

    __pydantic_config__ = STRICT
    table: str
    columns: list[str]
    rows: Literal["codes", "classes", "panel"] = "codes"


def _all_levels() -> list[str]:
    return ["lei", "kuan", "xiang", "total"]


@dataclass(frozen=True)
class RelationSpec:
    """A relation the checks evaluate. ``kind`` selects the rule evaluator."""

    __pydantic_config__ = STRICT
    id: str
    kind: str  # a registered rule kind (workbook_tools.rules.registry)
    title: str  # Chinese: what the rule checks
    title_en: str
    table: str | None = None
    total: str | None = None
    parts: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    left: list[str] | Side | None = None
    right: list[str] | Side | None = None
    op: Op = "eq"
    severity: Severity = "error"
    levels: list[Literal["lei", "kuan", "xiang", "total"]] = field(default_factory=_all_levels)  # type: ignore[assignment]
    codes: Literal["both", "left"] = "both"  # per_code: the codes of both sides, or the left's
    optional_left: bool = False  # a blank left side means 'not given' (supplements)
    params: dict[str, Any] = field(default_factory=dict)  # what a kind needs besides these


def relation_tables(relation: RelationSpec) -> set[str]:
    """Every table a relation reads (references in ``params`` and ``params.tables`` count)."""
    tables = {relation.table} if relation.table else set()
    for side in (relation.left, relation.right):
        if isinstance(side, Side):
            tables.add(side.table)
        elif isinstance(side, list):
            tables.update(ref.split("!", 1)[0] for ref in side)
    for value in relation.params.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and REF_PATTERN.match(item.lstrip("-")):
                tables.add(item.lstrip("-").split("!", 1)[0])
    tables.update(relation.params.get("tables", []))
    return tables


@dataclass(frozen=True)
class CodeName:
    __pydantic_config__ = STRICT
    code: str
    name: str


@dataclass(frozen=True)
class Wording:
    """What a set calls its parts; defaults follow the set's ``kind``."""

    __pydantic_config__ = STRICT
    disclosure: str  # 部门预算公开表 / 部门决算公开表
    report: str  # 部门预算情况说明 / 部门决算情况说明
    stage: str  # 预算 / 决算


KIND_WORDING = {
    "budget": Wording(disclosure="部门预算公开表", report="部门预算情况说明", stage="预算"),
    "final_accounts": Wording(disclosure="部门决算公开表", report="部门决算情况说明", stage="决算"),
}


@dataclass(frozen=True)
class Conventions:
    """Regional conventions of writing and publishing."""

    __pydantic_config__ = STRICT
    # a rise from 0: hundred = '增长 100.00%' (the Xinjiang seeds); none = no rate written
    growth_from_zero: Literal["hundred", "none"] = "hundred"
    # published table titles in templates and exports: plain, the year in the page header
    # and the document title (none, the seeds); or '2024年…' in the title (prefix)
    title_year: Literal["none", "prefix"] = "none"
    # bold rows of exported tables: totals only; totals, 类 rows and 小计 lines (classes);
    # or totals and every code row with children, 类 and 款 (parents)
    emphasis: Literal["totals", "classes", "parents"] = "classes"
    # the 情况说明 page (GB/T 9704 党政机关公文格式): lines a page, characters a line
    page_lines: int = 22
    line_chars: int = 28


@dataclass(frozen=True)
class TableSetSpec:
    __pydantic_config__ = STRICT
    id: str
    name: str
    kind: Kind
    year: int
    function_classes: list[CodeName]  # 类 list of 表1/表4, fixed by year
    tables: list[TableSpec]
    region: str = ""
    wording: Wording | None = None
    conventions: Conventions = field(default_factory=Conventions)
    economic_classes: list[CodeName] = field(default_factory=list)
    relations: list[RelationSpec] = field(default_factory=list)
    narrative: NarrativeSpec | None = None

    def table(self, table_id: str) -> TableSpec:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)

    def has_table(self, table_id: str) -> bool:
        return any(table.id == table_id for table in self.tables)

    @property
    def words(self) -> Wording:
        return self.wording or KIND_WORDING[self.kind]

    @property
    def published_tables(self) -> list[TableSpec]:
        return [t for t in self.tables if t.publish]

    def describe(self) -> str:
        """``2022 年口径的部门预算公开表（9 张表）``: how messages name the set to a user."""
        tables = [t for t in self.published_tables if t.form is None]  # forms come with the text
        return f"{self.year} 年口径的{self.words.disclosure}（{len(tables)} 张表）"

    def relations_for(self, tables: Collection[str]) -> list[RelationSpec]:
        """The relations whose tables are all among ``tables`` (optional tables may be absent)."""
        present = set(tables)
        return [r for r in self.relations if relation_tables(r) <= present]
