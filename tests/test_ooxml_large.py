"""A sheet formatted down to row 1,048,576 — rows with a style, or empty cells with a
style — marks and clears in bounded memory and in time proportional to the bytes: the sheet part
streams through and no tree of it is ever built. Measured in a fresh subprocess: peak
resident memory, and processor time as a ratio to a floor taken in the same process
(inflating every part of the package), never as seconds on their own — the machines are
shared and noisy. Building a tree of the sheet costs two orders of magnitude more than the
floor; streaming stays within ``MAX_RATIO``."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT
from tests.ooxml_helpers import formatted_to_the_last_row

MAX_RATIO = 25  # measured: mark ≈ 4×, clear ≈ 3× the floor
MAX_MB = 300

SCRIPT = """
import json, resource, sys, time, zipfile
from datetime import datetime
from pathlib import Path
from workbook_tools.io.reader import read_workbook
from workbook_tools.rules import check_workbook
from workbook_tools.writers.marks.present import present
from workbook_tools.writers.ooxml import PackageEdit

source, big, folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
view = present(check_workbook(read_workbook(source)), datetime.now())
cpu = time.process_time()
with zipfile.ZipFile(big) as package:
    for info in package.infolist():
        package.read(info)
floor = time.process_time() - cpu
start, cpu = time.perf_counter(), time.process_time()
edit = PackageEdit.open(big)
summary = edit.mark(view)
edit.save(folder / "marked.xlsx")
mark, mark_wall = time.process_time() - cpu, time.perf_counter() - start
start, cpu = time.perf_counter(), time.process_time()
edit = PackageEdit.open(folder / "marked.xlsx")
report = edit.clear()
edit.save(folder / "cleared.xlsx")
clear, clear_wall = time.process_time() - cpu, time.perf_counter() - start
plain = PackageEdit.open(source)
plain_marked = plain.mark(view).marked_cells
def high_water_mb():
    # VmHWM belongs to this process's own memory map; ru_maxrss would carry the parent's
    # resident size across fork and exec (pytest may be large by the time this runs)
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
peak = high_water_mb()
print(json.dumps({"mark": mark, "clear": clear, "floor": floor, "peak_mb": peak,
                  "mark_wall": mark_wall, "clear_wall": clear_wall,
                  "marked": summary.marked_cells, "plain_marked": plain_marked, "exact": report.exact}))
"""


@pytest.mark.parametrize("cells", ["", "QR"], ids=["formatted rows", "formatted empty cells"])
def test_sheet_formatted_to_the_last_row(cells: str, tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("resource is POSIX only")
    source = EXAMPLES / "changji-2024.xlsx"
    big = tmp_path / "big.xlsx"
    formatted_to_the_last_row(source, big, "xl/worksheets/sheet2.xml", cells)  # 表2: marked
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(source), str(big), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["marked"] == measured["plain_marked"] > 0 and measured["exact"]
    assert measured["mark"] <= MAX_RATIO * measured["floor"], measured
    assert measured["clear"] <= MAX_RATIO * measured["floor"], measured
    assert measured["peak_mb"] <= MAX_MB, measured
    with zipfile.ZipFile(big) as before, zipfile.ZipFile(tmp_path / "cleared.xlsx") as after:
        assert after.namelist() == before.namelist()
        for name in before.namelist():
            assert after.read(name) == before.read(name), name
    with zipfile.ZipFile(tmp_path / "marked.xlsx") as marked, zipfile.ZipFile(big) as before:
        part = "xl/worksheets/sheet2.xml"
        assert marked.getinfo(part).file_size > before.getinfo(part).file_size  # all rows kept
