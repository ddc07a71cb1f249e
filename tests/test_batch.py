"""Batch check (``wbt check <files and folders…>``): one outcome per file, worst first; an
unreadable file never stops the others; the roster; the summary workbook (also as LibreOffice
prints it); worker processes give the same outcomes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from workbook_tools.batch import check_files
from workbook_tools.batch.roster import RosterReport, read_roster
from workbook_tools.batch.summary import (
    FINDINGS_HEADER,
    FINDINGS_SHEET,
    ROSTER_SHEET,
    SUMMARY_HEADER,
    SUMMARY_SHEET,
    write_summary,
)
from workbook_tools.cli import main
from workbook_tools.errors import InputError
from workbook_tools.explain import EXPLAINED
from workbook_tools.writers.marks.files import mark_file
from workbook_tools.writers.marks.results_layout import HEADER, RESULT_SHEET

KASHGAR = "新疆维吾尔自治区喀什地区喀什市政务服务中心"
CHANGJI = "昌吉回族自治州政务服务和公共资源交易中心"
BAZHOU = "新疆巴州人民政府办公室"
DIAGNOSIS = "表3!F12（填的是 178.72，应为 177.72）"


def _with_error(target: Path) -> Path:
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    book["表3"]["F12"] = 178.72  # two errors, diagnosed at 表3 F12
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """喀什 (passes), 单位甲/喀什错 (an error), 单位乙/坏 (not a workbook), plus files the
    batch must skip: a marked copy, an Excel lock file and a text file."""
    folder = tmp_path / "收件"
    folder.mkdir()
    shutil.copy(EXAMPLES / "kashgar-2024.xlsx", folder / "喀什.xlsx")
    _with_error(folder / "单位甲" / "喀什错.xlsx")
    (folder / "单位乙").mkdir()
    (folder / "单位乙" / "坏.xlsx").write_text("不是工作簿", encoding="utf-8")
    (folder / "单位乙" / "坏.已校验.xlsx").write_text("x", encoding="utf-8")
    (folder / "~$喀什.xlsx").write_text("x", encoding="utf-8")
    (folder / "说明.txt").write_text("x", encoding="utf-8")
    return folder


def _summary(outcomes: list) -> list[tuple[str, str, int]]:
    return [(Path(o.path).name, o.status, o.counts["error"]) for o in outcomes]


def test_check_files_worst_first(inbox: Path) -> None:
    result = check_files([inbox], jobs=1)
    assert _summary(result.outcomes) == [
        ("坏.xlsx", "unreadable", 0),
        ("喀什错.xlsx", "errors", 2),
        ("喀什.xlsx", "pass", 0),
    ]
    bad, wrong, good = result.outcomes
    assert bad.reason.startswith("不是有效的 Excel 工作簿")
    assert bad.unit is None and bad.findings == []
    assert (wrong.unit, wrong.set_id, wrong.year) == (KASHGAR, "budget-2024", 2024)
    assert wrong.diagnosis == DIAGNOSIS
    assert {(f.rule, f.sheet, f.cell) for f in wrong.findings if f.severity == "error"} == {
        ("t3.hierarchy", "表3", "F10"),
        ("t3.total", "表3", "E12"),
    }
    assert good.diagnosis == "" and good.counts["error"] == good.counts["warning"] == 0
    assert result.exit_code == 2


def test_jobs_give_the_same_outcomes(inbox: Path) -> None:
    one = check_files([inbox], jobs=1)
    two = check_files([inbox], jobs=2)
    assert two.jobs == 2
    assert [o.to_json() for o in two.outcomes] == [o.to_json() for o in one.outcomes]


def test_exit_codes(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = inbox / "喀什.xlsx"
    wrong = inbox / "单位甲" / "喀什错.xlsx"
    assert main(["check", str(good), str(good.with_name("喀什2.xlsx"))]) == 2  # 2: missing
    out = capsys.readouterr().out
    assert "  无法读取  喀什2.xlsx：文件不存在" in out
    shutil.copy(good, good.with_name("喀什2.xlsx"))
    assert main(["check", str(good), str(good.with_name("喀什2.xlsx"))]) == 0
    capsys.readouterr()
    assert main(["check", str(good), str(wrong), "--jobs", "1"]) == 1
    captured = capsys.readouterr()
    assert "共 2 个文件：通过 1 个，有错误 1 个，无法读取 0 个。" in captured.out
    assert "  有错误  喀什错.xlsx（" + KASHGAR + "）　错误 2 条" in captured.out
    assert f"最可能填错：{DIAGNOSIS}" in captured.out
    # not a terminal: plain progress lines
    lines = [line for line in captured.err.splitlines() if line.startswith("[")]
    assert sorted(lines) == ["[1/2] 有错误  喀什错.xlsx", "[2/2] 通过  喀什.xlsx"] or sorted(
        lines
    ) == ["[1/2] 通过  喀什.xlsx", "[2/2] 有错误  喀什错.xlsx"]
    assert main(["check", str(inbox)]) == 2


def test_json_report(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(inbox), "--format", "json", "--jobs", "1"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"files": 3, "pass": 1, "errors": 1, "unreadable": 1}
    assert [f["status_name"] for f in data["files"]] == ["无法读取", "有错误", "通过"]
    assert data["files"][1]["diagnosis"] == DIAGNOSIS
    assert data["roster"] is None


def test_batch_options_refused_in_chinese(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(inbox), "--mark"]) == 2
    assert "批量校验时请用 --mark-dir" in capsys.readouterr().err
    assert main(["check", str(inbox), "--jobs", "0"]) == 2
    assert "--jobs 至少为 1" in capsys.readouterr().err
    assert main(["check", str(inbox), "-o", str(inbox / "汇总.txt")]) == 2
    assert "汇总校验结果只能写成 .xlsx 文件" in capsys.readouterr().err
    assert main(["check", str(inbox), "--roster", str(inbox / "无.txt")]) == 2
    assert "单位名单文件不存在" in capsys.readouterr().err


def test_explained_findings_are_counted(tmp_path: Path) -> None:
    _, _, report = mark_file(_with_error(tmp_path / "喀什错.xlsx"))
    book = openpyxl.load_workbook(report.path)
    sheet = book[RESULT_SHEET]
    rule, note, status = (HEADER.index(n) + 1 for n in ("规则", "说明", "状态"))
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, rule).value == "t3.total")
    sheet.cell(row, note).value, sheet.cell(row, status).value = "已核实", EXPLAINED
    book.save(report.path)
    (outcome,) = check_files([report.path], jobs=1).outcomes
    assert (outcome.status, outcome.explained, outcome.explained_errors) == ("errors", 1, 1)
    assert outcome.unexplained == sum(outcome.counts.values()) - 1
    (said,) = [f for f in outcome.findings if f.explained]
    assert (said.rule, said.note) == ("t3.total", "已核实")


# -- roster --------------------------------------------------------------------------------
def _roster_inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "报送"
    folder.mkdir()
    shutil.copy(EXAMPLES / "kashgar-2024.xlsx", folder / "喀什.xlsx")
    shutil.copy(EXAMPLES / "kashgar-2024.xlsx", folder / "喀什（重报）.xlsx")
    shutil.copy(EXAMPLES / "bazhou-2022.xlsx", folder / "巴州.xlsx")
    return folder


def test_roster_missing_unlisted_and_twice(tmp_path: Path) -> None:
    folder = _roster_inbox(tmp_path)
    roster = tmp_path / "单位名单.txt"
    roster.write_text(f"# 2024 年应报送单位\n{KASHGAR}\n\n{CHANGJI}\n某某局\n", encoding="utf-8")
    result = check_files([folder], jobs=1, roster=roster)
    assert result.roster == RosterReport(
        expected=[KASHGAR, CHANGJI, "某某局"],
        missing=[CHANGJI, "某某局"],
        unlisted=[(BAZHOU, "巴州.xlsx")],
        duplicates=[(KASHGAR, ["喀什.xlsx", "喀什（重报）.xlsx"])],
    )
    assert result.roster.lines() == [
        "单位名单 3 个单位：",
        f"  未报送（2 个）：{CHANGJI}、某某局",
        f"  不在名单中：{BAZHOU}（巴州.xlsx）",
        f"  同一单位有 2 个文件：{KASHGAR}（喀什.xlsx、喀什（重报）.xlsx）",
    ]


def test_roster_from_a_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024 年单位名单"])
    sheet.append(["序号", "单位名称", "联系人"])
    sheet.append([1, f" {KASHGAR} ", "张三"])
    sheet.append([2, BAZHOU.replace("巴州", "巴州 "), "李四"])  # spaces do not matter
    path = tmp_path / "单位名单.xlsx"
    book.save(path)
    assert read_roster(path) == [KASHGAR, BAZHOU.replace("巴州", "巴州 ")]
    result = check_files([_roster_inbox(tmp_path)], jobs=1, roster=path)
    assert result.roster is not None
    assert (result.roster.missing, result.roster.unlisted) == ([], [])
    empty = tmp_path / "空.txt"
    empty.write_text("\n# 无\n", encoding="utf-8")
    with pytest.raises(InputError, match="单位名单中没有任何单位名称"):
        read_roster(empty)


# -- summary workbook ------------------------------------------------------------------------
def _written(inbox: Path, tmp_path: Path) -> tuple[Path, Path]:
    output = tmp_path / "汇总校验结果.xlsx"
    marks = tmp_path / "已校验"
    roster = tmp_path / "名单.txt"
    roster.write_text(f"{KASHGAR}\n某某局\n", encoding="utf-8")
    code = main(
        ["check", str(inbox), "-o", str(output), "--mark-dir", str(marks), "--roster", str(roster)]
    )
    assert code == 2
    return output, marks


def test_summary_workbook(inbox: Path, tmp_path: Path) -> None:
    output, marks = _written(inbox, tmp_path)
    assert sorted(p.name for p in marks.iterdir()) == ["喀什.已校验.xlsx", "喀什错.已校验.xlsx"]
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == [SUMMARY_SHEET, FINDINGS_SHEET, ROSTER_SHEET]
    sheet = book[SUMMARY_SHEET]
    assert sheet["A1"].value == "汇总校验结果"
    assert sheet["A2"].value == "共 3 个文件：通过 1 个，有错误 1 个，无法读取 1 个"
    assert [c.value for c in sheet[4]] == SUMMARY_HEADER
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert [(r[0], r[1], r[2], r[5], r[6]) for r in rows] == [
        (1, None, "坏.xlsx", "无法读取", None),
        (2, KASHGAR, "喀什错.xlsx", "有错误", 2),
        (3, KASHGAR, "喀什.xlsx", "通过", 0),
    ]
    assert rows[1][4] == 2024 and rows[1][11] == DIAGNOSIS
    assert rows[0][12].startswith("不是有效的 Excel 工作簿")
    # links: to the marked copies (and to the file itself when there is none), all resolve
    targets = [sheet.cell(r, 3).hyperlink.target for r in range(5, 8)]
    assert targets == [
        "收件/单位乙/坏.xlsx",
        "已校验/喀什错.已校验.xlsx",
        "已校验/喀什.已校验.xlsx",
    ]
    assert all((output.parent / t).is_file() for t in targets)
    assert sheet.auto_filter.ref == "A4:M7"
    assert sheet.freeze_panes == "A5"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$4:$4"

    findings = book[FINDINGS_SHEET]
    assert [c.value for c in findings[4]] == FINDINGS_HEADER
    errors = [
        [c.value for c in row] for row in findings.iter_rows(min_row=5) if row[3].value == "错误"
    ]
    assert [(r[2], r[5], r[9], r[11]) for r in errors] == [
        ("喀什错.xlsx", "表3!F10", "t3.hierarchy", "未说明"),
        ("喀什错.xlsx", "表3!E12", "t3.total", "未说明"),
    ]
    link = next(c for c in findings["F"] if c.value == "表3!F10").hyperlink
    assert (link.target, link.location) == ("已校验/喀什错.已校验.xlsx", "'表3'!F10")

    roster = book[ROSTER_SHEET]
    assert [[c.value for c in row] for row in roster.iter_rows(min_row=5)] == [
        ["未报送", "某某局", None],
        ["同一单位多个文件", KASHGAR, "喀什.xlsx、喀什错.xlsx"],
    ]


def test_summary_of_no_files(tmp_path: Path) -> None:
    empty = tmp_path / "空"
    empty.mkdir()
    result = check_files([empty])
    assert (result.outcomes, result.exit_code) == ([], 0)
    path = write_summary(result, tmp_path / "汇总.xlsx")
    assert openpyxl.load_workbook(path)[SUMMARY_SHEET]["A2"].value.startswith("共 0 个文件")


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler-utils missing",
)
def test_summary_workbook_renders_in_libreoffice(inbox: Path, tmp_path: Path) -> None:
    from workbook_tools.writers.export.pdf import convert_to_pdf

    output, _ = _written(inbox, tmp_path)
    pdf = convert_to_pdf(output, target=tmp_path / "汇总.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = text.split("\f")
    first = pages[0]
    assert "共 3 个文件：通过 1 个，有错误 1 个，无法读取 1 个" in first
    for word in (
        "序号",
        "单位",
        "状态",
        "最可能填错",
        "坏.xlsx",
        "喀什错.xlsx",
        "无法读取",
        "有错误",
    ):
        assert word in first, word
    assert first.index("坏.xlsx") < first.index("喀什错.xlsx") < first.index("喀什.xlsx ")
    assert "第 1 页" in first
    assert any("全部问题" in page and "t3.hierarchy" in page for page in pages)
    assert any("名单核对" in page and "某某局" in page for page in pages)
    links = subprocess.run(["pdfinfo", "-url", str(pdf)], capture_output=True, text=True)
    if links.returncode == 0:  # poppler ≥ 0.86: the links LibreOffice kept, as URLs
        urls = [unquote(line.split()[-1]) for line in links.stdout.splitlines()[1:]]
        marked = [u for u in urls if u.endswith("喀什错.已校验.xlsx")]
        assert marked and (output.parent / marked[0]).resolve().is_file()


# -- the ribbon's 汇总校验 -----------------------------------------------------------------
def test_ribbon_batch_check(inbox: Path) -> None:
    from tests.fake_xlwings import FakeApp, FakeBook
    from workbook_tools.addin import on_ribbon

    roster = inbox / "单位名单.txt"
    roster.write_text(f"{KASHGAR}\n某某局\n", encoding="utf-8")
    app = FakeApp(answers=["yes"])
    book = FakeBook.open(EXAMPLES / "kashgar-2024.xlsx", app=app)
    on_ribbon("wbt_batch", str(inbox), book=book)
    summary = inbox / "汇总校验结果.xlsx"
    assert app.opened == [str(summary)]
    message = app.alerts[-1].prompt
    assert message.startswith(
        "共 3 个文件：通过 1 个，有错误 1 个，无法读取 1 个。\n无法读取  坏.xlsx："
    )
    assert f"有错误  喀什错.xlsx（{KASHGAR}）　错误 2 条" in message
    assert "  未报送（1 个）：某某局" in message
    assert sorted(p.name for p in (inbox / "已校验").iterdir()) == [
        "喀什.已校验.xlsx",
        "喀什错.已校验.xlsx",
    ]
    rows = openpyxl.load_workbook(summary)[SUMMARY_SHEET].iter_rows(min_row=5, values_only=True)
    assert [r[2] for r in rows] == ["坏.xlsx", "喀什错.xlsx", "喀什.xlsx"]
    assert app.status_texts[-1] is False and "正在汇总校验 3/3" in app.status_texts[-2]

    on_ribbon("wbt_batch", str(inbox), book=book)  # again: asks before replacing the summary
    assert "要替换它吗" in app.alerts[-2].prompt
    assert app.alerts[-1].prompt.startswith("共 3 个文件")  # marked copies are not re-checked

    on_ribbon("wbt_batch", str(inbox / "没有"), book=book)
    assert "所选文件夹不存在或无法访问" in app.alerts[-1].prompt


def test_strict_counts_unexplained_warnings(tmp_path: Path) -> None:
    source = tmp_path / "昌吉.xlsx"
    shutil.copy(EXAMPLES / "changji-2024.xlsx", source)
    result = check_files([source], jobs=1)
    assert (result.exit_code, result.strict_exit_code()) == (0, 1)
    _, _, report = mark_file(source)
    book = openpyxl.load_workbook(report.path)
    sheet = book[RESULT_SHEET]
    severity, status = HEADER.index("严重程度") + 1, HEADER.index("状态") + 1
    for r in range(1, sheet.max_row + 1):
        if sheet.cell(r, severity).value == "警告" and sheet.cell(r, status).value:
            sheet.cell(r, status).value = EXPLAINED
    book.save(report.path)
    (outcome,) = (explained := check_files([report.path], jobs=1)).outcomes
    assert outcome.explained == outcome.counts["warning"] > 0
    assert (explained.exit_code, explained.strict_exit_code()) == (0, 0)
