"""Benchmark: marking and clearing the examples, as a ratio to an openpyxl load + save of
the same file (what marking used to cost), and a sheet formatted down to row 1,048,576.

    python tests/bench/bench_mark.py

Columns: ``mark`` is ``mark_file`` (the check result given, so reading and checking are
not counted), ``engine`` the package engine alone (open, mark, save), ``clear`` is
``clear_file`` of the marked copy, ``fill`` is ``fill_file``. Targets: ``mark`` ≤ 1.1 ×
openpyxl; the 1,048,576-row sheets mark in ≤ 3 s and ≤ 300 MB (tests/test_ooxml_large.py
checks time and memory in a subprocess).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from tests.bench.bench_extract import median_ms  # noqa: E402
from tests.ooxml_helpers import formatted_to_the_last_row  # noqa: E402
from workbook_tools.io.reader import read_workbook  # noqa: E402
from workbook_tools.rules import check_workbook  # noqa: E402
from workbook_tools.writers.fill import fill_file  # noqa: E402
from workbook_tools.writers.marks.files import clear_file, mark_file  # noqa: E402
from workbook_tools.writers.marks.present import present  # noqa: E402
from workbook_tools.writers.ooxml import PackageEdit  # noqa: E402

WORKBOOKS = ["changji-2024.xlsx", "kashgar-2024.xlsx", "changji-2024-system.xlsx"]


def openpyxl_round_trip(source: Path, target: Path) -> None:
    openpyxl.load_workbook(source, rich_text=True).save(target)


def engine_mark(source: Path, target: Path, view) -> None:
    edit = PackageEdit.open(source)
    edit.mark(view)
    edit.save(target)


def row(name: str, source: Path, folder: Path, repeat: int) -> None:
    result = check_workbook(read_workbook(source))
    view = present(result, datetime.now())
    marked = folder / f"{source.stem}.marked.xlsx"
    base = median_ms(lambda: openpyxl_round_trip(source, folder / "o.xlsx"), repeat)
    mark = median_ms(lambda: mark_file(source, output=marked, force=True, result=result), repeat)
    engine = median_ms(lambda: engine_mark(source, folder / "e.xlsx", view), repeat)
    clear = median_ms(lambda: clear_file(marked, output=folder / "c.xlsx", force=True), repeat)
    fill = median_ms(lambda: fill_file(source, output=folder / "f.xlsx", force=True), repeat)
    print(
        f"{name:28} {base:9.0f} {mark:8.0f} {mark / base:6.2f} {engine:8.0f} "
        f"{engine / base:6.2f} {clear:8.0f} {clear / base:6.2f} {fill:8.0f}"
    )


def main() -> None:
    print(
        f"{'workbook':28} {'openpyxl':>9} {'mark':>8} {'×':>6} {'engine':>8} {'×':>6} "
        f"{'clear':>8} {'×':>6} {'fill':>8}   (ms; × = ratio to openpyxl load+save)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in WORKBOOKS:
            row(name, ROOT / "examples" / name, folder, 10)
        source = ROOT / "examples" / "changji-2024.xlsx"
        result = check_workbook(read_workbook(source))
        view = present(result, datetime.now())
        for label, cells in (("rows to 1,048,576", ""), ("cells to 1,048,576", "QR")):
            big = folder / "big.xlsx"
            formatted_to_the_last_row(source, big, "xl/worksheets/sheet2.xml", cells)
            engine = median_ms(lambda b=big: engine_mark(b, folder / "e.xlsx", view), 3)
            print(f"{label:28} engine {engine:8.0f} ms (openpyxl: about 70 s, 1.75 GB)")


if __name__ == "__main__":
    main()
