"""The 情况说明 of a set, declared: its figures, sections and sentence templates.

A *figure* is one subject the text speaks of (an income source, 基本支出, a 类 or 项, a
project …): where its amount is in the tables (references, in the relations' syntax), what
it is a share of, where last year's amount and the reason are entered, and the sections
whose text names it. Figures come in groups (the draft writes a group as a list; the
checker needs no groups). ``kind`` picks the figure kind: ``value`` (one figure from
references), ``rows`` (one figure per table row of the given kinds, keys and subjects from
templates such as ``gp.class.{code}`` / ``{name}（类）``) or ``names`` (the names of rows,
for lists such as 人员经费主要包括…). ``amount`` lists references in order of preference: the
first whose table the workbook has is used; a blank cell of a table that is not published
(the supplement sheet) means "not given", so the next reference is tried. A figure none of
whose references is found is *not stated*: the draft leaves a placeholder, the checker does
not check what the text says of it. A group's ``defaults`` are written into its items when
the spec is compiled.

A *section* has its heading numeral as the set prints it, a heading template and the
paragraphs of the draft. Templates name figures in braces: ``{income_total}`` is its amount
with unit, ``{inc_gp.share}``, ``{inc_gp.change}`` (比上年预算增加 … 万元，增长 …%),
``{inc_gp.change:bare}``, ``{inc_gp.reason}`` (主要原因是….), ``{inc_gp.reason:text}``,
``{inc_gp.subject}``, ``{inc_gp.name}``, for a figure with a ``budget`` (决算 sets)
``{f.budget}`` (年初预算数), ``{f.execution}`` (决算 ÷ 预算), ``{f.variance}`` (预决算差异率)
``{f.compare}`` (决算数大于/小于预算数, 与预算数持平) and ``{f.budget_reason}`` (its reason),
and in a group's item template
``{f.…}`` for the item and ``{i}`` / ``{i:cn}`` for its number; ``{unit}``, ``{year}``, ``{prev_year}`` and
``{who}`` (单位 + 年度) are always there.

Plain frozen dataclasses: validated once, when a spec is compiled
(``workbook_tools.spec.validate``), and loaded without any validation library afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FigureKind = Literal["value", "rows", "names"]
Filter = Literal["all", "nonzero", "stated"]
STRICT = {"extra": "forbid"}  # read by pydantic when validating (no import needed here)


@dataclass(frozen=True)
class RowsSpec:
    """Which rows of a table give one figure each (``rows``/``names`` figures)."""

    __pydantic_config__ = STRICT
    table: str
    kinds: list[Literal["lei", "kuan", "xiang", "project", "unit"]]
    column: str = "total"
    nonzero: str | None = None  # only rows with an amount in this column
    codes: list[str] = field(default_factory=list)  # only rows whose code starts so (301, 303)


@dataclass(frozen=True)
class FormTallySpec:
    """A figure counted or summed over the blocks of a form table (绩效目标表): the blocks
    whose field ``nonzero`` is not 0 and whose field ``zero`` is 0; their number, or the Σ
    of their field ``sum``."""

    __pydantic_config__ = STRICT
    table: str
    sum: str | None = None
    nonzero: str | None = None
    zero: str | None = None


@dataclass(frozen=True)
class SupplementSpec:
    """Last year's amount and the reason of a ``rows`` figure: the supplement row of its code."""

    __pydantic_config__ = STRICT
    table: str
    last: str | None = None
    reason: str | None = None
    budget: str | None = None  # the column of the 年初预算数 (final accounts)
    budget_reason: str | None = None  # the column of the reason of the 预决算 difference


@dataclass(frozen=True)
class FigureSpec:
    __pydantic_config__ = STRICT
    key: str  # for rows figures a template: gp.class.{code}
    kind: FigureKind = "value"
    subject: str = ""
    amount: list[str] = field(default_factory=list)  # references, the first found is used
    rows: list[RowsSpec] = field(default_factory=list)  # rows/names: tables in preference
    whole: str | None = None  # key of the figure a share is of
    last: str | None = None  # reference of last year's amount
    reason: str | None = None  # reference of the reason text
    budget: str | None = None  # reference of the budget it is compared with (预决算)
    budget_reason: str | None = None  # reference of the reason of the 预决算 difference
    supplement: SupplementSpec | None = None
    forms: FormTallySpec | None = None  # value: from the forms when the workbook has them
    sections: list[str] = field(default_factory=list)  # ids of the sections naming it
    aliases: list[str] = field(default_factory=list)
    unit: str = "万元"


@dataclass(frozen=True)
class FigureDefaults:
    """Fields every item of a group has unless it says otherwise; ``{key}`` is the item's key."""

    __pydantic_config__ = STRICT
    whole: str | None = None
    last: str | None = None
    reason: str | None = None
    budget: str | None = None
    budget_reason: str | None = None
    sections: list[str] = field(default_factory=list)
    unit: str | None = None


@dataclass(frozen=True)
class FigureGroup:
    __pydantic_config__ = STRICT
    group: str
    defaults: FigureDefaults = field(default_factory=FigureDefaults)
    items: list[FigureSpec] = field(default_factory=list)


@dataclass(frozen=True)
class Condition:
    """All that is given must hold."""

    __pydantic_config__ = STRICT
    zero: list[str] = field(default_factory=list)  # figures all zero or not given
    nonzero: list[str] = field(default_factory=list)  # some figure has money
    empty: list[str] = field(default_factory=list)  # tables present and empty
    not_empty: list[str] = field(default_factory=list)  # tables with data
    items: list[str] = field(default_factory=list)  # groups with figures
    no_items: list[str] = field(default_factory=list)  # groups without figures


@dataclass(frozen=True)
class ItemParagraph:
    __pydantic_config__ = STRICT
    text: str
    kind: Literal["text", "subheading"] = "text"


@dataclass(frozen=True)
class ParagraphSpec:
    """One paragraph, or (``each``) one per figure of a group, or a group joined into one."""

    __pydantic_config__ = STRICT
    kind: Literal["text", "subheading", "each"] = "text"
    text: str = ""  # template; for a joined each: wraps {items}
    when: Condition | None = None
    unless: Condition | None = None
    group: str | None = None
    item: list[ItemParagraph] = field(default_factory=list)  # each: per figure
    filter: Filter = "all"
    keep: list[str] = field(default_factory=list)  # always written with item
    otherwise: str | None = None  # each: for figures filtered out
    join: str | None = None  # each: one paragraph, items joined
    check_shares: str | None = None  # each: a share list that should add up to 100%


@dataclass(frozen=True)
class ProjectIntro:
    """How the text introduces each project (checker): 项目名称：X … 预算安排规模：Y 万元."""

    __pydantic_config__ = STRICT
    group: str
    name_label: str = "项目名称"
    amount_label: str = "预算安排规模"
    allocation_label: str = "资金分配情况"


@dataclass(frozen=True)
class SectionSpec:
    __pydantic_config__ = STRICT
    id: str
    number: str  # the heading numeral as printed: 一 … 十二
    heading: str
    paragraphs: list[ParagraphSpec] = field(default_factory=list)
    projects: ProjectIntro | None = None
    empty_claims: list[str] = field(default_factory=list)  # figures whose table may be 为空表


NUMERAL_DIGITS = {d: i for i, d in enumerate("一二三四五六七八九", start=1)}


def numeral_value(numeral: str) -> int:
    """``"十二"`` → 12; the order of sections."""
    if "十" not in numeral:
        return NUMERAL_DIGITS.get(numeral, 0)
    tens, _, ones = numeral.partition("十")
    return NUMERAL_DIGITS.get(tens, 1) * 10 + NUMERAL_DIGITS.get(ones, 0)


@dataclass(frozen=True)
class NarrativeSpec:
    __pydantic_config__ = STRICT
    title: str  # the draft's first line, e.g. {year}年部门预算情况说明
    change_prefix: str = "比上年预算"  # the words before 增加/减少
    # when the text must give a reason for a change (checker, rule n.reason): never; any
    # change; a change of 10% or more (ten_percent); a rise from zero (from_zero)
    change_reason: Literal["never", "any", "ten_percent", "from_zero"] = "never"
    # the draft's placeholder where last year's amount is not entered
    missing_last: str = "【请填写】（请在「上年数及说明」表填写上年预算数）"
    # words that open a clause continuing the subject of the paragraph's last figure
    # (决算 texts: "…支出 2,124.45 万元。与上年相比，增加 122.57 万元"); none by default
    carry_words: list[str] = field(default_factory=list)
    # the year 截至…12月31日 / 年底 dates name, counted from the report's year (a 决算: 0,
    # 截至 2023 年 12 月 31 日 in the 2023 决算; a budget: −1); None: dates not checked
    as_of: int | None = None
    figures: list[FigureGroup] = field(default_factory=list)
    sections: list[SectionSpec] = field(default_factory=list)
