"""Mutation tests: every amount cell of the examples is covered by some relation.

For each amount cell, each mutation (±1.00, a swap of two adjacent different digits,
×10000, blanking it) must produce at least one error whose ``cells`` include that cell.
Cells that no relation can cover would be listed in ``NOT_COVERED`` with the reason; for the
bundled examples there are none: coverage is 100 %.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.conftest import EXAMPLES
from workbook_tools.io.model import Amount, Row, WorkbookData
from workbook_tools.io.reader import read_workbook
from workbook_tools.rules import check_workbook
from workbook_tools.rules.findings import CellRef
from workbook_tools.spec import load_spec

NOT_COVERED: dict[tuple[str, str], str] = {}  # (sheet, cell) → why no relation covers it


def digit_swap(value: Decimal) -> Decimal | None:
    """Swap the first two adjacent different digits: 275.78 → 725.78; None if all equal."""
    digits = f"{value:.2f}".replace(".", "").lstrip("-")
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            return Decimal(f"{swapped[:-2]}.{swapped[-2:]}")
    return None


def mutations(value: Decimal) -> Iterator[tuple[str, Decimal | None]]:
    yield "plus 1.00", value + 1
    yield "minus 1.00", value - 1
    swapped = digit_swap(value)
    if swapped is not None and swapped != value:
        yield "digit swap", swapped
    if value != 0:
        yield "×10000", value * 10000
        yield "blank", None


def amount_cells(data: WorkbookData) -> Iterator[tuple[Row, str, Amount]]:
    """Amounts of the published tables (the supplement's last-year figures feed the text)."""
    spec = load_spec(data.set_id)
    for table in data.tables.values():
        if not spec.table(table.id).publish:
            continue
        for row in table.rows:
            for key, amount in list(row.values.items()):
                if amount.value is not None:
                    yield row, key, amount


def test_digit_swap() -> None:
    assert digit_swap(Decimal("275.78")) == Decimal("725.78")
    assert digit_swap(Decimal("5.00")) == Decimal("0.50")
    assert digit_swap(Decimal("1.11")) is None


@pytest.mark.parametrize(
    "workbook", ["changji-2024.xlsx", "kashgar-2024.xlsx", "urumqi-2023-final.xlsx"]
)
def test_every_amount_cell_is_covered(workbook: str) -> None:
    data = read_workbook(EXAMPLES / workbook)
    uncovered: dict[tuple[str, str], list[str]] = {}
    total = 0
    for row, key, amount in amount_cells(data):
        ref = CellRef(row.sheet, amount.cell)
        if (ref.sheet, ref.cell) in NOT_COVERED:
            continue
        total += 1
        for name, new in mutations(amount.value):  # type: ignore[arg-type]
            if new is None:
                del row.values[key]
            else:
                row.values[key] = Amount(new, amount.cell)
            findings = check_workbook(data).findings
            row.values[key] = amount
            if not any(f.severity == "error" and ref in f.cells for f in findings):
                uncovered.setdefault((ref.sheet, ref.cell), []).append(name)
    assert total > 150
    assert uncovered == {}, f"{len(uncovered)} of {total} cells not covered"
    assert check_workbook(data).summary["error"] == 0  # every mutation was undone
