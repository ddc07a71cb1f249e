"""Marking findings in the workbook (`wbt check --mark`) and clearing them (`wbt clear`).

Every case builds its input from an example, marks it through the library or the CLI and
compares the written files cell by cell with openpyxl: data and layout never change, the
marked cells are exactly the findings' cells, and clearing gives back every fill, font and
note that marking replaced.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable
from copy import copy
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import tostring

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Color, Font, GradientFill, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from tests.conftest import EXAMPLES
from workbook_tools.cli import main
from workbook_tools.errors import OutputError
from workbook_tools.io.reader import read_workbook
from workbook_tools.report import to_json
from workbook_tools.rules import CheckResult, check_workbook
from workbook_tools.rules.findings import SEVERITIES, SEVERITY_NAMES
from workbook_tools.writers.marks.files import clear_file, mark_file
from workbook_tools.writers.marks.kinds import ERROR_FONT_RGB, FILL_RGB
from workbook_tools.writers.marks.present import AUTHOR, USER_NOTE_SEPARATOR, present
from workbook_tools.writers.marks.record import MARK_SHEET, PACKAGE_ROW
from workbook_tools.writers.marks.results_layout import RESULT_SHEET
from workbook_tools.writers.ooxml import PackageEdit
from workbook_tools.writers.package import lossy_parts

EXAMPLE_NAMES = ["changji-2024.xlsx", "kashgar-2024.xlsx", "changji-2024-system.xlsx"]
# the examples' 绩效目标表 carry the seeds' own findings (tests/test_forms.py): changji's 29
# marked cells of its tables and 25 of its forms; kashgar's five hints (≥ below last year)
CHANGJI_MARKED = 54
KASHGAR_HINTS = {("项目支出绩效目标表", c): "hint" for c in ("D17", "D26", "D27", "D36", "D54")}
Key = tuple[str, str]  # (sheet, cell)


# -- building inputs ----------------------------------------------------------------------
def _copy(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(EXAMPLES / name, target)
    return target


def _edited(name: str, folder: Path, edit: Callable[[Workbook], object], as_name: str) -> Path:
    book = openpyxl.load_workbook(EXAMPLES / name)
    edit(book)
    path = folder / as_name
    book.save(path)
    return path


def _kashgar_errors(book: Workbook) -> None:
    book["表3"]["F12"] = 178.72  # 事业运行 基本支出 177.72 → 178.72: 表3 E12 and F10 wrong
    book["表1"]["D13"] = 12.50  # 208 类 11.50 → 12.50: 表1 against 表2 and 表3


def _decorate(book: Workbook) -> None:
    """Everything marking must leave alone: validation, names, protection, formulas, notes."""
    t1, t2, t3 = book["表1"], book["表2"], book["表3"]
    rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
    rule.add("B7:D35")
    t1.add_data_validation(rule)
    t1.conditional_formatting.add(
        "D7:D35",
        CellIsRule(operator="lessThan", formula=["0"], fill=PatternFill("solid", "FFFF0000")),
    )
    book.defined_names["支出合计"] = DefinedName("支出合计", attr_text="'表1'!$D$36")
    t2.defined_names["本表"] = DefinedName("本表", attr_text="'表2'!$A$1:$M$40")
    t3.protection.sheet = True
    t3.protection.password = "1234"
    t3.print_area = "A1:L30"
    t1["J2"] = "=D36*2"
    t1["J3"] = "备用"
    t1.column_dimensions["J"].width = 33
    t1.row_dimensions[3].height = 40
    t1["J4"].comment = Comment("用户自己的批注", "张三")
    t2["E14"].comment = Comment("请核对养老支出", "李四")  # a marked cell with a user note
    t1["D36"].fill = GradientFill(degree=90, stop=("FFFFFFFF", "FF5B9BD5"))  # marked, gradient
    t1["D36"].font = Font(name="宋体", sz=12, i=True, color=Color(theme=4, tint=-0.25))


def _decorated(folder: Path) -> Path:
    return _edited("changji-2024.xlsx", folder, _decorate, "changji-2024-decorated.xlsx")


# -- snapshots ----------------------------------------------------------------------------
def _xml(style: Any) -> str:
    return tostring(copy(style).to_tree(), encoding="unicode")


def _note(cell: Any) -> tuple[str, str] | None:
    return None if cell.comment is None else (cell.comment.text, cell.comment.author)


class _Styles:
    """The XML of every fill, font, border … of a workbook, by the index cells refer to."""

    def __init__(self, book: Workbook) -> None:
        self.fills = [_xml(x) for x in book._fills]
        self.fonts = [_xml(x) for x in book._fonts]
        self.borders = [_xml(x) for x in book._borders]
        self.alignments = [_xml(x) for x in book._alignments]
        self.protections = [_xml(x) for x in book._protections]


def _ids(cell: Any) -> StyleArray:
    return cell._style or StyleArray()  # no style array yet: every index 0


def _marks_state(book: Workbook, sheets: list[str]) -> dict[Key, tuple[Any, ...]]:
    """What marking may change, per cell: fill, font, note."""
    xml = _Styles(book)
    return {
        (name, cell.coordinate): (
            xml.fills[_ids(cell).fillId],
            xml.fonts[_ids(cell).fontId],
            _note(cell),
        )
        for name in sheets
        for row in book[name].iter_rows()
        for cell in row
    }


def _value(cell: Any) -> tuple[Any, str]:
    """Value and type; an empty text is a blank cell (openpyxl saves "" as an empty cell)."""
    if cell.value is None or cell.value == "":
        return None, "blank"
    return cell.value, cell.data_type


def _data_state(book: Workbook, sheets: list[str]) -> dict[Key, tuple[Any, ...]]:
    """What marking must never change, per cell."""
    xml = _Styles(book)
    return {
        (name, cell.coordinate): (
            *_value(cell),
            cell.number_format,
            xml.borders[_ids(cell).borderId],
            xml.alignments[_ids(cell).alignmentId],
            xml.protections[_ids(cell).protectionId],
            None if cell.hyperlink is None else cell.hyperlink.target,
        )
        for name in sheets
        for row in book[name].iter_rows()
        for cell in row
    }


def _layout(book: Workbook, sheets: list[str]) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "names": {name: dn.attr_text for name, dn in book.defined_names.items()},
    }
    for name in sheets:
        ws = book[name]
        layout[name] = {
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "widths": {
                k: (d.width, d.customWidth, d.hidden) for k, d in ws.column_dimensions.items()
            },
            "heights": {
                k: (d.height, d.customHeight, d.hidden) for k, d in ws.row_dimensions.items()
            },
            "validations": [
                (dv.type, dv.operator, dv.formula1, str(dv.sqref))
                for dv in ws.data_validations.dataValidation
            ],
            "conditional": [
                (str(cf.sqref), [(r.type, r.operator, r.formula) for r in cf.rules])
                for cf in ws.conditional_formatting
            ],
            "names": {n: dn.attr_text for n, dn in ws.defined_names.items()},
            "protection": _xml(ws.protection),
            "freeze": ws.freeze_panes,
            "print_area": ws.print_area,
            "print_titles": ws.print_title_rows,
            "page": _xml(ws.page_setup),
            "state": ws.sheet_state,
        }
    return layout


def _load(path: Path) -> Workbook:
    return openpyxl.load_workbook(path)


def _check(path: Path) -> CheckResult:
    return check_workbook(read_workbook(path))


def _worst(a: str, b: str) -> str:
    order = ["error", "warning", "affected", "hint"]
    return min(a, b, key=order.index)


def _expected_marks(result: CheckResult) -> dict[Key, str]:
    """A diagnosed cell is marked as an error; a finding it explains marks its cells as
    affected; any other finding marks its cell, and a cross-table one its cells on other
    sheets, by severity."""
    marks: dict[Key, str] = {(s.sheet, s.cell): "error" for s in result.diagnosis}
    diagnosed = set(marks)
    for f in result.findings:
        keys = {(f.sheet, f.cell)} | {(c.sheet, c.cell) for c in f.cells if c.sheet != f.sheet}
        kind = "affected" if f.cause is not None else f.severity
        for key in keys - (diagnosed if f.cause is not None else set()):
            marks[key] = _worst(marks.get(key, kind), kind)
    return marks


NOTE_LEADS = {**{s: f"【{SEVERITY_NAMES[s]}】" for s in SEVERITIES}, "affected": "【受影响】"}


def _record_keys(book: Workbook) -> list[Key]:
    rows = list(book[MARK_SHEET].iter_rows(min_row=2, values_only=True))
    return [(str(row[0]), str(row[1])) for row in rows if row[0] != PACKAGE_ROW]


def _assert_marked_exactly(source: Path, marked: Path, result: CheckResult) -> dict[Key, str]:
    """The marked file differs from ``source`` in the findings' cells and nowhere else."""
    before, after = _load(source), _load(marked)
    sheets = before.sheetnames
    assert after.sheetnames == [RESULT_SHEET, *sheets, MARK_SHEET]
    assert after[MARK_SHEET].sheet_state == "veryHidden"
    assert _data_state(after, sheets) == _data_state(before, sheets)
    assert _layout(after, sheets) == _layout(before, sheets)
    expected = _expected_marks(result)
    assert sorted(_record_keys(after)) == sorted(expected)
    old, new = _marks_state(before, sheets), _marks_state(after, sheets)
    assert old.keys() == new.keys()
    for key, (fill, font, note) in old.items():
        cell = after[key[0]][key[1]]
        if key not in expected:
            assert new[key] == (fill, font, note), key
            continue
        severity = expected[key]
        assert (cell.fill.fill_type, cell.fill.fgColor.rgb) == ("solid", "FF" + FILL_RGB[severity])
        assert cell.comment is not None and cell.comment.author == AUTHOR, key
        diagnosed = any((d.sheet, d.cell) == key for d in result.diagnosis)
        lead = "【最可能填错】" if diagnosed else NOTE_LEADS[severity]
        assert cell.comment.text.startswith(lead), key
        if note is not None:
            assert cell.comment.text.endswith(USER_NOTE_SEPARATOR + note[0]), key
        original = before[key[0]][key[1]].font
        if severity == "error":
            assert (cell.font.b, cell.font.color.rgb) == (True, "FF" + ERROR_FONT_RGB)
            assert (cell.font.name, cell.font.sz, cell.font.i) == (
                original.name,
                original.sz,
                original.i,
            )
        else:
            assert new[key][1] == font, key
    return expected


# -- 1. marking changes exactly the findings' cells ---------------------------------------
@pytest.mark.parametrize("name", [*EXAMPLE_NAMES, "decorated"])
def test_marking_changes_only_the_findings_cells(name: str, tmp_path: Path) -> None:
    source = _decorated(tmp_path) if name == "decorated" else _copy(name, tmp_path)
    result, summary, report = mark_file(source)
    assert report.path == tmp_path / f"{source.stem}.已校验.xlsx"
    assert (report.in_place, report.lost) == (False, [])
    expected = _assert_marked_exactly(source, report.path, result)
    assert summary.findings == len(result.findings)
    assert summary.marked_cells == len(expected)
    assert len(expected) == {"kashgar-2024.xlsx": len(KASHGAR_HINTS)}.get(name, CHANGJI_MARKED)


def test_marked_copy_checks_like_the_original(tmp_path: Path) -> None:
    for name in EXAMPLE_NAMES:
        source = _copy(name, tmp_path)
        _, _, report = mark_file(source)
        original, marked = to_json(_check(source)), to_json(_check(report.path))
        assert original.pop("file") != marked.pop("file")
        assert marked == original, name


def test_tail_warning_note_and_fill(tmp_path: Path) -> None:
    _, _, report = mark_file(_copy("changji-2024.xlsx", tmp_path))
    book, plain = _load(report.path), _load(EXAMPLES / "changji-2024.xlsx")
    cell = book["表2"]["E14"]
    assert (cell.fill.fill_type, cell.fill.fgColor.rgb) == ("solid", "FFFFE699")
    assert _xml(cell.font) == _xml(plain["表2"]["E14"].font)  # warnings keep the font
    assert cell.comment.author == "workbook_tools"
    assert "90.23" in cell.comment.text and "90.22" in cell.comment.text
    assert cell.comment.text.startswith("【警告】")
    assert "涉及单元格：E15、E16、E17" in cell.comment.text
    assert "规则 t2.hierarchy" in cell.comment.text
    assert book["表2"]["E15"].comment is None  # involved, same sheet: not marked


def test_errors_and_cross_table_counterparts(tmp_path: Path) -> None:
    """Two typos: each is marked as the cell to change, with the value to type; the cells
    of the relations they break are marked as affected, pointing at the typo."""
    source = _edited("kashgar-2024.xlsx", tmp_path, _kashgar_errors, "kashgar-errors.xlsx")
    result, summary, report = mark_file(source)
    expected = _assert_marked_exactly(source, report.path, result)
    assert expected == {
        ("表3", "F12"): "error",
        ("表1", "D13"): "error",
        ("表3", "F10"): "affected",
        ("表3", "E12"): "affected",
        ("表2", "E12"): "affected",
        ("表3", "E13"): "affected",
        ("表1", "D36"): "affected",
        **KASHGAR_HINTS,
    }
    assert summary.marked_cells == 12 and summary.findings == 10
    book = _load(report.path)
    for sheet, address in (("表3", "F12"), ("表1", "D13")):
        cell = book[sheet][address]
        assert (cell.fill.fill_type, cell.fill.fgColor.rgb) == ("solid", "FFF8CBAD")
        assert (cell.font.b, cell.font.color.rgb) == (True, "FFC00000")
        assert cell.comment.text.startswith("【最可能填错】")
    assert "填的是 178.72，应为 177.72" in book["表3"]["F12"].comment.text
    assert "填的是 12.50，应为 11.50" in book["表1"]["D13"].comment.text
    assert book["表3"]["F12"].value == 178.72  # nothing the user typed is changed
    t3 = book["表3"]["E12"]
    assert (t3.fill.fgColor.rgb, t3.font.b) == ("FFE4DFEC", False)
    assert t3.comment.text.startswith("【受影响】最可能是 表3 F12 填错所致（该格应为 177.72）")
    assert "242.00" in t3.comment.text and "243.00" in t3.comment.text
    for counterpart in (book["表2"]["E12"], book["表3"]["E13"]):
        assert counterpart.comment.text.startswith("【受影响】最可能是 表1 D13 填错所致")


def test_single_error_marks_its_cells_only(tmp_path: Path) -> None:
    def edit(book: Workbook) -> None:
        book["表3"]["F12"] = 178.72

    source = _edited("kashgar-2024.xlsx", tmp_path, edit, "kashgar-f12.xlsx")
    result, _, report = mark_file(source)
    assert _assert_marked_exactly(source, report.path, result) == {
        ("表3", "F12"): "error",
        ("表3", "F10"): "affected",
        ("表3", "E12"): "affected",
        **KASHGAR_HINTS,
    }
    book = _load(report.path)
    cell = book["表3"]["F12"]
    assert (cell.fill.fgColor.rgb, cell.font.b, cell.font.color.rgb) == (
        "FFF8CBAD",
        True,
        "FFC00000",
    )
    assert (book["表3"]["E12"].fill.fgColor.rgb, book["表3"]["E12"].font.b) == ("FFE4DFEC", False)


# -- 2. the findings sheet ----------------------------------------------------------------
def test_results_sheet(tmp_path: Path) -> None:
    result, _, report = mark_file(_copy("changji-2024.xlsx", tmp_path))
    book = _load(report.path)
    sheet = book[RESULT_SHEET]
    assert book.sheetnames[0] == RESULT_SHEET and book.active.title == RESULT_SHEET
    assert [bool(ws.sheet_view.tabSelected) for ws in book.worksheets] == [True] + [False] * (
        len(book.worksheets) - 1
    )
    assert sheet["A1"].value == "校验结果"
    assert sheet["A2"].value == "单位：昌吉回族自治州政务服务和公共资源交易中心　年度：2024"
    assert re.fullmatch(r"校验时间：\d{4}-\d\d-\d\d \d\d:\d\d", sheet["A4"].value)
    assert sheet["A5"].value == "错误 0 条　警告 36 条　提示 13 条"
    header = [c.value for c in sheet[7]]
    assert header == [
        "序号", "严重程度", "表", "单元格", "问题", "应为", "实为", "差额", "规则", "说明", "状态",
    ]  # fmt: skip
    assert sheet.max_row == 7 + 49
    for index, finding in enumerate(result.findings, start=1):
        row = [c.value for c in sheet[7 + index]]
        address = f"{finding.sheet}!{finding.cell}"
        severity = SEVERITY_NAMES[finding.severity]
        assert row[:2] == [index, severity] and row[3:5] == [address, finding.message]
        assert row[8] == finding.rule
        assert sheet.cell(7 + index, 4).hyperlink.location == f"'{finding.sheet}'!{finding.cell}"
    e14 = next(r for r in sheet.iter_rows(min_row=8, values_only=True) if r[3] == "表2!E14")
    assert e14[1:3] == ("警告", "表2") and e14[5:9] == (90.22, 90.23, 0.01, "t2.hierarchy")
    link = next(c for c in sheet["D"] if c.value == "表2!E14")
    assert link.hyperlink.location == "'表2'!E14"
    assert sheet.cell(link.row, 2).fill.fgColor.rgb == "FFFFE699"
    assert sheet.auto_filter.ref == "A7:K56"
    assert sheet.freeze_panes == "A8"


def test_results_sheet_of_a_clean_workbook(tmp_path: Path) -> None:
    def tables_only(book: Workbook) -> None:  # without its 绩效目标表 (five hints)
        del book["项目支出绩效目标表"]

    clean = _edited("kashgar-2024.xlsx", tmp_path, tables_only, "kashgar-clean.xlsx")
    _, summary, report = mark_file(clean)
    sheet = _load(report.path)[RESULT_SHEET]
    assert summary.marked_cells == 0
    assert sheet["A5"].value == "错误 0 条　警告 0 条　提示 0 条　（未发现问题）"
    assert sheet.max_row == 7
    assert (sheet.auto_filter.ref, sheet.freeze_panes) == ("A7:K8", "A8")


def test_results_sheet_counts_errors(tmp_path: Path) -> None:
    source = _edited("kashgar-2024.xlsx", tmp_path, _kashgar_errors, "kashgar-errors.xlsx")
    _, _, report = mark_file(source)
    sheet = _load(report.path)[RESULT_SHEET]
    assert sheet["A5"].value == "错误 5 条　警告 0 条　提示 5 条"
    assert sheet["A7"].value == "诊断：最可能填错的 2 处（先改这些，其余不一致多半随之消除）"
    diagnosis = [
        (r[0], r[3], r[5], r[6]) for r in sheet.iter_rows(min_row=8, max_row=9, values_only=True)
    ]
    assert diagnosis == [("诊断1", "表1!D13", 11.5, 12.5), ("诊断2", "表3!F12", 177.72, 178.72)]
    assert sheet["D8"].hyperlink.location == "'表1'!D13"
    assert sheet["A11"].value == "序号"  # the findings table follows the diagnosis
    rows = list(sheet.iter_rows(min_row=12, values_only=True))
    assert [(r[1], r[3]) for r in rows] == [
        ("错误", "表1!D13"),
        ("错误", "表1!D13"),
        ("错误", "表1!D36"),
        ("错误", "表3!F10"),
        ("错误", "表3!E12"),
        *(("提示", f"{sheet}!{cell}") for sheet, cell in KASHGAR_HINTS),
    ]
    assert "最可能是 表1 D13 填错所致" in sheet["E14"].value  # 表1!D36 is affected, not wrong
    assert sheet["B12"].fill.fgColor.rgb == "FFF8CBAD"


# -- 3. clearing restores everything ------------------------------------------------------
def _assert_cleared(source: Path, cleared: Path) -> None:
    before, after = _load(source), _load(cleared)
    sheets = before.sheetnames
    assert after.sheetnames == sheets
    assert after.active.title == before.active.title
    assert _marks_state(after, sheets) == _marks_state(before, sheets)
    assert _data_state(after, sheets) == _data_state(before, sheets)
    assert _layout(after, sheets) == _layout(before, sheets)


@pytest.mark.parametrize("name", [*EXAMPLE_NAMES, "decorated", "errors"])
def test_clear_restores_the_workbook(name: str, tmp_path: Path) -> None:
    if name == "decorated":
        source = _decorated(tmp_path)
    elif name == "errors":
        source = _edited("kashgar-2024.xlsx", tmp_path, _kashgar_errors, "kashgar-errors.xlsx")
    else:
        source = _copy(name, tmp_path)
    _, summary, marked = mark_file(source)
    restored, report = clear_file(marked.path)
    assert restored == summary.marked_cells
    assert report.path == tmp_path / f"{source.stem}.已校验.已清除标记.xlsx"
    _assert_cleared(source, report.path)


def test_clear_on_an_unmarked_workbook_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _copy("changji-2024.xlsx", tmp_path)
    assert main(["clear", str(source)]) == 0
    assert "该工作簿没有本工具的校验标注。" in capsys.readouterr().err
    _assert_cleared(source, tmp_path / "changji-2024.已清除标记.xlsx")


HEX = st.text("0123456789ABCDEF", min_size=6, max_size=6)
TINTS = st.sampled_from([0.0, -0.25, -0.4999847407452621, 0.3999755851924192, 0.7999816888943144])
COLORS = st.one_of(
    HEX.map(lambda h: Color(rgb="FF" + h)),
    st.builds(lambda theme, tint: Color(theme=theme, tint=tint), st.integers(0, 9), TINTS),
    st.integers(0, 63).map(lambda i: Color(indexed=i)),
)
FILLS = st.one_of(
    st.just(PatternFill()),
    COLORS.map(lambda c: PatternFill("solid", fgColor=c)),
    st.builds(
        lambda pattern, fg, bg: PatternFill(pattern, fgColor=fg, bgColor=bg),
        st.sampled_from(["gray125", "lightGrid", "darkUp"]),
        COLORS,
        COLORS,
    ),
    st.builds(
        lambda a, b, degree: GradientFill(degree=degree, stop=(a, b)),
        COLORS,
        COLORS,
        st.sampled_from([0, 45, 90]),
    ),
)
FONTS = st.builds(
    lambda name, bold, italic, size, color: Font(name=name, b=bold, i=italic, sz=size, color=color),
    st.sampled_from(["宋体", "Arial"]),
    st.sampled_from([None, True, False]),
    st.booleans(),
    st.sampled_from([9, 10.5, 12]),
    st.none() | COLORS,
)
NOTES = st.none() | st.builds(
    Comment,
    st.text(
        st.sampled_from(list("预算数请核对用户批注ABCxyz0123 ，。\n")), min_size=1, max_size=40
    ),
    st.sampled_from(["张三", "财务科", "Li Si"]),
)


@cache
def _base(kind: str) -> tuple[bytes, list[Key]]:
    """An example's bytes (with errors for ``errors``) and the cells marking will mark."""
    with tempfile.TemporaryDirectory() as folder:
        if kind == "errors":
            path = _edited("kashgar-2024.xlsx", Path(folder), _kashgar_errors, "base.xlsx")
        else:
            path = _copy("changji-2024.xlsx", Path(folder))
        return path.read_bytes(), sorted(_expected_marks(_check(path)))


@st.composite
def styled_cells(draw: st.DrawFn) -> tuple[str, list[tuple[Key, Any, Any, Any]]]:
    kind = draw(st.sampled_from(["changji", "errors"]))
    marked = _base(kind)[1]
    sheets = sorted({sheet for sheet, _ in marked} | {"表4", "表11"})
    anywhere = st.builds(
        lambda sheet, row, col: (sheet, f"{get_column_letter(col)}{row}"),
        st.sampled_from(sheets),
        st.integers(1, 40),
        st.integers(1, 12),
    )
    cells = st.one_of(st.sampled_from(marked), anywhere)
    edits = draw(
        st.lists(
            st.tuples(cells, FILLS, FONTS, NOTES), min_size=1, max_size=12, unique_by=lambda e: e[0]
        )
    )
    return kind, edits


@settings(max_examples=15, deadline=None)
@given(case=styled_cells())
def test_mark_then_clear_restores_user_styles(case: tuple[str, list[Any]]) -> None:
    kind, edits = case
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "base.xlsx"
        base.write_bytes(_base(kind)[0])
        book = _load(base)
        for (sheet, address), fill, font, note in edits:
            cell = book[sheet][address]
            cell.fill, cell.font = fill, font
            if not isinstance(cell, openpyxl.cell.cell.MergedCell):
                cell.comment = note
        source = Path(folder) / "styled.xlsx"
        book.save(source)
        result, summary, marked = mark_file(source)
        assert summary.marked_cells == len(_base(kind)[1]) > 0
        _assert_marked_exactly(source, marked.path, result)
        restored, cleared = clear_file(marked.path)
        assert restored == summary.marked_cells
        _assert_cleared(source, cleared.path)


def test_clear_reads_a_record_saved_as_rich_text(tmp_path: Path) -> None:
    """LibreOffice and WPS save mixed Chinese/Latin text in the record as rich text runs."""
    source = _copy("changji-2024.xlsx", tmp_path)
    _, summary, marked = mark_file(source)
    book = openpyxl.load_workbook(marked.path, rich_text=True)
    for row in book[MARK_SHEET].iter_rows():
        for cell in row:
            text = cell.value
            if isinstance(text, str) and len(text) > 1:
                cell.value = CellRichText(TextBlock(InlineFont(rFont="宋体"), text[:1]), text[1:])
    book.save(marked.path)
    assert isinstance(
        openpyxl.load_workbook(marked.path, rich_text=True)[MARK_SHEET]["A2"].value, CellRichText
    )
    restored, cleared = clear_file(marked.path)
    assert restored == summary.marked_cells == CHANGJI_MARKED
    _assert_cleared(source, cleared.path)


# -- 4. marking again is the same as marking once -----------------------------------------
def _full_state(path: Path) -> dict[str, Any]:
    book = _load(path)
    state: dict[str, Any] = {
        "sheets": book.sheetnames,
        "states": [ws.sheet_state for ws in book.worksheets],
        "active": book.active.title,
        "marks": _marks_state(book, book.sheetnames),
        "data": _data_state(book, book.sheetnames),
    }
    for stamp in ((RESULT_SHEET, "A4"), (RESULT_SHEET, "A6")):  # time and token of marking
        state["data"][stamp] = re.sub(r"[\da-f]", "0", str(state["data"][stamp]))
    state["data"] = {k: v for k, v in state["data"].items() if k[0] != MARK_SHEET}
    return state


def test_marking_twice_equals_marking_once(tmp_path: Path) -> None:
    source = _decorated(tmp_path)
    _, _, once = mark_file(source)
    note = _load(once.path)["表2"]["E14"].comment.text
    assert note.endswith(USER_NOTE_SEPARATOR + "请核对养老支出")
    assert note.count("请核对养老支出") == 1

    twice = tmp_path / "twice.xlsx"
    shutil.copyfile(once.path, twice)
    assert main(["check", str(twice), "--mark", "--in-place"]) == 0
    assert _full_state(twice) == _full_state(once.path)

    engine = PackageEdit.open(once.path)
    engine.mark(present(_check(once.path), datetime.now()))
    again = tmp_path / "again.xlsx"
    engine.save(again)
    assert _full_state(again) == _full_state(once.path)

    restored, cleared = clear_file(twice)
    assert restored == CHANGJI_MARKED
    assert _note(_load(cleared.path)["表2"]["E14"]) == ("请核对养老支出", "李四")
    _assert_cleared(source, cleared.path)


def test_engine_marks_and_clears(tmp_path: Path) -> None:
    source = _copy("changji-2024.xlsx", tmp_path)
    engine = PackageEdit.open(source)
    view = present(_check(source), datetime(2025, 3, 1, 9, 30))
    summary = engine.mark(view)
    marked = tmp_path / "marked.xlsx"
    engine.save(marked)
    assert _load(marked)[RESULT_SHEET]["A4"].value == "校验时间：2025-03-01 09:30"
    engine = PackageEdit.open(marked)
    report = engine.clear()
    assert report.restored == summary.marked_cells == CHANGJI_MARKED and report.exact
    cleared = tmp_path / "cleared.xlsx"
    engine.save(cleared)
    _assert_cleared(source, cleared)
    assert PackageEdit.open(cleared).clear().restored == 0


# -- 5. after the user fixes a cell, re-marking drops its mark ----------------------------
def test_remarking_after_a_fix_drops_the_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(book: Workbook) -> None:
        book["表3"]["F12"] = 178.72

    source = _edited("kashgar-2024.xlsx", tmp_path, edit, "kashgar-f12.xlsx")
    _, _, marked = mark_file(source)
    book = _load(marked.path)
    assert book["表3"]["E12"].comment is not None
    book["表3"]["F12"] = 177.72  # the user corrects the amount in the marked copy
    book.save(marked.path)

    assert main(["check", str(marked.path), "--mark", "--in-place"]) == 0
    assert "已标注 5 个单元格" in capsys.readouterr().err  # the 绩效 hints only
    fixed = _load(marked.path)
    clean = _load(EXAMPLES / "kashgar-2024.xlsx")
    sheets = clean.sheetnames
    assert fixed.sheetnames == [RESULT_SHEET, *sheets, MARK_SHEET]
    tables = [s for s in sheets if s not in {h for h, _ in KASHGAR_HINTS}]  # without the hints
    assert _marks_state(fixed, tables) == _marks_state(clean, tables)
    assert _data_state(fixed, sheets) == _data_state(clean, sheets)
    assert fixed[RESULT_SHEET]["A5"].value == "错误 0 条　警告 0 条　提示 5 条"
    assert sorted(_record_keys(fixed)) == sorted(KASHGAR_HINTS)


# -- 6. in place: atomic, one backup ------------------------------------------------------
def test_in_place_keeps_one_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _copy("changji-2024.xlsx", tmp_path)
    backup = tmp_path / "changji-2024.bak.xlsx"
    original = source.read_bytes()

    assert main(["check", str(source), "--mark", "--in-place"]) == 0
    assert (
        f"已标注 {CHANGJI_MARKED} 个单元格，写入：原文件（备份为 .bak）" in capsys.readouterr().err
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [backup.name, source.name]
    assert backup.read_bytes() == original
    first = source.read_bytes()
    assert first != original
    _assert_marked_exactly(backup, source, _check(backup))

    assert main(["check", str(source), "--mark", "--in-place"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [backup.name, source.name]
    assert backup.read_bytes() == first
    second = source.read_bytes()

    assert main(["clear", str(source), "--in-place"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [backup.name, source.name]
    assert backup.read_bytes() == second
    expected = tmp_path / "expected.xlsx"
    expected.write_bytes(original)
    _assert_cleared(expected, source)


def test_in_place_failure_leaves_the_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _copy("changji-2024.xlsx", tmp_path)
    original = source.read_bytes()

    def broken_save(self: PackageEdit, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(PackageEdit, "save", broken_save)
    with pytest.raises((OSError, OutputError), match=r"disk full|磁盘"):
        mark_file(source, in_place=True)
    assert source.read_bytes() == original
    backup = tmp_path / "changji-2024.bak.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) in (
        [source.name],
        [backup.name, source.name],
    )
    assert not backup.exists() or backup.read_bytes() == original


# -- 7. workbooks openpyxl cannot carry over in full --------------------------------------
def _with_chart(book: Workbook) -> None:
    sheet = book["表1"]
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=4, min_row=7, max_row=12))
    sheet.add_chart(chart, "H2")


def test_workbook_with_a_chart_is_marked_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The package engine keeps the chart: marking and clearing in place are allowed."""
    source = _edited("changji-2024.xlsx", tmp_path, _with_chart, "chart.xlsx")
    original = tmp_path / "original.xlsx"
    shutil.copyfile(source, original)
    assert lossy_parts(source) == ["图表"]  # what an openpyxl round trip would lose

    assert main(["check", str(source), "--mark", "--in-place"]) == 0
    err = capsys.readouterr().err
    assert f"已标注 {CHANGJI_MARKED} 个单元格，写入：原文件（备份为 .bak）" in err
    assert "无法完整保留" not in err
    _assert_marked_exactly(original, source, _check(original))
    with zipfile.ZipFile(source) as marked, zipfile.ZipFile(original) as before:
        for name in before.namelist():
            if name.startswith(("xl/charts/", "xl/drawings/")):
                assert marked.read(name) == before.read(name), name

    assert main(["clear", str(source), "--in-place"]) == 0
    with zipfile.ZipFile(source) as cleared, zipfile.ZipFile(original) as before:
        assert cleared.namelist() == before.namelist()
        assert all(cleared.read(n) == before.read(n) for n in before.namelist())


WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def _make_xlsm(source: Path, target: Path, vba: bytes) -> Path:
    """``source`` as a macro-enabled workbook with ``vba`` as its VBA project."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "[Content_Types].xml":
                text = data.decode()
                assert WORKBOOK_TYPE in text
                text = text.replace(WORKBOOK_TYPE, MACRO_TYPE).replace(
                    "</Types>",
                    '<Override PartName="/xl/vbaProject.bin" '
                    'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
                data = text.encode()
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdVba" Type="{VBA_REL}" Target="vbaProject.bin"/>'
                    "</Relationships>".encode(),
                )
            new.writestr(name, data)
        new.writestr("xl/vbaProject.bin", vba)
    return target


def test_xlsm_keeps_its_macros_in_the_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vba = bytes(range(256)) * 8 + "宏".encode()
    source = _make_xlsm(EXAMPLES / "changji-2024.xlsx", tmp_path / "changji-2024.xlsm", vba)
    original = source.read_bytes()
    assert main(["check", str(source), "--mark"]) == 0
    assert "宏（VBA）" not in capsys.readouterr().err
    assert source.read_bytes() == original
    marked = tmp_path / "changji-2024.已校验.xlsm"
    with zipfile.ZipFile(marked) as package:
        assert package.read("xl/vbaProject.bin") == vba
        assert MACRO_TYPE in package.read("[Content_Types].xml").decode()
        assert VBA_REL in package.read("xl/_rels/workbook.xml.rels").decode()
    assert len(_expected_marks(_check(marked))) == CHANGJI_MARKED
    restored, cleared = clear_file(marked)
    assert restored == CHANGJI_MARKED and cleared.path.name == "changji-2024.已校验.已清除标记.xlsm"
    with zipfile.ZipFile(cleared.path) as package:
        assert package.read("xl/vbaProject.bin") == vba
        assert package.read("[Content_Types].xml") == zipfile.ZipFile(source).read(
            "[Content_Types].xml"
        )
    in_place = tmp_path / "in-place.xlsm"
    shutil.copyfile(source, in_place)
    assert main(["check", str(in_place), "--mark", "--in-place"]) == 0
    with zipfile.ZipFile(in_place) as package:
        assert package.read("xl/vbaProject.bin") == vba


def test_libreoffice_style_empty_drawing_is_not_lossy(tmp_path: Path) -> None:
    """LibreOffice writes an empty drawing part; it holds nothing openpyxl could lose."""
    source = _copy("changji-2024.xlsx", tmp_path)
    target = tmp_path / "with-drawing.xlsx"
    empty = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"/>'
    )
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            new.writestr(name, old.read(name))
        new.writestr("xl/drawings/drawing1.xml", empty)
    assert lossy_parts(target) == []
    chart = _edited("changji-2024.xlsx", tmp_path, _with_chart, "chart.xlsx")
    with zipfile.ZipFile(chart) as package:
        assert b"Anchor" in package.read("xl/drawings/drawing1.xml")


# -- 8. files that must not be touched, outputs that must not be replaced -----------------
@pytest.mark.parametrize("lock", ["~$changji-2024.xlsx", "~$angji-2024.xlsx"])
def test_open_in_excel_refuses_in_place(
    lock: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _copy("changji-2024.xlsx", tmp_path)
    (tmp_path / lock).write_bytes(b"\x05owner")
    original = source.read_bytes()
    for command in (
        ["check", str(source), "--mark", "--in-place"],
        ["clear", str(source), "--in-place"],
    ):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert f"打开（发现锁定文件 {lock}）" in err and "文件正被" in err
        assert source.read_bytes() == original
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([lock, source.name])


def _read_only_refused(source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = source.read_bytes()
    assert main(["check", str(source), "--mark", "--in-place"]) == 2
    assert "文件是只读的，不能在原文件上修改" in capsys.readouterr().err
    assert source.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == [source.name]


def test_read_only_input_refuses_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _copy("changji-2024.xlsx", tmp_path)
    source.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        if os.access(source, os.W_OK):
            pytest.skip("running as root: a read-only file is still writable")
        _read_only_refused(source, tmp_path, capsys)
    finally:
        source.chmod(0o644)


def test_read_only_check_does_not_depend_on_the_user(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same refusal where root would bypass the permission bits."""
    source = _copy("changji-2024.xlsx", tmp_path)
    real_access = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        if Path(path) == source and mode == os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    _read_only_refused(source, tmp_path, capsys)


def test_existing_output_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _copy("changji-2024.xlsx", tmp_path)
    target = tmp_path / "标注.xlsx"
    target.write_bytes(b"keep me")
    assert main(["check", str(source), "--mark", "-o", str(target)]) == 2
    assert "输出文件已存在；如需覆盖，请加 --force" in capsys.readouterr().err
    assert target.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name, target.name])

    assert main(["check", str(source), "--mark", "-o", str(target), "--force"]) == 0
    _assert_marked_exactly(source, target, _check(source))

    assert main(["check", str(source), "--mark", "-o", str(source)]) == 2
    assert "输出文件与输入文件相同" in capsys.readouterr().err
    assert main(["check", str(source), "--mark", "-o", str(target), "--in-place"]) == 2
    assert "--in-place 与 -o 不能同时使用" in capsys.readouterr().err
    assert source.read_bytes() == (EXAMPLES / "changji-2024.xlsx").read_bytes()


def test_default_output_is_replaced_by_a_rerun(tmp_path: Path) -> None:
    source = _copy("kashgar-2024.xlsx", tmp_path)
    default = tmp_path / "kashgar-2024.已校验.xlsx"
    assert main(["check", str(source), "--mark"]) == 0
    assert sorted(_record_keys(_load(default))) == sorted(KASHGAR_HINTS)

    book = _load(source)
    _kashgar_errors(book)
    book.save(source)
    assert main(["check", str(source), "--mark"]) == 1  # errors: exit 1, copy replaced
    assert len(_record_keys(_load(default))) == 12  # 2 diagnosed + 5 affected + 5 绩效 hints
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name, default.name])

    assert main(["clear", str(default)]) == 0
    _assert_cleared(source, tmp_path / "kashgar-2024.已校验.已清除标记.xlsx")


def test_user_sheet_named_like_the_results_sheet_survives(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "changji-2024.xlsx")
    mine = book.create_sheet("校验结果")
    mine["A1"] = "我自己的记录"
    source = tmp_path / "own.xlsx"
    book.save(source)
    _, _, report = mark_file(source)
    marked = openpyxl.load_workbook(report.path)
    assert (
        marked.sheetnames[0] == "校验结果（2）" and marked["校验结果"]["A1"].value == "我自己的记录"
    )
    _, cleared = clear_file(report.path, output=tmp_path / "cleared.xlsx")
    after = openpyxl.load_workbook(cleared.path)
    assert "校验结果（2）" not in after.sheetnames
    assert after["校验结果"]["A1"].value == "我自己的记录"
