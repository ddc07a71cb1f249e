"""Benchmark: reading the example workbooks in-process, per engine.

    python tests/bench/bench_extract.py

Reports the median of repeated runs; the target is under 20 ms for a filled 11-table
workbook.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from workbook_tools.io.reader import read_workbook  # noqa: E402
from workbook_tools.io.sources import read_grids  # noqa: E402

WORKBOOKS = ["changji-2024.xlsx", "changji-2024-system.xlsx", "kashgar-2024.xlsx"]


def median_ms(action, repeat: int = 30) -> float:
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    print(f"{'workbook':28} {'engine':9} {'grids ms':>9} {'extract ms':>11}")
    for name in WORKBOOKS:
        path = ROOT / "examples" / name
        for engine in ("calamine", "openpyxl"):
            grids = median_ms(lambda p=path, e=engine: read_grids(p, e))
            full = median_ms(lambda p=path, e=engine: read_workbook(p, engine=e))
            print(f"{name:28} {engine:9} {grids:9.1f} {full:11.1f}")


if __name__ == "__main__":
    main()
