"""The example workbooks read back exactly as transcribed, every amount from its own cell."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from examples.build import load_example
from tests.conftest import EXAMPLE_FILES, EXAMPLES
from workbook_tools.cli import main
from workbook_tools.io.model import canonical_order
from workbook_tools.io.reader import read_workbook
from workbook_tools.money import parse_amount


def _expected(name: str) -> dict[str, tuple[list[tuple], list[str]]]:
    _, _, _, content = load_example(name)
    return {
        tid: ([row.plain() for row in canonical_order(c.rows)], c.remarks)
        for tid, c in content.items()
    }


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
@pytest.mark.parametrize(("workbook", "name"), EXAMPLE_FILES)
def test_example_reads_back_as_transcribed(workbook: str, name: str, engine: str) -> None:
    data = read_workbook(EXAMPLES / workbook, engine=engine)  # type: ignore[arg-type]
    spec, unit, year, _ = load_example(name)
    assert (data.set_id, data.unit, data.year) == (spec.id, unit, year)
    expected = _expected(name)
    for table_id, table in data.tables.items():
        rows, remarks = expected[table_id]
        assert [r.plain() for r in canonical_order(table.rows)] == rows, table_id
        assert [r.text for r in table.remarks] == remarks, table_id


def test_both_layouts_give_identical_data() -> None:
    template = read_workbook(EXAMPLES / "changji-2024.xlsx")
    system = read_workbook(EXAMPLES / "changji-2024-system.xlsx")
    assert template.plain() == system.plain()
    assert template.tables["t1"].sheet == "表1"
    assert system.tables["t1"].sheet == "收支总表"


@pytest.mark.parametrize(("workbook", "_name"), EXAMPLE_FILES)
def test_every_amount_carries_its_source_cell(workbook: str, _name: str) -> None:
    data = read_workbook(EXAMPLES / workbook)
    book = openpyxl.load_workbook(EXAMPLES / workbook)
    count = 0
    for table in data.tables.values():
        for row in table.rows:
            sheet = book[row.sheet or table.sheet]  # a form's block may be on a sheet of its own
            for amount in row.values.values():
                assert parse_amount(sheet[amount.cell].value) == amount.value, (
                    table.id,
                    amount.cell,
                )
                count += 1
    assert count > 150


def test_known_cells_of_changji() -> None:
    data = read_workbook(EXAMPLES / "changji-2024.xlsx")
    t2 = data.tables["t2"]
    row = next(r for r in t2.rows if r.code == "2010301")
    assert (row.kind, row.name) == ("xiang", "行政运行")
    assert row.values["total"].cell == "E10"
    assert row.values["total"].value == Decimal("275.78")
    t1 = data.tables["t1"]
    gp = next(r for r in t1.rows if r.key == "gp_appropriation")
    assert (gp.values["income"].cell, gp.values["income"].value) == ("B7", Decimal("1043.02"))
    t11 = data.tables["t11"]
    assert [r.kind for r in t11.rows] == ["total", "project", "unknown"]
    t7 = data.tables["t7"]
    assert [r.kind for r in t7.rows][:4] == ["total", "unit", "lei", "kuan"]
    assert t7.rows[4].project == "12345 云呼叫中心平台技术服务运维费"


def test_extract_command_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "data.json"
    assert main(["extract", str(EXAMPLES / "kashgar-2024.xlsx"), "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["set"] == "budget-2024" and data["year"] == 2024
    assert data["unit"] == "新疆维吾尔自治区喀什地区喀什市政务服务中心"
    t1 = data["tables"][0]
    assert (t1["sheet"], t1["number"]) == ("表1", 1)
    first = t1["rows"][0]
    assert first["kind"] == "line" and first["key"] == "income_this_year"
    assert first["values"]["income"] == {"cell": "B6", "value": "415.89"}
    t3 = data["tables"][2]
    total = next(r for r in t3["rows"] if r["kind"] == "total")
    assert total["values"]["total"]["value"] == "415.89"
    blank_omitted = next(r for r in t3["rows"] if r["code"] == "20103")
    assert set(blank_omitted["values"]) == {"total", "basic", "project"}
    assert set(next(r for r in t3["rows"] if r["code"] == "208")["values"]) == {"total", "basic"}
