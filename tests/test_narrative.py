"""情况说明: the draft reproduces the seeds' figures; the check finds only real mismatches."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import EXAMPLES
from workbook_tools.cli import main
from workbook_tools.io.reader import read_workbook
from workbook_tools.narrative import arithmetic
from workbook_tools.narrative.draft import build_draft
from workbook_tools.narrative.figures import compute_figures
from workbook_tools.narrative.render import render_markdown
from workbook_tools.narrative.template import PLACEHOLDER_REASON
from workbook_tools.narrative.textcheck import check_text

# Every share, change and growth rate the seeds' 第三部分 print, by the figure it speaks of.
CHANGJI_PRINTED = [
    ("exp_basic", "change", "-12.81"),
    ("exp_basic", "growth", "-1.99"),
    ("exp_basic", "share", "44.48"),
    ("exp_project", "change", "+208.40"),
    ("exp_project", "growth", "+35.97"),
    ("exp_project", "share", "55.52"),
    ("gp.class.201", "share", "83.69"),
    ("gp.class.208", "share", "8.65"),
    ("gp.class.210", "share", "3.06"),
    ("gp.class.221", "share", "4.60"),
    ("gp.item.2010301", "change", "+46.66"),
    ("gp.item.2010301", "growth", "+20.36"),
    ("gp.item.2010302", "change", "-162.46"),
    ("gp.item.2010302", "growth", "-28.28"),
    ("gp.item.2010350", "change", "-70.33"),
    ("gp.item.2010350", "growth", "-27.54"),
    ("gp.item.2080501", "change", "+0.20"),
    ("gp.item.2080501", "growth", "+40.00"),
    ("gp.item.2080505", "change", "+3.44"),
    ("gp.item.2080505", "growth", "+6.12"),
    ("gp.item.2080506", "change", "+1.72"),
    ("gp.item.2080506", "growth", "+6.12"),
    ("gp.item.2101101", "change", "+7.18"),
    ("gp.item.2101101", "growth", "+89.41"),
    ("gp.item.2101102", "change", "-5.46"),
    ("gp.item.2101102", "growth", "-27.18"),
    ("gp.item.2101103", "change", "+0.11"),
    ("gp.item.2101103", "growth", "+6.25"),
    ("gp.item.2101199", "change", "+0.002"),
    ("gp.item.2101199", "growth", "+0.88"),
    ("gp.item.2210201", "change", "+3.65"),
    ("gp.item.2210201", "growth", "+8.23"),
    ("gp_basic", "change", "+24.96"),
    ("gp_basic", "growth", "+4.12"),
    ("gp_project", "change", "+36.20"),
    ("gp_project", "growth", "+9.63"),
    ("inc_fiscal_carryover", "change", "+4.43"),
    ("inc_fiscal_carryover", "growth", "+39.31"),
    ("inc_fiscal_carryover", "share", "1.11"),
    ("inc_gf", "change", "+0.00"),
    ("inc_gf", "growth", "+0.00"),
    ("inc_gf", "share", "0.00"),
    ("inc_gp", "change", "+61.16"),
    ("inc_gp", "growth", "+6.23"),
    ("inc_gp", "share", "73.52"),
    ("inc_soe", "change", "+0.00"),
    ("inc_soe", "growth", "+0.00"),
    ("inc_soe", "share", "0.00"),
    ("inc_unit", "change", "+130.00"),
    ("inc_unit", "growth", "+56.52"),
    ("inc_unit", "share", "25.37"),
    ("running_cost", "change", "+1.51"),
    ("running_cost", "growth", "+3.32"),
    ("sg_abroad", "change", "+0.00"),
    ("sg_abroad", "growth", "+0.00"),
    ("sg_reception", "change", "+0.00"),
    ("sg_reception", "growth", "+0.00"),
    ("sg_total", "change", "+0.00"),
    ("sg_total", "growth", "+0.00"),
    ("sg_vehicle_operation", "change", "+0.00"),
    ("sg_vehicle_operation", "growth", "+0.00"),
    ("sg_vehicle_purchase", "change", "+0.00"),
    ("sg_vehicle_purchase", "growth", "+0.00"),
]
KASHGAR_PRINTED = [
    ("exp_basic", "change", "+203.56"),
    ("exp_basic", "growth", "+100.00"),
    ("exp_basic", "share", "48.95"),
    ("exp_project", "change", "+212.33"),
    ("exp_project", "growth", "+100.00"),
    ("exp_project", "share", "51.05"),
    ("gp.class.201", "share", "93.79"),
    ("gp.class.208", "share", "2.77"),
    ("gp.class.210", "share", "1.18"),
    ("gp.class.221", "share", "2.27"),
    ("gp.item.2010303", "change", "+148.05"),
    ("gp.item.2010303", "growth", "+100.00"),
    ("gp.item.2010350", "change", "+242.00"),
    ("gp.item.2010350", "growth", "+100.00"),
    ("gp.item.2080505", "change", "+11.50"),
    ("gp.item.2080505", "growth", "+100.00"),
    ("gp.item.2101102", "change", "+4.89"),
    ("gp.item.2101102", "growth", "+100.00"),
    ("gp.item.2210201", "change", "+9.45"),
    ("gp.item.2210201", "growth", "+100.00"),
    ("gp_basic", "change", "+203.56"),
    ("gp_basic", "growth", "+100.00"),
    ("gp_project", "change", "+212.33"),
    ("gp_project", "growth", "+100.00"),
    ("inc_gp", "change", "+415.89"),
    ("inc_gp", "growth", "+100.00"),
    ("inc_gp", "share", "100.00"),
    ("running_cost", "change", "+39.26"),
    ("running_cost", "growth", "+100.00"),
    ("sg_abroad", "change", "+0.00"),
    ("sg_abroad", "growth", "+0.00"),
    ("sg_reception", "change", "+0.00"),
    ("sg_reception", "growth", "+0.00"),
    ("sg_total", "change", "+0.00"),
    ("sg_total", "growth", "+0.00"),
    ("sg_vehicle_operation", "change", "+0.00"),
    ("sg_vehicle_operation", "growth", "+0.00"),
    ("sg_vehicle_purchase", "change", "+0.00"),
    ("sg_vehicle_purchase", "growth", "+0.00"),
]
# changji prints 3.32 % for 机关运行经费 (1.51 on 45.58 is 3.31 %): a rounding question; and
# a change of 0.002 万元 (三 decimals: n.decimals), which the draft writes as 0.00
CHANGJI_ROUNDING = {("running_cost", "growth", "+3.32"), ("gp.item.2101199", "change", "+0.002")}


def seed_part3(name: str) -> str:
    """The seed's 第三部分 情况说明, as copied into examples/data (see its README)."""
    return (EXAMPLES / "data" / name / "part3.txt").read_text(encoding="utf-8")


def figures(name: str):
    return compute_figures(read_workbook(EXAMPLES / f"{name}.xlsx"))


def draft_text(name: str) -> str:
    paragraphs, _ = build_draft(figures(name))
    return render_markdown(paragraphs)


@pytest.mark.parametrize(
    ("name", "printed", "exceptions"),
    [("changji-2024", CHANGJI_PRINTED, CHANGJI_ROUNDING), ("kashgar-2024", KASHGAR_PRINTED, set())],
)
def test_seed_prints_exactly_these_figures(name: str, printed: list, exceptions: set) -> None:
    assert sorted(set(check_text(seed_part3(name), figures(name)).recognised)) == printed


@pytest.mark.parametrize(
    ("name", "printed", "exceptions"),
    [("changji-2024", CHANGJI_PRINTED, CHANGJI_ROUNDING), ("kashgar-2024", KASHGAR_PRINTED, set())],
)
def test_draft_reproduces_every_printed_share_and_change(
    name: str, printed: list, exceptions: set
) -> None:
    generated = set(check_text(draft_text(name), figures(name)).recognised)
    assert set(printed) - exceptions <= generated
    assert ("running_cost", "growth", "+3.31") in generated or name != "changji-2024"
    assert ("gp.item.2101199", "change", "+0.00") in generated or name != "changji-2024"


@pytest.mark.parametrize("name", ["changji-2024", "kashgar-2024"])
def test_generated_draft_checks_clean(name: str) -> None:
    """The figures of a draft all agree; what is left are its 【请填写】 placeholders, each
    an error until staff fill it in."""
    paragraphs, _ = build_draft(figures(name))
    result = check_text(render_markdown(paragraphs), figures(name))
    assert [f for f in result.findings if f.rule != "n.placeholder"] == []
    highlighted = [t for p in paragraphs for t, marked in p.runs if marked]
    assert [f.actual for f in result.findings] == highlighted
    assert all(f.severity == "error" for f in result.findings)
    assert result.checked > 90


def test_seed_texts_report_only_their_real_inconsistency() -> None:
    changji = check_text(seed_part3("changji-2024"), figures("changji-2024"))
    assert [(f.rule, f.severity, f.expected, f.actual) for f in changji.findings] == [
        ("n.growth", "warning", Decimal("3.31"), Decimal("3.32")),
        # 非财政拨款项目 364.00 万元: its one 项目支出绩效目标表 (机构运行补助) is 360.00
        ("n.amount", "error", Decimal("360.00"), Decimal("364.00")),
        ("n.decimals", "warning", "0.00", "0.002"),  # 比上年预算增加 0.002 万元
    ]
    assert "机关运行经费" in changji.findings[0].message
    assert changji.findings[0].cells[0].cell == "F8"  # 表6 公用经费 总计
    assert check_text(seed_part3("kashgar-2024"), figures("kashgar-2024")).findings == []


SEED_AMOUNT = Decimal("364.00")  # the seed's 非财政拨款项目 amount, 360.00 in its forms


def _not_the_seeds(findings: list) -> list:
    return [f for f in findings if not (f.rule == "n.amount" and f.actual == SEED_AMOUNT)]


def _check_edited(old: str, new: str) -> list:
    text = seed_part3("changji-2024")
    assert old in text, old
    found = check_text(text.replace(old, new, 1), figures("changji-2024")).findings
    return _not_the_seeds(found)


def test_wrong_share_is_an_error() -> None:
    (finding,) = [f for f in _check_edited("占 73.52%", "占 73.25%") if f.rule == "n.share"]
    assert (finding.severity, finding.expected, finding.actual) == (
        "error",
        Decimal("73.52"),
        Decimal("73.25"),
    )
    assert "一般公共预算1,043.02万元" in finding.message.replace(" ", "")


def test_rounding_ranges() -> None:
    # 0.23 of 1.00 may be anything from 0.225/1.005 to 0.235/0.995 before rounding
    assert arithmetic.share_range(Decimal("0.23"), Decimal("1.00")) == (
        Decimal("22.39"),
        Decimal("23.62"),
    )
    # changji 机关运行经费: 47.09 and a change of 1.51 allow 3.30 % to 3.32 %
    assert arithmetic.growth_range_from_change(Decimal("47.09"), Decimal("1.51")) == (
        Decimal("3.30"),
        Decimal("3.32"),
    )


def test_wrong_direction_word() -> None:
    findings = _check_edited(
        "比上年预算增加 61.16 万元，增长 6.23%", "比上年预算减少 61.16 万元，下降 6.23%"
    )
    errors = [f for f in findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["n.direction", "n.direction"]  # the change and the rate


def test_change_and_rate_checked_against_each_other_without_last_year() -> None:
    data = read_workbook(EXAMPLES / "changji-2024.xlsx")
    data.tables.pop("s1")
    data.tables.pop("s2")
    text = seed_part3("changji-2024")
    assert check_text(text, compute_figures(data)).findings[0].rule == "n.growth"  # the 3.32 %
    wrong = text.replace(
        "比上年预算增加 61.16 万元，增长 6.23%", "比上年预算增加 61.16 万元，增长 8.23%"
    )
    findings = [
        f
        for f in _not_the_seeds(check_text(wrong, compute_figures(data)).findings)
        if f.severity == "error"
    ]
    assert [(f.rule, f.expected, f.actual) for f in findings] == [
        ("n.growth", Decimal("6.23"), Decimal("8.23"))
    ]
    assert "推算上年为 981.86 万元" in findings[0].message


def test_yuan_written_for_wan_yuan() -> None:
    findings = _check_edited("一般公共预算 1,043.02 万元", "一般公共预算 10430200 元")
    real = [(f.rule, f.severity) for f in findings if f.rule not in ("n.growth", "n.decimals")]
    assert real == [("n.unit", "error")]


def test_wrong_amount_and_pdf_line_break() -> None:
    findings = _check_edited("人员经费 583.93 万元", "人员经费 583.\n93 万元")
    assert not [f for f in findings if f.rule == "n.amount"]
    findings = _check_edited("人员经费 583.93 万元", "人员经费 538.93 万元")
    assert [(f.rule, f.expected, f.actual) for f in findings if f.rule == "n.amount"] == [
        ("n.amount", Decimal("583.93"), Decimal("538.93"))
    ]


def test_empty_table_claim_against_data() -> None:
    data = read_workbook(EXAMPLES / "changji-2024.xlsx")
    from workbook_tools.io.model import Amount, Row

    data.tables["t8"].rows.append(
        Row("total", "合计", values={"total": Amount(Decimal("5"), "E7")}, sheet="表8")
    )
    findings = check_text(seed_part3("changji-2024"), compute_figures(data)).findings
    assert [f.rule for f in _not_the_seeds(findings) if f.severity == "error"] == ["n.empty_table"]


def test_arithmetic_conventions() -> None:
    assert arithmetic.growth(Decimal("415.89"), Decimal(0)) == Decimal("100.00")
    assert arithmetic.growth(Decimal(0), Decimal(0)) == Decimal("0.00")
    assert arithmetic.share(Decimal("1"), Decimal("8")) == Decimal("12.50")
    assert arithmetic.percent(Decimal("0.000125")) == Decimal("0.01")  # half-up, not to even
    assert arithmetic.largest_remainder([Decimal(1)] * 3, Decimal(3)) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]


def test_share_list_not_adding_up_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = read_workbook(EXAMPLES / "kashgar-2024.xlsx")
    for code, value in (("201", "1"), ("208", "1"), ("210", "1")):
        row = next(r for r in data.tables["t5"].rows if r.code == code)
        row.values["total"] = row.values["total"].__class__(
            Decimal(value), row.values["total"].cell
        )
    total = next(r for r in data.tables["t5"].rows if r.kind == "total")
    total.values["total"] = total.values["total"].__class__(
        Decimal("3"), total.values["total"].cell
    )
    next(r for r in data.tables["t5"].rows if r.code == "221").values.pop("total")
    _, notices = build_draft(compute_figures(data))
    (notice,) = [n for n in notices if n.group == "一般公共预算当年拨款结构"]
    assert "99.99%" in notice.message() and "33.34%" in notice.message()


def test_draft_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = EXAMPLES / "kashgar-2024.xlsx"
    out = tmp_path / "说明.docx"
    assert main(["narrative", str(workbook), "-o", str(out)]) == 0
    assert "已生成情况说明草稿" in capsys.readouterr().out
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "一般公共预算 415.89 万元，占 100.00%，比上年预算增加 415.89 万元，增长 100.00%" in text
    assert "政府性基金预算 0.00 万元，占 0.00%，比上年预算增加 0.00 万元，增长 0.00%" in text
    highlighted = [
        r.text for p in document.paragraphs for r in p.runs if r.font.highlight_color is not None
    ]
    assert "【请填写】" in highlighted  # project policy basis etc.
    md = tmp_path / "说明.md"
    assert main(["narrative", str(workbook), "-o", str(md)]) == 0
    assert (
        "## 一、关于新疆维吾尔自治区喀什地区喀什市政务服务中心2024年收支预算情况的总体说明"
        in md.read_text("utf-8")
    )


def test_missing_reason_is_a_highlighted_placeholder() -> None:
    data = read_workbook(EXAMPLES / "kashgar-2024.xlsx")
    row = next(r for r in data.tables["s1"].rows if r.key == "inc_gp")
    row.texts.clear()
    paragraphs, _ = build_draft(compute_figures(data))
    (paragraph,) = [p for p in paragraphs if p.text.startswith("一般公共预算 415.89")]
    assert (PLACEHOLDER_REASON, True) in paragraph.runs


def test_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text_file = tmp_path / "说明.txt"
    text_file.write_text(seed_part3("changji-2024"), encoding="utf-8")
    workbook = str(EXAMPLES / "changji-2024.xlsx")
    assert main(["narrative", "--check", str(text_file), workbook, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    # 3.32 %, 0.002 万元; the error: 364.00 万元 of 非财政拨款项目, 360.00 in the forms
    assert report["summary"] == {"error": 1, "warning": 2, "hint": 0}
    assert report["checked"] == 157  # 143 + the projects’ amounts and 资金分配 sums
    assert main(["narrative", "--check", str(text_file), workbook, "--strict"]) == 1
    out = capsys.readouterr().out
    assert "识别并核对了 157 个数字" in out and "【警告】" in out
    bad = tmp_path / "错.txt"
    bad.write_text(seed_part3("changji-2024").replace("占 73.52%", "占 37.52%"), encoding="utf-8")
    assert main(["narrative", "--check", str(bad), workbook]) == 1
    assert main(["narrative", "--check", str(tmp_path / "无.txt"), workbook]) == 2


def test_draft_without_the_supplement_sheet_asks_for_the_missing_figures() -> None:
    data = read_workbook(EXAMPLES / "kashgar-2024.xlsx")
    data.tables.pop("s1")
    data.tables.pop("s2")
    paragraphs, _ = build_draft(compute_figures(data))
    income = next(
        p for p in paragraphs if p.text.startswith("一般公共预算 415.89 万元，占 100.00%")
    )
    assert ("【请填写】", True) in income.runs and (PLACEHOLDER_REASON, True) in income.runs
    procurement = next(p for p in paragraphs if "政府采购预算" in p.text and p.kind == "text")
    assert [t for t, highlighted in procurement.runs if highlighted] == ["【请填写】"] * 4
