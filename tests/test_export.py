"""Export of the publishable tables: golden files, round trip, cleanliness, refusal."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from tests.xlsx_compare import diff_xlsx
from workbook_tools.cli import main
from workbook_tools.io.reader import read_workbook
from workbook_tools.spec import load_spec
from workbook_tools.writers.export import export_file

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("WBT_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("name", ["changji-2024", "kashgar-2024"])
def test_export_matches_golden_file(name: str, tmp_path: Path) -> None:
    out = export_file(EXAMPLES / f"{name}.xlsx", output=tmp_path / "out.xlsx").path
    golden = GOLDEN / f"{name}-export.xlsx"
    if UPDATE:
        shutil.copy(out, golden)
    difference = diff_xlsx(out, golden)
    assert not difference, "export layout changed (WBT_UPDATE_GOLDEN=1 to accept):\n" + difference


def test_golden_comparison_catches_a_change(tmp_path: Path) -> None:
    out = export_file(EXAMPLES / "kashgar-2024.xlsx", output=tmp_path / "out.xlsx").path
    book = openpyxl.load_workbook(out)
    book["表3"]["E8"] = 999
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    assert diff_xlsx(changed, GOLDEN / "kashgar-2024-export.xlsx")


@pytest.mark.parametrize(
    "workbook", ["changji-2024.xlsx", "kashgar-2024.xlsx", "changji-2024-system.xlsx"]
)
def test_round_trip_gives_the_source_data(workbook: str, tmp_path: Path) -> None:
    source = read_workbook(EXAMPLES / workbook)
    exported = read_workbook(export_file(EXAMPLES / workbook, output=tmp_path / "o.xlsx").path)
    spec = load_spec(source.set_id)
    assert (exported.unit, exported.year, exported.set_id) == (
        source.unit,
        source.year,
        source.set_id,
    )
    assert set(exported.tables) == {t.id for t in spec.tables if t.publish}
    for table_id, table in source.plain()["tables"].items():
        if not spec.table(table_id).publish:
            continue
        got = exported.plain()["tables"][table_id]
        assert got["rows"] == table["rows"], table_id
        # the standard remark is added where the source has none
        standard = spec.table(table_id).remark
        assert got["remarks"] == (table["remarks"] or ([standard] if standard else [])), table_id


def test_export_is_clean_for_publishing(tmp_path: Path) -> None:
    report = export_file(EXAMPLES / "changji-2024.xlsx")
    try:
        path = report.path
        assert path.name == "2024年昌吉回族自治州政务服务和公共资源交易中心部门预算公开表.xlsx"
        book = openpyxl.load_workbook(path)
        forms = ["部门整体绩效目标表", "项目支出绩效目标表"]  # after the 11 tables
        assert book.sheetnames == [f"表{n}" for n in range(1, 12)] + forms
        props = book.properties
        assert props.title == "2024年昌吉回族自治州政务服务和公共资源交易中心部门预算公开表"
        assert not props.creator and not props.lastModifiedBy
        for sheet in book.worksheets:
            assert sheet.sheet_state == "visible"
            assert not any(d.hidden for d in sheet.row_dimensions.values())
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate)
                    assert cell.comment is None
            assert int(sheet.page_setup.paperSize) == 9  # A4
            # one page scaled to fit, or one page wide at a fixed scale with page breaks
            assert sheet.sheet_properties.pageSetUpPr.fitToPage or sheet.page_setup.scale
            assert sheet.print_title_rows or sheet.title in forms  # a form: a page per block
            assert "&P" in sheet.oddFooter.center.text
        t2 = book["表2"]
        assert t2.page_setup.orientation == "landscape"
        assert t2["E7"].number_format == "#,##0.00;-#,##0.00;;@"
        assert t2["E7"].font.b and t2["E7"].font.name == "宋体"
        assert t2["A2"].font.name == "黑体" and t2["A2"].font.sz == 16
        assert t2["A2"].value == "部门收入总体情况表"  # the seeds: no year in the title …
        assert "2024年部门预算公开表" in t2.oddHeader.right.text  # … but in the page header
        t6 = book["表6"]
        bold = {t6.cell(r, 3).value for r in range(7, t6.max_row) if t6.cell(r, 3).font.b}
        assert bold == {"总计", "工资福利支出", "商品和服务支出", "对个人和家庭的补助"}
        assert t6.row_dimensions[7].height and t6["C7"].font.name == "宋体"
        t7 = book["表7"]
        long_names = [c for c in t7["E"] if isinstance(c.value, str) and len(c.value) > 20]
        assert long_names and all(c.alignment.wrap_text for c in long_names)
        assert all(t7.row_dimensions[c.row].height >= 36 for c in long_names)
        assert t2["E7"].fill.fill_type is None
    finally:
        report.path.unlink()


def test_errors_block_export_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    book["表3"]["F12"] = 178.72
    source = tmp_path / "k.xlsx"
    book.save(source)
    out = tmp_path / "pub.xlsx"
    assert main(["export", str(source), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "未导出" in err and "表3!E12" in err
    assert not out.exists()
    assert main(["export", str(source), "-o", str(out), "--force"]) == 0
    captured = capsys.readouterr()
    assert "已按 --force 强制导出" in captured.err and out.exists()


def test_warnings_do_not_block(tmp_path: Path) -> None:
    report = export_file(EXAMPLES / "changji-2024.xlsx", output=tmp_path / "c.xlsx")
    # 29 tails and the unnamed row, 7 warnings of the 绩效目标表 (tests/test_forms.py)
    assert report.result.summary["warning"] == 36 and not report.forced


def test_missing_empty_table_remark_is_generated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    sheet = book["表9"]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "为空表" in cell.value:
                cell.value = None
    source = tmp_path / "k.xlsx"
    book.save(source)
    out = tmp_path / "pub.xlsx"
    assert main(["export", str(source), "-o", str(out), "--force"]) == 0
    expected = (
        "新疆维吾尔自治区喀什地区喀什市政务服务中心2024年没有使用国有资本经营预算拨款安排的支出，"
        "国有资本经营预算支出情况表为空表。"
    )
    assert f"已补充空表说明：{expected}" in capsys.readouterr().out
    remarks = [r.text for r in read_workbook(out).tables["t9"].remarks]
    assert remarks[0] == expected


def test_pdf_without_libreoffice_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    out = tmp_path / "pub.xlsx"
    assert main(["export", str(EXAMPLES / "kashgar-2024.xlsx"), "-o", str(out), "--pdf"]) == 2
    assert "未找到 LibreOffice" in capsys.readouterr().err
    assert not out.exists()
