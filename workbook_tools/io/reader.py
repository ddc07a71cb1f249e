"""The robust reader: workbook → typed tables, by titles and header labels, not positions.

``read_workbook`` finds each table of the set by its title on any sheet and at any
position, maps columns by header text or ※ number, reads codes in any of their styles and
amounts in any of their spellings, skips repeated header blocks, and keeps remarks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from workbook_tools.errors import InputError, SpecError
from workbook_tools.gcpause import without_cyclic_gc
from workbook_tools.io.grid import Grid, cell_name, column_letter
from workbook_tools.io.labels import find_year, norm
from workbook_tools.io.locate import (
    Header,
    HeaderMatcher,
    TitleHit,
    find_titles,
    is_star_values,
    title_index,
)
from workbook_tools.io.model import Remark, Table, WorkbookData
from workbook_tools.io.rowview import RowView
from workbook_tools.io.sources import Engine, read_grids
from workbook_tools.layouts import layout_of
from workbook_tools.spec import TableSetSpec, TableSpec, load_spec
from workbook_tools.spec.loader import load_available

_REMARK_STARTS = ("(表", "备注", "注:", "说明:", "注释")
_REMARK_MARKS = ("为空表", "不包含")
_UNIT_MARKS = ("编制部门", "编制单位", "填报单位", "部门名称")
_MONEY_UNIT = re.compile(r"^\s*单\s*位\s*[:：]\s*(万元|元|千元|亿元)\s*$")
_UNIT_LINE = re.compile(r"^[^:：]*[:：]\s*(.*)$", re.S)
_MONEY_UNIT_TAIL = re.compile(r"\s*单\s*位\s*[:：]\s*(万元|元|千元|亿元)\s*$")
_CAPTION = re.compile(r"^附?表\d+(?:-\d+)?$")  # "表2", "附表3-1" above a title


MONEY_UNITS = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "亿元": Decimal(10**8),
}


@without_cyclic_gc
def read_workbook(
    path: str | Path, set_id: str | None = None, engine: Engine = "calamine"
) -> WorkbookData:
    """Read a filled workbook. Raises ``InputError`` when it cannot be used."""
    path = Path(path)
    grids = read_grids(path, engine)
    return read_from_grids(grids, file=str(path), set_id=set_id)


@without_cyclic_gc
def read_from_grids(grids: list[Grid], file: str = "", set_id: str | None = None) -> WorkbookData:
    try:
        detection = detect_spec(grids, file)
        if set_id:
            data = _read_as(grids, file, load_spec(set_id), detection)
        elif detection.hits:
            data = _read(grids, file, detection.spec, detection.hits)
        else:
            raise InputError(_NO_TABLES)
        data.notices = [str(problem) for problem in detection.problems]
    except InputError as error:
        if error.file is None:
            error.file = file or None
        raise
    return data


_NO_TABLES = (
    "没有找到任何部门预算或决算公开表（按表名识别，如「部门收支总体情况表」），"
    "请确认这是公开表的工作簿"
)


def _read(grids: list[Grid], file: str, spec: TableSetSpec, hits: list[TitleHit]) -> WorkbookData:
    if not hits:
        raise InputError(_NO_TABLES)
    data = WorkbookData(set_id=spec.id, file=file)
    data.year = detect_year(grids, hits, file)
    _read_tables(data, spec, hits)
    data.unit = _find_unit(grids, hits)
    return data


def _read_as(
    grids: list[Grid], file: str, spec: TableSetSpec, detection: Detection
) -> WorkbookData:
    """Read with the set the user named; a workbook of another set is told so."""
    other = detection.spec if detection.spec.id != spec.id else None
    hits = find_titles(grids, spec)
    if other is not None and _tables_found(detection.hits) > _tables_found(hits):
        raise InputError(_wrong_set(other, spec))
    try:
        return _read(grids, file, spec, hits)
    except InputError:
        if other is not None and _reads(grids, file, other, detection.hits):
            raise InputError(_wrong_set(other, spec)) from None
        raise


def _wrong_set(found: TableSetSpec, named: TableSetSpec) -> str:
    return (
        f"这是 {found.describe()}，不是指定的表套「{named.id}」（{named.describe()}）；"
        f"请去掉 --set 由工具自动识别，或改用 --set {found.id}"
    )


def _reads(grids: list[Grid], file: str, spec: TableSetSpec, hits: list[TitleHit]) -> bool:
    try:
        _read(grids, file, spec, hits)
    except InputError:
        return False
    return True


@dataclass
class Detection:
    spec: TableSetSpec
    hits: list[TitleHit]
    problems: list[SpecError] = field(default_factory=list)


def _tables_found(hits: list[TitleHit]) -> int:
    return len({h.table_id for h in hits})


def detect_spec(grids: list[Grid], file: str = "") -> Detection:
    """The set whose titles the workbook matches best (the year picks among equals), and
    where its titles are. Spec files that do not load are skipped and returned as problems."""
    specs, problems = load_available()
    if not specs:
        raise InputError("没有可用的表套定义：" + "；".join(str(p) for p in problems))
    found = {spec.id: (spec, find_titles(grids, spec)) for spec in specs}
    best = max(_tables_found(hits) for _, hits in found.values())
    candidates = [spec for spec, hits in found.values() if _tables_found(hits) == best]
    year = detect_year(grids, found[candidates[0].id][1], file) if best else None
    spec = _closest_year(candidates, year)
    return Detection(spec, found[spec.id][1], problems)


def _closest_year(specs: list[TableSetSpec], year: int | None) -> TableSetSpec:
    if year is not None:
        earlier = [s for s in specs if s.year <= year]
        if earlier:
            return max(earlier, key=lambda s: s.year)
    return min(specs, key=lambda s: s.year)


def detect_year(grids: list[Grid], hits: list[TitleHit], file: str = "") -> int | None:
    years = Counter(
        year for hit in hits if (year := find_year(hit.grid.text(hit.row, hit.col))) is not None
    )
    if not years:
        for grid in grids:
            for value in grid.cells.values():
                if isinstance(value, str) and "年" in value and len(value) < 200:
                    year = find_year(value)
                    if year is not None:
                        years[year] += 1
    if years:
        return years.most_common(1)[0][0]
    return find_year(Path(file).name) if file else None


def _read_tables(data: WorkbookData, spec: TableSetSpec, hits: list[TitleHit]) -> None:
    ends = _region_ends(hits)
    errors: dict[str, InputError] = {}
    for hit in hits:
        table_spec = spec.table(hit.table_id)
        try:
            table = TableReader(table_spec, spec, hit, ends[id(hit)]).read()
        except InputError as error:
            errors.setdefault(hit.table_id, error)
            continue
        if hit.table_id in data.tables:  # the table continues (or, repeating, a new block)
            known = data.tables[hit.table_id]
            if layout_of(table_spec).repeats:
                block = max((r.block for r in known.rows), default=-1) + 1
                for row in table.rows:
                    row.block = block
            known.rows.extend(table.rows)
            known.remarks.extend(table.remarks)
        else:
            data.tables[hit.table_id] = table
    for table_id, error in errors.items():
        if table_id not in data.tables:
            raise error
    missing = [t for t in spec.tables if t.id not in data.tables and t.required]
    if missing:
        names = "、".join(f"{t.label}「{t.title}」" for t in missing)
        raise InputError(f"工作簿中缺少以下表：{names}（按表名识别）")
    data.tables = {t.id: data.tables[t.id] for t in spec.tables if t.id in data.tables}


def _region_ends(hits: list[TitleHit]) -> dict[int, int]:
    ends = {}
    by_grid: dict[int, list[TitleHit]] = {}
    for hit in hits:
        by_grid.setdefault(id(hit.grid), []).append(hit)
    for grid_hits in by_grid.values():
        grid_hits.sort(key=lambda h: (h.row, h.col))
        bottom = grid_hits[0].grid.max_row + 1
        for i, hit in enumerate(grid_hits):
            ends[id(hit)] = grid_hits[i + 1].row if i + 1 < len(grid_hits) else bottom
    return ends


def _find_unit(grids: list[Grid], hits: list[TitleHit]) -> str:
    """The unit named in the first 编制部门：… line (tables first, then any sheet)."""
    for grid in [hit.grid for hit in hits] + grids:
        for value in grid.cells.values():
            if isinstance(value, str) and _is_unit_line(value):
                match = _UNIT_LINE.match(value)
                unit = match.group(1).strip() if match else ""
                if unit:
                    return _MONEY_UNIT_TAIL.sub("", unit).strip()
    return ""


class TableReader:
    """Reads one located table: header, money unit, remarks, repeated headers; the rows
    themselves are the layout's business."""

    def __init__(self, table: TableSpec, spec: TableSetSpec, hit: TitleHit, end_row: int) -> None:
        self.table, self.spec, self.hit, self.grid, self.end = table, spec, hit, hit.grid, end_row
        self.totals = {norm(t) for t in [table.total_label, *table.total_aliases]}
        self.index = title_index(spec)

    def read(self) -> Table:
        header = HeaderMatcher(self.table).find(self.grid, self.hit.row, self.end)
        self.header = header
        table = Table(
            id=self.table.id,
            number=self.table.number,
            title=self.table.title,
            sheet=self.grid.name,
            title_cell=cell_name(self.hit.row, self.hit.col),
            column_cells={k: column_letter(c) for k, c in header.columns.items()},
        )
        self._money_unit(table, header)
        view = RowView(self.table, self.grid, header, table.scale)
        layout = layout_of(self.table)
        parser = layout.parser(self.table, self.spec, view)
        panels = self._panel_columns(table)
        for row in layout.leading_rows(parser, self.hit.row):  # a form's fields
            row.sheet = self.grid.name
            table.rows.append(row)
        for r in range(header.last_row + 1, self.end):
            values = self._row_values(r)
            if not values or self._is_repeat(r, values):
                continue
            remark = self._remark(r, values)
            if remark is not None:
                table.remarks.append(remark)
                continue
            for row in parser.rows(r):
                row.sheet = self.grid.name  # the layout may give a row its own columns (lanes)
                row.columns = row.columns or panels.get(row.panel, table.column_cells)
                row.texts = row.texts or view.texts(r)  # a form's levels are filled down
                table.rows.append(row)
        return table

    def _panel_columns(self, table: Table) -> dict[str | None, dict[str, str]]:
        """Per panel, the columns a row of that panel has (a left row has no right cells)."""
        panels = {c.panel for c in self.table.columns if c.panel is not None}
        return {
            panel: {
                key: letter
                for key, letter in table.column_cells.items()
                if self.table.column(key).panel in (None, panel)
            }
            for panel in panels
        }

    # -- row filters ---------------------------------------------------------------------
    def _row_values(self, r: int) -> dict[int, object]:
        return dict(self.grid.row_cells(r)) | {
            c: "" for (rr, c) in self.grid.formulas_without_value if rr == r
        }

    def _is_repeat(self, r: int, values: dict[int, object]) -> bool:
        """A repeated title, 编制部门/单位 line, header row or ※ row inside the table, or
        the 表N caption of the next table on the sheet."""
        strings = [v for v in values.values() if isinstance(v, str)]
        if len(strings) < len(values) and not is_star_values(values.values()):
            return False  # a number that is no ※ column number: a data row
        if len(values) == 1 and strings and _CAPTION.match(norm(strings[0])):
            return True
        if any(_is_unit_line(v) or _money_unit_of(v) is not None for v in strings):
            return True
        if is_star_values(values.values()):
            return True
        if any(self.index.match(v) == self.table.id for v in strings):
            return True
        texts = [norm(v) for v in strings]
        labels = sum(1 for t in texts if t in self.header.labels and t not in self.totals)
        has_number = any(not isinstance(v, str) for v in values.values())
        return labels >= 2 and not has_number

    def _remark(self, r: int, values: dict[int, object]) -> Remark | None:
        """A remark stands alone on its row: one text cell (merged across the table)."""
        strings = [v for v in values.values() if isinstance(v, str) and v.strip()]
        if len(strings) != 1:
            return None
        amount_cols = {c for k, c in self.header.columns.items() if self._is_amount(k)}
        if any(c in amount_cols for c, v in values.items() if v != "") and len(strings[0]) < 12:
            return None
        for c, value in sorted(values.items()):
            if not isinstance(value, str):
                continue
            text = unicodedata.normalize("NFKC", value).strip()
            if text.startswith(_REMARK_STARTS) or any(m in text for m in _REMARK_MARKS):
                return Remark(value.strip(), cell_name(r, c))
        return None

    def _is_amount(self, key: str) -> bool:
        return self.table.column(key).role == "amount"

    def _money_unit(self, table: Table, header: Header) -> None:
        """The printed 单位：… and the factor that turns its amounts into the declared unit."""
        for r in range(self.hit.row, header.first_row):
            for c, value in self.grid.row_cells(r).items():
                unit = _printed_money_unit(value) if isinstance(value, str) else None
                if unit is not None:
                    table.money_unit = unit
                    table.money_unit_cell = cell_name(r, c)
        declared = self.table.money_unit
        printed = table.money_unit
        if printed in MONEY_UNITS and declared in MONEY_UNITS and printed != declared:
            table.scale = MONEY_UNITS[printed] / MONEY_UNITS[declared]


def _is_unit_line(text: str) -> bool:
    head = norm(text)[:6]
    return any(head.startswith(mark) for mark in _UNIT_MARKS)


def _money_unit_of(text: str) -> str | None:
    """``"单位：万元"`` → ``"万元"``; anything else → None."""
    match = _MONEY_UNIT.match(unicodedata.normalize("NFKC", text))
    return match.group(1) if match else None


def _printed_money_unit(text: str) -> str | None:
    """The money unit of ``"单位：万元"``, or of ``"编制部门：某单位　单位：万元"`` in one cell."""
    unit = _money_unit_of(text)
    if unit is None and _is_unit_line(text):
        match = _MONEY_UNIT_TAIL.search(unicodedata.normalize("NFKC", text))
        unit = match.group(1) if match else None
    return unit
