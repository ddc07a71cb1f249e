"""校验 and 清除标记 on the open workbook (a fake xlwings book over an example), compared
with the file route: a workbook marked in Excel is cleared by ``wbt clear`` and a workbook
marked by ``wbt check --mark`` is cleared by the add-in, both back to the original."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Color, Font, PatternFill
from openpyxl.workbook.workbook import Workbook

from tests.conftest import EXAMPLES
from tests.fake_xlwings import FakeApp, FakeBook, exact_state, visual_state
from workbook_tools.addin import on_ribbon
from workbook_tools.cli import main
from workbook_tools.io.reader import read_workbook
from workbook_tools.rules import check_workbook
from workbook_tools.writers.marks.files import clear_file, mark_file
from workbook_tools.writers.marks.present import AUTHOR, USER_NOTE_SEPARATOR, present
from workbook_tools.writers.marks.record import MARK_SHEET, PACKAGE_ROW
from workbook_tools.writers.marks.results_layout import HEADER_ROW, RESULT_SHEET

USER = "李四"


def _kashgar_errors(book: Workbook) -> None:
    book["表3"]["F12"] = 178.72  # 事业运行 基本支出 177.72 → 178.72: 表3 E12 and F10 wrong
    book["表1"]["D13"] = 12.50  # 208 类 11.50 → 12.50: 表1 against 表2 and 表3
    t3 = book["表3"]
    t3["E12"].comment = Comment("请核对事业运行", USER)  # a marked cell with a user note
    t3["E12"].fill = PatternFill("solid", fgColor=Color(theme=4, tint=0.6))  # theme fill
    t3["A1"].comment = Comment("用户自己的批注", "张三")  # an unmarked cell with a note
    book["表1"]["D13"].font = Font(name="宋体", sz=10, color=Color(theme=5, tint=-0.25))


@pytest.fixture
def source(tmp_path: Path) -> Path:
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    _kashgar_errors(book)
    book.active = 2  # 表3: clearing puts the user back where they were
    path = tmp_path / "喀什.xlsx"
    book.save(path)
    return path


def _sheets(path: Path) -> list[str]:
    return openpyxl.load_workbook(path).sheetnames


def _mark_in_excel(path: Path, app: FakeApp | None = None) -> FakeBook:
    book = FakeBook.open(path, app=app)
    on_ribbon("wbt_check", book=book)
    return book


def _record(book: Workbook) -> dict[tuple[str, str], dict]:
    rows = book[MARK_SHEET].iter_rows(min_row=2, values_only=True)
    return {
        (r[0], r[1]): json.loads("".join(v or "" for v in r[2:]))
        for r in rows
        if r[0] != PACKAGE_ROW
    }


# -- marking -------------------------------------------------------------------------------
def test_check_marks_like_the_file_route(source: Path, tmp_path: Path) -> None:
    book = _mark_in_excel(source)
    excel = openpyxl.load_workbook(book.save(tmp_path / "excel.xlsx"))
    mark_file(source, output=tmp_path / "file.xlsx")
    file = openpyxl.load_workbook(tmp_path / "file.xlsx")

    assert excel.sheetnames == file.sheetnames == [RESULT_SHEET, *_sheets(source), MARK_SHEET]
    assert excel[MARK_SHEET].sheet_state == "veryHidden"
    assert excel.active.title == RESULT_SHEET
    header = next(excel[MARK_SHEET].iter_rows(max_row=1, values_only=True))
    assert header[:3] == next(file[MARK_SHEET].iter_rows(max_row=1, values_only=True))[:3]
    assert header[1:3] == (RESULT_SHEET, "2")
    marked = sorted(_record(excel))
    assert marked == sorted(_record(file))
    assert {("表3", "E12"), ("表1", "D13")} <= set(marked)  # the decorated cells are marked
    sheets = _sheets(source)
    seen_excel, seen_file = visual_state(excel, sheets), visual_state(file, sheets)
    for key in marked:  # same fill, bold, font colour and note text as the file route
        assert seen_excel[key][:3] == seen_file[key][:3], key
        assert excel[key[0]][key[1]].comment.text == file[key[0]][key[1]].comment.text
    untouched = [k for k in seen_excel if k not in marked]
    assert {k: seen_excel[k] for k in untouched} == {k: seen_file[k] for k in untouched}
    user_note = excel["表3"]["E12"].comment
    assert user_note.author == USER  # the user's note keeps its author, our text on top
    assert user_note.text.endswith(USER_NOTE_SEPARATOR + "请核对事业运行")


def test_findings_sheet_matches_the_file_route(source: Path, tmp_path: Path) -> None:
    book = _mark_in_excel(source)
    excel = openpyxl.load_workbook(book.save(tmp_path / "excel.xlsx"))[RESULT_SHEET]
    mark_file(source, output=tmp_path / "file.xlsx")
    file = openpyxl.load_workbook(tmp_path / "file.xlsx")[RESULT_SHEET]
    rows_excel = list(excel.iter_rows(values_only=True))
    rows_file = list(file.iter_rows(values_only=True))
    assert len(rows_excel) == len(rows_file) > HEADER_ROW
    for number, (mine, theirs) in enumerate(zip(rows_excel, rows_file, strict=True), start=1):
        if number in (4, 6):  # 校验时间, 标注编号
            continue
        linked = len(theirs) > 3 and isinstance(theirs[3], str) and "!" in theirs[3]
        if not linked:  # the summary, the diagnosis heading, the table header
            assert [v for v in mine if v not in (None, "")] == [v for v in theirs if v is not None]
            continue
        assert mine[:3] == theirs[:3] and mine[4:] == theirs[4:]
        sheet, cell = theirs[3].split("!")
        assert mine[3] == f'=HYPERLINK("#\'{sheet}\'!{cell}","{sheet}!{cell}")'
    header = next(r for r in range(1, file.max_row + 1) if file.cell(r, 1).value == "序号")
    first = f"B{header + 1}"
    assert excel[first].fill.fgColor.rgb == file[first].fill.fgColor.rgb


def test_writes_are_grouped_and_reads_are_bulk(source: Path) -> None:
    book = _mark_in_excel(source)
    marked = len(_record(book.wb))
    sheets = len(_sheets(source))
    ops = Counter(c.op for c in book.calls)
    marks_sheets = {c.sheet for c in book.calls if c.op == "add note"}
    # one bulk value read per sheet; one value write each for 校验结果 and the record
    assert ops["get value"] == sheets
    assert ops["set value"] == 2
    # originals read per marked cell only
    assert ops["get color"] == ops["get font.bold"] == ops["get note"] == marked
    # fills: one write per (sheet, kind of mark); error fonts: one colour per sheet with errors
    view = present(check_workbook(read_workbook(source)), datetime.now())
    kinds = {(c.sheet, c.kind) for c in view.cells}
    data_fills = [c for c in book.calls if c.op == "set color" and c.sheet in marks_sheets]
    assert len(data_fills) == len(kinds)
    error_fonts = [c for c in book.calls if c.op == "set font.color" and c.sheet in marks_sheets]
    assert len(error_fonts) == len({sheet for sheet, kind in kinds if kind == "error"})
    # notes: one per marked cell (a new note, or our text into the user's note)
    assert ops["add note"] + ops["set note.text"] == marked
    assert ops["set note.Shape.Width"] == marked
    start = next(i for i, c in enumerate(book.calls) if c.op == "get color")
    assert len(book.calls) - start <= 80 + 12 * marked  # marking, findings sheet, record


def test_marking_twice_is_marking_once(source: Path, tmp_path: Path) -> None:
    once = _mark_in_excel(source)
    twice = _mark_in_excel(source)
    on_ribbon("wbt_check", book=twice)
    a = openpyxl.load_workbook(once.save(tmp_path / "once.xlsx"))
    b = openpyxl.load_workbook(twice.save(tmp_path / "twice.xlsx"))
    assert a.sheetnames == b.sheetnames
    sheets = _sheets(source)
    assert visual_state(a, sheets) == visual_state(b, sheets)
    assert _record(a) == _record(b)


def test_no_findings(tmp_path: Path) -> None:
    # kashgar's tables are clean; its 项目支出绩效目标表 (optional) carries five hints
    clean = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    del clean["项目支出绩效目标表"]
    clean.save(tmp_path / "clean.xlsx")
    book = FakeBook.open(tmp_path / "clean.xlsx")
    on_ribbon("wbt_check", book=book)
    assert book.app.alerts[-1].prompt.startswith("校验完成：未发现问题")
    saved = openpyxl.load_workbook(book.save(tmp_path / "ok.xlsx"))
    assert saved.sheetnames[0] == RESULT_SHEET
    assert "未发现问题" in saved[RESULT_SHEET]["A5"].value
    assert book.count("add note") == 0


def test_results_sheet_name_of_the_user_is_kept(source: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(source)
    book.create_sheet(RESULT_SHEET)["A1"] = "我的记录"
    path = tmp_path / "has-results.xlsx"
    book.save(path)
    fake = _mark_in_excel(path)
    names = [ws.title for ws in fake.wb.worksheets]
    assert names[0] == f"{RESULT_SHEET}（2）" and RESULT_SHEET in names
    on_ribbon("wbt_clear", book=fake)
    assert fake.wb[RESULT_SHEET]["A1"].value == "我的记录"
    assert [ws.title for ws in fake.wb.worksheets] == _sheets(path)


def test_record_keeps_number_like_text(source: Path, tmp_path: Path) -> None:
    """A sheet called "1.50" stays "1.50" in the record (Excel would make it 1.5)."""
    book = openpyxl.load_workbook(source)
    book["表3"].title = "1.50"
    path = tmp_path / "named.xlsx"
    book.save(path)
    fake = _mark_in_excel(path)
    assert ("1.50", "E12") in _record(fake.wb)
    saved = fake.save(tmp_path / "named-marked.xlsx")
    restored, _ = clear_file(saved, output=tmp_path / "named-clear.xlsx")
    assert restored == len(_record(fake.wb))


# -- clearing across the routes ------------------------------------------------------------
def test_wbt_clear_restores_a_workbook_marked_in_excel(source: Path, tmp_path: Path) -> None:
    book = _mark_in_excel(source)
    marked = book.save(tmp_path / "marked-in-excel.xlsx")
    assert main(["clear", str(marked), "-o", str(tmp_path / "cleared.xlsx")]) == 0
    cleared = openpyxl.load_workbook(tmp_path / "cleared.xlsx")
    original = openpyxl.load_workbook(source)
    assert cleared.sheetnames == original.sheetnames
    assert visual_state(cleared) == visual_state(original)  # notes: text and author
    assert cleared.active.title == "表3"


def test_addin_clears_a_workbook_marked_by_wbt_check(source: Path, tmp_path: Path) -> None:
    marked = tmp_path / "marked-by-file.xlsx"
    assert main(["check", str(source), "--mark", "-o", str(marked)]) == 1
    app = FakeApp(user_name=USER)
    book = FakeBook.open(marked, app=app)
    on_ribbon("wbt_clear", book=book)
    cells = len(_record(openpyxl.load_workbook(marked)))
    assert app.alerts[-1].prompt.startswith(f"已清除 {cells} 个单元格的标注")
    cleared = openpyxl.load_workbook(book.save(tmp_path / "cleared.xlsx"))
    original = openpyxl.load_workbook(source)
    assert cleared.sheetnames == original.sheetnames
    # exact: theme colours come back as theme colours
    assert exact_state(cleared) == exact_state(original)
    # the file route rewrote the user's note as "workbook_tools"; Excel gives the note it
    # puts back the current user's name (the user who wrote it, here)
    assert cleared["表3"]["E12"].comment.author == USER
    assert cleared["表3"]["A1"].comment.author == "张三"  # never touched
    assert cleared.active.title == "表3"
    assert AUTHOR not in {
        c.comment.author
        for ws in cleared.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.comment
    }


def test_addin_clears_its_own_marks(source: Path, tmp_path: Path) -> None:
    book = _mark_in_excel(source)
    book.save(tmp_path / "marked.xlsx")
    start = len(book.calls)
    on_ribbon("wbt_clear", book=book)
    cleared = openpyxl.load_workbook(book.save(tmp_path / "cleared.xlsx"))
    original = openpyxl.load_workbook(source)
    assert cleared.sheetnames == original.sheetnames
    assert visual_state(cleared) == visual_state(original)
    assert cleared["表3"]["E12"].comment.author == USER  # the user's note, text put back
    ops = Counter(c.op for c in book.calls[start:])
    assert ops["get value"] == 2  # the record and the findings sheet (proof), one read each
    assert ops["get name"] == len(original.sheetnames) + 2  # the sheets, listed once
    assert ops["get note"] == len(_record(openpyxl.load_workbook(tmp_path / "marked.xlsx")))
    # one fill write per sheet and original fill: 表1 (grey, none), 表2, 表3 (grey, theme),
    # 项目支出绩效目标表 (its five hints)
    assert ops["set color"] == 6


def test_clear_without_marks(changji: Path) -> None:
    book = FakeBook.open(changji)
    on_ribbon("wbt_clear", book=book)
    assert book.app.alerts[-1].prompt == "该工作簿没有本工具的校验标注。"
    assert not [c for c in book.calls if c.op.startswith(("set", "add", "delete"))]


def _no_authors(state: dict) -> dict:
    """A visual state with note texts only (Excel names a new note after its user)."""
    return {k: (*v[:3], v[3] and v[3][0]) for k, v in state.items()}


def test_check_in_excel_replaces_marks_of_wbt_check(source: Path, tmp_path: Path) -> None:
    """校验 on a copy marked by ``wbt check --mark``: the old marks go first, then clearing
    gives back the original."""
    marked = tmp_path / "marked-by-file.xlsx"
    mark_file(source, output=marked)
    book = _mark_in_excel(marked)
    again = openpyxl.load_workbook(book.save(tmp_path / "again.xlsx"))
    once = openpyxl.load_workbook(_mark_in_excel(source).save(tmp_path / "once.xlsx"))
    sheets = _sheets(source)
    assert again.sheetnames == once.sheetnames
    assert _no_authors(visual_state(again, sheets)) == _no_authors(visual_state(once, sheets))
    on_ribbon("wbt_clear", book=book)
    cleared = openpyxl.load_workbook(book.save(tmp_path / "cleared.xlsx"))
    original = openpyxl.load_workbook(source)
    assert cleared.sheetnames == original.sheetnames
    assert _no_authors(visual_state(cleared)) == _no_authors(visual_state(original))


# -- records that lie, cells the user changed ------------------------------------------------
def test_addin_clear_keeps_a_user_sheet_the_record_names(source: Path, tmp_path: Path) -> None:
    book = _mark_in_excel(source)
    record = book.wb[MARK_SHEET]
    record["B1"] = "表1"  # the record now claims the user's 表1 is the findings sheet
    on_ribbon("wbt_clear", book=book)
    names = [ws.title for ws in book.wb.worksheets]
    assert "表1" in names and RESULT_SHEET in names and MARK_SHEET not in names
    assert "「表1」" in book.app.alerts[-1].prompt and "已保留" in book.app.alerts[-1].prompt


def test_addin_clear_with_an_unknown_record_changes_nothing(source: Path) -> None:
    book = _mark_in_excel(source)
    book.wb[MARK_SHEET]["A1"] = "workbook_tools 标注记录 v9"
    start = len(book.calls)
    on_ribbon("wbt_clear", book=book)
    assert "无法识别" in book.app.alerts[-1].prompt
    assert not [c for c in book.calls[start:] if c.op.startswith(("set", "add", "delete"))]


def test_addin_clear_keeps_what_the_user_changed(source: Path, tmp_path: Path) -> None:
    book = _mark_in_excel(source)
    book.wb["表3"]["E12"].fill = PatternFill("solid", fgColor="FF00B050")
    on_ribbon("wbt_clear", book=book)
    cleared = openpyxl.load_workbook(book.save(tmp_path / "cleared.xlsx"))
    assert cleared["表3"]["E12"].fill.fgColor.rgb == "FF00B050"
    assert "表3!E12" in book.app.alerts[-1].prompt and "未恢复" in book.app.alerts[-1].prompt
    original = openpyxl.load_workbook(source)
    assert visual_state(cleared, ["表1"]) == visual_state(original, ["表1"])
