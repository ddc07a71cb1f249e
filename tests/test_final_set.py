"""The 决算 set (final-2023, final-2024) end to end on the urumqi example: the nine national
tables as the official template prints them, read back in other shapes, checked, filled,
marked, cleared, exported, and a consolidated 决算 checked like a unit's."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from examples.build import load_example
from tests.conftest import EXAMPLES, TEMPLATES
from tests.helpers import find_row, set_amount
from tests.test_fill import _blank_derived
from workbook_tools.cli import main
from workbook_tools.io.model import WorkbookData
from workbook_tools.io.reader import read_workbook
from workbook_tools.rules import check_workbook
from workbook_tools.rules.fill import apply_fill, plan_fill
from workbook_tools.spec import load_spec
from workbook_tools.writers.export.publish import default_name
from workbook_tools.writers.fill import fill_file
from workbook_tools.writers.template import LayoutStyle, write_workbook

URUMQI = EXAMPLES / "urumqi-2023-final.xlsx"
UNIT = "乌鲁木齐市政务服务管理局(汇总)"
NINE = [
    (1, "t1", "收入支出决算总表", "two_panel_footer"),
    (2, "t2", "收入决算表", "code"),
    (3, "t3", "支出决算表", "code"),
    (4, "t4", "财政拨款收入支出决算总表", "two_panel_footer"),
    (5, "t5", "一般公共预算财政拨款支出决算表", "code"),
    (6, "t6", "一般公共预算财政拨款基本支出决算表", "lanes"),
    (7, "t7", "财政拨款“三公”经费支出决算表", "one_row"),
    (8, "t8", "政府性基金预算财政拨款收入支出决算表", "code"),
    (9, "t9", "国有资本经营预算财政拨款收入支出决算表", "code"),
]
SELF_EVALUATION = [
    (10, "perf_dept", "部门（单位）整体支出绩效自评表", "form"),
    (11, "perf_proj", "项目支出绩效自评表", "form"),
]
TABLES = [t[1] for t in NINE + SELF_EVALUATION]
# The seed's own 0.01 tails (its text prints every figure involved), reproduced in the tables.
SEED_TAILS = [
    ("t1.expenditure_this_year", "表1", "D30"),  # classes 1,850.66 + 173.78 + 100.00 = 2,124.44
    ("t1.income_total", "表1", "B33"),  # 2,125.84 + 0.00 + 9.42 = 2,135.26 ≠ 2,135.25
    ("t1.expenditure_total", "表1", "D33"),  # 2,124.45 + 0.00 + 10.81 = 2,135.26 ≠ 2,135.25
    ("t3.hierarchy", "表3", "C6"),
    ("t3.total", "表3", "C6"),  # 基本 1,370.11 + 项目 754.33 = 2,124.44 ≠ 2,124.45
    ("t3.hierarchy", "表3", "C8"),
    ("t3.hierarchy", "表3", "E8"),
    ("t3.hierarchy", "表3", "C14"),
    ("t3.hierarchy", "表3", "D14"),
    ("t4.expenditure_this_year", "表4", "D30"),
    ("t4.expenditure_this_year", "表4", "E30"),
    ("t5.hierarchy", "表5", "C7"),  # 201 03 items 359.36 + 84.48 + 836.97 + 569.86 = 1,850.67
    ("t5.hierarchy", "表5", "E7"),
    ("t5.hierarchy", "表5", "C13"),  # 208 05 items 1.08 + 4.50 + 119.56 + 48.65 = 173.79
    ("t5.hierarchy", "表5", "D13"),
    ("t5.hierarchy", "表5", "C21"),
    ("t5.total", "表5", "C21"),
]


@pytest.fixture
def urumqi() -> WorkbookData:
    return read_workbook(URUMQI)


def _structural_relations(set_id: str) -> list[str]:
    """The relations inside and between the nine tables (not the supplement's, not hints)."""
    spec = load_spec(set_id)
    return [
        r.id for r in spec.relations if r.severity != "hint" and not r.id.startswith(("s1.", "s2."))
    ]


def test_the_sets_declare_the_nine_national_tables() -> None:
    spec = load_spec("final-2023")
    assert spec.kind == "final_accounts" and spec.words.disclosure == "部门决算公开表"
    published = [(t.number, t.id, t.title, t.layout) for t in spec.published_tables]
    assert published == NINE + SELF_EVALUATION
    assert [t.id for t in spec.tables if not t.publish] == ["s1", "s2"]
    assert all(not t.required for t in spec.tables if not t.publish)
    assert spec.table("t5").total_row == "last" and spec.table("t2").total_row == "first"
    assert len(spec.function_classes) == 24
    relations = _structural_relations("final-2023")
    assert len(relations) >= 57, len(relations)
    assert len([r for r in relations if r.startswith("x.")]) >= 25


def test_2024_lists_26_classes_with_the_debt_classes() -> None:
    spec = load_spec("final-2024")
    codes = [c.code for c in spec.function_classes]
    assert len(codes) == 26
    assert codes[-4:] == ["229", "231", "232", "234"]
    names = {c.code: c.name for c in spec.function_classes}
    assert (names["231"], names["232"], names["234"]) == (
        "债务还本支出",
        "债务付息支出",
        "抗疫特别国债安排的支出",
    )
    assert _structural_relations("final-2024") == _structural_relations("final-2023")
    assert [t.id for t in spec.tables] == [t.id for t in load_spec("final-2023").tables]


@pytest.mark.parametrize("set_id", ["final-2023", "final-2024"])
def test_template_reads_back_as_empty_tables(set_id: str) -> None:
    spec = load_spec(set_id)
    data = read_workbook(TEMPLATES / f"{set_id}.xlsx")
    assert (data.set_id, data.year) == (set_id, spec.year)
    assert list(data.tables) == [t.id for t in spec.tables]
    assert all(table.is_empty() for table in data.tables.values())
    for table_id in ("t1", "t4"):  # classes read by their names from 一、… ordinal labels
        rows = data.tables[table_id].rows
        classes = [r.code for r in rows if r.panel == "right" and r.kind == "lei"]
        assert classes == [c.code for c in spec.function_classes]
        lines = [r.key for r in rows if r.kind == "line" or (r.panel == "right" and r.key)]
        assert sorted(lines) == sorted(
            [line.key for line in spec.table(table_id).lines]
            + [spec.table(table_id).right_total.key]  # type: ignore[union-attr]
        )
    lanes = data.tables["t6"].rows
    assert {r.panel for r in lanes} == {"left", "right"}
    assert [r.code for r in lanes if r.panel == "left" and r.code][:3] == ["301", "30101", "30102"]
    assert [r.key for r in lanes if r.kind == "line"] == ["personnel_total", "public_total"]
    assert data.tables["t7"].rows == []  # one_row: no row until filled
    for table_id in ("t2", "t3", "t5", "t8", "t9"):
        assert [r.kind for r in data.tables[table_id].rows] == ["total"]


def test_template_prints_ordinals_footers_lanes_and_the_12_column_sangong() -> None:
    book = openpyxl.load_workbook(TEMPLATES / "final-2024.xlsx")
    assert book.sheetnames == [f"表{n}" for n in range(1, 10)] + [
        "部门整体绩效自评表",
        "项目支出绩效自评表",
        "上年数及预算数",
    ]
    t1 = book["表1"]
    assert t1["A2"].value == "收入支出决算总表"
    assert t1.oddHeader.right.text.endswith("2024年部门决算公开表")
    right = [t1.cell(r, 3).value for r in range(6, 32)]
    assert right[0] == "一、一般公共服务支出" and right[-1] == "二十六、抗疫特别国债安排的支出"
    assert right[23:25] == ["二十四、债务还本支出", "二十五、债务付息支出"]
    footer = [(t1.cell(r, 1).value, t1.cell(r, 3).value) for r in range(32, 36)]
    assert footer == [
        ("本年收入合计", "本年支出合计"),
        ("使用非财政拨款结余", "结余分配"),
        ("年初结转和结余", "年末结转和结余"),
        ("总计", "总计"),
    ]
    t6 = book["表6"]
    assert [t6.cell(5, c).value for c in range(1, 7)][0::3] == ["301", "302"]
    t7 = book["表7"]
    leaves = [t7.cell(7, c).value or t7.cell(6, c).value for c in range(1, 13)]
    assert leaves == ["预算数", "决算数"] * 6
    merged = {str(r) for r in t7.merged_cells.ranges}
    assert "A4:L4" in merged  # 财政拨款“三公”经费 over the twelve columns


def test_example_reads_as_the_2023_set(urumqi: WorkbookData) -> None:
    assert (urumqi.set_id, urumqi.unit, urumqi.year) == ("final-2023", UNIT, 2023)
    assert list(urumqi.tables) == [*TABLES, "s1", "s2"]
    t1 = urumqi.tables["t1"]
    classes = {
        r.code: r.amount("expenditure")
        for r in t1.rows
        if r.kind == "lei" and r.amount("expenditure")
    }
    assert classes == {"201": Decimal("1850.66"), "208": Decimal("173.78"), "212": Decimal("100")}
    t6 = urumqi.tables["t6"]
    reception = t6.code_rows()["30217"]  # right lane, read under the logical column
    assert (reception.panel, reception.amount("amount"), reception.cell("amount")) == (
        "right",
        Decimal("0.1"),
        "F21",
    )
    (sangong,) = urumqi.tables["t7"].rows
    assert sangong.amount("budget_total") == Decimal("9.1")
    assert sangong.amount("actual_vehicle_operation") == Decimal("7.72")
    assert urumqi.tables["t8"].is_empty() and urumqi.tables["t9"].is_empty()
    assert any("为空表" in r.text for r in urumqi.tables["t8"].remarks)


# The seed's 项目支出绩效自评表 give no reason for the four rates under 90 %.
LOW_RATES = [
    ("perf_proj.rate_reason", "项目支出绩效自评表", "C10", "65.20%"),
    ("perf_proj.rate_reason", "项目支出绩效自评表", "C34", "88.95%"),
    ("perf_proj.rate_reason", "项目支出绩效自评表", "C58", "84.00%"),
    ("perf_proj.rate_reason", "项目支出绩效自评表", "C121", "89.78%"),
]

# The seed scores met cost targets in proportion (实际 ÷ 指标值 × 分值: 1.25 ÷ 4 × 5 = 1.56) and
# a missed "≤4元" one with 0: hints against the common rule (met → full 分值).
PROPORTIONAL = [
    (cell, Decimal(score), Decimal(full))
    for cell, score, full in [
        ("G17", "1.56", "5.00"),
        ("G18", "0.00", "0.05"),
        ("G19", "2.24", "5.00"),
        ("G44", "3.00", "5.00"),
        ("G65", "9.30", "10.00"),
        ("G82", "12.25", "13.40"),
        ("G85", "6.62", "6.67"),
        ("G87", "5.53", "6.66"),
        ("G105", "8.40", "10.00"),
    ]
]


def test_example_findings_are_the_seeds_own_tails(urumqi: WorkbookData) -> None:
    result = check_workbook(urumqi)
    warnings = len(SEED_TAILS) + len(LOW_RATES)
    assert result.summary == {"error": 0, "warning": warnings, "hint": len(PROPORTIONAL)}
    tails = [f for f in result.findings if not f.rule.startswith("perf_")]
    assert [(f.rule, f.sheet, f.cell) for f in tails] == SEED_TAILS
    assert all("尾差" in f.message for f in tails)
    low = [(f.rule, f.sheet, f.cell, f.actual) for f in result.findings if f.severity == "warning"]
    assert low[len(tails) :] == LOW_RATES
    hints = [(f.cell, f.actual, f.expected) for f in result.findings if f.severity == "hint"]
    assert hints == PROPORTIONAL
    assert {f.rule for f in result.findings if f.severity == "hint"} == {
        "perf_proj.indicator_score"
    }


def test_self_evaluation_forms_read_from_the_seed(urumqi: WorkbookData) -> None:
    """部门整体 and six 项目 自评表: fund matrix under its headings, indicators, 总分 rows."""
    dept = urumqi.tables["perf_dept"]
    fields = {r.key: r for r in dept.rows if r.kind == "field"}
    assert fields["total_budget"].amount("value") == Decimal("2135.25")
    assert fields["total_actual"].amount("value") == Decimal("2124.45")
    assert fields["total_initial"].amount("value") == Decimal("1943.66")
    assert fields["rate"].texts["value"] == "99.49%"
    assert fields["score"].amount("value") == Decimal("9.95")
    assert len([r for r in dept.rows if r.kind == "indicator"]) == 5
    projects = urumqi.tables["perf_proj"]
    names = [r.texts["value"] for r in projects.rows if r.key == "project"]
    assert len(names) == 6 and names[1] == "2023年优化政务服务保障经费"
    totals = [r.amount("score") for r in projects.rows if r.kind == "total"]
    assert totals == [Decimal(x) for x in ("85.32", "96.90", "97.70", "97.14", "98.21", "97.35")]
    spec = load_spec("final-2023")
    assert len([r for r in spec.relations if r.table in ("perf_dept", "perf_proj")]) >= 20


def _field(data: WorkbookData, table: str, key: str, block: int = 0):
    return next(
        r
        for r in data.tables[table].rows
        if r.kind == "field" and r.key == key and r.block == block
    )


@pytest.mark.parametrize(
    ("table", "key", "value", "rule", "cell"),
    [
        ("perf_dept", "score", "9.90", "perf_dept.rate_score", "H5"),  # 10 × 99.49% = 9.95
        ("perf_dept", "total_budget", "2135.52", "x.perf_dept_t1.budget", "D5"),
        ("perf_dept", "prefecture_actual", "2124.54", "perf_dept.actual", "E8"),
        ("perf_proj", "weight", "20", "perf_proj.weights", "F6"),
        ("perf_proj", "fiscal_budget", "8.00", "perf_proj.budget", "D7"),
    ],
)
def test_a_self_evaluation_typo_fails_its_relations(
    urumqi: WorkbookData, table: str, key: str, value: str, rule: str, cell: str
) -> None:
    set_amount(_field(urumqi, table, key), "value", value)
    errors = [f for f in check_workbook(urumqi).findings if f.severity == "error"]
    assert any(f.rule == rule and any(c.cell == cell for c in f.cells) for f in errors)


def test_self_evaluation_rate_score_cap_total_and_reason(urumqi: WorkbookData) -> None:
    _field(urumqi, "perf_dept", "rate").texts["value"] = "99.94%"
    rate = _field(urumqi, "perf_proj", "rate", block=3)  # 249.99 ÷ 252.49 = 99.01%
    rate.texts["value"] = "99.00%"  # beyond what rounding allows (99.006 … 99.014 %)
    low = _field(urumqi, "perf_proj", "rate_reason", block=0)
    low.texts["value"] = "委托费用项目尾款按合同约定在服务完成后支付。"
    row = [r for r in urumqi.tables["perf_proj"].rows if r.kind == "indicator"][4]
    set_amount(row, "score", "6.00")  # 邮政寄递 分值 5
    found = {(f.rule, f.severity, f.cell) for f in check_workbook(urumqi).findings}
    assert ("perf_dept.rate", "error", "G5") in found
    assert ("perf_dept.rate_score", "error", "H5") in found  # 10 × 99.94% = 9.99
    assert any(r == "perf_proj.rate" and s == "error" for r, s, _ in found)
    assert ("perf_proj.score_cap", "error", "G17") in found
    assert any(r == "perf_proj.total_score" and s == "error" for r, s, _ in found)
    assert ("perf_proj.rate_reason", "warning", "C10") not in found  # a reason is given
    assert ("perf_proj.rate_reason", "warning", "C34") in found


def test_blank_total_score_is_an_error(urumqi: WorkbookData) -> None:
    total = next(r for r in urumqi.tables["perf_dept"].rows if r.kind == "total")
    del total.values["score"]
    errors = [f for f in check_workbook(urumqi).findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["perf_dept.total_score"]
    assert "H18" in {c.cell for c in errors[0].cells} and "为 99.95" in errors[0].message


def test_seed_initial_budgets_are_different_bases(urumqi: WorkbookData) -> None:
    """自评表 年初预算数 1,943.66 covers every fund (收入支出总计's 年初预算); 四's 1,935.16
    is the 财政拨款 one: equal to the former, only ≥ the latter (a hint, silent here)."""
    spec = load_spec("final-2023")
    assert next(r for r in spec.relations if r.id == "x.perf_dept_s1.fiscal").op == "ge"
    s1 = find_row(urumqi, "s1", key="income_total")
    set_amount(s1, "budget", "1935.16")  # the fiscal base put where all funds belong
    found = [f for f in check_workbook(urumqi).findings if f.rule.startswith("x.perf_dept_s1")]
    assert [(f.rule, f.severity) for f in found] == [("x.perf_dept_s1.initial", "error")]


@pytest.mark.parametrize(
    ("table", "where", "column", "value", "rules"),
    [
        ("t4", {"key": "opening_gp"}, "income", "0.65", {"t4.opening_fiscal", "t4.fund_gp"}),
        ("t6", {"code": "30101"}, "amount", "331.12", {"t6.hierarchy"}),
        ("t6", {"key": "public_total"}, "amount", "94.38", {"t6.public", "x.t6_t5.basic"}),
        ("t7", {"kind": "total"}, "budget_reception", "1.25", {"t7.budget_total"}),
        ("t2", {"code": "2010350"}, "other_income", "2.39", {"t2.total", "t2.hierarchy"}),
        ("t8", {"kind": "total"}, "income", "5.00", {"x.t8_t4.income", "t8.closing"}),
    ],
)
def test_a_typo_fails_its_relations(
    urumqi: WorkbookData, table: str, where: dict, column: str, value: str, rules: set[str]
) -> None:
    row = find_row(urumqi, table, **where)
    cell = set_amount(row, column, value)
    errors = [f for f in check_workbook(urumqi).findings if f.severity == "error"]
    assert rules <= {f.rule for f in errors}
    assert all(any(r.cell == cell for r in f.cells) for f in errors if f.rule in rules)


def test_messages_name_the_sangong_columns(urumqi: WorkbookData) -> None:
    set_amount(urumqi.tables["t7"].rows[0], "actual_reception", "0.20")
    found = next(f for f in check_workbook(urumqi).findings if f.rule == "t7.actual_total")
    assert "「公务接待费决算数」" in found.message and "「合计决算数」栏" in found.message


def test_other_shapes_read_as_the_same_data(tmp_path: Path, urumqi: WorkbookData) -> None:
    """Classes without ordinals or with codes, header cells split over lines, 合计 moved."""
    book = openpyxl.load_workbook(URUMQI)
    t1 = book["表1"]
    t1["C6"] = "一般公共服务支出"  # no ordinal
    t1["C13"] = "208 社会保障和就业支出"  # a code instead
    t1["C16"] = "十一、 城乡社区 支出"
    book["表8"]["C4"] = "年初结转和\n结余"
    book["表2"]["H4"] = "附属单位\n上缴收入"
    book["表6"]["A4"] = "经济分类\n科目编码"
    path = tmp_path / "variant.xlsx"
    book.save(path)
    variant = read_workbook(path)
    assert variant.plain() == urumqi.plain()


def test_a_system_export_layout_reads_as_the_same_data(
    tmp_path: Path, urumqi: WorkbookData
) -> None:
    """Other sheet names, 合计 rows at the bottom, amounts as text, spaced labels, offset."""
    spec, unit, year, content = load_example("urumqi-2023")
    style = LayoutStyle(
        sheet_names={"t1": "收支总表", "t6": "基本支出", "t7": "三公经费"},
        total_first=False,
        origin=(1, 1),
        split_after=6,
        amounts_as_text=True,
        letter_spaced=True,
        shade_derived=False,
    )
    path = write_workbook(tmp_path / "system.xlsx", spec, unit, year, content, style)
    assert read_workbook(path).plain() == urumqi.plain()


def test_consolidated_final_accounts_are_checked_like_a_units(urumqi: WorkbookData) -> None:
    """A 汇总 决算 with 上级补助收入 and 对附属单位补助支出: only details typed, fill computes
    the rest, and the check finds nothing but the seed's tails."""
    set_amount(find_row(urumqi, "t2", code="2010350"), "superior_subsidy", "50.00")
    set_amount(find_row(urumqi, "t3", code="2010350"), "subsidiary_subsidy", "50.00")
    spec = load_spec(urumqi.set_id)
    changes = plan_fill(urumqi, spec, overwrite=True)
    apply_fill(urumqi, changes)
    written = {(c.sheet, c.cell): c.new for c in changes}
    assert written[("表1", "B9")] == Decimal("50.00")  # 四、上级补助收入 from 表2
    result = check_workbook(urumqi)
    errors = {f.rule for f in result.findings if f.severity == "error"}
    # the 部门整体 自评表 still states the unit's own 2,135.25 / 2,124.45: it must follow 表1
    # (and the supplement's totals, which fill took from 表1)
    assert errors == {
        "x.perf_dept_t1.budget",
        "x.perf_dept_t1.actual",
        "x.perf_dept_s1.budget",
        "x.perf_dept_s1.actual",
    }
    assert find_row(urumqi, "t1", key="income_total").amount("income") == Decimal("2185.26")


def test_fill_from_details_satisfies_every_relation(tmp_path: Path) -> None:
    blank = tmp_path / "urumqi.xlsx"
    removed = _blank_derived(URUMQI, blank)
    assert len(removed) > 120
    report = fill_file(blank)
    filled = {(c.sheet, c.cell): c.new for c in report.changes if c.kind == "filled"}
    assert set(filled) == set(removed)
    assert check_workbook(read_workbook(report.path)).summary["error"] == 0
    # the seed's tails: a filled total is the sum of its parts, one cent off the printed one
    differ = {k: (removed[k], filled[k]) for k in removed if removed[k] != filled[k]}
    assert all(abs(a - b) <= Decimal("0.02") for a, b in differ.values())


def test_check_mark_clear_fill_export_narrative(tmp_path: Path, capsys) -> None:
    work = tmp_path / "乌鲁木齐.xlsx"
    shutil.copyfile(URUMQI, work)
    assert main(["check", str(work), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["set"] == "final-2023" and report["summary"]["error"] == 0
    book = openpyxl.load_workbook(work)
    book["表6"]["C6"] = 331.12  # 基本工资 330.12 → 331.12
    book.save(work)
    assert main(["check", str(work), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["diagnosis"][0]["cell"] == "C6"
    assert main(["check", str(work), "--mark"]) == 1
    marked = tmp_path / "乌鲁木齐.已校验.xlsx"
    assert openpyxl.load_workbook(marked).sheetnames[0] == "校验结果"
    assert main(["clear", str(marked)]) == 0
    capsys.readouterr()
    out = tmp_path / "公开"
    out.mkdir()
    shutil.copyfile(URUMQI, out / "urumqi.xlsx")
    assert main(["export", str(out / "urumqi.xlsx")]) == 0
    exported = out / f"2023年{UNIT}部门决算公开表.xlsx"
    assert default_name(read_workbook(URUMQI)) == exported.name
    data = read_workbook(exported)
    assert list(data.tables) == TABLES
    assert any("为空表" in r.text for r in data.tables["t9"].remarks)
    assert openpyxl.load_workbook(exported).properties.title == f"2023年{UNIT}部门决算公开表"
    assert main(["narrative", str(URUMQI), "-o", str(tmp_path / "说明.md")]) == 0
    text = (tmp_path / "说明.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {UNIT}2023年度部门决算情况说明")
    assert "十二、其他需说明的事项" in text
    capsys.readouterr()


def test_template_command_picks_the_final_set_by_name(tmp_path: Path) -> None:
    out = tmp_path / "决算模板.xlsx"
    args = ["template", "--set", "final-2024", "--unit", "某某局", "--year", "2024", "-o", str(out)]
    assert main(args) == 0
    data = read_workbook(out)
    assert (data.set_id, data.unit, data.year) == ("final-2024", "某某局", 2024)


PART3 = Path(__file__).resolve().parent.parent / "examples" / "data" / "urumqi-2023" / "part3.txt"


def _narrative_check(text: str, tmp_path: Path, capsys) -> dict:
    path = tmp_path / "说明.txt"
    path.write_text(text, encoding="utf-8")
    main(["narrative", "--check", str(path), str(URUMQI), "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_the_seeds_own_narrative_checks_clean(tmp_path: Path, capsys) -> None:
    """The seed's 第二部分 against the example: no finding; every figure that refers to a
    table recognised — the one left is a sub-unit's 基本支出, which no table holds."""
    report = _narrative_check(PART3.read_text(encoding="utf-8"), tmp_path, capsys)
    assert report["summary"] == {"error": 0, "warning": 0, "hint": 0}
    assert report["checked"] >= 165
    assert [u["figure"] for u in report["unrecognised_figures"]] == ["319.56万元"]


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("预决算差异率 9.81%", "预决算差异率 9.18%", "n.variance"),
        ("预决算差异率 9.81%,", "预决算差异率 9.81%,完成年初预算的 119.81%,", "n.execution"),
        ("预决算差异率 9.81%,", "预决算差异率 9.81%,决算数小于预算数,", "n.budget_compare"),
        ("截至2023年12月31日", "截至2022年12月31日", "n.report_year"),
        ("比上年决算减少12.41万元", "比上年决算增加12.41万元", "n.direction"),
        ("预决算差异率-60.00%", "预决算差异率-6.00%", "n.variance"),
    ],
)
def test_a_wrong_figure_in_the_narrative_is_found(
    tmp_path: Path, capsys, old: str, new: str, rule: str
) -> None:
    text = PART3.read_text(encoding="utf-8")
    assert old in text
    report = _narrative_check(text.replace(old, new, 1), tmp_path, capsys)
    assert rule in {f["rule"] for f in report["findings"] if f["severity"] == "error"}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("99.5%", None),
        ("99 . 49 ％", None),
        ("99.50%", "error"),
        ("99.48%", "error"),
        ("99.4%", "error"),
        ("九成", "error"),
        ("", "error"),
    ],
)
def test_the_stated_rate_is_read_and_judged(urumqi: WorkbookData, text: str, finding) -> None:
    """2,124.45 ÷ 2,135.25 = 99.494…%: 99.5% at one decimal is right; at two decimals
    the rounding of the two amounts allows 99.489 … 99.500 %, so only 99.49%; words or a blank
    are no rate."""
    _field(urumqi, "perf_dept", "rate").texts["value"] = text
    found = [f.severity for f in check_workbook(urumqi).findings if f.rule == "perf_dept.rate"]
    assert found == ([] if finding is None else [finding])


def test_supplement_counts_and_sums_of_the_self_evaluations(urumqi: WorkbookData) -> None:
    """补充资料: 1 整体 and 6 项目 自评表, 705.77 / 653.81 = the six tables' sums."""
    set_amount(find_row(urumqi, "s1", key="perf_overall"), "this_year", "2")
    set_amount(find_row(urumqi, "s1", key="perf_projects"), "this_year", "5")
    set_amount(find_row(urumqi, "s1", key="perf_projects_actual"), "this_year", "635.81")
    errors = {f.rule for f in check_workbook(urumqi).findings if f.severity == "error"}
    assert {"x.perf_dept_s1.count", "x.perf_proj_s1.count", "x.perf_proj_s1.actual"} <= errors


def test_a_template_without_self_evaluations_or_supplement_checks_clean(tmp_path: Path) -> None:
    """The 自评表 and the supplement are optional: the nine tables alone check as before."""
    spec, unit, year, content = load_example("urumqi-2023")
    nine = {t: c for t, c in content.items() if t in {n[1] for n in NINE}}
    tables = [t for t in spec.tables if t.id in nine]
    path = write_workbook(tmp_path / "nine.xlsx", spec, unit, year, nine, tables=tables)
    result = check_workbook(read_workbook(path))
    assert result.summary == {"error": 0, "warning": len(SEED_TAILS), "hint": 0}
