"""Every operation of the speed issue as a ratio to its floor, measured in the same run.

    python tests/bench/bench_floor.py [--quick]

The machines are shared and noisy, so nothing here is a time on its own: each operation is
measured interleaved with its floor (operation, floor, operation, floor …) and reported as
the ratio of the medians. The floors are what no implementation can avoid: python-calamine
reading every sheet of the same file; the interpreter starting and importing
python-calamine; openpyxl loading and saving the same file (what marking and filling used
to cost). Then the scaling curve: checking a project table of 100 … 30,000 projects, with
the log-log slope of time against size (1 = linear).

``--quick`` skips the 30,000-project point and repeats less (a smoke run).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench.workloads import (  # noqa: E402
    blank_derived_workbook,
    projects_workbook,
)

EXAMPLE = ROOT / "examples" / "changji-2024.xlsx"
Action = Callable[[], object]


# -- measuring ------------------------------------------------------------------------------
def interleaved(action: Action, floor: Action, repeat: int) -> tuple[float, float]:
    """Medians (seconds) of ``action`` and ``floor``, run alternately after a warm-up."""
    action(), floor()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for i, step in enumerate((action, floor)):
            start = time.perf_counter()
            step()
            times[i].append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def process(*args: str) -> Action:
    """A fresh interpreter running ``args`` (output discarded), with bytecode caching on as
    in an installed package (some shells set PYTHONDONTWRITEBYTECODE, which makes every
    start compile every module from source)."""
    command = [sys.executable, *args]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return lambda: subprocess.run(command, capture_output=True, check=False, cwd=ROOT, env=env)


def row(name: str, action_s: float, floor_s: float, goal: str) -> None:
    ratio = action_s / floor_s if floor_s else float("nan")
    print(f"{name:44} {action_s * 1000:9.1f} {floor_s * 1000:9.1f} {ratio:7.2f}×   {goal}")


def header(title: str) -> None:
    print(f"\n{title}")
    print(f"{'operation':44} {'ms':>9} {'floor ms':>9} {'ratio':>8}   goal")


# -- the operations -------------------------------------------------------------------------
def calamine_read(path: Path) -> Action:
    def read() -> None:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
        book.close()

    return read


def check_in_process(path: Path) -> Action:
    from workbook_tools.io.reader import read_workbook
    from workbook_tools.rules import check_workbook

    return lambda: check_workbook(read_workbook(path))


def openpyxl_round_trip(source: Path, target: Path) -> Action:
    import openpyxl

    return lambda: openpyxl.load_workbook(source, rich_text=True).save(target)


_CALAMINE_COLD = (
    "import sys; from python_calamine import CalamineWorkbook as W; b = W.from_path(sys.argv[1]);"
    " [b.get_sheet_by_name(n).to_python() for n in b.sheet_names]"
)


def checks(folder: Path, repeat: int) -> None:
    header("check (changji example unless said)")
    action, floor = interleaved(check_in_process(EXAMPLE), calamine_read(EXAMPLE), repeat)
    row("check in-process (read+locate+parse+rules)", action, floor, "≤ 3× calamine read")
    cold = process("-m", "workbook_tools", "check", str(EXAMPLE))
    action, floor = interleaved(cold, process("-c", _CALAMINE_COLD, str(EXAMPLE)), repeat)
    row("wbt check, fresh process", action, floor, "≤ 4× python + calamine read")
    action, floor = interleaved(process("-m", "workbook_tools", "sets"), process("-c", ""), repeat)
    row("wbt sets, fresh process", action, floor, f"≤ 80 ms ({action * 1000:.0f} ms)")
    for code_rows in (False, True):
        path = folder / f"projects-{code_rows}.xlsx"
        projects_workbook(path, 10_000, code_rows)
        action, floor = interleaved(
            check_in_process(path), calamine_read(path), max(3, repeat // 4)
        )
        label = "check, 10,000 projects" + (" with 项 rows" if code_rows else "")
        row(label, action, floor, "≤ 3× calamine read")


def marks(folder: Path, repeat: int) -> None:
    from workbook_tools.io.reader import read_workbook
    from workbook_tools.rules import check_workbook
    from workbook_tools.writers.fill import fill_file
    from workbook_tools.writers.marks.files import mark_file

    header("mark and fill")
    result = check_workbook(read_workbook(EXAMPLE))
    marked = folder / "marked.xlsx"

    def mark() -> None:
        mark_file(EXAMPLE, output=marked, force=True, result=result)

    floor = openpyxl_round_trip(EXAMPLE, folder / "round.xlsx")
    action, base = interleaved(mark, floor, repeat)
    row("mark in-process (check result given)", action, base, "≤ 1.1× openpyxl load+save")
    blank = folder / "blank.xlsx"
    count = blank_derived_workbook(EXAMPLE, blank)

    def fill() -> None:
        fill_file(blank, output=folder / "filled.xlsx", force=True)

    action, base = interleaved(fill, openpyxl_round_trip(blank, folder / "round.xlsx"), repeat)
    row(f"fill, {count} blank derived cells (read+fill+write)", action, base, "≤ 1.3× openpyxl")
    large_mark(folder)


def large_mark(folder: Path) -> None:
    from tests.ooxml_helpers import formatted_to_the_last_row
    from tests.test_ooxml_large import SCRIPT  # mark + clear, and the floor, in processor time

    for label, cells in (("rows", ""), ("empty cells", "QR")):
        big = folder / "big.xlsx"
        formatted_to_the_last_row(EXAMPLE, big, "xl/worksheets/sheet2.xml", cells)
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(EXAMPLE), str(big), str(folder)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        row(
            f"mark, {label} formatted to row 1,048,576",
            measured["mark"],
            measured["floor"],
            f"≤ 3 s, ≤ 300 MB (peak {measured['peak_mb']:.0f} MB; floor: unzip every part)",
        )


def batch(folder: Path, repeat: int) -> None:
    """200 unit workbooks checked in one process, as workbooks per second."""
    import shutil

    units = folder / "units"
    units.mkdir()
    for i in range(200):
        shutil.copy(EXAMPLE, units / f"unit-{i:03}.xlsx")
    files = sorted(units.iterdir())
    header("batch, 200 workbooks in one process")
    for jobs in (1, 2):
        seconds = _batch_seconds(files, jobs, folder)
        if seconds is None:
            print(f"{'batch --jobs ' + str(jobs):44} (no batch command in this version)")
            return
        floor = sum(_timed(calamine_read(f)) for f in files[:20]) * 10
        row(
            f"batch --jobs {jobs}: {len(files) / seconds:.0f} workbooks/s",
            seconds,
            floor,
            "≥ 150/s",
        )


def _timed(action: Action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _batch_seconds(files: list[Path], jobs: int, folder: Path) -> float | None:
    try:
        from workbook_tools.batch import check_files  # type: ignore[attr-defined]
    except ImportError:
        return None
    start = time.perf_counter()
    check_files(files, jobs=jobs)
    return time.perf_counter() - start


def excel_route() -> None:
    from tests.fake_xlwings import FakeBook
    from workbook_tools.addin.actions import read_open

    print("\nExcel route, reading the changji example (calls into Excel; goal ≤ 100)")
    saved = FakeBook.open(EXAMPLE)
    read_open(saved)
    changed = FakeBook.open(EXAMPLE)
    changed.saved = False
    read_open(changed)
    print(f"  saved workbook (merged areas from its file):   {len(saved.calls):6} calls")
    print(f"  changed since saved (areas searched in Excel): {len(changed.calls):6} calls")


# -- the scaling curve -------------------------------------------------------------------------
def scaling(folder: Path, sizes: list[int]) -> None:
    print("\nscaling: check of a project table (read + rules), 项 rows included")
    print(f"{'projects':>9} {'check ms':>10} {'calamine ms':>12} {'ratio':>7}")
    points = []
    for n in sizes:
        path = folder / f"scale-{n}.xlsx"
        projects_workbook(path, n, code_rows=True)
        repeat = 5 if n <= 3000 else 3
        action, floor = interleaved(check_in_process(path), calamine_read(path), repeat)
        points.append((n, action, floor))
        print(f"{n:9} {action * 1000:10.1f} {floor * 1000:12.1f} {action / floor:7.2f}")
    large = [(n, a, f) for n, a, f in points if n >= 1000]
    print(
        f"log-log slope (≥ 1,000 projects): check {_slope([(n, a) for n, a, _ in large]):.2f}, "
        f"calamine {_slope([(n, f) for n, _, f in large]):.2f} (1.00 = linear)"
    )


def _slope(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def main() -> None:
    quick = "--quick" in sys.argv
    repeat = 5 if quick else 15
    sizes = [100, 300, 1000, 3000, 10_000] + ([] if quick else [30_000])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        checks(folder, repeat)
        marks(folder, repeat)
        batch(folder, repeat)
        excel_route()
        scaling(folder, sizes)


if __name__ == "__main__":
    main()
