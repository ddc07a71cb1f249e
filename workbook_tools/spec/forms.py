"""Forms, declared: a block of labelled fields above an indicator grid (绩效目标表).

A *form* table (layout ``form``) prints one block per unit or project: its title, a line
such as ``（2024年）``, the *fields* — a label cell followed by its value to the right
(``项目名称 | 公告费``, ``其中：财政拨款 | 8.00``), or in a matrix of fields the value under a
heading (``全年执行数``) on the label's row — and then the indicator grid, whose columns are
the table's ordinary ``columns`` (一级/二级/三级指标, 指标值, 分值权重 …).

``rows`` lists the fields area top to bottom as the template prints it: each row its fields,
and optionally a ``caption`` at its left (merged down over consecutive rows with the same
caption, e.g. 项目资金（万元）), a second-level ``group`` (财政资金（万元）) or ``headings``
(a row of column headings: 资金来源 / 资金总额（万元）, or 年初预算数 / 全年预算数 …) and the
``widths`` of its printed cells. Reading does not depend on the arrangement: each field is
found by its label (or aliases) anywhere between the block's title and its grid.

A field's value is addressed like a line's amount, with the column ``value``: a relation or
the narrative names it ``perf_dept!line=upper:value`` (the first block's), and the form
rule kinds (``workbook_tools.rules.kinds``) name fields by key, per block.

Plain frozen dataclasses, validated when a spec is compiled (``workbook_tools.spec.validate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from workbook_tools.spec.narrative import STRICT

FIELD_VALUE = "value"  # the column a field's value is under (row.values / row.texts)
FieldRole = Literal["text", "amount"]


@dataclass(frozen=True)
class FieldSpec:
    """One labelled value of a form: a text (项目名称) or an amount (年度预算总额)."""

    __pydantic_config__ = STRICT
    key: str
    label: str  # as printed; a colon, spaces, 其中： and a unit note such as （万元） are ignored
    aliases: list[str] = field(default_factory=list)
    role: FieldRole = "text"
    under: str | None = None  # matrix of fields: the heading the value stands under
    derived: bool = False  # computed by the tools (年度预算总额 = 财政拨款 + 其他资金)
    lines: int = 1  # lines of text the template leaves for a text value


@dataclass(frozen=True)
class FormRowSpec:
    """One printed row of the fields area."""

    __pydantic_config__ = STRICT
    fields: list[FieldSpec] = field(default_factory=list)
    caption: str | None = None  # at the left, merged down over rows with the same caption
    group: str | None = None  # second-level caption, merged down likewise
    headings: list[str] = field(default_factory=list)  # a row of column headings
    widths: list[int] = field(default_factory=list)  # columns of each printed cell, in order


@dataclass(frozen=True)
class FormSpec:
    __pydantic_config__ = STRICT
    rows: list[FormRowSpec]
    levels: list[str] = field(default_factory=list)  # grid columns merged down: 一级、二级指标
    row_name: str | None = None  # the grid column naming an indicator row (三级指标)
    block_name: str | None = None  # the field naming a block in messages (项目名称)
    subtitle: str = "（{year}年）"  # the line under the title; "" for none
    blocks: int = 1  # blocks in the blank template

    @cached_property
    def fields(self) -> list[FieldSpec]:
        return [f for row in self.rows for f in row.fields]

    def find(self, key: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.key == key), None)

    @property
    def amount_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.role == "amount"]

    @cached_property
    def labels(self) -> list[str]:
        """Every text the fields area prints that is not a value (captions, headings, labels)."""
        found = [f.label for f in self.fields] + [a for f in self.fields for a in f.aliases]
        for row in self.rows:
            found += [t for t in (row.caption, row.group) if t] + list(row.headings)
        return found
