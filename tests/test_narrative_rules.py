"""The 情况说明 text rules, each with a planted mistake in a seed's own text; locations,
exact quotes, unrecognised figures; the Word draft's page format, on the XML and rendered."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.test_narrative import figures, seed_part3
from workbook_tools.cli import main
from workbook_tools.io.reader import read_workbook
from workbook_tools.narrative import write_draft
from workbook_tools.narrative.draft import ShareNotice
from workbook_tools.narrative.figures import compute_figures
from workbook_tools.narrative.rules import TEXT_RULE_IDS
from workbook_tools.narrative.textcheck import check_text
from workbook_tools.narrative.textrules import RULES

CHANGJI_SEED_RULES = ["n.growth", "n.decimals"]  # the seed's own two findings
# … and its third, against its 绩效目标表: 非财政拨款项目 364.00 万元, the one such form 360.00
CHANGJI_SEED_AMOUNT = ("n.amount", Decimal("364.00"))


def _seed_own(finding: object) -> bool:
    rule, actual = finding.rule, getattr(finding, "actual", None)  # type: ignore[attr-defined]
    return rule in CHANGJI_SEED_RULES or (rule, actual) == CHANGJI_SEED_AMOUNT


def _planted(old: str, new: str, name: str = "changji-2024") -> list:
    text = seed_part3(name)
    assert old in text, old
    findings = check_text(text.replace(old, new, 1), figures(name)).findings
    return [f for f in findings if not _seed_own(f) or name != "changji-2024"]


def test_every_rule_is_in_the_catalogue() -> None:
    found = {
        "n.placeholder",
        "n.template_words",
        "n.percent_sign",
        "n.decimals",
        "n.repeated",
        "n.reason",
        "n.wording",
        "n.unit_name",
        "n.title_year",
        "n.budget_compare",
        "n.report_year",
    }
    assert found <= TEXT_RULE_IDS and len(RULES) == 11


@pytest.mark.parametrize("placeholder", ["【请填写原因】", "XX", "××", "待填写", "{单位}"])
def test_placeholders_are_errors(placeholder: str) -> None:
    old = "主要原因昌吉回族自治州政务服务和公共资源交易中心人员工资上涨、社保基数上调等"
    (finding,) = _planted(old, f"主要原因是{placeholder}")
    assert (finding.rule, finding.severity, finding.actual) == (
        "n.placeholder",
        "error",
        placeholder,
    )
    assert finding.cell == "二、第2段"


def test_template_words_left_in() -> None:
    found = _planted("比上年预算增加 61.16 万元", "比上年预算增加（减少）61.16 万元")
    (finding,) = [f for f in found if f.rule == "n.template_words"]
    assert (finding.severity, finding.actual) == ("error", "增加（减少）")


def test_share_without_percent() -> None:
    (finding,) = _planted("占 73.52%", "占 73.52，")
    assert (finding.rule, finding.severity) == ("n.percent_sign", "error")


def test_more_than_two_decimals() -> None:
    text = seed_part3("changji-2024").replace("占 73.52%", "占 73.521%", 1)
    found = check_text(text, figures("changji-2024")).findings
    (finding,) = [f for f in found if f.rule == "n.decimals" and f.actual == "73.521"]
    assert (finding.rule, finding.severity, finding.expected) == ("n.decimals", "warning", "73.52")


def test_same_figure_twice_with_different_values() -> None:
    data = read_workbook(EXAMPLES / "changji-2024.xlsx")
    data.tables.pop("s1")  # without last year's figures the change itself cannot be checked
    data.tables.pop("s2")
    old = "上级一般公共预算安排的转移支付资金上级一般公共预算安排的转移支付资金未安排。"
    text = seed_part3("changji-2024")
    assert old in text
    text = text.replace(old, old + "一般公共预算比上年预算增加 16.61 万元。", 1)
    findings = [f for f in check_text(text, compute_figures(data)).findings]
    (finding,) = [f for f in findings if f.rule == "n.repeated"]
    assert (finding.expected, finding.actual) == ("增加 61.16 万元", "增加 16.61 万元")
    assert "关于昌吉回族自治州政务服务和公共资源交易中心 2024 年收入预算情况说明" in finding.message


def test_change_without_reason() -> None:
    old = "，主要原因昌吉回族自治州政务服务和公共资源交易中心人员工资上涨、社保基数上调等。"
    (finding,) = _planted(old, "。")
    assert (finding.rule, finding.severity) == ("n.reason", "error")
    assert "一般公共预算" in finding.message


@pytest.mark.parametrize(("mode", "told"), [("never", 0), ("ten_percent", 0), ("any", 1)])
def test_change_reason_convention(mode: str, told: int) -> None:
    from dataclasses import replace

    found = figures("changji-2024")
    found.narrative = replace(found.narrative, change_reason=mode)  # type: ignore[arg-type]
    old = "，主要原因昌吉回族自治州政务服务和公共资源交易中心人员工资上涨、社保基数上调等。"
    text = seed_part3("changji-2024").replace(old, "。", 1)  # 一般公共预算 +6.23 %
    assert len([f for f in check_text(text, found).findings if f.rule == "n.reason"]) == told


def test_wording_of_the_other_kind_of_set() -> None:
    (finding,) = _planted("收入预算包括", "根据部门决算公开表，收入预算包括")
    assert (finding.rule, finding.expected) == ("n.wording", "部门预算公开表")


def test_unit_name_written_differently() -> None:
    unit = "昌吉回族自治州政务服务和公共资源交易中心"
    old = f"按照全口径预算的原则，{unit}"
    (finding,) = _planted(old, "按照全口径预算的原则，昌吉回族自治州政务服务与公共资源交易中心")
    assert finding.rule == "n.unit_name" and finding.expected == unit


def test_table_title_with_another_year() -> None:
    (finding,) = _planted("收入预算包括", "详见2023年部门收支总体情况表。收入预算包括")
    assert (finding.rule, finding.severity) == ("n.title_year", "error")


# -- locations, quotes, unrecognised figures -------------------------------------------
def test_quote_exactly_as_written_and_locate_by_heading_and_paragraph() -> None:
    (finding,) = _planted("占 73.52%", "占 73.25%")
    # full-width punctuation as written (was NFKC-normalised to ASCII), found by Ctrl+F
    assert "一般公共预算 1,043.02 万元，占 73.25%，比上年预算增加 61.16 万元，" in finding.message
    assert finding.cell == "二、第1段"


def test_page_of_a_pdf_text() -> None:
    text = seed_part3("changji-2024").replace("占 73.52%", "占 73.25%", 1)
    first, rest = text.split("### 三、", 1)
    paged = f"{first}\n第 1 页\n\f### 三、{rest}"
    result = check_text(paged, figures("changji-2024"))
    (finding,) = [f for f in result.findings if f.rule == "n.share"]
    location = result.locations[result.findings.index(finding)]
    assert finding.cell == "第1页 二、第1段" and location.page == 1
    assert (
        "关于昌吉回族自治州政务服务和公共资源交易中心 2024 年收入预算情况说明"
        in location.describe()
    )
    later = [s for s in result.statements if s.sentence.section == "三"]
    assert later and all(s.sentence.location.page == 2 for s in later)


def test_unrecognised_figures_are_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text_file = tmp_path / "说明.txt"
    text_file.write_text(seed_part3("bazhou-2022"), encoding="utf-8")
    workbook = str(EXAMPLES / "bazhou-2022.xlsx")
    main(["narrative", "--check", str(text_file), workbook, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["unrecognised"] == 4 == len(report["unrecognised_figures"])
    assert all(
        item["sentence"] and item["location"]["section"] for item in report["unrecognised_figures"]
    )
    assert all("location" in f for f in report["findings"])
    main(["narrative", "--check", str(text_file), workbook])
    out = capsys.readouterr().out
    assert "未能对应到表中项目的数字（4 个，未核对）" in out and "位置：" in out


def test_untouched_draft_does_not_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = EXAMPLES / "kashgar-2024.xlsx"
    draft = tmp_path / "说明.docx"
    assert main(["narrative", str(workbook), "-o", str(draft)]) == 0
    capsys.readouterr()
    assert main(["narrative", "--check", str(draft), str(workbook)]) == 1
    out = capsys.readouterr().out
    assert "n.placeholder" in out and "文中数字与表格一致" not in out


def test_rounding_suggestion_keeps_two_decimals() -> None:
    notice = ShareNotice(
        "结构",
        [("甲", Decimal("98.61")), ("乙", Decimal("1.40"))],
        [Decimal("98.6"), Decimal("1.4")],
    )
    assert "1.40%" in notice.message() and "98.60%" in notice.message()


# -- the Word draft -------------------------------------------------------------------
def _xml(docx: Path, part: str) -> str:
    with zipfile.ZipFile(docx) as package:
        return package.read(part).decode("utf-8")


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("draft") / "说明.docx"
    return write_draft(read_workbook(EXAMPLES / "changji-2024.xlsx"), out)


def test_docx_is_a4_with_the_official_margins(draft: Path) -> None:
    document = _xml(draft, "word/document.xml")
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', document)
    margins = re.search(r"<w:pgMar [^>]*>", document).group(0)  # type: ignore[union-attr]
    twips = {k: int(v) for k, v in re.findall(r'w:(top|bottom|left|right)="(\d+)"', margins)}
    assert twips == {"top": 2098, "bottom": 1984, "left": 1587, "right": 1474}  # 37/35/28/26 mm
    assert 'w:linePitch="580"' in document  # 22 lines on the 225 mm text block
    styles = _xml(draft, "word/styles.xml")
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S).group(0)  # type: ignore[union-attr]
    assert 'w:eastAsia="仿宋_GB2312"' in normal and '<w:sz w:val="32"/>' in normal
    heading1 = re.search(r'w:styleId="Heading1".*?</w:style>', styles, re.S).group(0)  # type: ignore[union-attr]
    heading2 = re.search(r'w:styleId="Heading2".*?</w:style>', styles, re.S).group(0)  # type: ignore[union-attr]
    assert 'w:eastAsia="黑体"' in heading1 and 'w:eastAsia="楷体_GB2312"' in heading2
    fonts = _xml(draft, "word/fontTable.xml")
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', fonts)
    footers = [n for n in zipfile.ZipFile(draft).namelist() if n.startswith("word/footer")]
    assert len(footers) == 2 and all("PAGE" in _xml(draft, f) for f in footers)
    assert "<w:evenAndOddHeaders/>" in _xml(draft, "word/settings.xml")


def test_docx_contents_list_the_sections_like_the_seeds(draft: Path) -> None:
    document = _xml(draft, "word/document.xml")
    assert 'TOC \\o "1-1"' in document
    from docx import Document

    paragraphs = [p.text for p in Document(str(draft)).paragraphs]
    start = paragraphs.index("目  录")
    entries = paragraphs[start + 1 : start + 13]
    assert [e.split("、")[0] for e in entries] == [
        "一",
        "二",
        "三",
        "四",
        "五",
        "六",
        "七",
        "八",
        "九",
        "十",
        "十一",
        "十二",
    ]
    assert (
        entries[0] == "一、关于昌吉回族自治州政务服务和公共资源交易中心2024年收支预算情况的总体说明"
    )
    headings = [p.text for p in Document(str(draft)).paragraphs if p.style.name == "Heading 1"]
    assert headings == entries


@pytest.mark.skipif(
    any(shutil.which(t) is None for t in ("soffice", "pdfinfo", "pdffonts", "pdftotext")),
    reason="LibreOffice or poppler-utils missing",
)
def test_docx_renders_through_libreoffice(draft: Path) -> None:
    from workbook_tools.writers.export.pdf import convert_to_pdf

    pdf = convert_to_pdf(draft, target=draft.with_name("说明.pdf"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info and int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 5  # type: ignore[union-attr]
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "NotoSerifCJK" in fonts and "DejaVu" not in fonts
    page = subprocess.run(
        ["pdftotext", "-f", "4", "-l", "4", "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = re.findall(r"<line ", page)
    assert 15 <= len(lines) <= 23  # 22 lines a page, plus the page number
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "目  录" in text or "目 录" in text
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert len(re.findall(r"—\s*\d+\s*—", text)) == pages  # a page number on every page
