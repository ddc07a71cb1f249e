"""Pydantic models of a table set: the declarative description of the disclosure tables.

A spec file (YAML, one per set and year) is loaded into ``TableSetSpec``. Tables, their
layouts (by name, see ``workbook_tools.layouts``), columns by role, fixed lines, code lists,
the relations the checks evaluate, the narrative and the regional conventions are all data
here; a new year or region is a new spec file, not new code.

A table's ``id`` names what the table *is* (``t10`` is the 三公 table in every budget set);
its ``number`` is how a set prints it (表8 in the 2022 set, 表10 in 2024).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workbook_tools.spec.narrative import NarrativeSpec

ColumnRole = Literal["lei", "kuan", "xiang", "code", "name", "project", "label", "amount", "text"]
CodeScheme = Literal["function", "economic"]
Severity = Literal["error", "warning", "hint"]
Op = Literal["eq", "le", "ge"]
Kind = Literal["budget", "final_accounts"]

KEY = r"^[a-z][a-z0-9_]*$"
TABLE_ID = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(Strict):
    key: str = Field(pattern=KEY)
    role: ColumnRole = "amount"
    header: list[str] = Field(min_length=1, description="header labels, top row first")
    aliases: list[str] = Field(default_factory=list, description="accepted variants of the leaf")
    number: int | None = Field(default=None, description="the ※ column number")
    panel: Literal["left", "right"] | None = None
    derived: bool = False
    input: bool = Field(default=False, description="always entered by staff, even on derived lines")
    width: float = 12

    @property
    def label(self) -> str:
        return self.header[-1]


class LineSpec(Strict):
    """A fixed labelled row (表1/表4 left panel, 表10)."""

    key: str = Field(pattern=KEY)
    label: str
    aliases: list[str] = Field(default_factory=list)
    derived: bool = False
    level: int = Field(default=1, ge=0, le=3, description="0 total, 1 heading, 2 item, 3 其中")


class TableSpec(Strict):
    id: str = Field(pattern=TABLE_ID)
    number: int
    title: str
    title_variants: list[str] = Field(default_factory=list)
    layout: str = Field(description="layout class name, see workbook_tools.layouts")
    code_scheme: CodeScheme | None = None
    columns: list[ColumnSpec]
    lines: list[LineSpec] = Field(default_factory=list, description="fixed rows, in order")
    total_label: str = "合计"
    total_aliases: list[str] = Field(default_factory=lambda: ["合计", "总计"])
    total_row: Literal["first", "last"] = Field(
        default="first", description="where the template and export put the total row"
    )
    right_total: LineSpec | None = Field(default=None, description="two_panel: 支出总计 row")
    class_list: bool = Field(default=False, description="two_panel: right side lists the classes")
    blank_rows: int = Field(default=20, description="template rows for codes or projects")
    remark: str | None = None
    empty_remark: str | None = Field(default=None, description="为空表 sentence; {unit} {year}")
    may_be_empty: bool = False
    landscape: bool = True
    short: str | None = Field(default=None, description="name in messages; default 表<number>")
    publish: bool = Field(default=True, description="part of the published disclosure")
    required: bool = Field(default=True, description="reading fails when the table is missing")
    sheet: str | None = Field(default=None, description="template sheet; default 表<number>")
    money_unit: str = Field(default="万元", description="the unit the set publishes it in")

    @property
    def label(self) -> str:
        """How messages name the table: ``表2``, or ``short`` for supplementary tables."""
        return self.short or f"表{self.number}"

    @property
    def sheet_name(self) -> str:
        return self.sheet or f"表{self.number}"

    def column(self, key: str) -> ColumnSpec:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def has_column(self, key: str) -> bool:
        return any(column.key == key for column in self.columns)

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
        return keys

    def line(self, key: str) -> LineSpec | None:
        for line in [*self.lines, *([self.right_total] if self.right_total else [])]:
            if line.key == key:
                return line
        return None

    @model_validator(mode="after")
    def _consistent(self) -> TableSpec:
        keys = [c.key for c in self.columns]
        if len(keys) != len(set(keys)):
            raise ValueError(f"{self.id}: duplicate column keys")
        numbers = [c.number for c in self.columns if c.number is not None]
        if len(numbers) != len(set(numbers)):
            raise ValueError(f"{self.id}: duplicate ※ column numbers")
        line_keys = [line.key for line in self.lines]
        if len(line_keys) != len(set(line_keys)):
            raise ValueError(f"{self.id}: duplicate line keys")
        return self


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


class Side(Strict):
    """One side of a per-code relation: the sum of ``columns`` of ``table`` for a code."""

    table: str = Field(pattern=TABLE_ID)
    columns: list[str] = Field(min_length=1)
    rows: Literal["codes", "classes", "panel"] = "codes"


RelationKind = Literal[
    "row_sum",  # in every row of table: total column = Σ part columns
    "line_sum",  # fixed lines: total line = Σ part lines, in the given columns
    "hierarchy",  # 类 = Σ款, 款 = Σ项, 总计 = Σ类 in the given columns
    "project_rollup",  # code / total rows = Σ project rows under them
    "per_code",  # left side = right side for every code (and the total)
    "refs",  # Σ left refs op Σ right refs
    "empty_remark",  # empty table ⇔ 为空表 remark
]


class RelationSpec(Strict):
    """A relation the checks evaluate. ``kind`` selects the rule evaluator."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    kind: RelationKind
    table: str | None = Field(default=None, pattern=TABLE_ID)
    total: str | None = None
    parts: list[str] = Field(default_factory=list)
    columns: list[str] = Field(default_factory=list)
    left: list[str] | Side | None = None
    right: list[str] | Side | None = None
    op: Op = "eq"
    severity: Severity = "error"
    levels: list[Literal["lei", "kuan", "xiang", "total"]] = Field(
        default_factory=lambda: ["lei", "kuan", "xiang", "total"]
    )
    codes: Literal["both", "left"] = Field(
        default="both", description="per_code: the codes of both sides, or of the left only"
    )
    optional_left: bool = Field(
        default=False, description="a blank left side means 'not given' (supplements): no finding"
    )
    title: str = Field(description="Chinese: what the rule checks")
    title_en: str

    @model_validator(mode="after")
    def _shape(self) -> RelationSpec:
        needs_table = {"row_sum", "line_sum", "hierarchy", "project_rollup", "empty_remark"}
        if self.kind in needs_table and self.table is None:
            raise ValueError(f"{self.id}: kind {self.kind} needs table")
        if self.kind in ("row_sum", "line_sum") and (self.total is None or not self.parts):
            raise ValueError(f"{self.id}: kind {self.kind} needs total and parts")
        if self.kind == "per_code" and not (
            isinstance(self.left, Side) and isinstance(self.right, Side)
        ):
            raise ValueError(f"{self.id}: per_code needs left and right sides")
        if self.kind == "refs":
            for side in (self.left, self.right):
                if not isinstance(side, list) or not side:
                    raise ValueError(f"{self.id}: refs needs left and right lists of references")
                for ref in side:
                    if not REF_PATTERN.match(ref):
                        raise ValueError(f"{self.id}: bad reference {ref!r}")
        return self


def relation_tables(relation: RelationSpec) -> set[str]:
    """Every table a relation reads."""
    tables = {relation.table} if relation.table else set()
    for side in (relation.left, relation.right):
        if isinstance(side, Side):
            tables.add(side.table)
        elif isinstance(side, list):
            tables.update(ref.split("!", 1)[0] for ref in side)
    return tables


class CodeName(Strict):
    code: str = Field(pattern=r"^\d{3}$")
    name: str


class Wording(Strict):
    """What a set calls its parts; defaults follow the set's ``kind``."""

    disclosure: str = Field(description="部门预算公开表 / 部门决算公开表")
    report: str = Field(description="部门预算情况说明 / 部门决算情况说明")
    stage: str = Field(description="预算 / 决算")


KIND_WORDING = {
    "budget": Wording(disclosure="部门预算公开表", report="部门预算情况说明", stage="预算"),
    "final_accounts": Wording(disclosure="部门决算公开表", report="部门决算情况说明", stage="决算"),
}


class Conventions(Strict):
    """Regional conventions of writing and publishing."""

    growth_from_zero: Literal["hundred", "none"] = Field(
        default="hundred",
        description="a rise from 0: hundred = '增长 100.00%' (Xinjiang seeds); none = no rate",
    )
    title_year: Literal["none", "prefix"] = Field(
        default="prefix", description="table titles in templates/exports: '2024年…' or plain"
    )


class TableSetSpec(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    kind: Kind
    year: int
    region: str = ""
    wording: Wording | None = None
    conventions: Conventions = Field(default_factory=Conventions)
    function_classes: list[CodeName] = Field(description="类 list of 表1/表4, fixed by year")
    economic_classes: list[CodeName] = Field(default_factory=list)
    tables: list[TableSpec]
    relations: list[RelationSpec] = Field(default_factory=list)
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
        return f"{self.year} 年口径的{self.words.disclosure}（{len(self.published_tables)} 张表）"

    def relations_for(self, tables: Collection[str]) -> list[RelationSpec]:
        """The relations whose tables are all among ``tables`` (optional tables may be absent)."""
        present = set(tables)
        return [r for r in self.relations if relation_tables(r) <= present]

    @model_validator(mode="after")
    def _references(self) -> TableSetSpec:
        tables = {t.id: t for t in self.tables}
        if len(tables) != len(self.tables):
            raise ValueError("表的 id 重复")
        ids = [r.id for r in self.relations]
        if len(ids) != len(set(ids)):
            raise ValueError("关系的 id 重复")
        problems = [p for relation in self.relations for p in relation_problems(relation, tables)]
        if self.narrative is not None:
            problems += narrative_problems(self.narrative, tables)
        if problems:
            raise ValueError("；".join(problems))
        return self


def relation_problems(relation: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    """References of a relation to tables, lines and columns that do not exist."""
    where = f"关系 {relation.id}"
    refs: list[tuple[str, str | None, list[str]]] = []  # (table, line, columns)
    if relation.table is not None:
        lines = [relation.total, *relation.parts] if relation.kind == "line_sum" else []
        columns = list(relation.columns)
        if relation.kind == "row_sum":
            columns += [str(relation.total), *relation.parts]
        refs += [(relation.table, line, []) for line in lines]
        refs.append((relation.table, None, columns))
    for side in (relation.left, relation.right):
        if isinstance(side, Side):
            refs.append((side.table, None, list(side.columns)))
        elif isinstance(side, list):
            for text in side:
                ref = Ref.parse(text)
                refs.append((ref.table, ref.key if ref.row == "line" else None, [ref.column or ""]))
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
    """References of the narrative to tables, lines and columns that do not exist."""
    problems: list[str] = []
    for group in narrative.figures:
        for figure in group.items:
            where = f"情况说明的数 {figure.key}"
            refs = list(figure.amount)
            if figure.kind == "value":
                templates = (
                    figure.last or group.defaults.last,
                    figure.reason or group.defaults.reason,
                )
                refs += [t.replace("{key}", figure.key) for t in templates if t]
            problems += [p for ref in refs for p in _ref_problems(ref, tables, where)]
            sources = [(r.table, [r.column, r.nonzero or ""]) for r in figure.rows]
            if figure.supplement is not None:
                supplement = figure.supplement
                sources.append((supplement.table, [supplement.last or "", supplement.reason or ""]))
            for table_id, columns in sources:
                problems += _missing(where, tables, table_id, None, columns)
    for section in narrative.sections:
        for paragraph in section.paragraphs:
            for condition in (paragraph.when, paragraph.unless):
                if condition is None:
                    continue
                for table_id in [*condition.empty, *condition.not_empty]:
                    if table_id not in tables:
                        problems.append(f"情况说明的节 {section.id}：没有表 {table_id}")
    return problems
