"""The package engine (``writers.ooxml``): only the parts marking touches change, the
others stay byte for byte; clearing gives back the very bytes; charts, images, pivot
tables and macros are never touched; values go into empty cells only."""

from __future__ import annotations

import dataclasses
import shutil
import zipfile
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import EXAMPLES
from tests.ooxml_helpers import add_pivot, members, names, xlsxwriter_book
from workbook_tools.io.reader import read_workbook
from workbook_tools.rules import CheckResult, check_workbook
from workbook_tools.writers.marks.kinds import FILL_RGB
from workbook_tools.writers.marks.present import AUTHOR, CellMarkView, MarkView, present
from workbook_tools.writers.marks.record import MARK_SHEET
from workbook_tools.writers.marks.results_layout import RESULT_SHEET
from workbook_tools.writers.ooxml import PackageEdit

KEPT = ("xl/charts/", "xl/media/", "xl/pivot", "xl/drawings/drawing", "xl/theme/", "docProps/")


@cache
def _result() -> CheckResult:
    return check_workbook(read_workbook(EXAMPLES / "changji-2024.xlsx"))


def _view(cells: list[tuple[str, str, str]] | None = None) -> MarkView:
    view = present(_result(), datetime(2025, 3, 1, 9, 30))
    if cells is None:
        return view
    marks = [CellMarkView(s, c, k, f"【{k}】测试批注 {s}!{c}") for s, c, k in cells]
    return dataclasses.replace(view, cells=marks)


def _mark(source: Path, target: Path, view: MarkView) -> Path:
    edit = PackageEdit.open(source)
    edit.mark(view)
    edit.save(target)
    return target


def _clear(source: Path, target: Path) -> Path:
    edit = PackageEdit.open(source)
    report = edit.clear()
    edit.save(target)
    assert report.messages == [], report.messages
    return target


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {name for name in before if name in after and before[name] != after[name]}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return add_pivot(xlsxwriter_book(tmp_path / "xw.xlsx", tmp_path / "i.png"), tmp_path / "p.xlsx")


MARKS = [
    ("Data", "B2", "error"),  # a formatted value cell
    ("Data", "B3", "warning"),  # a cell with the user's note
    ("Data", "E3", "hint"),  # inside the merged D2:E3: marks D2
    ("Data", "K5", "warning"),  # no cell in an existing row: inserted
    ("Data", "J40", "hint"),  # no row at all: a new row, formatted column J
    ("Data", "C31", "error"),  # a formatted row without cells
    ("其他", "A1", "error"),
]


# -- only what marking touches changes ----------------------------------------------------
def test_untouched_parts_are_byte_identical(book: Path, tmp_path: Path) -> None:
    marked = _mark(book, tmp_path / "m.xlsx", _view(MARKS))
    before, after = members(book), members(marked)
    assert names(marked)[: len(before)] == list(before)  # same order, new parts after
    assert _changed(before, after) == {
        "[Content_Types].xml",
        "xl/_rels/workbook.xml.rels",
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",  # Data: marked
        "xl/worksheets/sheet2.xml",  # 其他: marked, was the selected sheet
        "xl/comments1.xml",  # the user's note on Data!B3 stays under ours
        "xl/drawings/vmlDrawing1.vml",
    }
    for name in before:
        if name.startswith(KEPT):
            assert after[name] == before[name], name


def test_clear_gives_back_the_very_bytes(book: Path, tmp_path: Path) -> None:
    marked = _mark(book, tmp_path / "m.xlsx", _view(MARKS))
    cleared = _clear(marked, tmp_path / "c.xlsx")
    assert names(cleared) == names(book)
    assert members(cleared) == members(book)


@pytest.mark.parametrize(
    "name", ["changji-2024.xlsx", "kashgar-2024.xlsx", "changji-2024-system.xlsx"]
)
def test_examples_mark_and_clear_exactly(name: str, tmp_path: Path) -> None:
    source = EXAMPLES / name
    marked = _mark(
        source, tmp_path / "m.xlsx", present(check_workbook(read_workbook(source)), datetime.now())
    )
    cleared = _clear(marked, tmp_path / "c.xlsx")
    assert names(cleared) == names(source) and members(cleared) == members(source)


def test_marking_again_clears_first(book: Path, tmp_path: Path) -> None:
    once = _mark(book, tmp_path / "once.xlsx", _view(MARKS))
    twice = _mark(once, tmp_path / "twice.xlsx", _view(MARKS[:2]))
    wb = openpyxl.load_workbook(twice)
    assert wb.sheetnames == [RESULT_SHEET, "Data", "其他", "Hidden", MARK_SHEET]
    assert wb["其他"]["A1"].comment is None and wb["Data"]["B2"].comment is not None
    assert members(_clear(twice, tmp_path / "c.xlsx")) == members(book)


# -- what the user sees -----------------------------------------------------------------------
def test_marks_in_every_kind_of_cell(book: Path, tmp_path: Path) -> None:
    marked = _mark(book, tmp_path / "m.xlsx", _view(MARKS))
    wb = openpyxl.load_workbook(marked)
    data = wb["Data"]
    for address, kind in (
        ("B2", "error"),
        ("B3", "warning"),
        ("D2", "hint"),
        ("K5", "warning"),
        ("J40", "hint"),
        ("C31", "error"),
    ):
        cell = data[address]
        assert (cell.fill.fill_type, cell.fill.fgColor.rgb) == ("solid", "FF" + FILL_RGB[kind]), (
            address
        )
        assert cell.comment.author == AUTHOR and "测试批注" in cell.comment.text, address
    assert data["E3"].comment is None  # merged: the anchor carries the mark
    assert data["B2"].number_format == "#,##0.00" and data["B2"].font.b  # format kept
    assert (data["B2"].font.color.rgb, data["C31"].font.b) == ("FFC00000", True)
    assert data["J40"].number_format == "#,##0.00"  # the column's format, kept
    assert data["B3"].comment.text.endswith("——— 原批注 ———\n用户自己的批注")
    assert data["B2"].value == 1.5 and data["K5"].value is None
    assert wb.active.title == RESULT_SHEET
    assert [bool(ws.sheet_view.tabSelected) for ws in wb.worksheets] == [
        True,
        False,
        False,
        False,
        False,
    ]
    assert wb[MARK_SHEET].sheet_state == "veryHidden" and wb["Hidden"].sheet_state == "hidden"
    assert wb.defined_names["合计"].attr_text == "Data!$B$9"
    assert wb["Data"].defined_names["本表"].attr_text == "Data!$A$1:$C$8"  # local id shifted
    assert wb["Data"].print_title_rows == "$1:$1"
    assert wb[RESULT_SHEET].print_title_rows == "$7:$7"
    calamine = CalamineWorkbook.from_path(str(marked))
    assert calamine.sheet_names == wb.sheetnames
    assert calamine.get_sheet_by_name("Data").to_python()[1][1] == 1.5


def test_workbook_view_indexes_shift(book: Path, tmp_path: Path) -> None:
    marked = _mark(book, tmp_path / "m.xlsx", _view(MARKS))
    cleared = _clear(marked, tmp_path / "c.xlsx")
    assert openpyxl.load_workbook(cleared).active.title == "其他"
    text = zipfile.ZipFile(marked).read("xl/workbook.xml").decode()
    assert 'activeTab="0"' in text and 'localSheetId="1"' in text  # Data!本表: 0 → 1
    assert 'name="_xlnm.Print_Titles" localSheetId="0"' in text


def test_macros_survive_in_place(tmp_path: Path) -> None:
    from tests.test_marks import _make_xlsm

    vba = bytes(range(256)) * 4
    source = _make_xlsm(EXAMPLES / "changji-2024.xlsx", tmp_path / "m.xlsm", vba)
    marked = _mark(source, tmp_path / "marked.xlsm", _view())
    assert zipfile.ZipFile(marked).read("xl/vbaProject.bin") == vba
    assert members(_clear(marked, tmp_path / "c.xlsm")) == members(source)


# -- values (wbt fill) ------------------------------------------------------------------------
def test_set_values_writes_empty_cells_only(book: Path, tmp_path: Path) -> None:
    edit = PackageEdit.open(book)
    skipped = edit.set_values(
        "Data",
        {"C2": Decimal("1.50"), "B2": Decimal("9"), "K5": Decimal("-0.5"), "J41": 3, "ZZ": 1},
    )
    assert skipped == ["B2", "ZZ"]  # B2 holds a value; ZZ is no cell
    edit.save(tmp_path / "v.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "v.xlsx")
    data = wb["Data"]
    assert (data["C2"].value, data["B2"].value, data["K5"].value, data["J41"].value) == (
        1.5,
        1.5,
        -0.5,
        3,
    )
    assert data["C2"].number_format == "#,##0.00" and data["J41"].number_format == "#,##0.00"
    changed = _changed(members(book), members(tmp_path / "v.xlsx"))
    assert changed == {"xl/worksheets/sheet1.xml"}


def test_set_values_overwrite_replaces_values_not_formulas(tmp_path: Path) -> None:
    source = tmp_path / "o.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    wb.active["A2"] = "旧"
    wb.active["A3"] = 1.25
    wb.save(source)
    edit = PackageEdit.open(source)
    assert edit.set_values("Sheet", {"A1": 5, "A2": 6, "A3": Decimal("7.10")}, overwrite=True) == [
        "A1"
    ]
    edit.save(tmp_path / "p.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    assert (sheet["A1"].value, sheet["A2"].value, sheet["A3"].value) == ("=1+1", 6, 7.1)


def test_set_values_refuses_formulas(tmp_path: Path) -> None:
    source = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    wb.active["A2"] = "text"
    wb.save(source)
    edit = PackageEdit.open(source)
    assert edit.set_values("Sheet", {"A1": 5, "A2": 5, "A3": 5}) == ["A1", "A2"]
    edit.save(tmp_path / "g.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "g.xlsx").active
    assert (sheet["A1"].value, sheet["A2"].value, sheet["A3"].value) == ("=1+1", "text", 5)


def test_prefixed_namespace_package(tmp_path: Path) -> None:
    """Some generators write every element with a prefix (``<x:row>``)."""
    source = EXAMPLES / "kashgar-2024.xlsx"
    prefixed = tmp_path / "x.xlsx"
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(prefixed, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name.startswith("xl/worksheets/sheet1"):
                data = _prefix(data, main)
            new.writestr(name, data)
    marked = _mark(
        prefixed, tmp_path / "m.xlsx", _view([("表1", "B8", "error"), ("表1", "Z99", "hint")])
    )
    sheet = openpyxl.load_workbook(marked)["表1"]
    assert sheet["B8"].fill.fgColor.rgb == "FF" + FILL_RGB["error"]
    assert sheet["Z99"].comment is not None
    assert members(_clear(marked, tmp_path / "c.xlsx")) == members(prefixed)


def _prefix(data: bytes, main: bytes) -> bytes:
    import re

    text = data.replace(main, main.replace(b"xmlns=", b"xmlns:x="))
    return re.sub(rb"<(/?)(?!\?)([A-Za-z])", rb"<\1x:\2", text)


def test_results_sheet_name_taken(tmp_path: Path) -> None:
    source = tmp_path / "taken.xlsx"
    shutil.copyfile(EXAMPLES / "kashgar-2024.xlsx", source)
    wb = openpyxl.load_workbook(source)
    wb.create_sheet("校验结果")["A1"] = "我的"
    wb.save(source)
    marked = _mark(source, tmp_path / "m.xlsx", _view())
    assert openpyxl.load_workbook(marked).sheetnames[0] == "校验结果（2）"
    cleared = openpyxl.load_workbook(_clear(marked, tmp_path / "c.xlsx"))
    assert cleared["校验结果"]["A1"].value == "我的" and "校验结果（2）" not in cleared.sheetnames


def test_a_new_kind_and_a_new_block_are_one_line_each(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbook_tools.writers.marks import kinds
    from workbook_tools.writers.marks.results_layout import (
        Block,
        findings_table,
        summary_block,
        text_row,
    )

    monkeypatch.setitem(
        kinds.MARK_STYLES, "affected", kinds.MarkStyle("affected", "受影响", "E2EFDA")
    )

    def diagnosis(_given: object) -> Block:
        return Block([text_row("诊断：表2 E14 可能把 90.22 录成了 90.23")])

    view = present(_result(), datetime.now(), sections=[summary_block, diagnosis, findings_table])
    view = dataclasses.replace(view, cells=[CellMarkView("Data", "B2", "affected", "【受影响】")])
    marked = _mark(book, tmp_path / "m.xlsx", view)
    wb = openpyxl.load_workbook(marked)
    assert wb["Data"]["B2"].fill.fgColor.rgb == "FFE2EFDA"
    assert wb[RESULT_SHEET]["A7"].value.startswith("诊断：")
    assert wb[RESULT_SHEET].freeze_panes == "A9" and wb[RESULT_SHEET]["A8"].value == "序号"
    assert members(_clear(marked, tmp_path / "c.xlsx")) == members(book)
