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
not check what the text says of it.

A *section* has its heading numeral as the set prints it, a heading template and the
paragraphs of the draft. Templates name figures in braces: ``{income_total}`` is its amount
with unit, ``{inc_gp.share}``, ``{inc_gp.change}`` (比上年预算增加 … 万元，增长 …%),
``{inc_gp.change:bare}``, ``{inc_gp.reason}`` (主要原因是….), ``{inc_gp.reason:text}``,
``{inc_gp.subject}``, ``{inc_gp.name}``, and in a group's item template ``{f.…}`` for the
item and ``{i}`` / ``{i:cn}`` for its number; ``{unit}``, ``{year}``, ``{prev_year}`` and
``{who}`` (单位 + 年度) are always there.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FigureKind = Literal["value", "rows", "names"]
Filter = Literal["all", "nonzero", "stated"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RowsSpec(_Strict):
    """Which rows of a table give one figure each (``rows``/``names`` figures)."""

    table: str
    kinds: list[Literal["lei", "kuan", "xiang", "project", "unit"]] = Field(min_length=1)
    column: str = "total"
    nonzero: str | None = Field(default=None, description="only rows with an amount here")


class SupplementSpec(_Strict):
    """Last year's amount and the reason of a ``rows`` figure: the supplement row of its code."""

    table: str
    last: str | None = None
    reason: str | None = None


class FigureSpec(_Strict):
    key: str = Field(description="id; for rows figures a template: gp.class.{code}")
    kind: FigureKind = "value"
    subject: str = ""
    amount: list[str] = Field(default_factory=list, description="references, the first found")
    rows: list[RowsSpec] = Field(
        default_factory=list, description="rows/names figures: tables in order of preference"
    )
    whole: str | None = Field(default=None, description="key of the figure a share is of")
    last: str | None = Field(default=None, description="reference of last year's amount")
    reason: str | None = Field(default=None, description="reference of the reason text")
    supplement: SupplementSpec | None = None
    sections: list[str] = Field(default_factory=list, description="section ids naming it")
    aliases: list[str] = Field(default_factory=list)
    unit: str = "万元"

    @model_validator(mode="after")
    def _shape(self) -> FigureSpec:
        if self.kind == "value" and not self.amount:
            raise ValueError(f"figure {self.key}: a value figure needs amount references")
        if self.kind in ("rows", "names") and not self.rows:
            raise ValueError(f"figure {self.key}: a {self.kind} figure needs rows")
        return self

    @field_validator("rows", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value


class FigureDefaults(_Strict):
    """Fields every item of a group has unless it says otherwise; ``{key}`` is the item's key."""

    whole: str | None = None
    last: str | None = None
    reason: str | None = None
    sections: list[str] = Field(default_factory=list)
    unit: str | None = None


class FigureGroup(_Strict):
    group: str
    defaults: FigureDefaults = Field(default_factory=FigureDefaults)
    items: list[FigureSpec] = Field(default_factory=list)


class Condition(_Strict):
    """All that is given must hold."""

    zero: list[str] = Field(default_factory=list, description="figures all zero or not given")
    nonzero: list[str] = Field(default_factory=list, description="some figure has money")
    empty: list[str] = Field(default_factory=list, description="tables present and empty")
    not_empty: list[str] = Field(default_factory=list, description="tables with data")
    items: list[str] = Field(default_factory=list, description="groups with figures")
    no_items: list[str] = Field(default_factory=list, description="groups without figures")


class ItemParagraph(_Strict):
    kind: Literal["text", "subheading"] = "text"
    text: str


class ParagraphSpec(_Strict):
    """One paragraph, or (``each``) one per figure of a group, or a group joined into one."""

    kind: Literal["text", "subheading", "each"] = "text"
    text: str = Field(default="", description="template; for a joined each: wraps {items}")
    when: Condition | None = None
    unless: Condition | None = None
    group: str | None = None
    item: list[ItemParagraph] = Field(default_factory=list, description="each: per figure")
    filter: Filter = "all"
    keep: list[str] = Field(default_factory=list, description="always written with item")
    otherwise: str | None = Field(default=None, description="each: for figures filtered out")
    join: str | None = Field(default=None, description="each: one paragraph, items joined")
    check_shares: str | None = Field(
        default=None, description="each: name of a share list that should add up to 100%"
    )

    @model_validator(mode="after")
    def _shape(self) -> ParagraphSpec:
        if self.kind == "each" and (self.group is None or not self.item):
            raise ValueError("an each paragraph needs group and item")
        if self.kind != "each" and not self.text:
            raise ValueError(f"a {self.kind} paragraph needs text")
        return self


class ProjectIntro(_Strict):
    """How the text introduces each project (checker): 项目名称：X … 预算安排规模：Y 万元."""

    group: str
    name_label: str = "项目名称"
    amount_label: str = "预算安排规模"
    allocation_label: str = "资金分配情况"


class SectionSpec(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    number: str = Field(description="the heading numeral as printed: 一 … 十二")
    heading: str
    paragraphs: list[ParagraphSpec] = Field(default_factory=list)
    projects: ProjectIntro | None = None
    empty_claims: list[str] = Field(
        default_factory=list, description="figures whose table the text may call 为空表"
    )


NUMERAL_DIGITS = {d: i for i, d in enumerate("一二三四五六七八九", start=1)}


def numeral_value(numeral: str) -> int:
    """``"十二"`` → 12; the order of sections."""
    if "十" not in numeral:
        return NUMERAL_DIGITS.get(numeral, 0)
    tens, _, ones = numeral.partition("十")
    return NUMERAL_DIGITS.get(tens, 1) * 10 + NUMERAL_DIGITS.get(ones, 0)


class NarrativeSpec(_Strict):
    title: str = Field(description="the draft's first line, e.g. {year}年部门预算情况说明")
    change_prefix: str = Field(default="比上年预算", description="the words before 增加/减少")
    figures: list[FigureGroup] = Field(default_factory=list)
    sections: list[SectionSpec] = Field(default_factory=list)

    @field_validator("sections", mode="before")
    @classmethod
    def _in_order(cls, value: object) -> object:
        """Sections in the order of their numerals (a child set may renumber them)."""
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return sorted(value, key=lambda v: numeral_value(str(v.get("number", ""))))
        return value

    @model_validator(mode="after")
    def _unique(self) -> NarrativeSpec:
        keys = [f.key for group in self.figures for f in group.items]
        if len(keys) != len(set(keys)):
            raise ValueError("narrative: duplicate figure keys")
        numbers = [s.number for s in self.sections]
        if len(numbers) != len(set(numbers)):
            raise ValueError("narrative: two sections with the same number")
        known = {s.id for s in self.sections}
        for group in self.figures:
            for figure in group.items:
                for section in [*figure.sections, *group.defaults.sections]:
                    if section not in known:
                        raise ValueError(f"figure {figure.key}: unknown section {section}")
        return self
