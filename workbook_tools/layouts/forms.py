"""Forms (``form``): one block per unit or project — labelled fields above an indicator grid.

The 绩效目标表 of a budget (部门整体 and one 项目支出 table per project) and the 绩效自评表 of
final accounts are forms: a title, the fields (``项目名称 | 公告费``, ``其中：财政拨款 | 8.00``,
or in a matrix of fields the value under its heading) and the grid of indicators (一级/二级/
三级指标 with merged first columns, 指标值, 分值权重 …). What a form holds is declared in the
spec (``TableSpec.form``, see ``workbook_tools.spec.forms``; the grid is ``columns``).

Reading: every title starts a block (``repeats``), wherever it is — one sheet for all
projects or a sheet per project. Each field is found by its label between the title and the
grid header, its value being the first cell to its right (a label right next to it means
the label is a caption, not a field); the grid rows are indicators, their merged level cells
filled down; a long text alone on a row is a note (未公开绩效目标表的原因：…).

Rows: a field is ``Row("field", key=<field key>)`` with its value under ``value`` (an
amount in ``values`` or a text in ``texts``); a grid row is ``Row("indicator")`` with the
grid's columns; all rows of a block share ``Row.block``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from workbook_tools.io.grid import cell_name, column_letter
from workbook_tools.io.labels import norm
from workbook_tools.io.model import Row
from workbook_tools.layouts.base import Layout, Problem, RowParser, total_names
from workbook_tools.spec.forms import FIELD_VALUE, FieldSpec, FormSpec
from workbook_tools.spec.models import KEY, TableSetSpec, TableSpec

if TYPE_CHECKING:
    from workbook_tools.io.rowview import RowView
    from workbook_tools.writers.template import TableContent, TableWriter

KEY_FORMAT = re.compile(KEY)
_UNIT_NOTE = re.compile(r"\((?:万元|元|盖章|签章|个|%)\)$")
NOTE_LENGTH = 15  # a text this long alone on a grid row is a note, not an indicator


def form_label(text: object) -> str:
    """A label as compared: no spaces, quotes, colons, 其中, or unit note (``（万元）``)."""
    value = _UNIT_NOTE.sub("", norm(str(text)))
    return value[2:] if value.startswith("其中") and len(value) > 2 else value


class FormParser:
    """Reads one block: its fields (``field_rows``) and its grid rows (``rows``)."""

    def __init__(self, table: TableSpec, view: RowView) -> None:
        assert table.form is not None
        self.table, self.form, self.view, self.grid = table, table.form, view, view.grid
        self.levels = [k for k in self.form.levels if k in view.columns]
        self.text_keys = [
            c.key for c in table.columns if c.role != "amount" and c.key in view.columns
        ]
        self.first_key = next((c.key for c in table.columns if c.key in view.columns), None)
        self.totals = total_names(table)
        self.last: dict[str, str] = {}
        self.labels = {form_label(t) for t in self.form.labels}

    # -- the grid ------------------------------------------------------------------------
    def rows(self, r: int) -> list[Row]:
        view = self.view
        texts = {k: t for k in self.text_keys if (t := view.text(r, view.columns[k]))}
        amounts = view.amounts(r)
        if not texts and not amounts:
            return []
        note = self._note(r, texts, amounts)
        if note is not None:
            return [note]
        first = texts.get(self.first_key or "", "")
        if first and norm(first) in self.totals:
            row = Row("total", first, values=amounts, texts=texts, sheet_row=r)
            row.label_cell = view.cell(r, view.columns.get(self.first_key or ""))
            return [row]
        self._fill_down(texts)
        name = texts.get(self.form.row_name or "", "") or first
        row = Row("indicator", name, values=amounts, texts=texts, sheet_row=r)
        label_key = self.form.row_name if self.form.row_name in texts else self.first_key
        row.label_cell = view.cell(r, view.columns.get(label_key or ""))
        return [row]

    def _note(self, r: int, texts: dict[str, str], amounts: dict) -> Row | None:
        """A long text alone on its row, from the first column on: 未公开…的原因：…"""
        if amounts or len(texts) != 1 or len(self.grid.row_cells(r)) != 1:
            return None
        ((key, text),) = texts.items()
        first_col = min(self.view.columns.values())
        if self.view.columns[key] > first_col and key != self.first_key:
            return None
        if len(text) < NOTE_LENGTH and not any(mark in text for mark in "：:"):
            return None
        row = Row("note", text, texts=dict(texts), sheet_row=r)
        row.label_cell = self.view.cell(r, self.view.columns[key])
        return row

    def _fill_down(self, texts: dict[str, str]) -> None:
        """Merged (blank) level cells continue the one above; a new outer level starts afresh."""
        for i, key in enumerate(self.levels):
            if texts.get(key):
                if self.last.get(key) != texts[key]:
                    for deeper in self.levels[i + 1 :]:
                        self.last.pop(deeper, None)
                self.last[key] = texts[key]
            elif key in self.last:
                texts[key] = self.last[key]

    # -- the fields ----------------------------------------------------------------------
    def field_rows(self, title_row: int) -> list[Row]:
        top, bottom = title_row + 1, self.view.header.first_row
        cells: dict[str, list[tuple[int, int]]] = {}
        for r in range(top, bottom):
            for c, value in sorted(self.grid.row_cells(r).items()):
                if isinstance(value, str) and value.strip():
                    cells.setdefault(form_label(value), []).append((r, c))
        rows, taken = [], set()
        for spec in self.form.fields:
            found = self._locate(spec, cells, top, taken)
            if found is not None:
                taken.add(found[0])
                rows.append(self._field_row(spec, *found))
        return rows

    def _locate(
        self,
        spec: FieldSpec,
        cells: dict[str, list[tuple[int, int]]],
        top: int,
        taken: set[tuple[int, int]],
    ) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """The label cell and value cell of a field: a filled value first, then the spec's
        own label before an alias, then reading order."""
        best: tuple[tuple[bool, bool, int, int], tuple[int, int], tuple[int, int]] | None = None
        names = [form_label(spec.label), *(form_label(a) for a in spec.aliases)]
        for rank, name in enumerate(names):
            for at in cells.get(name, []):
                free = at not in taken or spec.under is not None  # a matrix shares labels
                value = self._value_cell(spec, at, top) if free else None
                if value is None:
                    continue
                filled = self.view.text(*value) != ""
                key = (filled, rank == 0, -at[0], -at[1])
                if best is None or key > best[0]:
                    best = (key, at, value)
        return None if best is None else (best[1], best[2])

    def _value_cell(self, spec: FieldSpec, at: tuple[int, int], top: int) -> tuple[int, int] | None:
        r, c = at
        if spec.under is not None:
            col = self._heading_column(spec.under, r, top)
            return None if col is None else (r, col)
        end = self.grid.merged_span(r, c)[3]
        for col, value in sorted(self.grid.row_cells(r).items()):
            if col <= end or not str(value).strip():
                continue
            if isinstance(value, str) and form_label(value) in self.labels:
                return None if col == end + 1 else (r, end + 1)  # next to a label: a caption
            return (r, col)
        return (r, end + 1)

    def _heading_column(self, heading: str, r: int, top: int) -> int | None:
        wanted = form_label(heading)
        for above in range(r - 1, top - 1, -1):
            for col, value in self.grid.row_cells(above).items():
                if isinstance(value, str) and form_label(value) == wanted:
                    return col
        return None

    def _field_row(self, spec: FieldSpec, label: tuple[int, int], value: tuple[int, int]) -> Row:
        (r, c), (vr, vc) = label, value
        row = Row("field", spec.label, key=spec.key, sheet_row=vr)
        row.label_cell = cell_name(r, c)
        row.columns = {FIELD_VALUE: column_letter(vc)}
        if spec.role == "amount":
            row.values = {FIELD_VALUE: self.view.amount_at(vr, vc)}
        elif text := self.view.text(vr, vc):
            row.texts = {FIELD_VALUE: text}
        return row


class FormLayout(Layout):
    name = "form"
    repeats = True
    unrecognised = "不是指标行"

    def problems(self, table: TableSpec) -> list[Problem]:
        form = table.form
        if form is None:
            return [("form", f"布局 {self.name} 需要 form（表头上方的字段）")]
        found: list[Problem] = []
        keys = [f.key for f in form.fields]
        found += [
            ("form.fields", f"字段 key「{k}」重复") for k in {k for k in keys if keys.count(k) > 1}
        ]
        found += [
            (f"form.fields.[{k}].key", "写法不对（小写字母开头，只用小写字母、数字和下划线）")
            for k in keys
            if not KEY_FORMAT.match(k)
        ]
        for name, key in [("levels", k) for k in form.levels] + [("row_name", form.row_name)]:
            if key is not None and not table.has_column(key):
                found.append((f"form.{name}", f"没有栏目 {key}"))
        if form.block_name is not None and form.find(form.block_name) is None:
            found.append(("form.block_name", f"没有字段 {form.block_name}"))
        found += _row_problems(form, len(table.columns))
        return found

    def required_columns(self, table: TableSpec) -> list[str]:
        assert table.form is not None
        keys = [*table.form.levels, table.form.row_name, *(c.key for c in table.amount_columns)]
        return list(dict.fromkeys(k for k in keys if k and table.has_column(k)))

    def parser(self, table: TableSpec, spec: TableSetSpec, view: RowView) -> FormParser:
        return FormParser(table, view)

    def leading_rows(self, parser: RowParser, title_row: int) -> list[Row]:
        assert isinstance(parser, FormParser)
        return parser.field_rows(title_row)

    def derived(self, table: TableSpec, row: Row, column: str, parents: set[str]) -> bool:
        if row.kind == "field" and table.form is not None:
            spec = table.form.find(row.key or "")
            return bool(spec is not None and spec.derived)
        if column == FIELD_VALUE or not table.has_column(column):
            return False
        spec_column = table.column(column)
        return spec_column.derived and not spec_column.input

    def emphasis(self, row: Row, rule: str = "classes", parents: object = ()) -> bool:
        return row.kind == "total"

    def write(self, writer: TableWriter, content: TableContent | None) -> None:
        self.write_table(writer, content, first_on_sheet=False)

    def write_table(
        self, writer: TableWriter, content: TableContent | None, first_on_sheet: bool
    ) -> int:
        from workbook_tools.layouts.form_writer import FormWriter

        return FormWriter(writer).write(content, first_on_sheet)


def _row_problems(form: FormSpec, width: int) -> list[Problem]:
    """Rows of the fields area that cannot be printed over the grid's ``width`` columns."""
    from workbook_tools.layouts.form_writer import printed_cells

    found = []
    for n, row in enumerate(form.rows, start=1):
        cells = len(printed_cells(row))
        if row.widths and len(row.widths) != cells:
            found.append((f"form.rows.[{n}].widths", f"应有 {cells} 项（每个印出的格一项）"))
        needed = sum(row.widths) if row.widths else cells
        if needed > width:
            found.append(
                (f"form.rows.[{n}]", f"这一行要印 {needed} 栏，指标表只有 {width} 栏（请分成几行）")
            )
    return found
