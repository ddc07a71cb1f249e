"""Each rule kind and structural rule fires exactly where it should, with the right values."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from examples.build import expected_findings
from tests.conftest import EXAMPLES
from tests.helpers import find_row, set_amount
from workbook_tools.io.model import Amount, Row, WorkbookData
from workbook_tools.io.reader import read_workbook
from workbook_tools.rules import Finding, check_workbook
from workbook_tools.rules.tolerance import judge, tolerance


@pytest.fixture
def changji() -> WorkbookData:
    return read_workbook(EXAMPLES / "changji-2024.xlsx")


@pytest.fixture
def kashgar() -> WorkbookData:
    return read_workbook(EXAMPLES / "kashgar-2024.xlsx")


def _errors(data: WorkbookData) -> list[Finding]:
    return [f for f in check_workbook(data).findings if f.severity == "error"]


def _only(findings: list[Finding], rule: str) -> Finding:
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, [(f.rule, f.cell) for f in findings]
    return matching[0]


@pytest.mark.parametrize("workbook", sorted(p.name for p in EXAMPLES.glob("*.xlsx")))
def test_examples_give_exactly_their_expected_findings(workbook: str) -> None:
    expected = json.loads((EXAMPLES / workbook).with_suffix(".expected.json").read_text("utf-8"))
    assert expected_findings(EXAMPLES / workbook) == expected


def test_changji_real_tails_are_warnings_not_errors(changji: WorkbookData) -> None:
    result = check_workbook(changji)
    # 29 tails and the unnamed row; the 绩效目标表 add the seed's own: 364.00 万元 of 非财政拨款
    # projects against the 360.00 of the one such form (warning), 3 上年完成值 without a unit,
    # 3 projects without a 满意度 indicator (warnings), 9 ≥ targets below last year's value
    # and 4 names that differ from 表7 (hints) — see tests/test_forms.py
    assert result.summary == {"error": 0, "warning": 36, "hint": 13}
    tables = [f for f in result.findings if not f.rule.startswith(("perf_", "s1.perf"))]
    assert {f.severity for f in tables} == {"warning"} and len(tables) == 29
    t1 = _only(result.findings, "t1.expenditure_total")
    assert (t1.cell, t1.actual, t1.expected) == ("D36", Decimal("1418.72"), Decimal("1418.73"))
    kuan = next(f for f in result.findings if f.rule == "t2.hierarchy" and f.cell == "E14")
    assert (kuan.actual, kuan.expected, kuan.difference) == (
        Decimal("90.23"),
        Decimal("90.22"),
        Decimal("0.01"),
    )
    assert {c.cell for c in kuan.cells} == {"E14", "E15", "E16", "E17"}
    assert result.exit_code() == 0 and result.exit_code(strict=True) == 1


def test_kashgar_is_clean(kashgar: WorkbookData) -> None:
    # the tables are clean; the seed's 项目支出绩效目标表 set five ≥ targets below last
    # year's 100% / 14 人 (hints, as the rule intends)
    found = [(f.rule, f.severity, f.cell) for f in check_workbook(kashgar).findings]
    assert found == [
        ("perf_proj.below_last", "hint", cell) for cell in ("D17", "D26", "D27", "D36", "D54")
    ]


def test_tolerance_grows_with_terms() -> None:
    assert tolerance(2) == Decimal("0.010")
    assert tolerance(5) == Decimal("0.025")
    assert judge(Decimal("0.01"), 2) == "tail"
    assert judge(Decimal("0.02"), 2) == "mismatch"
    assert judge(Decimal("0.02"), 4) == "tail"
    assert judge(Decimal("0"), 9) == "ok"


def test_row_sum_error_names_cells_and_values(kashgar: WorkbookData) -> None:
    row = find_row(kashgar, "t3", code="2010350")
    cell = set_amount(row, "basic", "178.72")
    finding = _only(_errors(kashgar), "t3.total")
    assert (finding.sheet, finding.cell) == ("表3", "E12")
    assert cell == "F12" and {c.cell for c in finding.cells} == {"E12", "F12", "G12"}
    assert (finding.actual, finding.expected, finding.difference) == (
        Decimal("242.00"),
        Decimal("243.00"),
        Decimal("-1.00"),
    )
    assert "合计 = 基本支出 + 项目支出" in finding.message and "相差 -1.00" in finding.message


def test_cross_table_mismatch_points_at_both_tables(kashgar: WorkbookData) -> None:
    set_amount(find_row(kashgar, "t1", code="208"), "expenditure", "12.50")
    errors = _errors(kashgar)
    t1_t2 = _only(errors, "x.t1_t2.classes")
    assert (t1_t2.sheet, t1_t2.cell, t1_t2.expected, t1_t2.actual) == (
        "表1",
        "D13",
        Decimal("11.50"),
        Decimal("12.50"),
    )
    assert {(c.sheet, c.cell) for c in t1_t2.cells} == {("表1", "D13"), ("表2", "E12")}
    assert _only(errors, "t1.expenditure_total").cell == "D36"


def test_line_sum_and_refs(kashgar: WorkbookData) -> None:
    set_amount(find_row(kashgar, "t1", key="gp_own"), "income", "400.00")
    rules = {(f.rule, f.cell) for f in _errors(kashgar)}
    assert ("t1.gp_appropriation", "B7") in rules
    assert ("x.t1_t2.gp_own", "B8") in rules


def test_per_code_against_projects(changji: WorkbookData) -> None:
    set_amount(find_row(changji, "t7", kind="project", project="公告费"), "goods", "9.00")
    set_amount(find_row(changji, "t7", kind="project", project="公告费"), "total", "9.00")
    errors = _errors(changji)
    rollup = [f for f in errors if f.rule == "t7.rollup"]
    assert {f.cell for f in rollup} == {"F7", "F8", "F9", "F10", "H7", "H8", "H9", "H10"}
    per_code = {(f.cell, f.expected, f.actual) for f in errors if f.rule == "x.t7_t5.codes"}
    assert ("F11", Decimal("412.00"), Decimal("413.00")) in per_code  # 2010302: projects vs 表5


def test_at_most_relation(kashgar: WorkbookData) -> None:
    row = find_row(kashgar, "t5", code="2010350")
    set_amount(row, "basic", "178.72")
    set_amount(row, "total", "243.00")
    finding = next(f for f in _errors(kashgar) if f.rule == "x.t5_t3.basic" and f.cell == "F12")
    assert "不应超过" in finding.message
    assert (finding.actual, finding.expected) == (Decimal("178.72"), Decimal("177.72"))


def test_hint_relation_is_a_hint(kashgar: WorkbookData) -> None:
    row = find_row(kashgar, "t6", code="30113")
    set_amount(row, "total", "9.95")
    set_amount(row, "personnel", "9.95")
    hint = _only(check_workbook(kashgar).findings, "h.t6_t5.30113")
    assert hint.severity == "hint" and hint.cell == "D17"


def test_empty_remark_both_ways(changji: WorkbookData, kashgar: WorkbookData) -> None:
    changji.tables["t8"].remarks = [
        r for r in changji.tables["t8"].remarks if "为空表" not in r.text
    ]
    finding = _only(_errors(changji), "t8.empty_remark")
    assert finding.cell == changji.tables["t8"].title_cell
    assert finding.expected == (
        "昌吉回族自治州政务服务和公共资源交易中心2024年没有使用政府性基金预算拨款安排的支出，"
        "政府性基金预算支出情况表为空表。"
    )
    t10 = kashgar.tables["t10"]
    set_amount(find_row(kashgar, "t10", key="reception"), "gp", "1.00")
    finding = _only(_errors(kashgar), "t10.empty_remark")
    assert finding.cell == t10.remarks[0].cell
    assert "有数据，却注明了" in finding.message


def _structure(data: WorkbookData, rule: str) -> Finding:
    return _only(check_workbook(data).findings, rule)


def test_cell_problems(kashgar: WorkbookData) -> None:
    row = find_row(kashgar, "t3", code="20805")
    row.values["basic"] = Amount(None, "F15", formula="=F16", problem="formula_without_value")
    row.values["project"] = Amount(None, "G15", text="约5万", problem="not_a_number")
    formula = _structure(kashgar, "s.formula_without_value")
    assert (formula.cell, formula.severity, formula.actual) == ("F15", "error", "=F16")
    text = _structure(kashgar, "s.not_a_number")
    assert (text.cell, text.actual) == ("G15", "约5万")
    set_amount(find_row(kashgar, "t6", code="30201"), "public", "-1.54")
    assert _structure(kashgar, "s.negative").cell == "F20"


def test_duplicate_and_missing_parent_codes(kashgar: WorkbookData) -> None:
    rows = kashgar.tables["t3"].rows
    copy = Row(
        "xiang", "事业运行", "2010350", values={}, sheet_row=40, label_cell="D40", sheet="表3"
    )
    rows.append(copy)
    orphan = Row("xiang", "其他", "2129999", values={}, sheet_row=41, label_cell="D41", sheet="表3")
    rows.append(orphan)
    duplicate = _structure(kashgar, "s.duplicate_code")
    assert duplicate.cell == "D40" and {c.cell for c in duplicate.cells} == {"D40", "D12"}
    parent = _structure(kashgar, "s.missing_parent")
    assert (parent.cell, parent.expected) == ("D41", "21299")


def test_class_not_in_year(kashgar: WorkbookData) -> None:
    row = Row("lei", "抗疫特别国债安排的支出", "234", sheet_row=42, label_cell="D42", sheet="表3")
    row.values["total"] = Amount(Decimal("1.00"), "E42")
    kashgar.tables["t3"].rows.append(row)
    kashgar.set_id = "budget-2025"
    finding = _structure(kashgar, "s.class_not_in_year")
    assert (finding.cell, finding.actual) == ("D42", "234")
    assert "2025 年" in finding.message


def test_unnamed_and_unrecognised_rows(changji: WorkbookData) -> None:
    unnamed = _structure(changji, "s.unnamed_row")
    assert (unnamed.sheet, unnamed.cell, unnamed.severity) == ("表11", "A10", "warning")
    table = changji.tables["t10"]
    row = Row(
        "unknown",
        "会议费",
        values={"gp": Amount(Decimal("1"), "C20")},
        sheet_row=20,
        label_cell="A20",
        sheet="表10",
    )
    table.rows.append(row)
    assert _structure(changji, "s.unrecognised_row").cell == "A20"


def test_money_unit(kashgar: WorkbookData) -> None:
    kashgar.tables["t6"].money_unit = "元"
    kashgar.tables["t6"].money_unit_cell = "F3"
    finding = _structure(kashgar, "s.money_unit")
    assert (finding.cell, finding.expected, finding.actual) == ("F3", "万元", "元")


def test_missing_total_row(kashgar: WorkbookData) -> None:
    table = kashgar.tables["t6"]
    table.rows = [r for r in table.rows if r.kind != "total"]
    assert _structure(kashgar, "s.missing_total").cell == table.title_cell


def test_report_shapes(changji: WorkbookData, tmp_path: Path) -> None:
    from workbook_tools.report import to_json, to_text

    result = check_workbook(changji)
    report = to_json(result)
    assert set(report) == {
        "file",
        "set",
        "unit",
        "year",
        "diagnosis",
        "findings",
        "summary",
        "not_checked",
        "absent_tables",
    }
    first = report["findings"][0]
    assert set(first) >= {
        "rule",
        "severity",
        "sheet",
        "cell",
        "cells",
        "expected",
        "actual",
        "difference",
        "message",
    }
    text = to_text(result)
    assert text.splitlines()[-1] == "共 49 条：错误 0 条，警告 36 条，提示 13 条。"
    assert "表2 部门收入总体情况表（工作表「表2」）" in text
