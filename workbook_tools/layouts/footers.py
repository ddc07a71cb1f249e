"""Two-panel summary tables whose totals and balances are printed at the bottom, side by
side (``two_panel_footer``: the 决算 收入支出决算总表 and 财政拨款收入支出决算总表).

Reading is the two-panel reader's (``workbook_tools.layouts.panels``). Printing differs:
the right panel lists the year's function classes as ordinals (``一、一般公共服务支出`` …
``二十六、…``) beside the left panel's items; under them come the footer rows, left and
right aligned pair by pair (本年收入合计 | 本年支出合计, 年初结转和结余 | 年末结转和结余 …),
and last the two 总计 lines. Which left lines are items and which are footers follows
their ``level``: the items are the lines before the first line of level 1 (a heading such
as 本年收入合计); the right footer is the ``right_total`` line and the lines declared with
``panel: right``. The class rows are taken from the detail tables (支出决算表, 一般公共预算
财政拨款支出决算表 …): they are derived in every column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbook_tools.io.model import Row
from workbook_tools.layouts.base import Problem
from workbook_tools.layouts.codes import CODE_KINDS
from workbook_tools.layouts.panels import TwoPanel
from workbook_tools.spec.models import LineSpec, TableSpec

if TYPE_CHECKING:
    from workbook_tools.writers.template import TableContent, TableWriter

NUMERALS = "零一二三四五六七八九"


def ordinal(n: int) -> str:
    """``1`` → ``一``, ``12`` → ``十二``, ``26`` → ``二十六`` (1 … 99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens] + "十")
    return head + (NUMERALS[ones] if ones else "")


def split_lines(lines: list[LineSpec]) -> tuple[list[LineSpec], list[LineSpec], list[LineSpec]]:
    """A side's lines as (items beside the classes, footer lines, total lines)."""
    totals = [line for line in lines if line.level == 0]
    rest = [line for line in lines if line.level > 0]
    first = next((i for i, line in enumerate(rest) if line.level <= 1), len(rest))
    return rest[:first], rest[first:], totals


class FooterPanels(TwoPanel):
    name = "two_panel_footer"

    def problems(self, table: TableSpec) -> list[Problem]:
        found = super().problems(table)
        if table.right_total is None:
            found.append(
                ("right_total", f"布局 {self.name} 需要 right_total（右栏的本年支出合计行）")
            )
        return found

    def derived(self, table: TableSpec, row: Row, column: str, parents: set[str]) -> bool:
        """The classes are taken from the detail tables, in every column; a line is derived
        when it is, or in a column that is derived on every row (合计)."""
        spec_column = table.column(column)
        if spec_column.input:
            return False
        if row.kind in CODE_KINDS:
            return True
        return spec_column.derived or self.derived_row(table, row, parents)

    def write(self, writer: TableWriter, content: TableContent | None) -> None:
        table = writer.table
        rows = content.rows if content else []
        keyed = {(r.panel, r.key): r for r in rows if r.key}
        right = {r.code: r for r in rows if r.panel == "right" and r.code}
        items, footer, totals = split_lines(table.panel_lines("left"))
        _, right_footer, right_totals = split_lines(table.panel_lines("right"))
        assert table.right_total is not None
        right_footer = [table.right_total, *right_footer]
        classes = [(c.code, c.name) for c in writer.spec.function_classes]
        classes += [(code, r.name) for code, r in right.items() if code not in dict(classes)]
        for i in range(max(len(items), len(classes))):
            self._line(writer, "left", items, i, keyed)
            if i < len(classes):
                code, name = classes[i]
                row = right.get(code, Row("lei", name, code=code, panel="right"))
                self._cells(writer, "right", f"{ordinal(i + 1)}、{name}", row, False)
            else:
                self._cells(writer, "right", "", Row("line"), False)
            writer.next_row()
        for i in range(max(len(footer), len(right_footer))):
            self._line(writer, "left", footer, i, keyed)
            self._line(writer, "right", right_footer, i, keyed)
            writer.next_row()
        for i in range(max(len(totals), len(right_totals))):
            self._line(writer, "left", totals, i, keyed, spaced=True)
            self._line(writer, "right", right_totals, i, keyed, spaced=True)
            writer.next_row()

    def _line(
        self,
        writer: TableWriter,
        panel: str,
        lines: list[LineSpec],
        i: int,
        keyed: dict[tuple[str | None, str | None], Row],
        spaced: bool = False,
    ) -> None:
        """The ``i``-th of ``lines`` on ``panel`` (blank cells when there is none)."""
        if i >= len(lines):
            self._cells(writer, panel, "", Row("line"), False)
            return
        line = lines[i]
        kind = "total" if line is writer.table.right_total else "line"
        row = keyed.get((panel, line.key)) or Row(kind, line.label, key=line.key, panel=panel)  # type: ignore[arg-type]
        label = writer.spaced(line.label) if spaced else line.label
        bold = self.line_emphasis(line, writer.spec.conventions.emphasis)
        self._cells(writer, panel, label, row, bold)
