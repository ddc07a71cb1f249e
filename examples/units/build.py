"""Build the three unit workbooks whose consolidation is exactly the changji example.

    python examples/units/build.py

乙 and 丙 take 30 % and 20 % of every leaf figure of changji (rounded to the cent) and
their derived cells are filled by ``wbt fill``: both are exactly consistent. 甲 is changji
minus 乙 minus 丙, cell by cell, so every relation of 甲 is off by exactly what it is off by
in changji: 甲 has changji's 万元 tails (warnings, not errors), 乙 and 丙 none, and
甲 + 乙 + 丙 = changji in every cell. ``单位名单.txt`` lists a fourth unit that has not
submitted.
"""

from __future__ import annotations

import copy
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from workbook_tools.io.model import FORM_KINDS, Amount, Row, WorkbookData  # noqa: E402
from workbook_tools.io.reader import read_workbook  # noqa: E402
from workbook_tools.rules.context import Context  # noqa: E402
from workbook_tools.rules.evaluate import derivation, equations, unknown_cells  # noqa: E402
from workbook_tools.spec import load_spec  # noqa: E402
from workbook_tools.writers.fill import fill_file  # noqa: E402
from workbook_tools.writers.template import TableContent, write_workbook  # noqa: E402

SOURCE = ROOT / "examples" / "changji-2024.xlsx"
UNITS = {  # file name → (unit, share of every leaf figure; None: the rest)
    "甲-本级.xlsx": ("昌吉州政务服务和公共资源交易中心（本级）", None),
    "乙-交易服务站.xlsx": ("昌吉州公共资源交易服务站", Decimal("0.3")),
    "丙-热线中心.xlsx": ("昌吉州12345政务服务便民热线中心", Decimal("0.2")),
}
MISSING = "昌吉州数字政务保障中心"  # on the roster, no workbook
CENT = Decimal("0.01")


def _derived_cells(data: WorkbookData) -> set[tuple[str, str]]:
    spec = load_spec(data.set_id)
    ctx = Context(data, spec)
    found = derivation(ctx, equations(ctx, spec.relations_for(data.tables)), unknown_cells(ctx))
    return {(ref.sheet, ref.cell) for ref in found.definitions}


def _content(data: WorkbookData, rows: dict[str, list[Row]]) -> dict[str, TableContent]:
    return {
        tid: TableContent(rows[tid], [r.text for r in table.remarks])
        for tid, table in data.tables.items()
    }


def _renamed(row: Row, unit: str) -> Row:
    """A copy of ``row``; a 单位 row (of a table listing projects) named ``unit``."""
    fresh = copy.copy(row)
    if row.kind == "unit":
        fresh.name = unit
    return fresh


def _share(data: WorkbookData, share: Decimal, unit: str) -> dict[str, list[Row]]:
    derived = _derived_cells(data)
    out: dict[str, list[Row]] = {}
    for tid, table in data.tables.items():
        rows = []
        for row in table.rows:
            fresh = _renamed(row, unit)
            fresh.values = {
                key: Amount((a.value * share).quantize(CENT, ROUND_HALF_UP), "")
                for key, a in row.values.items()
                if a.value is not None and (row.sheet, a.cell) not in derived
            }
            rows.append(fresh)
        out[tid] = rows
    return out


def _rest(data: WorkbookData, parts: list[WorkbookData], unit: str) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for tid, table in data.tables.items():
        rows = []
        for index, row in enumerate(table.rows):
            fresh = _renamed(row, unit)
            fresh.values = {}
            for key, amount in row.values.items():
                if amount.value is None:
                    continue
                rest = amount.value - sum(
                    (p.tables[tid].rows[index].amount(key) for p in parts), Decimal(0)
                )
                fresh.values[key] = Amount(rest, "")
            rows.append(fresh)
        out[tid] = rows
    return out


def build(folder: Path = HERE) -> list[Path]:
    data = read_workbook(SOURCE)
    spec = load_spec(data.set_id)
    # the forms (绩效目标表) are each unit's own text, not split; they are left out
    forms = {tid for tid, t in data.tables.items() if any(r.kind in FORM_KINDS for r in t.rows)}
    for tid in forms:
        del data.tables[tid]
    tables = [t for t in spec.tables if t.id in data.tables]
    year = data.year or 0
    written: list[Path] = []
    parts: list[WorkbookData] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (unit, share) in UNITS.items():
            if share is None:
                continue
            blank = Path(tmp) / name
            write_workbook(
                blank, spec, unit, year, _content(data, _share(data, share, unit)), tables=tables
            )
            target = folder / name
            fill_file(blank, output=target, force=True)
            parts.append(read_workbook(target))
            written.append(target)
    name, (unit, _) = next(iter(UNITS.items()))
    target = folder / name
    write_workbook(
        target, spec, unit, year, _content(data, _rest(data, parts, unit)), tables=tables
    )
    roster = folder / "单位名单.txt"
    names = [u for u, _ in UNITS.values()] + [MISSING]
    roster.write_text(
        "# 昌吉州政务服务和公共资源交易中心 2024 年预算公开：应报送单位\n"
        + "\n".join(names)
        + "\n",
        encoding="utf-8",
    )
    return [target, *written, roster]


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(ROOT))
