"""Clearing a workbook whose record is damaged or lies, and whose user changed things
after marking: clearing never raises, and never removes or changes what the record does
not prove is ours — a user's sheet, a cell the user has changed since, a note."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from tests.conftest import EXAMPLES
from tests.ooxml_helpers import members
from workbook_tools.cli import main
from workbook_tools.writers.marks.files import clear_file, mark_file
from workbook_tools.writers.marks.record import MARK_SHEET, PACKAGE_ROW
from workbook_tools.writers.marks.results_layout import RESULT_SHEET
from workbook_tools.writers.ooxml import PackageEdit
from workbook_tools.writers.ooxml.new_sheets import record_sheet_xml
from workbook_tools.writers.ooxml.ownership import Reader

Rows = list[list[str]]


@cache
def _marked_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "changji-2024.xlsx"
        shutil.copyfile(EXAMPLES / source.name, source)
        _, _, report = mark_file(source)
        return report.path.read_bytes()


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    path = tmp_path / "marked.xlsx"
    path.write_bytes(_marked_bytes())
    return path


def _rows(path: Path) -> Rows:
    edit = PackageEdit.open(path)
    part = edit.book.sheet(MARK_SHEET).part
    values = Reader(edit.book).values(part) or []
    edit.close()
    return [["" if v is None else str(v) for v in row] for row in values]


def _with_record(path: Path, change: Callable[[Rows], Rows]) -> Path:
    """``path`` with its record rows replaced by ``change(rows)``."""
    rows = change(_rows(path))
    edit = PackageEdit.open(path)
    part = edit.book.sheet(MARK_SHEET).part
    edit.close()
    target = path.with_name("tampered.xlsx")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            new.writestr(name, record_sheet_xml(rows) if name == part else old.read(name))
    return target


def _clear(path: Path) -> tuple[int, list[str], openpyxl.Workbook]:
    restored, report = clear_file(path, output=path.with_name("cleared.xlsx"), force=True)
    return restored, report.notes, openpyxl.load_workbook(report.path)


def _cells(rows: Rows) -> list[int]:
    return [i for i, row in enumerate(rows) if i and row[0] and row[0] != PACKAGE_ROW]


def _notes(book: openpyxl.Workbook) -> dict[tuple[str, str], str]:
    return {
        (ws.title, c.coordinate): c.comment.text
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.comment is not None
    }


# -- damaged records ------------------------------------------------------------------------
def test_bad_json_row(marked: Path) -> None:
    def damage(rows: Rows) -> Rows:
        rows[_cells(rows)[0]][2] = '{"fill": [broken'
        return rows

    restored, notes, book = _clear(_with_record(marked, damage))
    assert restored == 53
    assert any("已损坏" in n for n in notes)
    assert book.sheetnames[0] != RESULT_SHEET and MARK_SHEET not in book.sheetnames


@pytest.mark.parametrize("address", ["ZZZZ1", "E0", "e14", "E 14", "", "A1:B2"])
def test_bad_address(marked: Path, address: str) -> None:
    def damage(rows: Rows) -> Rows:
        rows[_cells(rows)[0]][1] = address
        return rows

    restored, notes, _ = _clear(_with_record(marked, damage))
    assert restored == 53 and notes


def test_short_rows(marked: Path) -> None:
    def damage(rows: Rows) -> Rows:
        first, second = _cells(rows)[:2]
        rows[first] = rows[first][:1] + [""] * (len(rows[first]) - 1)
        rows[second] = rows[second][:2] + [""] * (len(rows[second]) - 2)
        return rows

    restored, notes, _ = _clear(_with_record(marked, damage))
    assert restored == 52 and any("不完整" in n for n in notes)


@pytest.mark.parametrize(
    "header",
    [["workbook_tools 标注记录 v9", RESULT_SHEET, "0"], ["我的表", "", ""], ["", "", ""]],
)
def test_unknown_record_changes_nothing(marked: Path, header: list[str]) -> None:
    tampered = _with_record(marked, lambda rows: [header + [""] * (len(rows[0]) - 3), *rows[1:]])
    restored, notes, _ = _clear(tampered)
    assert restored == 0 and notes and "未清除任何内容" in notes[0]
    assert members(tampered.with_name("cleared.xlsx")) == members(tampered)


def test_damaged_package_undo_falls_back_to_cell_by_cell(marked: Path) -> None:
    def damage(rows: Rows) -> Rows:
        row = next(r for r in rows if r[0] == PACKAGE_ROW)
        row[2] = row[2].replace('"undo":[[', '"undo":[[1', 1)
        return rows

    restored, notes, book = _clear(_with_record(marked, damage))
    assert restored == 54 and notes == []
    assert (
        _notes(book) == {}
        and book.sheetnames == openpyxl.load_workbook(EXAMPLES / "changji-2024.xlsx").sheetnames
    )


# -- records that point at the user's sheets ------------------------------------------------
def test_record_naming_a_user_sheet_as_the_results_sheet(marked: Path, tmp_path: Path) -> None:
    def lie(rows: Rows) -> Rows:
        rows[0][1] = "表1"
        return rows

    tampered = _with_record(marked, lie)
    restored, notes, book = _clear(tampered)
    assert "表1" in book.sheetnames and restored == 54
    assert any("「表1」" in n and "已保留" in n for n in notes)
    assert (
        book["表1"]["A1"].value
        == openpyxl.load_workbook(EXAMPLES / "changji-2024.xlsx")["表1"]["A1"].value
    )

    again = tmp_path / "again.xlsx"
    shutil.copyfile(tampered, again)
    main(["check", str(again), "--mark", "--in-place"])
    assert "表1" in openpyxl.load_workbook(again).sheetnames


def test_record_naming_sheets_that_are_gone(marked: Path) -> None:
    def lie(rows: Rows) -> Rows:
        rows[0][1] = "早已删除"
        for index in _cells(rows)[:3]:
            rows[index][0] = "不存在的表"
        return rows

    restored, notes, book = _clear(_with_record(marked, lie))
    assert restored == 51
    assert any("「不存在的表」已不存在" in n for n in notes)
    assert RESULT_SHEET in book.sheetnames  # not proven ours: kept, and said so
    assert any(f"「{RESULT_SHEET}」" not in n for n in notes)


def test_user_sheet_named_like_the_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "own.xlsx"
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    book.create_sheet(MARK_SHEET)["A1"] = "我自己的表"
    book.save(source)
    restored, notes, cleared = _clear(source)
    assert restored == 0 and cleared[MARK_SHEET]["A1"].value == "我自己的表" and notes
    assert main(["check", str(source), "--mark"]) == 2
    assert "_wbt_marks" in capsys.readouterr().err


# -- the user changed things after marking ----------------------------------------------------
def test_user_changes_after_marking_are_kept(marked: Path) -> None:
    book = openpyxl.load_workbook(marked)
    book["表2"]["E14"].fill = PatternFill("solid", fgColor="FF00FF00")  # the user's own fill
    book["表2"]["E15"] = 123.45  # a typed value
    book["表5"]["F15"].comment = Comment("用户改过的批注", "王五")  # replaces our note
    book[RESULT_SHEET]["K3"] = "我的备注"
    book.save(marked)
    restored, notes, cleared = _clear(marked)
    assert cleared["表2"]["E14"].fill.fgColor.rgb == "FF00FF00"
    assert cleared["表2"]["E15"].value == 123.45
    assert cleared["表5"]["F15"].comment.text == "用户改过的批注"
    assert cleared[RESULT_SHEET]["K3"].value == "我的备注"  # typed into 校验结果: kept
    assert restored == 52 and any("未恢复" in n for n in notes)


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, str, str, object]]:
    cells = st.sampled_from(["E14", "E15", "F7", "E7", "A1", "G9", "Z50", "D36", "B12"])
    sheets = st.sampled_from(["表1", "表2", "表5", "表6", RESULT_SHEET])
    kinds = st.sampled_from(["value", "text", "fill", "note", "delete-note", "surgical"])
    values = st.one_of(st.integers(-999, 999), st.text("预算abc123 ", min_size=1, max_size=8))
    return draw(st.lists(st.tuples(kinds, sheets, cells, values), min_size=1, max_size=6))


def _apply(
    path: Path, changes: list[tuple[str, str, str, object]]
) -> dict[tuple[str, str], object]:
    """Make the changes (openpyxl, or the engine for surgical values); what was typed."""
    typed: dict[tuple[str, str], object] = {}
    surgical = [c for c in changes if c[0] == "surgical"]
    others = [c for c in changes if c[0] != "surgical"]
    if others:
        book = openpyxl.load_workbook(path)
        for kind, sheet, cell, value in others:
            target = book[sheet][cell]
            if isinstance(target, openpyxl.cell.cell.MergedCell):
                continue
            if kind in ("value", "text"):
                target.value = value if kind == "value" else f"文本{value}"
                typed[(sheet, cell)] = target.value
            elif kind == "fill":
                target.fill = PatternFill("solid", fgColor="FF123456")
            elif kind == "note":
                target.comment = Comment(f"用户批注{value}", "用户")
                typed[(sheet, cell, "note")] = target.comment.text
            elif target.comment is not None:
                target.comment = None
                typed.pop((sheet, cell, "note"), None)
        book.save(path)
    for _, sheet, cell, _value in surgical:
        edit = PackageEdit.open(path)
        if sheet != RESULT_SHEET and not edit.set_values(sheet, {cell: 7}):
            typed[(sheet, cell)] = 7
        target = path.with_name("surgical.xlsx")
        edit.save(target)
        shutil.move(target, path)
    return typed


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=edits())
def test_any_user_edit_then_clear(
    changes: list[tuple[str, str, str, object]], tmp_path: Path
) -> None:
    path = tmp_path / "edited.xlsx"
    path.write_bytes(_marked_bytes())
    typed = _apply(path, changes)
    restored, _, cleared = _clear(path)  # never raises
    assert MARK_SHEET not in cleared.sheetnames
    for key, value in typed.items():
        sheet, cell = key[0], key[1]
        if sheet == RESULT_SHEET and RESULT_SHEET not in cleared.sheetnames:
            pytest.fail("the results sheet the user typed into was removed")
        target = cleared[sheet][cell]
        if len(key) == 3:
            assert target.comment is not None and target.comment.text == value
        else:
            assert target.value == value, key
    assert 0 <= restored <= 54


# -- records of earlier versions ----------------------------------------------------------------
def _as_v1(rows: Rows) -> Rows:
    """The record as the first version wrote it: no token, no mark, no package undo."""
    import json

    old = [["workbook_tools 标注记录 v1", rows[0][1], rows[0][2]]]
    for index in _cells(rows):
        state = json.loads("".join(rows[index][2:]))
        old.append(
            [
                rows[index][0],
                rows[index][1],
                json.dumps({k: state[k] for k in ("fill", "font", "comment")}, ensure_ascii=False),
            ]
        )
    return old


def test_v1_record_is_still_read(marked: Path) -> None:
    restored, notes, book = _clear(_with_record(marked, _as_v1))
    assert (restored, notes) == (54, [])
    original = openpyxl.load_workbook(EXAMPLES / "changji-2024.xlsx")
    assert book.sheetnames == original.sheetnames and _notes(book) == {}
    for sheet in ("表2", "表5"):
        for row in original[sheet].iter_rows():
            for cell in row:
                assert book[sheet][cell.coordinate].fill.fgColor.rgb == cell.fill.fgColor.rgb


def test_long_texts_span_several_cells() -> None:
    from workbook_tools.writers.marks import record as rec

    note = "很长的批注" * 10_000
    record = rec.Record(
        2,
        RESULT_SHEET,
        3,
        "abc",
        "f",
        "g",
        [rec.RecordCell("表1", "A1", {"comment": {"text": note, "author": "x"}})],
    )
    rows = rec.record_rows(record)
    assert all(len(text) <= rec.MAX_TEXT for row in rows for text in row)
    back = rec.read_record(rows)
    assert not isinstance(back, str)
    assert back.cells[0].state["comment"]["text"] == note and back.active == 3
