"""The exported tables as LibreOffice prints them: every page rendered, nothing overlapping.

One export and one LibreOffice conversion per example, shared by the tests of this module.
Text positions come from ``pdftotext -bbox-layout``; pages are rendered with ``pdftoppm``.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from html import unescape
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from workbook_tools.io.model import Amount, Row
from workbook_tools.io.reader import read_workbook
from workbook_tools.spec import load_spec
from workbook_tools.writers.export import export_file, publish_content
from workbook_tools.writers.export.pdf import FONT_FALLBACKS, convert_to_pdf, font_environment
from workbook_tools.writers.printing import Page, PrintRow, plan_pages, wrapped_lines
from workbook_tools.writers.template import LayoutStyle, write_workbook

TOOLS = ("soffice", "pdftotext", "pdftoppm", "pdffonts", "pdfinfo")
needs_tools = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS), reason="LibreOffice or poppler-utils missing"
)
EXAMPLE_NAMES = ["changji-2024", "kashgar-2024", "bazhou-2022"]
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    def overlaps(self, other: Word, slack: float = 0.5) -> bool:
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        return dx > slack and dy > slack


@dataclass
class Rendered:
    xlsx: Path
    pdf: Path
    pages: list[list[Word]]
    texts: list[str]
    pngs: list[Path]


def _pages(pdf: Path) -> list[list[Word]]:
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        [Word(*map(float, m.groups()[:4]), unescape(m.group(5))) for m in _WORD.finditer(page)]
        for page in out.split("<page ")[1:]
    ]


def _texts(pdf: Path, count: int) -> list[str]:
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def _render(xlsx: Path, pdf: Path) -> Rendered:
    pages = _pages(pdf)
    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(stem)], check=True)
    pngs = sorted(pdf.parent.glob(f"{stem.name}-*.png"))
    return Rendered(xlsx, pdf, pages, _texts(pdf, len(pages)), pngs)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    if any(shutil.which(t) is None for t in TOOLS):
        pytest.skip("LibreOffice or poppler-utils missing")
    folder = tmp_path_factory.mktemp("rendered")
    found = {}
    for name in EXAMPLE_NAMES:
        report = export_file(EXAMPLES / f"{name}.xlsx", output=folder / f"{name}.xlsx", pdf=True)
        assert report.pdf is not None
        found[name] = _render(report.path, report.pdf)
    return found


def _labels(page: str) -> list[str]:
    """The 表N labels that start a table on a page."""
    return re.findall(r"^\s*(表\d+)\s*$", page, re.M)


@needs_tools
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_text_box_overlaps_another(rendered: dict[str, Rendered], name: str) -> None:
    result = rendered[name]
    for number, words in enumerate(result.pages, start=1):
        clashes = [(a.text, b.text) for a, b in itertools.combinations(words, 2) if a.overlaps(b)]
        assert not clashes, f"{name} page {number}: {clashes[:5]}"


@needs_tools
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_cell_shows_hash_marks(rendered: dict[str, Rendered], name: str) -> None:
    for number, text in enumerate(rendered[name].texts, start=1):
        assert "##" not in text, f"{name} page {number}"


@needs_tools
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_page_is_rendered_to_png(rendered: dict[str, Rendered], name: str) -> None:
    result = rendered[name]
    assert len(result.pngs) == len(result.pages)
    assert all(png.stat().st_size > 1000 for png in result.pngs)


@needs_tools
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_table_is_one_page_with_its_total_and_remarks(
    rendered: dict[str, Rendered], name: str
) -> None:
    """Every table of the examples fits one page, as in the seeds: 表4's 总计 row and
    remark (alone on a second page before) stay with it."""
    result = rendered[name]
    spec = load_spec(read_workbook(EXAMPLES / f"{name}.xlsx").set_id)
    data = read_workbook(result.xlsx)
    printed = [t for t in spec.published_tables if t.id in data.tables]
    tables = [t for t in printed if t.form is None]
    pages = result.texts[: len(tables)]
    assert [_labels(page) for page in pages] == [[t.label] for t in tables]
    # then the 绩效目标表: one page per block, its title on top
    blocks = [(t, b) for t in printed if t.form for b in {r.block for r in data.tables[t.id].rows}]
    assert len(result.texts) == len(tables) + len(blocks)
    for page, (form, _) in zip(result.texts[len(tables) :], blocks, strict=True):
        assert form.title in re.sub(r"\s", "", page), (name, form.id)
    content, _ = publish_content(data, spec)
    for page, table in zip(pages, tables, strict=True):
        plain = re.sub(r"\s", "", page)
        assert table.title.replace("“", "").replace("”", "") in plain.replace("“", "").replace(
            "”", ""
        )
        for remark in content[table.id].remarks:
            assert re.sub(r"\s", "", remark) in plain, (name, table.label, remark)


@needs_tools
def test_titles_without_the_year_and_the_year_in_the_page_header(
    rendered: dict[str, Rendered],
) -> None:
    page = rendered["changji-2024"].texts[1]
    assert "2024年部门预算公开表" in page  # the page header
    assert "2024年部门收入总体情况表" not in re.sub(r"\s", "", page)
    assert "部门收入总体情况表" in page
    book = openpyxl.load_workbook(rendered["changji-2024"].xlsx)
    assert book["表2"]["A2"].value == "部门收入总体情况表"
    assert "2024年部门预算公开表" in book["表2"].oddHeader.right.text


@needs_tools
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_pdf_embeds_simplified_chinese_serif_and_sans(
    rendered: dict[str, Rendered], name: str
) -> None:
    """宋体 prints as Noto Serif CJK (a Song face), 黑体 titles as Noto Sans CJK; no Latin
    fallback font. (The Noto OTC files share one CFF named …jp…; the face LibreOffice takes
    is the one fontconfig names, checked below to be the SC one.)"""
    out = subprocess.run(
        ["pdffonts", str(rendered[name].pdf)], capture_output=True, text=True, check=True
    ).stdout
    names = [line.split()[0].split("+")[-1] for line in out.splitlines()[2:]]
    assert any(n.startswith("NotoSerifCJK") and "Bold" not in n for n in names), names
    assert any(n.startswith("NotoSansCJK") and "Bold" in n for n in names), names
    assert all(n.startswith(("NotoSerifCJK", "NotoSansCJK")) for n in names), names


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig missing")
@pytest.mark.parametrize(
    ("family", "face"),
    [("宋体", "NotoSerifCJKsc"), ("仿宋_GB2312", "NotoSerifCJKsc"), ("黑体", "NotoSansCJKsc")],
)
def test_chinese_font_names_resolve_to_simplified_chinese_faces(
    family: str, face: str, tmp_path: Path
) -> None:
    env = font_environment(tmp_path)
    installed = subprocess.run(
        ["fc-list", ":family=" + family], capture_output=True, text=True, env=env
    ).stdout
    if installed.strip():
        pytest.skip(f"{family} itself is installed")
    found = subprocess.run(
        ["fc-match", "-f", "%{postscriptname}", family],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert found.startswith(face), found
    assert family in FONT_FALLBACKS


def test_installed_font_is_not_replaced(tmp_path: Path) -> None:
    """The fallbacks come after the named font: a family that exists is still itself."""
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig missing")
    env = font_environment(tmp_path)
    plain = subprocess.run(
        ["fc-match", "-f", "%{family}", "DejaVu Serif"], capture_output=True, text=True, env=env
    ).stdout
    assert plain.startswith("DejaVu Serif")


# -- page planning ----------------------------------------------------------------------
def test_wrapping_counts_cjk_as_two_units() -> None:
    assert wrapped_lines("一般行政管理事务", 20) == 1  # 16 units
    assert wrapped_lines("政府办公厅（室）及相关机构事务", 22) == 2  # 30 units
    assert wrapped_lines("12345 云呼叫中心平台技术服务运维费", 30) == 2
    assert wrapped_lines("abc def", 5) == 2


def test_long_table_breaks_between_body_rows_and_keeps_its_tail() -> None:
    rows = [PrintRow(0, 30, "title"), PrintRow(1, 36, "header"), PrintRow(2, 18, "header")]
    rows += [PrintRow(i, 18, "body") for i in range(3, 3 + 60)]
    rows += [PrintRow(63, 18, "tail"), PrintRow(64, 30, "tail")]
    plan = plan_pages(rows, [12] * 6, Page(landscape=False), one_page=False)
    assert not plan.one_page and plan.breaks
    kinds = {r.index: r.kind for r in rows}
    assert all(kinds[b] == "body" for b in plan.breaks)
    assert 63 - plan.breaks[-1] >= 2  # the last page has body rows besides the tail


def test_table_just_over_a_page_is_scaled_onto_one() -> None:
    rows = [PrintRow(0, 30, "title"), PrintRow(1, 36, "header")]
    rows += [PrintRow(i, 18, "body") for i in range(2, 44)]
    assert plan_pages(rows, [12] * 6, Page(landscape=False), one_page=False).one_page


@needs_tools
def test_long_table_prints_over_pages_with_the_header_repeated(tmp_path: Path) -> None:
    data = read_workbook(EXAMPLES / "changji-2024.xlsx")
    spec = load_spec(data.set_id)
    content, _ = publish_content(data, spec)
    t7 = content["t7"]
    project = next(r for r in t7.rows if r.kind == "project")
    for n in range(70):
        t7.rows.append(
            Row(
                "project",
                project.name,
                project.code,
                f"测试项目第{n + 1}号：长名称的政务服务平台运维项目",
                values={"total": Amount(Decimal("1.00"))},
            )
        )
    out = tmp_path / "long.xlsx"
    write_workbook(
        out,
        spec,
        data.unit,
        2024,
        {"t7": t7},
        LayoutStyle(shade_derived=False, zero_blank=True),
        [spec.table("t7")],
    )
    pdf = convert_to_pdf(out)
    pages = _texts(pdf, len(_pages(pdf)))
    assert len(pages) >= 3
    assert all("项目名称" in page for page in pages)  # the header on every page
    body = [len(re.findall(r"测试项目第\d+号", page)) for page in pages]
    assert body[-1] >= 2 and "表7中不包含结转结余资金" in pages[-1].replace(" ", "")
    for number, words in enumerate(_pages(pdf), start=1):
        assert not [
            (a.text, b.text) for a, b in itertools.combinations(words, 2) if a.overlaps(b)
        ], number
