"""填充合计 into the file: the values ``workbook_tools.rules.fill`` plans, written back.

Nothing is written when there is nothing to fill. The input is never changed unless asked
(``--in-place``, atomically, with a backup); values go into the cells in the unit the
table is printed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from workbook_tools.io.reader import read_workbook
from workbook_tools.rules.fill import FillChange, plan_fill
from workbook_tools.spec import load_spec
from workbook_tools.writers.editing import edit_target, open_package
from workbook_tools.writers.package import save_workbook

FILLED_SUFFIX = "已填充"
WRITTEN = ("filled", "overwritten")

__all__ = ["FillChange", "FillReport", "fill_file", "plan_fill"]


@dataclass
class FillReport:
    changes: list[FillChange]
    path: Path | None  # None: nothing to fill, nothing written
    in_place: bool
    lost: list[str]

    @property
    def written(self) -> list[FillChange]:
        return [c for c in self.changes if c.kind in WRITTEN]


def fill_file(
    source: str | Path,
    *,
    output: str | Path | None = None,
    in_place: bool = False,
    overwrite: bool = False,
    force: bool = False,
    set_id: str | None = None,
) -> FillReport:
    """Recompute the derived cells of ``source`` and write the blank (or, with ``overwrite``,
    the wrong) ones back; writes nothing when there is nothing to write."""
    source = Path(source)
    data = read_workbook(source, set_id=set_id)
    changes = plan_fill(data, load_spec(data.set_id), overwrite)
    target = edit_target(source, output, in_place, FILLED_SUFFIX)
    report = FillReport(changes, None, target.in_place, [])
    if not report.written:
        return report
    by_sheet: dict[str, dict[str, Decimal]] = {}
    for change in report.written:
        by_sheet.setdefault(change.sheet, {})[change.cell] = change.written or Decimal(0)
    with open_package(source) as edit:
        for sheet, values in by_sheet.items():
            edit.set_values(sheet, values, overwrite=overwrite)
        report.path = save_workbook(edit, source, target, overwrite=force)
    return report
