"""绩效目标表 (layout ``form``): reading, the checks against the tables, round trip, export.

Cells are those of the examples built from the seeds (``examples/data/*/t14.tsv``,
``t15.tsv``): in changji-2024.xlsx the 部门整体绩效目标表 has its 资金 in E7:E9 and its
weights in F11:F17; the 项目支出绩效目标表 has one block per project, the first with 年度预算总额
D5, 财政拨款 F5, 其他资金 H5 and its weights in G8:G19.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from examples.build import SYSTEM_STYLE, load_example
from tests.conftest import EXAMPLES
from tests.helpers import set_amount
from workbook_tools.io.model import Row, WorkbookData
from workbook_tools.io.reader import read_workbook
from workbook_tools.narrative.figures import compute_figures
from workbook_tools.narrative.textcheck import check_text
from workbook_tools.rules import check_workbook
from workbook_tools.rules.findings import CellRef, Finding
from workbook_tools.rules.kinds.forms_projects import project_key
from workbook_tools.rules.kinds.forms_values import parse_value
from workbook_tools.spec import load_spec
from workbook_tools.writers.template import TableContent, write_workbook

CHANGJI = EXAMPLES / "changji-2024.xlsx"
KASHGAR = EXAMPLES / "kashgar-2024.xlsx"
DEPT, PROJ = "部门整体绩效目标表", "项目支出绩效目标表"


@pytest.fixture(scope="module")
def pristine() -> WorkbookData:
    return read_workbook(CHANGJI)


@pytest.fixture
def changji(pristine: WorkbookData) -> WorkbookData:
    return copy.deepcopy(pristine)


def _field(data: WorkbookData, table: str, key: str, block: int = 0) -> Row:
    return next(
        r
        for r in data.tables[table].rows
        if r.kind == "field" and r.key == key and r.block == block
    )


def _indicator(data: WorkbookData, table: str, name: str, block: int = 0) -> Row:
    return next(
        r
        for r in data.tables[table].rows
        if r.kind == "indicator" and r.name == name and r.block == block
    )


def _errors(data: WorkbookData, prefix: str = "perf_") -> list[Finding]:
    return [
        f
        for f in check_workbook(data).findings
        if f.severity == "error" and f.rule.startswith(prefix)
    ]


def _cells(finding: Finding) -> set[str]:
    return {f"{c.sheet}!{c.cell}" for c in finding.cells}


def _seed_forms_findings(data: WorkbookData) -> list[tuple[str, str, str]]:
    return [
        (f.rule, f.severity, f.cell)
        for f in check_workbook(data).findings
        if f.table in ("perf_dept", "perf_proj") or f.rule.startswith("perf_")
    ]


# -- the seeds' forms: only their real inconsistencies ---------------------------------
def test_changji_forms_report_only_the_seeds_own_inconsistencies(pristine: WorkbookData) -> None:
    found = _seed_forms_findings(pristine)
    assert [f for f in found if f[1] == "error"] == []
    # 部门整体: 0.00 + 1,043.02 + 375.70 = 1,418.72 = 表1 收入总计, weights 90: nothing
    assert not [f for f in found if f[0].startswith("perf_dept.")]
    assert sorted(f for f in found if f[1] == "warning") == sorted(
        [
            # the seed's 364.00 万元 of 非财政拨款 projects; its one such form says 360.00
            ("perf_proj.other_amount", "warning", "B54"),
            # 上年完成值 printed without the unit of the target (1 vs =1 条, 3 vs =3 次, 100)
            ("perf_proj.last_unit", "warning", "F11"),
            ("perf_proj.last_unit", "warning", "F91"),
            ("perf_proj.last_unit", "warning", "F154"),
            # the seed's 等保测评, 国密改造 and 机构运行补助 forms have no 满意度指标
            ("perf_proj.levels", "warning", "A58"),
            ("perf_proj.levels", "warning", "A75"),
            ("perf_proj.levels", "warning", "A126"),
        ]
    )
    hints = sorted(f[0] for f in found if f[1] == "hint")
    assert hints == ["perf_proj.below_last"] * 9 + ["perf_proj.t7_name"] * 4


def test_other_amount_of_the_text_against_the_forms(pristine: WorkbookData) -> None:
    finding = next(
        f for f in check_workbook(pristine).findings if f.rule == "perf_proj.other_amount"
    )
    assert (finding.sheet, finding.cell) == ("上年数及说明", "B54")
    assert (finding.actual, finding.expected) == (Decimal("364.00"), Decimal("360.00"))
    assert CellRef(PROJ, "D123") in finding.cells  # 机构运行补助（自有资金）年度预算总额
    assert "364.00" in finding.message and "360.00" in finding.message


def test_kashgar_forms_only_hint_at_targets_below_last_year() -> None:
    found = _seed_forms_findings(read_workbook(KASHGAR))
    assert found == [
        ("perf_proj.below_last", "hint", cell) for cell in ("D17", "D26", "D27", "D36", "D54")
    ]


def test_bazhou_forms_are_clean() -> None:
    data = read_workbook(EXAMPLES / "bazhou-2022.xlsx")
    assert len({r.block for r in data.tables["perf_proj"].rows}) == 4
    assert _seed_forms_findings(data) == []


# -- 部门整体绩效目标表 ---------------------------------------------------------------------
def test_department_sources_add_up_to_the_income_total(changji: WorkbookData) -> None:
    cell = set_amount(_field(changji, "perf_dept", "own"), "value", "1043.20")
    assert cell == "E8"
    found = {f.rule: f for f in _errors(changji)}
    sources = found["perf_dept.sources"]
    assert (sources.sheet, sources.cell) == (DEPT, "E7")
    assert _cells(sources) >= {f"{DEPT}!E7", f"{DEPT}!E8", f"{DEPT}!E9", "表1!B36"}
    assert (sources.actual, sources.expected) == (Decimal("1418.90"), Decimal("1418.72"))
    # 财政资金 (上级 + 本级) = 表4 财政拨款（补助）
    fiscal = found["perf_dept.fiscal"]
    assert (fiscal.actual, fiscal.expected) == (Decimal("1043.20"), Decimal("1043.02"))
    assert f"{DEPT}!E8" in _cells(fiscal)


def test_department_upper_funds_are_the_transfers(changji: WorkbookData) -> None:
    set_amount(_field(changji, "perf_dept", "upper"), "value", "10.00")
    rules = {f.rule for f in _errors(changji)}
    assert {"perf_dept.upper", "perf_dept.sources", "perf_dept.fiscal"} <= rules


def test_department_weights_add_up_to_the_spec_total(changji: WorkbookData) -> None:
    row = _indicator(changji, "perf_dept", "对接政采云项目数量")
    assert set_amount(row, "weight", "12") == "F12"
    (finding,) = _errors(changji)
    assert finding.rule == "perf_dept.weights"
    assert (finding.actual, finding.expected) == (Decimal("92"), Decimal("90"))
    assert _cells(finding) == {f"{DEPT}!F{n}" for n in range(11, 18)}
    spec = load_spec("budget-2024")
    weights = next(r for r in spec.relations if r.id == "perf_dept.weights")
    assert weights.params["total"] == 90  # the region's total is data, not code


def test_every_indicator_has_a_weight(changji: WorkbookData) -> None:
    set_amount(_indicator(changji, "perf_dept", "对接政采云项目数量"), "weight", None)
    assert {(f.rule, f.cell) for f in _errors(changji)} == {
        ("perf_dept.weights", "F11"),
        ("perf_dept.weight_given", "F12"),
    }


# -- 项目支出绩效目标表 ---------------------------------------------------------------------
def test_project_total_is_fiscal_plus_other(changji: WorkbookData) -> None:
    assert set_amount(_field(changji, "perf_proj", "other", 3), "value", "5.00") == "H55"
    (finding,) = _errors(changji)
    assert (finding.rule, finding.sheet, finding.cell) == ("perf_proj.total", PROJ, "D55")
    assert _cells(finding) == {f"{PROJ}!D55", f"{PROJ}!F55", f"{PROJ}!H55"}
    assert (finding.actual, finding.expected) == (Decimal("24.00"), Decimal("25.00"))
    assert "等保测评" in finding.message


def test_project_fiscal_is_its_table7_amount(changji: WorkbookData) -> None:
    set_amount(_field(changji, "perf_proj", "fiscal", 6), "value", "9.00")  # 公告费
    set_amount(_field(changji, "perf_proj", "total", 6), "value", "9.00")
    (finding,) = _errors(changji)
    assert (finding.rule, finding.cell) == ("perf_proj.t7", "F107")
    assert _cells(finding) == {f"{PROJ}!F107", "表7!F16"}
    assert (finding.actual, finding.expected) == (Decimal("9.00"), Decimal("8.00"))


def test_project_names_match_tolerantly(changji: WorkbookData) -> None:
    assert project_key("2024年“吉速办”运维项目") == "吉速办运维"
    assert project_key("机构运行补助（自有资金）") == project_key("机构运行补助(自有资金)")
    assert project_key(" 公告 费 ") == "公告费"
    # a year prefix, spaces and full-width brackets: still the same project, not even a hint
    _field(changji, "perf_proj", "project", 6).texts["value"] = "2024年度 公告费项目"
    found = check_workbook(changji).findings
    assert not [f for f in found if f.rule.startswith("perf_proj.t7") and "公告费" in f.message]


def test_a_form_whose_project_is_not_in_table7(changji: WorkbookData) -> None:
    _field(changji, "perf_proj", "project", 6).texts["value"] = "宣传画册印制"
    found = {f.rule: f for f in _errors(changji)}
    unlisted = found["perf_proj.t7"]
    assert (unlisted.cell, _cells(unlisted)) == ("C106", {f"{PROJ}!C106", f"{PROJ}!F107"})
    assert "表7中没有这个项目" in unlisted.message
    missing = found["perf_proj.t7_covered"]  # and 公告费 of 表7 now has no form
    assert (missing.sheet, missing.cell) == ("表7", "D16")
    assert "「公告费」没有项目支出绩效目标表" in missing.message


def test_a_unit_funds_project_needs_no_table7_line(pristine: WorkbookData) -> None:
    found = check_workbook(pristine).findings
    assert not [f for f in found if f.rule == "perf_proj.t7" and "机构运行补助" in f.message]


def _drop_block(data: WorkbookData, block: int) -> None:
    table = data.tables["perf_proj"]
    table.rows = [r for r in table.rows if r.block != block]


def test_every_table7_project_has_a_form(changji: WorkbookData) -> None:
    _drop_block(changji, 8)  # 快递费
    (finding,) = _errors(changji)
    assert (finding.rule, finding.sheet, finding.cell) == ("perf_proj.t7_covered", "表7", "D18")


def test_a_missing_form_with_its_reason_is_a_hint(changji: WorkbookData) -> None:
    _drop_block(changji, 8)
    note = Row("note", "未公开绩效目标表的原因：快递费为单位日常运转支出，金额较小", block=7)
    changji.tables["perf_proj"].rows.append(note)
    assert _errors(changji) == []
    (hint,) = [f for f in check_workbook(changji).findings if f.rule == "perf_proj.t7_covered"]
    assert (hint.severity, hint.cell) == ("hint", "D18")
    assert "已说明原因" in hint.message


def test_project_weights_add_up_to_ninety(changji: WorkbookData) -> None:
    assert set_amount(_indicator(changji, "perf_proj", "平台维护数量"), "weight", "8") == "G8"
    (finding,) = _errors(changji)
    assert (finding.rule, finding.cell) == ("perf_proj.weights", "G8")
    assert (finding.actual, finding.expected) == (Decimal("91"), Decimal("90"))
    assert len(finding.cells) == 12  # the block's 12 indicators


def test_first_level_indicators_present(pristine: WorkbookData) -> None:
    found = [f for f in check_workbook(pristine).findings if f.rule == "perf_proj.levels"]
    assert [(f.cell, f.severity) for f in found] == [
        ("A58", "warning"),
        ("A75", "warning"),
        ("A126", "warning"),
    ]
    assert "没有满意度类指标" in found[0].message


@pytest.mark.parametrize(
    ("text", "kind", "op", "unit"),
    [
        ("=365 天", "quantity", "=", "天"),
        ("> =90%", "quantity", ">=", "%"),
        ("≥4次/月", "quantity", ">=", "次/月"),
        ("＞=3 个", "quantity", ">=", "个"),
        ("< =165. 5 万元", "quantity", "<=", "万元"),
        ("保障", "words", None, ""),
        ("持续推进", "words", None, ""),
        ("2024年11月底前", "deadline", None, ""),
        ("10%-20%", "range", None, "%"),
        ("365", "number", None, ""),
        ("=365", "quantity", "=", ""),
        ("好", "unknown", None, ""),
    ],
)
def test_indicator_values_parse(text: str, kind: str, op: str | None, unit: str) -> None:
    stems = ["保障", "推进"]
    value = parse_value(text, stems)
    assert (value.kind, value.op, value.unit) == (kind, op, unit)


def test_malformed_indicator_values(changji: WorkbookData) -> None:
    _indicator(changji, "perf_proj", "平台维护数量").texts["target"] = "1"
    _indicator(changji, "perf_proj", "保障办公人数").texts["target"] = "=39"
    _indicator(changji, "perf_proj", "发送短信数量").texts["target"] = "好"
    found = [f for f in check_workbook(changji).findings if f.rule == "perf_proj.target_format"]
    assert [(f.cell, f.severity) for f in found] == [
        ("D8", "warning"),
        ("D9", "warning"),
        ("D10", "warning"),
    ]
    assert "缺少运算符" in found[0].message
    assert "缺少计量单位" in found[1].message
    assert "既不是" in found[2].message


def test_last_year_value_in_another_unit(changji: WorkbookData) -> None:
    _indicator(changji, "perf_proj", "平台维护数量").texts["last_value"] = "1 个"
    found = {f.cell: f for f in check_workbook(changji).findings if f.rule == "perf_proj.last_unit"}
    assert found["F8"].severity == "warning" and (found["F8"].expected, found["F8"].actual) == (
        "套",
        "个",
    )


def test_a_target_below_last_years_value_is_a_hint(pristine: WorkbookData) -> None:
    found = [f for f in check_workbook(pristine).findings if f.rule == "perf_proj.below_last"]
    first = found[0]
    assert (first.severity, first.cell, first.actual) == ("hint", "D13", ">=90%")
    assert _cells(first) == {f"{PROJ}!D13", f"{PROJ}!F13"}  # 服务质量达标率, last year 100%


# -- the 情况说明's 预算绩效情况 against the forms ------------------------------------------
def test_text_checked_against_the_forms(pristine: WorkbookData) -> None:
    figures = compute_figures(pristine)
    got = {
        k: figures.get(k).amount
        for k in (
            "perf_overall",
            "perf_fin_projects",
            "perf_fin_amount",
            "perf_other_projects",
            "perf_other_amount",
        )
    }
    assert got == {
        "perf_overall": 1,
        "perf_fin_projects": 8,
        "perf_fin_amount": Decimal("412.00"),
        "perf_other_projects": 1,
        "perf_other_amount": Decimal("360.00"),
    }
    text = (EXAMPLES / "data" / "changji-2024" / "part3.txt").read_text(encoding="utf-8")
    result = check_text(text, figures)
    (finding,) = [f for f in result.findings if f.severity == "error"]
    assert finding.rule == "n.amount"
    assert (finding.expected, finding.actual) == (Decimal("360.00"), Decimal("364.00"))
    assert "364.00" in finding.message and CellRef(PROJ, "D123") in finding.cells


def test_text_figures_fall_back_to_the_supplement_without_forms(changji: WorkbookData) -> None:
    del changji.tables["perf_proj"], changji.tables["perf_dept"]
    figures = compute_figures(changji)
    assert figures.get("perf_other_amount").amount == Decimal("364.00")


# -- layouts, round trip, export -------------------------------------------------------
def test_one_sheet_per_project_reads_as_the_same_data(pristine: WorkbookData) -> None:
    system = read_workbook(EXAMPLES / "changji-2024-system.xlsx")
    assert system.plain()["tables"]["perf_proj"] == pristine.plain()["tables"]["perf_proj"]
    assert system.plain()["tables"]["perf_dept"] == pristine.plain()["tables"]["perf_dept"]
    sheets = {r.sheet for r in system.tables["perf_proj"].rows}
    assert sheets == {f"项目绩效{n}" for n in range(1, 10)}


def test_round_trip_template_fill_extract(tmp_path: Path) -> None:
    from workbook_tools.cli import main

    spec, unit, year, content = load_example("changji-2024")
    forms = {}
    for table_id in ("perf_dept", "perf_proj"):
        rows = [copy.deepcopy(r) for r in content[table_id].rows]
        for row in rows:  # leave the derived 年度预算总额 blank: fill computes it
            if row.kind == "field" and row.key == "total":
                row.values = {}
        forms[table_id] = TableContent(rows, content[table_id].remarks)
    path = write_workbook(tmp_path / "填写.xlsx", spec, unit, year, content | forms)
    blank = read_workbook(path)
    assert _field(blank, "perf_proj", "total", 3).values["value"].value is None
    assert main(["fill", str(path), "--in-place"]) == 0
    filled = read_workbook(path)
    assert _field(filled, "perf_proj", "total", 3).values["value"].value == Decimal("24.00")
    original = read_workbook(CHANGJI)
    for table_id in ("perf_dept", "perf_proj"):
        assert filled.plain()["tables"][table_id] == original.plain()["tables"][table_id]


def test_blank_template_has_form_blocks_and_no_findings() -> None:
    data = read_workbook(Path(__file__).parent.parent / "templates" / "budget-2024.xlsx")
    assert {"perf_dept", "perf_proj"} <= set(data.tables)
    blocks = {r.block for r in data.tables["perf_proj"].rows}
    assert blocks == set(range(load_spec("budget-2024").table("perf_proj").form.blocks))
    assert [f for f in check_workbook(data).findings if f.table.startswith("perf_")] == []


def test_system_style_sheet_names_for_the_forms() -> None:
    assert SYSTEM_STYLE.block_sheets
    book = openpyxl.load_workbook(EXAMPLES / "changji-2024-system.xlsx", read_only=True)
    assert "部门整体绩效1" in book.sheetnames and "项目绩效9" in book.sheetnames


# -- mutation coverage of the forms' amounts and weights --------------------------------
@pytest.mark.parametrize(
    ("workbook", "cells"), [("changji-2024.xlsx", 122), ("kashgar-2024.xlsx", 48)]
)
def test_every_form_amount_and_weight_is_covered(workbook: str, cells: int) -> None:
    """±1.00, a digit swap, ×10000 and blanking each 资金 field and 分值权重 of the forms
    give an error naming that cell (as tests/test_mutations.py does for the tables)."""
    from tests.test_mutations import mutations

    data = read_workbook(EXAMPLES / workbook)
    uncovered: dict[str, list[str]] = {}
    total = 0
    for table_id in ("perf_dept", "perf_proj"):
        for row in data.tables[table_id].rows:
            for key, amount in list(row.values.items()):
                if amount.value is None:
                    continue
                total += 1
                ref = CellRef(row.sheet, amount.cell)  # type: ignore[arg-type]
                for name, new in mutations(amount.value):
                    if new is None:
                        del row.values[key]
                    else:
                        row.values[key] = type(amount)(new, amount.cell)
                    found = check_workbook(data).findings
                    row.values[key] = amount
                    if not any(f.severity == "error" and ref in f.cells for f in found):
                        uncovered.setdefault(f"{ref.sheet}!{ref.cell}", []).append(name)
    assert total == cells
    assert uncovered == {}


# -- export and the draft -----------------------------------------------------------------
def test_export_prints_a_page_per_project_after_the_tables(tmp_path: Path) -> None:
    from workbook_tools.writers.export import export_file

    out = export_file(CHANGJI, output=tmp_path / "公开.xlsx").path
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-3:] == ["表11", DEPT, PROJ]
    sheet = book[PROJ]
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "portrait"
    titles = [c.row for c in sheet["A"] if c.value == PROJ]
    assert len(titles) == 9  # one block per project …
    assert [b.id + 1 for b in sheet.row_breaks.brk] == titles[1:]  # … each on a new page
    assert sheet.page_setup.scale and int(sheet.page_setup.scale) <= 100
    assert sheet["A1"].font.name == "黑体" and sheet["C3"].font.name == "宋体"
    back = read_workbook(out)
    names = [r.texts.get("value") for r in back.tables["perf_proj"].rows if r.key == "project"]
    assert len(names) == 9 and names[0] == "12345 云呼叫中心平台技术服务运维费"
    fiscal = [r.values["value"].value for r in back.tables["perf_proj"].rows if r.key == "fiscal"]
    assert sum(v for v in fiscal if v is not None) == Decimal("412.00")


def test_narrative_appends_the_forms(tmp_path: Path) -> None:
    from docx import Document

    from workbook_tools.cli import main

    md = tmp_path / "说明.md"
    assert main(["narrative", str(CHANGJI), "-o", str(md), "--forms"]) == 0
    text = md.read_text(encoding="utf-8")
    assert text.count(f"## {PROJ}") == 9 and text.count(f"## {DEPT}") == 1
    assert "| 产出指标 | 数量指标 | 平台维护数量 | =1 套 |" in text
    assert text.index("预算绩效情况") < text.index(f"## {DEPT}")
    docx = tmp_path / "说明.docx"
    assert main(["narrative", str(CHANGJI), "-o", str(docx), "--forms"]) == 0
    document = Document(str(docx))
    assert len(document.tables) == 10
    first = document.tables[1]
    assert first.cell(1, 2).text == "12345 云呼叫中心平台技术服务运维费"
    assert first.cell(2, 3).text == "288.00"  # 年度预算总额
    titles = [p for p in document.paragraphs if p.text == PROJ]
    assert len(titles) == 9 and all(p.paragraph_format.page_break_before for p in titles)
    plain = tmp_path / "无表.md"
    assert main(["narrative", str(CHANGJI), "-o", str(plain)]) == 0
    assert f"## {PROJ}" not in plain.read_text(encoding="utf-8")  # only when asked


# -- the spec ---------------------------------------------------------------------------
def test_spec_problems_of_form_relations_and_figures() -> None:
    from dataclasses import replace

    from workbook_tools.spec.narrative import FormTallySpec
    from workbook_tools.spec.validate import _relation_shape, narrative_problems

    spec = load_spec("budget-2024")
    tables = {t.id: t for t in spec.tables}
    tally = next(r for r in spec.relations if r.id == "perf_proj.fin_amount")
    assert list(_relation_shape(tally, tables)) == []
    bad = replace(tally, params={"sum": "no_field"}, left=None)
    assert set(_relation_shape(bad, tables)) == {
        "表 perf_proj 没有金额字段 no_field",
        "form_tally 类关系需要 left（其他表的单元格引用列表）",
    }
    weights = next(r for r in spec.relations if r.id == "perf_proj.weights")
    assert list(_relation_shape(replace(weights, params={"column": "nope", "total": 90}), tables))
    narrative = spec.narrative
    assert narrative is not None and narrative_problems(narrative, tables) == []
    group = next(g for g in narrative.figures if any(i.key == "perf_fin_amount" for i in g.items))
    item = next(i for i in group.items if i.key == "perf_fin_amount")
    wrong = replace(item, forms=FormTallySpec("t7", sum="total"))
    broken = replace(narrative, figures=[replace(group, items=[wrong])])
    assert any("不是布局为 form 的表" in p for p in narrative_problems(broken, tables))
