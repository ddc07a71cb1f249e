"""Benchmark: checking the examples (read + all rules) in-process, and ``wbt check`` as a
fresh process.

    python tests/bench/bench_check.py

Targets: under 25 ms in-process, under 0.5 s as a fresh process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_extract import median_ms  # noqa: E402
from workbook_tools.io.reader import read_workbook  # noqa: E402
from workbook_tools.rules import check_workbook  # noqa: E402

WORKBOOKS = ["changji-2024.xlsx", "changji-2024-system.xlsx", "kashgar-2024.xlsx"]


def fresh_process_s(path: Path, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "workbook_tools", "check", str(path)],
            check=False,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(f"{'workbook':28} {'rules ms':>9} {'read+rules ms':>14} {'wbt check s':>12}")
    for name in WORKBOOKS:
        path = ROOT / "examples" / name
        data = read_workbook(path)
        rules = median_ms(lambda d=data: check_workbook(d))
        full = median_ms(lambda p=path: check_workbook(read_workbook(p)))
        print(f"{name:28} {rules:9.1f} {full:14.1f} {fresh_process_s(path):12.2f}")


if __name__ == "__main__":
    main()
