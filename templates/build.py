"""Regenerate the blank templates from the specs: ``python templates/build.py``.

tests/test_templates.py fails when a committed template drifts from its spec.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workbook_tools.spec import available_sets, load_spec  # noqa: E402
from workbook_tools.writers.template import write_workbook  # noqa: E402

PLACEHOLDER_UNIT = "（请填写单位名称）"


def build(out: Path | None = None) -> list[Path]:
    out = out or Path(__file__).resolve().parent
    written = []
    for set_id in available_sets():
        spec = load_spec(set_id)
        written.append(write_workbook(out / f"{set_id}.xlsx", spec, PLACEHOLDER_UNIT, spec.year))
    return written


if __name__ == "__main__":
    for path in build():
        print(f"已生成：{path.relative_to(ROOT)}")
