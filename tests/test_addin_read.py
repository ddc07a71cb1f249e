"""Reading the open workbook through xlwings (a fake book here): bulk reads, merged areas,
and the same data as the file reader."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from tests.fake_xlwings import FakeBook, parse_area
from workbook_tools.addin.actions import read_open
from workbook_tools.addin.addresses import (
    MAX_ADDRESS,
    area_text,
    cells_of,
    column_runs,
    parse_address,
    range_strings,
)
from workbook_tools.addin.read import MergedAreas, read_grids
from workbook_tools.addin.xl import sheet_map
from workbook_tools.io.reader import read_from_grids, read_workbook

EXAMPLE_NAMES = ["changji-2024.xlsx", "kashgar-2024.xlsx", "changji-2024-system.xlsx"]


def _merged(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    book = openpyxl.load_workbook(path)
    return {
        ws.title: sorted(
            (r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges
        )
        for ws in book.worksheets
    }


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_reads_the_same_data_as_the_file_reader(name: str) -> None:
    path = EXAMPLES / name
    book = FakeBook.open(path)
    data = read_from_grids(read_grids(sheet_map(book)), file=str(path))
    assert data.to_json() == read_workbook(path).to_json()


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_one_value_read_per_sheet_and_no_cell_reads(name: str) -> None:
    path = EXAMPLES / name
    book = FakeBook.open(path)
    grids = read_grids(sheet_map(book))
    sheets = len(grids)
    value_reads = [c for c in book.calls if c.op == "get value"]
    assert len(value_reads) == sheets
    assert {c.target for c in value_reads} == {
        f"$A$1:${openpyxl.utils.get_column_letter(ws.max_column)}${ws.max_row}"
        for ws in book.wb.worksheets
    }
    areas = sum(len(g.merged) for g in grids)
    ops = Counter(c.op for c in book.calls)
    # merged areas: one merge_area read per area (and some for cells beside one),
    # and the halving probes; nothing is read per cell of the sheet
    assert areas <= ops["get merge_area"] <= areas * 2
    assert ops["get merge_cells"] <= 6 * (areas + sheets)
    assert ops["get color"] == ops["get font"] == ops["get note"] == 0
    assert sorted(g.name for g in grids) == sorted(book.wb.sheetnames)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_finds_every_merged_area(name: str) -> None:
    path = EXAMPLES / name
    grids = read_grids(sheet_map(FakeBook.open(path)))
    assert {g.name: sorted(g.merged) for g in grids} == _merged(path)


def test_calls_do_not_grow_with_the_cells() -> None:
    """A 3000 × 20 sheet with a merged title and header: the same few calls as a small one."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "标题"
    ws.merge_cells("A1:T1")
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:E2")
    for r in range(4, 3004):
        for c in range(1, 21):
            ws.cell(r, c, r * c / 100)
    book = FakeBook(wb, "big.xlsx")
    (grid,) = read_grids(sheet_map(book))
    assert len(grid.cells) == 3000 * 20 + 1
    assert sorted(grid.merged) == [(1, 1, 1, 20), (2, 1, 3, 1), (2, 2, 2, 5)]
    assert book.count("get value") == 1
    assert len(book.calls) < 80


def test_used_range_far_below_the_data_is_cut() -> None:
    """Formatting pasted down to row 60000: the values are read only as far as they go."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "标题"
    ws.merge_cells("A1:D1")
    for r in range(2, 40):
        ws.cell(r, 2, r)
    ws["D45"] = "备注"
    ws.cell(60_000, 4).number_format = "0.00"  # an empty but formatted cell
    book = FakeBook(wb, "tall.xlsx")
    (grid,) = read_grids(sheet_map(book))
    assert grid.max_row == 45 and grid.value(45, 4) == "备注" and len(grid.cells) == 40
    (read,) = [c for c in book.calls if c.op == "get value" and ":" in c.target]
    assert read.target == "$A$1:$D$45"
    assert len(book.calls) < 60


def test_skipped_sheets_are_not_read(changji: Path) -> None:
    book = FakeBook.open(changji)
    grids = read_grids(sheet_map(book), skip={"表1", "表2"})
    assert [g.name for g in grids] == [n for n in book.wb.sheetnames if n not in {"表1", "表2"}]
    assert book.count("get value") == len(grids)


def test_empty_sheet_is_one_read() -> None:
    wb = openpyxl.Workbook()
    book = FakeBook(wb, "空.xlsx")
    (grid,) = read_grids(sheet_map(book))
    assert grid.cells == {} and grid.merged == []
    assert book.count("get merge_cells") == 0


def test_used_range_away_from_a1() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C5"] = "标题"
    ws.merge_cells("C5:F5")
    ws["D7"] = 12.5
    ws["E8"] = "文本"
    (grid,) = read_grids(sheet_map(FakeBook(wb, "x.xlsx")))
    assert grid.cells == {(5, 3): "标题", (7, 4): 12.5, (8, 5): "文本"}
    assert grid.merged == [(5, 3, 5, 6)]


# -- merged areas by halving, on random layouts --------------------------------------------
@st.composite
def _layouts(draw: st.DrawFn) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    rows = draw(st.integers(1, 30))
    cols = draw(st.integers(1, 12))
    taken: set[tuple[int, int]] = set()
    areas = []
    for _ in range(draw(st.integers(0, 12))):
        top, left = draw(st.integers(1, rows)), draw(st.integers(1, cols))
        bottom = draw(st.integers(top, min(rows, top + 4)))
        right = draw(st.integers(left, min(cols, left + 5)))
        area = (top, left, bottom, right)
        cells = set(cells_of(area))
        if len(cells) > 1 and not cells & taken:
            taken |= cells
            areas.append(area)
    return rows, cols, areas


@settings(max_examples=150, deadline=None)
@given(_layouts())
def test_halving_finds_exactly_the_merged_areas(
    layout: tuple[int, int, list[tuple[int, int, int, int]]],
) -> None:
    rows, cols, areas = layout
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.cell(rows, cols, "x")
    for area in areas:
        ws.merge_cells(start_row=area[0], start_column=area[1], end_row=area[2], end_column=area[3])
    book = FakeBook(wb, "x.xlsx")
    sheet = next(iter(book.sheets))
    found = MergedAreas(sheet, 1, cols).find(1, rows)
    assert sorted(found) == sorted(areas)
    merged_rows = {r for a in areas for r in range(a[0], a[2] + 1)}
    assert book.count("get merge_area") <= len(merged_rows) * cols  # only rows with merges


# -- addresses -----------------------------------------------------------------------------
def test_parse_address() -> None:
    assert parse_address("$B$2:$K$40") == (2, 2, 40, 11)
    assert parse_address("E10") == (10, 5, 10, 5)
    with pytest.raises(ValueError):
        parse_address("表1")


def test_runs_join_columns_and_rows() -> None:
    cells = [(10, 5), (11, 5), (12, 5), (10, 6), (11, 6), (12, 6), (20, 5)]
    assert column_runs(cells) == [(10, 5, 12, 6), (20, 5, 20, 5)]
    assert range_strings(cells) == ["E10:F12,E20"]


@settings(max_examples=100, deadline=None)
@given(st.sets(st.tuples(st.integers(1, 400), st.integers(1, 30)), min_size=1, max_size=300))
def test_range_strings_cover_exactly_and_fit_excel(cells: set[tuple[int, int]]) -> None:
    chunks = range_strings(cells)
    covered: list[tuple[int, int]] = []
    for chunk in chunks:
        assert len(chunk) <= MAX_ADDRESS
        for part in chunk.split(","):
            covered.extend(cells_of(parse_area(part)))
    assert sorted(covered) == sorted(cells)  # every cell once, nothing else
    assert len(chunks) <= len(cells)


def test_area_text() -> None:
    assert area_text((3, 2, 3, 2)) == "B3"
    assert area_text((3, 2, 9, 4)) == "B3:D9"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_saved_workbook_takes_its_merged_areas_from_the_file(name: str) -> None:
    """Unchanged since saved: one read of the file instead of searching in Excel."""
    book = FakeBook.open(EXAMPLES / name)
    opened = read_open(book)
    assert book.count("get merge_cells") == book.count("get merge_area") == 0
    assert len(book.calls) <= 6 * len(book.wb.sheetnames) + 5  # ≤ 100 for the 11-table set
    assert {g.name: sorted(g.merged) for g in opened.grids} == _merged(EXAMPLES / name)


def test_changed_workbook_searches_its_merged_areas_in_excel(tmp_path: Path) -> None:
    """A change since the last save (or a file that is not the open workbook's): the file
    may be out of date, so the areas are searched for in the open workbook."""
    book = FakeBook.open(EXAMPLES / "changji-2024.xlsx")
    book.sheets["表3"].range("A40").value = "新加的一行"
    assert book.api.Saved is False
    opened = read_open(book)
    assert book.count("get merge_area") > 0
    assert {g.name: sorted(g.merged) for g in opened.grids} == _merged(
        EXAMPLES / "changji-2024.xlsx"
    )
    elsewhere = FakeBook.open(EXAMPLES / "kashgar-2024.xlsx", fullname=str(tmp_path / "k.xlsx"))
    read_open(elsewhere)
    assert elsewhere.count("get merge_area") > 0
