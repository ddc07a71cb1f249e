"""Benchmark: exporting the publishable tables in-process (read, check, write; no PDF).

    python tests/bench/bench_export.py

Target: under 150 ms per workbook.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_extract import median_ms  # noqa: E402
from workbook_tools.writers.export import export_file  # noqa: E402

WORKBOOKS = ["changji-2024.xlsx", "changji-2024-system.xlsx", "kashgar-2024.xlsx"]


def main() -> None:
    print(f"{'workbook':28} {'export ms':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in WORKBOOKS:
            out = Path(tmp) / "out.xlsx"
            ms = median_ms(
                lambda n=name, o=out: export_file(ROOT / "examples" / n, output=o, overwrite=True),
                20,
            )
            print(f"{name:28} {ms:10.1f}")


if __name__ == "__main__":
    main()
