"""The layout classes: how a kind of table is read, written and which of its cells are derived.

A spec names each table's layout (``layout: code``); ``layout_of`` looks the class up in
``LAYOUTS``. Everything that differs between kinds of tables lives in these classes, so no
other module asks which layout a table has. Reading works on a located table (``RowView``);
writing on the template/export writer (``workbook_tools.writers.template.TableWriter``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, ClassVar, Protocol

from workbook_tools.io.labels import norm, norm_line
from workbook_tools.io.model import Row
from workbook_tools.spec.models import LineSpec, TableSetSpec, TableSpec

if TYPE_CHECKING:
    from workbook_tools.io.rowview import RowView
    from workbook_tools.writers.template import TableContent, TableWriter

Problem = tuple[str, str]  # (field, Chinese message)


class RowParser(Protocol):
    def rows(self, r: int) -> list[Row]:
        """The typed rows sheet row ``r`` holds (none, one, or one per panel)."""
        ...


class Layout:
    """Base of the layout classes; subclasses register themselves by ``name``."""

    name: ClassVar[str] = ""
    required_roles: ClassVar[tuple[tuple[str, str | None], ...]] = ()
    has_codes: ClassVar[bool] = False  # rows are classification codes (类/款/项 hierarchy)
    has_lines: ClassVar[bool] = False  # rows are the spec's fixed lines
    lists_projects: ClassVar[bool] = False  # rows are projects under code and 单位 rows
    repeats: ClassVar[bool] = False  # each title starts a new block (a form per project)
    total_in_template: ClassVar[bool] = False  # a blank template shows a 合计 row
    unrecognised: ClassVar[str] = "无法识别"  # why a row with amounts counts nowhere

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            LAYOUTS[cls.name] = cls()

    # -- the spec ------------------------------------------------------------------------
    def problems(self, table: TableSpec) -> list[Problem]:
        """What a table of this layout lacks (checked when the spec is loaded)."""
        found = []
        for role, panel in self.required_roles:
            if table.role_column(role, panel) is None:
                where = f"（{panel} 栏）" if panel else ""
                found.append(("columns", f"布局 {self.name} 需要角色为 {role} 的栏目{where}"))
        if not table.amount_columns:
            found.append(("columns", f"布局 {self.name} 需要至少一个金额栏（role: amount）"))
        return found

    def required_columns(self, table: TableSpec) -> list[str]:
        """Column keys the reader must find in a table's header."""
        keys = [c.key for c in table.columns if c.role in ("amount", "label", "project")]
        for role, panel in self.required_roles:
            column = table.role_column(role, panel)
            if column is not None and column.key not in keys:
                keys.append(column.key)
        return keys

    # -- reading -------------------------------------------------------------------------
    def parser(self, table: TableSpec, spec: TableSetSpec, view: RowView) -> RowParser:
        raise NotImplementedError

    def leading_rows(self, parser: RowParser, title_row: int) -> list[Row]:
        """Rows between the title and the header (a form's fields); a table has none."""
        return []

    # -- writing -------------------------------------------------------------------------
    def write(self, writer: TableWriter, content: TableContent | None) -> None:
        raise NotImplementedError

    def write_table(
        self, writer: TableWriter, content: TableContent | None, first_on_sheet: bool
    ) -> int | None:
        """Write the whole table when the layout arranges it itself (a form: title, fields
        and grid per block) and return the row after it; ``None``: the writer's own
        arrangement (title block, header, ``write``, remarks)."""
        return None

    # -- derived cells -------------------------------------------------------------------
    def derived(self, table: TableSpec, row: Row, column: str, parents: set[str]) -> bool:
        """Whether the tools compute ``column`` of ``row`` (``parents``: codes with children)."""
        spec_column = table.column(column)
        if spec_column.input:
            return False
        return spec_column.derived or self.derived_row(table, row, parents)

    def derived_row(self, table: TableSpec, row: Row, parents: set[str]) -> bool:
        return False

    def emphasis(self, row: Row, rule: str = "classes", parents: Collection[str] = ()) -> bool:
        """Whether a row prints bold, by its kind: a total always; with the set's
        ``conventions.emphasis`` ``classes`` also a 类 row, with ``parents`` every code row
        that has children (``parents``: the codes with a child row), with ``totals`` no other."""
        if row.kind == "total":
            return True
        if rule == "classes":
            return row.kind == "lei"
        if rule == "parents":
            return bool(row.code and row.code in parents)
        return False

    @staticmethod
    def line_emphasis(line: LineSpec, rule: str = "classes") -> bool:
        """Whether a fixed line prints bold: the total line; with ``classes`` the first-level
        lines that sum others (一、本年收入, 公务用车购置及运行费（小计）), with ``parents``
        the second-level ones too (1、财政拨款结转)."""
        deepest = {"classes": 1, "parents": 2}.get(rule, 0)
        return line.level == 0 or (line.derived and line.level <= deepest)


LAYOUTS: dict[str, Layout] = {}


def layout_of(table: TableSpec) -> Layout:
    return LAYOUTS[table.layout]


def table_problems(table: TableSpec) -> list[Problem]:
    layout = LAYOUTS.get(table.layout)
    if layout is None:
        known = "、".join(sorted(LAYOUTS))
        return [("layout", f"没有名为「{table.layout}」的布局（可用：{known}）")]
    return layout.problems(table)


def total_names(table: TableSpec) -> set[str]:
    """Normalised labels of the table's total row (合计/总计 and the spec's own)."""
    return {norm(t) for t in [table.total_label, *table.total_aliases]}


class LineMatcher:
    """Matches row labels to fixed lines in order, so repeated labels find the right line."""

    def __init__(self, lines: list[LineSpec]) -> None:
        self.lines = lines
        self.names = [
            {norm_line(line.label), *(norm_line(a) for a in line.aliases)} for line in lines
        ]
        self.position = 0
        self.used: set[int] = set()

    def match(self, label: str) -> LineSpec | None:
        text = norm_line(label)
        if not text:
            return None
        order = [*range(self.position, len(self.lines)), *range(self.position)]
        for i in order:
            if i not in self.used and text in self.names[i]:
                self.used.add(i)
                self.position = i + 1
                return self.lines[i]
        return None
