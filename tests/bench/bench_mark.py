"""Benchmark: marking the examples in-process (read, check, open with openpyxl, mark, save).

    python tests/bench/bench_mark.py

Target: under 300 ms per workbook.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_extract import median_ms  # noqa: E402
from workbook_tools.writers.fill import fill_file  # noqa: E402
from workbook_tools.writers.marks.files import clear_file, mark_file  # noqa: E402

WORKBOOKS = ["changji-2024.xlsx", "changji-2024-system.xlsx", "kashgar-2024.xlsx"]


def main() -> None:
    print(f"{'workbook':28} {'mark ms':>9} {'clear ms':>9} {'fill ms':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in WORKBOOKS:
            source = ROOT / "examples" / name
            marked = Path(tmp) / f"{Path(name).stem}.marked.xlsx"
            mark = median_ms(lambda s=source, m=marked: mark_file(s, output=m, force=True), 10)
            clear = median_ms(
                lambda m=marked: clear_file(m, output=Path(tmp) / "c.xlsx", force=True), 10
            )
            fill = median_ms(
                lambda s=source: fill_file(s, output=Path(tmp) / "f.xlsx", force=True), 10
            )
            print(f"{name:28} {mark:9.0f} {clear:9.0f} {fill:9.0f}")


if __name__ == "__main__":
    main()
