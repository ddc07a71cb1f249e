"""Finding tables in grids: titles, header blocks and the column each spec column is in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from workbook_tools.errors import InputError
from workbook_tools.io.grid import Grid, cell_name, column_letter
from workbook_tools.io.labels import norm, title_core
from workbook_tools.layouts import layout_of
from workbook_tools.money import NotAnAmount, parse_amount
from workbook_tools.spec.models import TableSetSpec, TableSpec

CODE_LABELS = (
    "科目编码",
    "功能分类科目编码",
    "经济分类科目编码",
    "编码",
    "科目代码",
    "功能科目编码",
)
_SENTENCE = ("。", ",", "为空表", "不包含")
MAX_TITLE_EXTRA = 30
HEADER_SCAN_ROWS = 14


@dataclass
class TitleHit:
    table_id: str
    grid: Grid
    row: int
    col: int


@dataclass
class Header:
    """Where a table's header block is and which grid column holds each spec column."""

    first_row: int
    last_row: int  # last header row (the ※ row when present)
    columns: dict[str, int] = field(default_factory=dict)
    code_column: int | None = None  # a single column holding the whole code
    labels: set[str] = field(default_factory=set)  # normalised header texts, to spot repeats


class TitleIndex:
    """Recognises a spec's table titles in cell texts (with ``表1``/year prefixes)."""

    def __init__(self, spec: TableSetSpec) -> None:
        self.titles = {
            norm(t): table.id for table in spec.tables for t in [table.title, *table.title_variants]
        }
        self.lengths = sorted({len(t) for t in self.titles}, reverse=True)
        self.last_chars = frozenset(t[-1] for t in self.titles if t)  # a title holds one

    def match(self, text: str) -> str | None:
        """The table id whose title ``text`` is, the most specific title winning."""
        core = title_core(text)
        if not core or any(mark in core for mark in _SENTENCE):
            return None
        return self.match_core(core)

    def match_core(self, core: str) -> str | None:
        """As ``match``, given the text's ``title_core``."""
        for length in self.lengths:
            table_id = self.titles.get(core[-length:])
            if table_id is not None and len(core) - length <= MAX_TITLE_EXTRA:
                return table_id
        return None


_INDEXES: dict[int, tuple[TableSetSpec, TitleIndex]] = {}


def title_index(spec: TableSetSpec) -> TitleIndex:
    """The (cached) title index of ``spec``."""
    entry = _INDEXES.get(id(spec))
    if entry is None or entry[0] is not spec:
        entry = _INDEXES[id(spec)] = (spec, TitleIndex(spec))
    return entry[1]


def title_candidates(grid: Grid) -> list[tuple[int, int, str]]:
    """The cells of ``grid`` that could hold a title, in reading order (computed once)."""
    found = grid.__dict__.get("_titles")
    if found is None:
        found = sorted(
            (row, col, value)
            for (row, col), value in grid.cells.items()
            if isinstance(value, str) and 4 <= len(value) <= 80
        )
        grid.__dict__["_titles"] = found
    return found


def _title_core(grid: Grid, text: str) -> str:
    """``title_core`` of a candidate, computed once per grid whatever the sets tried."""
    cores = grid.__dict__.setdefault("_title_cores", {})
    core = cores.get(text)
    if core is None:
        core = cores[text] = title_core(text)
    return core


def find_titles(grids: list[Grid], spec: TableSetSpec) -> list[TitleHit]:
    index = title_index(spec)
    ends = index.last_chars
    hits = []
    for grid in grids:
        for row, col, text in title_candidates(grid):
            if ends.isdisjoint(text):
                continue  # cannot end with a title: most texts (project names) stop here
            core = _title_core(grid, text)
            if any(mark in core for mark in _SENTENCE):
                continue
            table_id = index.match_core(core)
            if table_id is not None:
                hits.append(TitleHit(table_id, grid, row, col))
    return hits


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        return (
            isinstance(value, str)
            and parse_amount(value) is not None
            and any(ch.isdigit() for ch in value)
        )
    except NotAnAmount:
        return False


def is_star_row(grid: Grid, row: int, first_col: int, last_col: int) -> bool:
    """The ※ row numbering the amount columns: only ※, 栏次 and small whole numbers, with 1."""
    values = grid.row_cells(row)
    return is_star_values(v for c, v in values.items() if first_col <= c <= last_col)


_STAR_MARKS = frozenset({"※", "*", "栏次", "栏号"})


def is_star_values(values: Iterable[object]) -> bool:
    """``values`` (one row's) are only ※, 栏次 and small whole numbers, among them 1."""
    numbers = set()
    for value in values:
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            number = float(value)
        else:
            text = norm(str(value))
            if not text or text in _STAR_MARKS:
                continue
            try:
                number = float(text)
            except ValueError:
                return False
        if not number.is_integer() or not 0 < number < 40:
            return False
        numbers.add(int(number))
    return 1 in numbers


class HeaderMatcher:
    """Maps a spec table's columns onto a grid's header block."""

    def __init__(self, table: TableSpec) -> None:
        self.table = table
        labels: set[str] = {norm(c) for c in CODE_LABELS}
        for column in table.columns:
            labels.update(norm(h) for h in column.header)
            labels.update(norm(a) for a in column.aliases)
        self.labels = labels
        totals = [table.total_label, *table.total_aliases]
        totals += [
            t for line in table.lines if line.level == 0 for t in [line.label, *line.aliases]
        ]
        self.totals = {norm(t) for t in totals}

    def find(self, grid: Grid, title_row: int, end_row: int) -> Header:
        rows = self._header_rows(grid, title_row, end_row)
        if rows and self._lacks_required(grid, rows):
            rows = self._later_header(grid, rows, end_row) or rows
        if not rows:
            raise InputError(
                f"{self._name()}的表头未找到（标题下方应有「{self.table.columns[-1].label}」等栏目名称）",
                sheet=grid.name,
                cell=cell_name(title_row, 1),
            )
        header = Header(rows[0], rows[-1])
        header.labels = {norm(str(v)) for r in rows for v in grid.row_cells(r).values()}
        header.labels.discard("")
        star = rows[-1] + 1
        if star < end_row and is_star_row(grid, star, 1, grid.max_col):
            header.last_row = star
        self._map_columns(grid, header, rows, star if header.last_row == star else None)
        return header

    def _name(self) -> str:
        return f"{self.table.label}「{self.table.title}」"

    def _header_rows(self, grid: Grid, title_row: int, end_row: int) -> list[int]:
        rows: list[int] = []
        for r in range(title_row + 1, min(end_row, title_row + HEADER_SCAN_ROWS)):
            values = list(grid.row_cells(r).values())
            if not values:
                if rows and not _merged_gap(grid, rows[-1], r + 1):
                    break
                continue
            matched = sum(1 for v in values if isinstance(v, str) and norm(v) in self.labels)
            numbers = sum(1 for v in values if _is_number(v))
            if matched and not numbers:
                if rows and r > rows[-1] + 1 and not _merged_gap(grid, rows[-1], r):
                    break
                if rows and self._is_total_row(values) and not _merged_gap(grid, rows[-1], r + 1):
                    break  # a 合计 row right under a header without ※ row (an empty table)
                rows.append(r)
            elif rows:
                break
        return rows

    def _lacks_required(self, grid: Grid, rows: list[int]) -> bool:
        """A block of header-like rows without every required column (a form's fields area
        with headings such as 分值/得分 above its grid)."""
        found = {norm(str(v)) for r in rows for v in grid.row_cells(r).values()}
        keys = layout_of(self.table).required_columns(self.table)
        columns = [self.table.column(k) for k in keys]
        return any(not ({norm(c.label), *map(norm, c.aliases)} & found) for c in columns)

    def _later_header(self, grid: Grid, rows: list[int], end_row: int) -> list[int] | None:
        """The first later block of header rows that has every required column."""
        while rows := self._header_rows(grid, rows[-1], end_row):
            if not self._lacks_required(grid, rows):
                return rows
        return None

    def _is_total_row(self, values: list[object]) -> bool:
        """Only total labels (合计/总计) among the row's header-like texts."""
        texts = {norm(v) for v in values if isinstance(v, str)} & self.labels
        return bool(texts) and texts <= self.totals

    def _map_columns(self, grid: Grid, header: Header, rows: list[int], star: int | None) -> None:
        cells = [
            (r, c, norm(v))
            for r in rows
            for c, v in grid.row_cells(r).items()
            if isinstance(v, str)
        ]
        spans = {(r, c): grid.merged_span(r, c) for r, c, _ in cells}
        taken: set[int] = set()
        if star is not None:
            numbered = {
                int(float(str(v))): c for c, v in grid.row_cells(star).items() if _is_number(v)
            }
            for column in self.table.columns:
                if column.number is not None and column.number in numbered:
                    header.columns[column.key] = numbered[column.number]
                    taken.add(numbered[column.number])
        for column in self.table.columns:
            if column.key in header.columns:
                continue
            wanted = {norm(column.label), *(norm(a) for a in column.aliases)}
            best: tuple[int, int, int] | None = None
            for r, c, text in cells:
                if text not in wanted or c in taken:
                    continue
                score = sum(
                    1
                    for ancestor in column.header[:-1]
                    for ar, ac, atext in cells
                    if atext == norm(ancestor) and ar < r and ac <= c <= spans[(ar, ac)][3]
                )
                candidate = (score, -c, c)
                if best is None or candidate > best:
                    best = candidate
            if best is not None:
                header.columns[column.key] = best[2]
                taken.add(best[2])
        lei = self.table.role_column("lei")
        if lei is None or lei.key not in header.columns:
            codes = {norm(label) for label in CODE_LABELS}
            for _r, c, text in sorted(cells, key=lambda x: x[1]):
                if text in codes and c not in taken:
                    header.code_column = c
                    break
        self._require(grid, header)

    def _require(self, grid: Grid, header: Header) -> None:
        keys = layout_of(self.table).required_columns(self.table)
        missing = [self.table.column(k).label for k in keys if k not in header.columns]
        if missing:
            raise InputError(
                f"{self._name()}的表头中找不到以下栏目：" + "、".join(f"「{m}」" for m in missing),
                sheet=grid.name,
                cell=f"{column_letter(1)}{header.first_row}",
            )


def _merged_gap(grid: Grid, upper: int, lower: int) -> bool:
    """Rows between two header rows that are covered by a merged header cell."""
    return any(m[0] <= upper and m[2] >= lower - 1 for m in grid.merged)
