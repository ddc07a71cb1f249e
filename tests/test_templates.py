from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from templates.build import PLACEHOLDER_UNIT, build
from tests.conftest import TEMPLATES
from workbook_tools.cli import main
from workbook_tools.io.reader import read_workbook
from workbook_tools.spec import load_spec


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_committed_templates_match_the_specs(tmp_path: Path) -> None:
    for fresh in build(tmp_path):
        committed = TEMPLATES / fresh.name
        assert committed.exists(), f"{committed} missing: run python templates/build.py"
        assert _parts(fresh) == _parts(committed), (
            f"{committed.name} drifted from its spec: run python templates/build.py"
        )


@pytest.mark.parametrize("set_id", ["budget-2024", "budget-2025"])
def test_template_reads_back_as_empty_tables(set_id: str) -> None:
    spec = load_spec(set_id)
    data = read_workbook(TEMPLATES / f"{set_id}.xlsx")
    assert data.set_id == set_id
    assert data.unit == PLACEHOLDER_UNIT
    assert data.year == spec.year
    assert list(data.tables) == [t.id for t in spec.tables]
    for table in data.tables.values():
        assert table.is_empty(), table.id
        assert table.sheet == spec.table(table.id).sheet_name
        if spec.table(table.id).form is None:  # a form's amounts say （万元） in their labels
            assert table.money_unit == "万元"
    t1 = data.tables["t1"]
    lines = [r.key for r in t1.rows if r.panel == "left"]
    assert lines == [line.key for line in spec.table("t1").lines]
    classes = [r.code for r in t1.rows if r.panel == "right" and r.kind == "lei"]
    assert classes == [c.code for c in spec.function_classes]
    t10 = data.tables["t10"]
    assert [r.key for r in t10.rows] == [line.key for line in spec.table("t10").lines]
    for table_id in ("t2", "t3", "t5", "t6", "t7", "t8", "t9", "t11"):
        kinds = [r.kind for r in data.tables[table_id].rows]
        assert kinds == ["total"], (table_id, kinds)
    supplement = data.tables["s1"]
    assert [r.key for r in supplement.rows] == [line.key for line in spec.table("s1").lines]
    assert data.tables["s2"].rows == []


def test_template_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "模板.xlsx"
    code = main(
        ["template", "--set", "budget-2025", "--unit", "某某局", "--year", "2025", "-o", str(out)]
    )
    assert code == 0
    assert "已生成模板" in capsys.readouterr().out
    data = read_workbook(out)
    assert (data.unit, data.year, data.set_id) == ("某某局", 2025, "budget-2025")
    assert main(["template", "--unit", "某某局", "--year", "2025", "-o", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err


def test_template_layout_details() -> None:
    import openpyxl

    book = openpyxl.load_workbook(TEMPLATES / "budget-2024.xlsx")
    forms = ["部门整体绩效目标表", "项目支出绩效目标表"]  # printed after the 情况说明
    assert book.sheetnames == [f"表{n}" for n in range(1, 12)] + ["上年数及说明", *forms]
    supplement = book["上年数及说明"]
    assert supplement["A2"].value == "2024年上年数及其他说明数据"
    assert supplement["A1"].value is None  # no 表N label: not a published table
    sheet = book["表2"]
    assert sheet["A2"].value == "部门收入总体情况表"  # no year: conventions.title_year
    assert sheet["A3"].value == f"编制部门：{PLACEHOLDER_UNIT}"
    assert sheet["P3"].value == "单位：万元"
    assert "F4:L4" in {str(r) for r in sheet.merged_cells.ranges}  # 财政拨款（补助）
    assert [sheet.cell(6, c).value for c in range(1, 7)] == ["※", "※", "※", "※", 1, 2]
    assert sheet["D7"].value == "总计"
    # input cells unlocked and plain, derived cells (总计 column, total row) shaded
    assert sheet["G8"].protection.locked is False and sheet["G8"].fill.fgColor.rgb in (
        None,
        "00000000",
    )
    assert sheet["E8"].fill.fgColor.rgb == "FFE7E6E6"
    assert sheet["G7"].fill.fgColor.rgb == "FFE7E6E6"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$4:$6"  # header and ※ rows
    assert book["表3"].page_setup.orientation == "portrait"
