"""The robust reader: workbook → typed tables, by titles and header labels, not positions.

``read_workbook`` finds each table of the set by its title on any sheet and at any
position, maps columns by header text or ※ number, reads codes in any of their styles and
amounts in any of their spellings, skips repeated header blocks, and keeps remarks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

from workbook_tools.codes import code_level, code_part, joined_code, split_code_and_name
from workbook_tools.errors import InputError
from workbook_tools.io.grid import Grid, cell_name
from workbook_tools.io.labels import find_year, norm, norm_line
from workbook_tools.io.locate import (
    Header,
    HeaderMatcher,
    TitleHit,
    find_titles,
    is_star_row,
    title_index,
)
from workbook_tools.io.model import Amount, Remark, Row, Table, WorkbookData
from workbook_tools.io.sources import Engine, read_grids
from workbook_tools.money import NotAnAmount, parse_amount
from workbook_tools.spec import TableSetSpec, TableSpec, available_sets, load_spec
from workbook_tools.spec.models import LineSpec

_REMARK_STARTS = ("(表", "备注", "注:", "说明:", "注释")
_REMARK_MARKS = ("为空表", "不包含")
_UNIT_MARKS = ("编制部门", "编制单位", "填报单位", "部门名称")
_MONEY_UNIT = re.compile(r"^\s*单\s*位\s*[:：]\s*(万元|元|千元|亿元)\s*$")
_UNIT_LINE = re.compile(r"^[^:：]*[:：]\s*(.*)$", re.S)
_MONEY_UNIT_TAIL = re.compile(r"\s*单\s*位\s*[:：]\s*(万元|元|千元|亿元)\s*$")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_CAPTION = re.compile(r"^附?表\d+(?:-\d+)?$")  # "表2", "附表3-1" above a title


def read_workbook(
    path: str | Path, set_id: str | None = None, engine: Engine = "calamine"
) -> WorkbookData:
    """Read a filled workbook. Raises ``InputError`` when it cannot be used."""
    path = Path(path)
    grids = read_grids(path, engine)
    return read_from_grids(grids, file=str(path), set_id=set_id)


def read_from_grids(grids: list[Grid], file: str = "", set_id: str | None = None) -> WorkbookData:
    try:
        if set_id:
            spec = load_spec(set_id)
            hits = find_titles(grids, spec)
        else:
            spec, hits = detect_spec(grids, file)
        if not hits:
            raise InputError(
                "没有找到任何预算公开表（按表名识别，如「部门收支总体情况表」），"
                "请确认这是部门预算公开表的工作簿"
            )
        data = WorkbookData(set_id=spec.id, file=file)
        data.year = detect_year(grids, hits, file)
        _read_tables(data, spec, hits)
        data.unit = _find_unit(grids, hits)
    except InputError as error:
        if error.file is None:
            error.file = file or None
        raise
    return data


def detect_spec(grids: list[Grid], file: str = "") -> tuple[TableSetSpec, list[TitleHit]]:
    """The bundled set whose titles the workbook matches best (the year picks among equals),
    and where its titles are."""
    found = {}
    for set_id in available_sets():
        spec = load_spec(set_id)
        found[set_id] = (spec, find_titles(grids, spec))
    best = max(len({h.table_id for h in hits}) for _, hits in found.values())
    specs = [spec for spec, hits in found.values() if len({h.table_id for h in hits}) == best]
    year = detect_year(grids, found[specs[0].id][1], file) if best else None
    spec = _closest_year(specs, year)
    return spec, found[spec.id][1]


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
        if hit.table_id in data.tables:  # the table continues on another block
            data.tables[hit.table_id].rows.extend(table.rows)
            data.tables[hit.table_id].remarks.extend(table.remarks)
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


class TableReader:
    def __init__(self, table: TableSpec, spec: TableSetSpec, hit: TitleHit, end_row: int) -> None:
        self.table, self.spec, self.hit, self.grid, self.end = table, spec, hit, hit.grid, end_row
        self.last_code = ""
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
            column_cells={k: _col_letter(c) for k, c in header.columns.items()},
        )
        self._money_unit(table, header)
        lines = LineMatcher(self.table.lines)
        for r in range(header.last_row + 1, self.end):
            values = self._row_values(r)
            if not values or self._is_repeat(r, values):
                continue
            remark = self._remark(r, values)
            if remark is not None:
                table.remarks.append(remark)
                continue
            for row in self._rows(r, lines):
                row.sheet, row.columns = self.grid.name, table.column_cells
                row.texts = self._texts(r)
                table.rows.append(row)
        return table

    # -- row filters ---------------------------------------------------------------------
    def _row_values(self, r: int) -> dict[int, object]:
        return dict(self.grid.row_cells(r)) | {
            c: "" for (rr, c) in self.grid.formulas_without_value if rr == r
        }

    def _is_repeat(self, r: int, values: dict[int, object]) -> bool:
        """A repeated title, 编制部门/单位 line, header row or ※ row inside the table, or
        the 表N caption of the next table on the sheet."""
        strings = [v for v in values.values() if isinstance(v, str)]
        if len(values) == 1 and strings and _CAPTION.match(norm(strings[0])):
            return True
        if any(_is_unit_line(v) or _money_unit_of(v) is not None for v in strings):
            return True
        if is_star_row(self.grid, r, 1, max(values)):
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
        for r in range(self.hit.row, header.first_row):
            for c, value in self.grid.row_cells(r).items():
                unit = _printed_money_unit(value) if isinstance(value, str) else None
                if unit is not None:
                    table.money_unit = unit
                    table.money_unit_cell = cell_name(r, c)

    # -- cells ---------------------------------------------------------------------------
    def _text(self, r: int, key: str) -> str:
        col = self.header.columns.get(key)
        if col is None:
            return ""
        value = self.grid.value(r, col)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def _texts(self, r: int) -> dict[str, str]:
        texts = {}
        for column in self.table.columns:
            if column.role == "text" and column.key in self.header.columns:
                text = self._text(r, column.key)
                if text:
                    texts[column.key] = text
        return texts

    def _amounts(self, r: int, panel: str | None = None) -> dict[str, Amount]:
        amounts = {}
        for column in self.table.amount_columns:
            col = self.header.columns.get(column.key)
            if col is None or (panel is not None and column.panel != panel):
                continue
            cell = cell_name(r, col)
            formula = self.grid.formulas_without_value.get((r, col))
            if formula is not None:
                amounts[column.key] = Amount(
                    None, cell, formula=formula, problem="formula_without_value"
                )
                continue
            raw = self.grid.value(r, col)
            try:
                value = parse_amount(raw)
            except NotAnAmount:
                amounts[column.key] = Amount(None, cell, text=str(raw), problem="not_a_number")
                continue
            if value is not None:
                amounts[column.key] = Amount(value, cell)
        return amounts

    # -- rows ----------------------------------------------------------------------------
    def _rows(self, r: int, lines: LineMatcher) -> list[Row]:
        layout = self.table.layout
        if layout == "two_panel":
            return self._two_panel_rows(r, lines)
        if layout == "fixed":
            row = self._fixed_row(r, lines)
            return [row] if row else []
        row = self._code_row(r)
        return [row] if row else []

    def _code(self, r: int) -> tuple[str | None, str]:
        name = self._text(r, "name")
        if "lei" in self.header.columns:
            lei = code_part(self.grid.value(r, self.header.columns["lei"]), 3)
            kuan = code_part(self.grid.value(r, self.header.columns.get("kuan", -1)), 2)
            xiang = code_part(self.grid.value(r, self.header.columns.get("xiang", -1)), 2)
            if lei is None and kuan is not None and self.last_code:
                lei = self.last_code[:3]
            if kuan is None and xiang is not None and len(self.last_code) >= 5:
                lei, kuan = self.last_code[:3], self.last_code[3:5]
            if lei is None:
                return None, name
            code = lei + (kuan or "") + (xiang if kuan and xiang else "")
            return code, name
        if self.header.code_column is not None:
            code = joined_code(self.grid.value(r, self.header.code_column))
            if code is not None:
                return code, name
        if self.table.code_scheme is not None:
            code, rest = split_code_and_name(name)
            if code is not None:
                return code, rest
        return None, name

    def _code_row(self, r: int) -> Row | None:
        code, name = self._code(r)
        project = self._text(r, "project_name") if "project_name" in self.header.columns else None
        amounts = self._amounts(r)
        label_col = self.header.columns.get("name", self.header.columns.get("project_name", 1))
        row = Row("unknown", name, code, project or None, values=amounts, sheet_row=r)
        row.label_cell = cell_name(r, label_col)
        texts = {norm(t) for t in [name, project or "", *self._code_texts(r)]}
        if project and self.table.layout == "project" and norm(project) not in self.totals:
            row.kind = "project"
        elif code is not None:
            row.kind = code_level(code)  # type: ignore[assignment]
        elif texts & self.totals:
            row.kind, row.name, row.project = "total", next(iter(texts & self.totals)), None
        elif not name and not project and not amounts:
            return None
        elif name and self.table.layout == "project":
            row.kind = "unit"
        if code is not None:
            self.last_code = code
        return row

    def _code_texts(self, r: int) -> list[str]:
        cols = [self.header.columns.get(k) for k in ("lei", "kuan", "xiang")]
        cols.append(self.header.code_column)
        return [self.grid.text(r, c) for c in cols if c is not None]

    def _fixed_row(self, r: int, lines: LineMatcher) -> Row | None:
        label = self._text(r, "label")
        amounts = self._amounts(r)
        if not label and not amounts:
            return None
        line = lines.match(label)
        row = Row("unknown", label.strip(), values=amounts, sheet_row=r)
        row.label_cell = cell_name(r, self.header.columns["label"])
        if line is not None:
            row.kind = "total" if line.key == "total" else "line"
            row.key, row.name = line.key, clean_label(label)
        return row

    def _two_panel_rows(self, r: int, lines: LineMatcher) -> list[Row]:
        rows = []
        left_label = self._text(r, "income_label")
        left_amounts = self._amounts(r, "left")
        if left_label or left_amounts:
            line = lines.match(left_label)
            row = Row("unknown", left_label, panel="left", values=left_amounts, sheet_row=r)
            row.label_cell = cell_name(r, self.header.columns["income_label"])
            if line is not None:
                row.kind, row.key, row.name = "line", line.key, clean_label(left_label)
            rows.append(row)
        right_label = self._text(r, "expenditure_label")
        right_amounts = self._amounts(r, "right")
        if right_label or right_amounts:
            rows.append(self._right_row(r, right_label, right_amounts))
        return rows

    def _right_row(self, r: int, label: str, amounts: dict[str, Amount]) -> Row:
        code, name = split_code_and_name(label)
        row = Row("unknown", name, code, panel="right", values=amounts, sheet_row=r)
        row.label_cell = cell_name(r, self.header.columns["expenditure_label"])
        total = self.table.right_total
        total_names = set(self.totals)
        if total is not None:
            total_names |= {norm_line(total.label), *(norm_line(a) for a in total.aliases)}
        if code is not None:
            row.kind = code_level(code)  # type: ignore[assignment]
        elif norm_line(label) in total_names:
            row.kind, row.name = "total", clean_label(label)
            row.key = total.key if total is not None else None
        return row


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


def clean_label(text: str) -> str:
    """A label without any white space: ``"收 入 总 计"`` → ``"收入总计"``."""
    return _SPACE.sub("", text)


def _col_letter(col: int) -> str:
    from workbook_tools.io.grid import column_letter

    return column_letter(col)
