"""Render the pictures the README shows, with LibreOffice (soffice) and pdftoppm.

    python examples/render.py

- ``examples/export-table2.png``: 表2 of the changji example as ``wbt export`` writes it, to
  set beside the published table it reproduces (seed changji-2024-budget.txt, 表 2).
- ``examples/marked-table3.png``: 表3 of the kashgar example after a typing error
  (表3 F12 177.72 → 178.72) was checked and marked: the error cells orange with a bold
  red figure and a note with the value to type; the cells it throws out (受影响) light purple.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workbook_tools.writers.export import export_file  # noqa: E402
from workbook_tools.writers.export.pdf import font_environment  # noqa: E402
from workbook_tools.writers.marks.files import mark_file  # noqa: E402

EXAMPLES = ROOT / "examples"


def to_pdf(workbook: Path, folder: Path) -> Path:
    profile = folder / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=font_environment(folder),  # 宋体 → a Simplified-Chinese serif, as wbt export --pdf
    )
    return folder / f"{workbook.stem}.pdf"


def page_png(pdf: Path, page: int, target: Path) -> Path:
    stem = target.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "80",
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(stem),
        ],
        check=True,
        timeout=120,
    )
    return target


def render_marked(folder: Path) -> Path:
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    book["表3"]["F12"] = 178.72
    source = folder / "kashgar-2024-typo.xlsx"
    book.save(source)
    _, _, report = mark_file(source)
    pdf = to_pdf(report.path, folder)
    return page_png(pdf, 4, EXAMPLES / "marked-table3.png")  # page 1 is 校验结果, 2-3 表1/表2


def render_export(folder: Path) -> Path:
    report = export_file(EXAMPLES / "changji-2024.xlsx", output=folder / "changji-export.xlsx")
    pdf = to_pdf(report.path, folder)
    return page_png(pdf, 2, EXAMPLES / "export-table2.png")


def main() -> None:
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        raise SystemExit(
            "需要 LibreOffice 与 poppler-utils：apt-get install libreoffice-calc poppler-utils"
        )
    with tempfile.TemporaryDirectory() as tmp:
        print(render_export(Path(tmp)).relative_to(ROOT))
        print(render_marked(Path(tmp)).relative_to(ROOT))


if __name__ == "__main__":
    main()
