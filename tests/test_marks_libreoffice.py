"""A real spreadsheet program reads the marked workbook: LibreOffice prints it and saves it.

Skipped where LibreOffice (``soffice``) is not installed; CI installs it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from copy import copy
from pathlib import Path
from xml.etree.ElementTree import tostring

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from workbook_tools.cli import main
from workbook_tools.writers.marks.files import clear_file, mark_file
from workbook_tools.writers.marks.present import AUTHOR
from workbook_tools.writers.marks.record import MARK_SHEET, PACKAGE_ROW
from workbook_tools.writers.marks.results_layout import RESULT_SHEET

SOFFICE = shutil.which("soffice")
NAME = "changji-2024"


def _convert(folder: Path, fmt: str, *sources: Path) -> None:
    """``soffice --convert-to`` with a private profile, so parallel runs do not clash."""
    assert SOFFICE is not None
    command = [
        SOFFICE,
        f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
        "--headless",
        "--convert-to",
        fmt,
        "--outdir",
        str(folder / "out"),
        *map(str, sources),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the example, its marked copy, and both as PDF and LibreOffice xlsx."""
    if SOFFICE is None:
        pytest.skip("LibreOffice（soffice）未安装")
    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / f"{NAME}.xlsx"
    shutil.copyfile(EXAMPLES / source.name, source)
    _, summary, report = mark_file(source)
    assert summary.marked_cells == 54
    _convert(folder, "pdf", source, report.path)
    _convert(folder, "xlsx", report.path)
    return folder


def _pages(pdf: Path) -> int:
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page\b", data))


def test_marked_workbook_prints(converted: Path) -> None:
    marked = converted / "out" / f"{NAME}.已校验.pdf"
    original = converted / "out" / f"{NAME}.pdf"
    assert _pages(original) >= 11  # every table on its own page at least
    assert _pages(marked) > _pages(original)  # plus the findings sheet
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(marked), "-"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        first = text.split("\f")[0]
        assert "校验结果" in first and re.search(r"警告\s*36\s*条", first)
        assert "表2!E14" in text
        assert "标注记录" not in text and '"fill"' not in text  # the record is never printed


def _comments(book: openpyxl.Workbook) -> dict[tuple[str, str], str]:
    return {
        (ws.title, cell.coordinate): cell.comment.text
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.comment is not None
    }


def test_notes_survive_libreoffice(converted: Path) -> None:
    ours = openpyxl.load_workbook(converted / f"{NAME}.已校验.xlsx")
    theirs = openpyxl.load_workbook(converted / "out" / f"{NAME}.已校验.xlsx")
    assert theirs.sheetnames == ours.sheetnames
    notes = _comments(ours)
    assert len(notes) == 54
    assert {
        c.comment.author for ws in ours for row in ws.iter_rows() for c in row if c.comment
    } == {AUTHOR}
    assert _comments(theirs) == notes
    e14 = theirs["表2"]["E14"]
    assert "90.23" in e14.comment.text and "90.22" in e14.comment.text
    assert e14.fill.fgColor.rgb == "FFFFE699"
    assert theirs.active.title == RESULT_SHEET
    assert theirs[MARK_SHEET].sheet_state != "visible"


def test_clear_after_libreoffice_saved_the_marks(
    converted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """LibreOffice rewrites the record (rich text, empty drawings); clearing still works."""
    path = converted / "saved-by-libreoffice.xlsx"
    shutil.copyfile(converted / "out" / f"{NAME}.已校验.xlsx", path)
    assert main(["clear", str(path), "--in-place"]) == 0
    assert "已清除 54 个单元格的标注" in capsys.readouterr().err
    original = openpyxl.load_workbook(EXAMPLES / f"{NAME}.xlsx")
    cleared = openpyxl.load_workbook(path)
    assert cleared.sheetnames == original.sheetnames
    assert _comments(cleared) == {}
    marked = openpyxl.load_workbook(converted / f"{NAME}.已校验.xlsx")
    keys = [
        (str(row[0]), str(row[1]))
        for row in marked[MARK_SHEET].iter_rows(min_row=2, values_only=True)
        if row[0] != PACKAGE_ROW
    ]
    assert len(keys) == 54
    for sheet, address in keys:
        before, after = original[sheet][address], cleared[sheet][address]
        assert tostring(copy(after.fill).to_tree()) == tostring(copy(before.fill).to_tree())
        assert after.font.b == before.font.b


def test_libreoffice_copy_clears_to_a_copy_without_loss_warnings(converted: Path) -> None:
    restored, report = clear_file(converted / "out" / f"{NAME}.已校验.xlsx", force=True)
    assert (restored, report.lost) == (54, [])


def test_engine_output_with_chart_image_pivot_opens_in_libreoffice(tmp_path: Path) -> None:
    """A workbook with a chart, an image, a pivot table and a user's note, marked by the
    package engine: LibreOffice prints it, and reads back our notes, fills and the chart."""
    if SOFFICE is None:
        pytest.skip("LibreOffice（soffice）未安装")
    from tests.ooxml_helpers import add_pivot, xlsxwriter_book
    from tests.test_ooxml_package import MARKS, _mark, _view

    book = add_pivot(xlsxwriter_book(tmp_path / "xw.xlsx", tmp_path / "i.png"), tmp_path / "p.xlsx")
    marked = _mark(book, tmp_path / "marked.xlsx", _view(MARKS))
    _convert(tmp_path, "pdf", marked)
    assert _pages(tmp_path / "out" / "marked.pdf") >= 2
    _convert(tmp_path, "xlsx", marked)
    theirs = openpyxl.load_workbook(tmp_path / "out" / "marked.xlsx")
    ours = openpyxl.load_workbook(marked)
    assert theirs.sheetnames == ours.sheetnames
    assert _comments(theirs) == _comments(ours)
    for address in ("B2", "B3", "D2", "K5", "J40", "C31"):
        assert theirs["Data"][address].fill.fgColor.rgb == ours["Data"][address].fill.fgColor.rgb
    assert theirs["Data"]["B2"].font.b and theirs["Data"]["B2"].font.color.rgb == "FFC00000"
    with zipfile.ZipFile(tmp_path / "out" / "marked.xlsx") as package:
        assert any(name.startswith("xl/charts/") for name in package.namelist())
        assert any(name.startswith("xl/media/") for name in package.namelist())
