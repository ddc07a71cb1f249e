"""填充合计: empty derived cells are recomputed; filled values satisfy every relation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from workbook_tools.cli import main
from workbook_tools.io.reader import read_workbook
from workbook_tools.layouts import layout_of, parent_codes
from workbook_tools.money import parse_amount
from workbook_tools.rules import check_workbook
from workbook_tools.spec import load_spec
from workbook_tools.writers.fill import fill_file, plan_fill


def _blank_derived(source: Path, target: Path) -> dict[tuple[str, str], Decimal]:
    """Copy ``source`` with every non-zero derived cell emptied; returns what was removed.

    (A derived zero whose parts are all blank cannot come back: blank is zero.)
    """
    data = read_workbook(source)
    spec = load_spec(data.set_id)
    book = openpyxl.load_workbook(source)
    removed = {}
    for table in data.tables.values():
        table_spec, parents = spec.table(table.id), parent_codes(table.rows)
        for row in table.rows:
            for key, amount in row.values.items():
                derived = layout_of(table_spec).derived(table_spec, row, key, parents)
                if derived and amount.value:
                    book[row.sheet][amount.cell].value = None
                    removed[(row.sheet, amount.cell)] = amount.value
    book.save(target)
    return removed


@pytest.mark.parametrize("name", ["kashgar-2024", "changji-2024", "changji-2024-system"])
def test_fill_from_details_satisfies_every_relation(name: str, tmp_path: Path) -> None:
    blank = tmp_path / f"{name}.xlsx"
    removed = _blank_derived(EXAMPLES / f"{name}.xlsx", blank)
    assert len(removed) > 80
    report = fill_file(blank)
    filled = {(c.sheet, c.cell): c.new for c in report.changes if c.kind == "filled"}
    assert set(filled) == set(removed)
    assert not [c for c in report.changes if c.kind == "conflict"]
    result = check_workbook(read_workbook(report.path))
    assert result.summary["error"] == 0
    if name == "kashgar-2024":  # no rounding tails: every published total comes back exactly
        assert filled == removed
        # only the hints of its 项目支出绩效目标表 (≥ targets below last year's value)
        assert [f for f in result.findings if f.severity != "hint"] == []
    book = openpyxl.load_workbook(report.path)
    for (sheet, cell), value in filled.items():
        assert parse_amount(book[sheet][cell].value) == value


def test_complete_workbook_needs_no_fill_and_tails_are_not_conflicts() -> None:
    data = read_workbook(EXAMPLES / "changji-2024.xlsx")
    assert plan_fill(data, load_spec(data.set_id)) == []


def test_conflict_is_reported_and_kept_unless_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    book["表3"]["E12"] = 250
    source = tmp_path / "k.xlsx"
    book.save(source)
    assert main(["fill", str(source)]) == 0
    captured = capsys.readouterr()
    assert (
        "未改动 表3!E12：现为 250.00，按「合计 = 基本支出 + 项目支出」重算应为 242.00"
        in captured.out
    )
    assert not (tmp_path / "k.已填充.xlsx").exists()  # nothing to fill: nothing written
    assert "没有需要填充的单元格，未写入任何文件" in captured.err
    assert main(["fill", str(source), "--overwrite", "-o", str(tmp_path / "o.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "已替换 表3!E12：250.00 → 242.00" in out
    assert openpyxl.load_workbook(tmp_path / "o.xlsx")["表3"]["E12"].value == 242


def test_formula_cells_are_never_overwritten(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    book["表3"]["E12"] = "=F12+G12"  # saved by openpyxl without a cached value
    source = tmp_path / "f.xlsx"
    book.save(source)
    report = fill_file(source)
    assert ("表3", "E12") not in {(c.sheet, c.cell) for c in report.changes}
    assert report.path is None  # the formula is the only derived cell not filled: nothing to do


def test_fill_in_place_keeps_a_backup(tmp_path: Path) -> None:
    source = tmp_path / "k.xlsx"
    _blank_derived(EXAMPLES / "kashgar-2024.xlsx", source)
    before = source.read_bytes()
    report = fill_file(source, in_place=True)
    assert report.path == source and report.in_place
    assert (tmp_path / "k.bak.xlsx").read_bytes() == before
    found = check_workbook(read_workbook(source)).findings
    assert [f for f in found if f.severity != "hint"] == []  # kashgar's 5 绩效 hints
