"""Benchmark: the batch check over 200 unit workbooks (copies of the changji example) in a
temporary folder, as workbooks per second with ``--jobs 1`` and ``--jobs 2``, and with the
marked copies (``--mark-dir``).

    python tests/bench/bench_batch.py [count]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from workbook_tools.batch import check_files  # noqa: E402

EXAMPLE = ROOT / "examples" / "changji-2024.xlsx"


def run(files: list[Path], jobs: int, mark_dir: Path | None = None) -> float:
    start = time.perf_counter()
    result = check_files(files, jobs=jobs, mark_dir=mark_dir)
    seconds = time.perf_counter() - start
    assert len(result.outcomes) == len(files)
    assert all(o.status == "pass" for o in result.outcomes), result.outcomes[0].reason
    return seconds


def main(count: int = 200) -> None:
    with tempfile.TemporaryDirectory(prefix="wbt-batch-") as tmp:
        folder = Path(tmp) / "units"
        folder.mkdir()
        for i in range(count):
            shutil.copy(EXAMPLE, folder / f"unit-{i:03}.xlsx")
        files = sorted(folder.iterdir())
        print(f"{count} copies of {EXAMPLE.name}")
        timings: dict[int, float] = {}
        for jobs in (1, 2):
            timings[jobs] = run(files, jobs)
            print(
                f"--jobs {jobs}: {timings[jobs]:6.2f} s  {count / timings[jobs]:6.1f} workbooks/s"
            )
        print(f"--jobs 2 speed-up over --jobs 1: {timings[1] / timings[2]:.2f}×")
        marks = Path(tmp) / "marked"
        seconds = run(files, 2, marks)
        print(f"--jobs 2 --mark-dir: {seconds:6.2f} s  {count / seconds:6.1f} workbooks/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
