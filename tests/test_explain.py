"""Explained findings: the unit types a 说明 and 已说明 next to a finding in 校验结果; a re-check
keeps it while the finding is the same (rule, cell, values) and drops it when a figure changes;
reports show explained findings separately; explained errors still block export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from tests.fake_xlwings import FakeBook
from workbook_tools.addin import on_ribbon
from workbook_tools.cli import main
from workbook_tools.explain import (
    EXPLAINED,
    UNEXPLAINED,
    Explanation,
    _place,
    finding_key,
    read_explanations,
    read_with_explanations,
)
from workbook_tools.rules import check_workbook
from workbook_tools.writers.marks.files import clear_file, mark_file
from workbook_tools.writers.marks.results_layout import HEADER, RESULT_SHEET

NOTE_COL = HEADER.index("说明") + 1
STATUS_COL = HEADER.index("状态") + 1
RULE_COL = HEADER.index("规则") + 1
CELL_COL = HEADER.index("单元格") + 1


def _kashgar_f12(folder: Path, value: float = 178.72) -> Path:
    """kashgar with 表3 F12 177.72 → ``value``: two errors, t3.hierarchy at F10 and t3.total
    at E12."""
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    book["表3"]["F12"] = value
    path = folder / "喀什.xlsx"
    book.save(path)
    return path


def _rows(path: Path) -> dict[tuple[str, str], tuple[object, object]]:
    """(rule, cell) → (说明, 状态) of every findings row of 校验结果."""
    sheet = openpyxl.load_workbook(path)[RESULT_SHEET]
    header = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "序号")
    return {
        (sheet.cell(r, RULE_COL).value, _place(sheet.cell(r, CELL_COL).value)): (
            sheet.cell(r, NOTE_COL).value,
            sheet.cell(r, STATUS_COL).value,
        )
        for r in range(header + 1, sheet.max_row + 1)
        if sheet.cell(r, RULE_COL).value
    }


def _explain(path: Path, answers: dict[tuple[str, str], tuple[str, str]]) -> None:
    """What the unit types into 说明 and 状态 (openpyxl saves like Excel would)."""
    book = openpyxl.load_workbook(path)
    sheet = book[RESULT_SHEET]
    for r in range(1, sheet.max_row + 1):
        key = (sheet.cell(r, RULE_COL).value, _place(sheet.cell(r, CELL_COL).value))
        if key in answers:
            sheet.cell(r, NOTE_COL).value, sheet.cell(r, STATUS_COL).value = answers[key]
    book.save(path)


TAIL = ("t3.hierarchy", "表3!F10")
TOTAL = ("t3.total", "表3!E12")


def test_marked_sheet_has_blank_note_and_unexplained_status(tmp_path: Path) -> None:
    result, _, report = mark_file(_kashgar_f12(tmp_path))
    rows = _rows(report.path)
    assert rows[TAIL] == rows[TOTAL] == (None, UNEXPLAINED)
    assert len(rows) == len(result.findings)
    sheet = openpyxl.load_workbook(report.path)[RESULT_SHEET]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == f'"{UNEXPLAINED},{EXPLAINED}"'
    first = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "序号") + 1
    letter = openpyxl.utils.get_column_letter(STATUS_COL)
    assert str(validation.sqref) == f"{letter}{first}:{letter}{first + len(rows) - 1}"


def test_check_reports_explained_separately(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, report = mark_file(_kashgar_f12(tmp_path))
    _explain(report.path, {TAIL: ("尾差，系统导出", EXPLAINED), TOTAL: ("待核实", UNEXPLAINED)})
    capsys.readouterr()

    assert main(["check", str(report.path)]) == 1  # an explained error is still an error
    text = capsys.readouterr().out
    assert "      单位说明（已说明）：尾差，系统导出\n" in text
    assert "      单位说明（未说明）：待核实\n" in text
    total = len(check_workbook(read_with_explanations(report.path)[0]).findings)
    assert text.rstrip().endswith(f"其中已说明 1 条，未说明 {total - 1} 条。")

    assert main(["check", str(report.path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["explained"] == {"explained": 1, "unexplained": total - 1}
    said = {
        (f["rule"], f"{f['sheet']}!{f['cell']}"): f.get("explanation") for f in data["findings"]
    }
    assert said[TAIL] == {"text": "尾差，系统导出", "status": EXPLAINED}
    assert said[TOTAL] == {"text": "待核实", "status": UNEXPLAINED}
    assert sum(1 for v in said.values() if v is not None) == 2


def test_remark_keeps_explanation_while_the_finding_is_the_same(tmp_path: Path) -> None:
    _, _, report = mark_file(_kashgar_f12(tmp_path))
    marked = report.path
    _explain(marked, {TAIL: ("尾差，系统导出", EXPLAINED)})

    result, _, _ = mark_file(marked, in_place=True)  # nothing changed: kept
    assert _rows(marked)[TAIL] == ("尾差，系统导出", EXPLAINED)
    assert _rows(marked)[TOTAL] == (None, UNEXPLAINED)
    (finding,) = [f for f in result.findings if (f.rule, f"{f.sheet}!{f.cell}") == TAIL]
    assert result.explanations[finding_key(finding)] == Explanation("尾差，系统导出", EXPLAINED)
    note = openpyxl.load_workbook(marked)["表3"]["F10"].comment
    assert note is None or "单位说明" not in note.text  # F10 is only 受影响 (diagnosed F12)

    sheet = openpyxl.load_workbook(marked)[RESULT_SHEET]
    assert "（已说明 1 条）" in sheet["A5"].value

    book = openpyxl.load_workbook(marked)
    book["表3"]["F12"] = 179.72  # the figure changes: the finding is no longer the same
    book.save(marked)
    mark_file(marked, in_place=True)
    assert _rows(marked)[TAIL] == (None, UNEXPLAINED)
    assert "已说明" not in openpyxl.load_workbook(marked)[RESULT_SHEET]["A5"].value


def test_typed_explanations_do_not_stop_clear(tmp_path: Path) -> None:
    source = _kashgar_f12(tmp_path)
    _, _, report = mark_file(source)
    _explain(report.path, {TAIL: ("尾差，系统导出", EXPLAINED)})
    restored, cleared = clear_file(report.path, in_place=True)
    assert restored > 0 and cleared.notes == []
    assert (
        openpyxl.load_workbook(report.path).sheetnames == openpyxl.load_workbook(source).sheetnames
    )


def test_explained_error_blocks_export_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, report = mark_file(_kashgar_f12(tmp_path))
    _explain(report.path, {TAIL: ("尾差，系统导出", EXPLAINED), TOTAL: ("已核实", EXPLAINED)})
    out = tmp_path / "公开.xlsx"
    capsys.readouterr()
    assert main(["export", str(report.path), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "表3!F10" in err and "（已说明：尾差，系统导出）" in err
    assert "（已说明：已核实）" in err
    assert not out.exists()
    assert main(["export", str(report.path), "-o", str(out), "--force"]) == 0
    assert "（已说明：尾差，系统导出）" in capsys.readouterr().err
    assert out.exists()


def test_explained_warnings_pass_strict_and_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "昌吉.xlsx"
    shutil.copy(EXAMPLES / "changji-2024.xlsx", source)
    result, _, report = mark_file(source)
    assert not [f for f in result.findings if f.severity == "error"]
    warnings = {(f.rule, f"{f.sheet}!{f.cell}") for f in result.findings if f.severity == "warning"}
    assert warnings
    capsys.readouterr()
    assert main(["check", str(report.path), "--strict"]) == 1
    _explain(report.path, {key: ("尾差", EXPLAINED) for key in warnings})
    assert main(["check", str(report.path), "--strict"]) == 0
    assert f"其中已说明 {len(warnings)} 条" in capsys.readouterr().out
    out = tmp_path / "公开.xlsx"
    assert main(["export", str(report.path), "-o", str(out)]) == 0
    assert out.exists()


def test_read_explanations_matches_rule_cell_and_values() -> None:
    header = ["序号", "严重程度", "表", "单元格", "问题", "应为", "实为", "差额", "规则"]
    values = [
        ["校验结果"],
        [*header, "说明", "状态"],
        [1, "警告", "表2", '=HYPERLINK("#\'表2\'!E7","表2!E7")', "…", 90.23, 90.22, 0.01, "r.a",
         "尾差", "已说明"],
        [2, "警告", "表2", "表2!E8", "…", None, "x", None, "r.b", "", "未说明"],  # nothing typed
        [3, "警告", "表2", "表2!E9", "…", 1, 2, None, "r.c", "原因", None],  # text, no status
    ]  # fmt: skip
    found = read_explanations(values)
    assert found == {
        ("r.a", "表2!E7", "90.23", "90.22"): Explanation("尾差", EXPLAINED),
        ("r.c", "表2!E9", "1.0", "2.0"): Explanation("原因", UNEXPLAINED),
    }
    assert read_explanations([header]) == {}  # an old results sheet: no 说明/状态 columns


def test_addin_keeps_explanations_on_recheck(tmp_path: Path) -> None:
    source = _kashgar_f12(tmp_path)
    book = FakeBook.open(source)
    on_ribbon("wbt_check", book=book)
    sheet = book.wb[RESULT_SHEET]
    row = next(
        r
        for r in range(1, sheet.max_row + 1)
        if (sheet.cell(r, RULE_COL).value, _place(sheet.cell(r, CELL_COL).value)) == TAIL
    )
    assert sheet.cell(row, STATUS_COL).value == UNEXPLAINED
    assert len(sheet.data_validations.dataValidation) == 1
    sheet.cell(row, NOTE_COL).value = "尾差，系统导出"
    sheet.cell(row, STATUS_COL).value = EXPLAINED

    on_ribbon("wbt_check", book=book)  # re-check in Excel: kept
    saved = book.save(tmp_path / "excel.xlsx")
    assert _rows(saved)[TAIL] == ("尾差，系统导出", EXPLAINED)
    assert len(book.wb[RESULT_SHEET].data_validations.dataValidation) == 1

    mark_file(saved, in_place=True)  # and the file route reads what Excel wrote
    assert _rows(saved)[TAIL] == ("尾差，系统导出", EXPLAINED)
