"""Consolidation (``wbt consolidate``): the three unit workbooks of ``examples/units`` add up
to the changji example in every cell; 汇总明细 traces every total to the units' cells;
``--verify`` finds a wrong figure at its cell with the units involved; mixing sets or
giving a unit twice is refused."""

from __future__ import annotations

import importlib.util
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from workbook_tools.batch import check_files
from workbook_tools.cli import main
from workbook_tools.consolidate import consolidate_files, verify_files
from workbook_tools.consolidate.files import DETAIL_HEADER, DETAIL_SHEET
from workbook_tools.errors import InputError
from workbook_tools.io.model import FORM_KINDS, WorkbookData
from workbook_tools.io.reader import read_workbook
from workbook_tools.rules import check_workbook

UNITS_DIR = EXAMPLES / "units"
NAME = "昌吉州政务服务和公共资源交易中心（汇总）"


def _build_module():
    spec = importlib.util.spec_from_file_location("units_build", UNITS_DIR / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def units(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The unit workbooks, built afresh from the current changji example."""
    folder = tmp_path_factory.mktemp("units")
    built = _build_module().build(folder)
    return sorted(p for p in built if p.suffix == ".xlsx")


@pytest.fixture(scope="module")
def consolidated(units: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("out") / "汇总.xlsx"
    consolidate_files(units, output, NAME)
    return output


def _amounts(data: WorkbookData, table: str) -> list[tuple[object, ...]]:
    return [
        (
            r.kind,
            r.code,
            r.key,
            r.name,
            r.project,
            sorted((k, a.value) for k, a in r.values.items()),
        )
        for r in data.tables[table].rows
    ]


def _numeric_tables(data: WorkbookData) -> list[str]:
    return [
        t for t, table in data.tables.items() if not any(r.kind in FORM_KINDS for r in table.rows)
    ]


def test_units_are_consistent_and_add_up_to_changji(units: list[Path], consolidated: Path) -> None:
    changji = read_workbook(EXAMPLES / "changji-2024.xlsx")
    checked = {p.name: check_workbook(read_workbook(p)) for p in units}
    assert all(r.summary["error"] == 0 for r in checked.values())
    tails = {
        name: sorted({f.rule for f in r.findings if "尾差" in f.message})
        for name, r in checked.items()
    }
    changji_tails = sorted(
        {f.rule for f in check_workbook(changji).findings if "尾差" in f.message}
    )
    # 乙 exact; 丙 one cent between two sums of different rounded leaves (表6 and 表5); 甲 the
    # rest of every figure, so changji's tails and the cents 乙 and 丙 rounded off
    assert (tails["乙-交易服务站.xlsx"], tails["丙-热线中心.xlsx"]) == ([], ["x.t6_t5.total"])
    assert set(changji_tails) <= set(tails["甲-本级.xlsx"])

    result = read_workbook(consolidated)
    assert (result.unit, result.set_id, result.year) == (NAME, changji.set_id, changji.year)
    blocks = {
        t for t, table in changji.tables.items() if any(r.kind == "project" for r in table.rows)
    }
    numeric = _numeric_tables(changji)
    assert set(result.tables) == set(numeric)  # the forms are not summed
    for table in numeric:
        if table in blocks:
            continue
        ours = [(k, c, key, n, p, v) for k, c, key, n, p, v in _amounts(result, table)]
        assert ours == _amounts(changji, table), table  # cell for cell, no tail in between
    for table in blocks:  # projects listed per unit: the same total, each project's sum
        assert (
            result.tables[table].total_row().values.keys()
            == changji.tables[table].total_row().values.keys()
        )
        for key, amount in changji.tables[table].total_row().values.items():
            assert result.tables[table].total_row().amount(key) == amount.value
        for project in (r for r in changji.tables[table].rows if r.kind == "project"):
            parts = [
                r
                for r in result.tables[table].rows
                if r.kind == "project" and r.project == project.project
            ]
            assert len(parts) == 3
            for key, amount in project.values.items():
                assert sum((p.amount(key) for p in parts), Decimal(0)) == amount.value
        units_rows = [r.name for r in result.tables[table].rows if r.kind == "unit"]
        assert units_rows in (
            [],
            sorted(units_rows, key=[read_workbook(p).unit for p in units].index),
        )

    check = check_workbook(result)
    assert check.summary["error"] == 0
    assert sorted({f.rule for f in check.findings if "尾差" in f.message}) == changji_tails


def test_examples_units_are_up_to_date(tmp_path: Path) -> None:
    built = _build_module().build(tmp_path)
    for path in built:
        committed = UNITS_DIR / path.name
        if path.suffix == ".txt":
            assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
        else:
            assert read_workbook(committed).plain() == read_workbook(path).plain(), (
                f"examples/units/{path.name} 已过期：请运行 python examples/units/build.py"
            )


def test_details_trace_every_total_to_the_units(units: list[Path], consolidated: Path) -> None:
    book = openpyxl.load_workbook(consolidated)
    sheet = book[DETAIL_SHEET]
    assert [c.value for c in sheet[1]] == DETAIL_HEADER
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2))
    first = rows[0]
    place = first[1].value
    same = [r for r in rows if r[1].value == place and r[3].value == first[3].value]
    assert len(same) == 3
    assert sorted(r[5].value for r in same) == sorted(read_workbook(p).unit for p in units)
    assert sum(Decimal(str(r[7].value)) for r in same) == Decimal(str(first[4].value))
    sheet_name, cell = place.split("!")
    assert Decimal(str(book[sheet_name][cell].value)) == Decimal(str(first[4].value))
    assert first[1].hyperlink.location == f"'{sheet_name}'!{cell}"
    for row in same:  # click-through to the unit's own cell
        target, _, location = row[6].hyperlink.target.partition("#")
        assert (consolidated.parent / target).resolve().is_file()
        unit_sheet, unit_cell = location.split("!")
        unit_book = openpyxl.load_workbook(consolidated.parent / target, read_only=True)
        value = unit_book[unit_sheet.strip("'")][unit_cell].value
        assert Decimal(str(value)) == Decimal(str(row[7].value))


def test_verify(units: list[Path], consolidated: Path, tmp_path: Path) -> None:
    _, differences = verify_files(consolidated, units)
    assert differences == []
    received = tmp_path / "收到的汇总.xlsx"
    shutil.copy(consolidated, received)
    data = read_workbook(consolidated)
    row = next(  # the first 项 row with an amount, of a table summed by code
        r for t in data.tables.values() for r in t.rows if r.kind == "xiang" and r.values
    )
    amount = next(iter(row.values.values()))
    book = openpyxl.load_workbook(received)
    book[row.sheet][amount.cell] = float(amount.value + 1)  # a wrong figure
    book.save(received)
    _, differences = verify_files(received, units)
    (wrong,) = [d for d in differences if d.cell == amount.cell and d.sheet == row.sheet]
    assert not wrong.tail
    assert (wrong.received, wrong.expected) == (amount.value + 1, amount.value)
    assert sorted(wrong.units) == sorted(read_workbook(p).unit for p in units)
    assert wrong.line().startswith(f"【不一致】{row.sheet}!{amount.cell}")
    assert "相差 1.00" in wrong.line()

    book[row.sheet][amount.cell] = float(amount.value + Decimal("0.01"))  # within 3 × 0.005
    book.save(received)
    _, differences = verify_files(received, units)
    (tail,) = [d for d in differences if d.cell == amount.cell and d.sheet == row.sheet]
    assert tail.tail and tail.line().startswith("【尾差】")


def test_cli(units: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "汇总.xlsx"
    assert main(["consolidate", *map(str, units), "-o", str(output), "--unit", NAME]) == 0
    out = capsys.readouterr().out
    assert out.startswith("已汇总 3 个单位（")
    assert "校验汇总结果：错误 0 条" in out and "尾差，不是错误" in out
    assert main(["consolidate", "--verify", str(output), *map(str, units)]) == 0
    assert "汇总表的每个数都等于各单位之和" in capsys.readouterr().out
    assert main(["consolidate", *map(str, units), "-o", str(output), "--unit", NAME]) == 2  # exists
    capsys.readouterr()
    assert main(["consolidate", *map(str, units), "-o", str(output)]) == 2
    assert "--unit" in capsys.readouterr().err


def test_refusals(units: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    twice = tmp_path / "再报一次.xlsx"
    shutil.copy(units[0], twice)
    with pytest.raises(InputError, match="出现了两次"):
        consolidate_files([units[0], twice], tmp_path / "x.xlsx", NAME)
    out = str(tmp_path / "x.xlsx")
    assert (
        main(
            [
                "consolidate",
                str(units[0]),
                str(EXAMPLES / "bazhou-2022.xlsx"),
                "-o",
                out,
                "--unit",
                NAME,
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "不能汇总不同表套的工作簿" in err and "bazhou-2022.xlsx" in err
    assert "Traceback" not in err
    assert main(["consolidate", str(units[0]), str(units[0]), "-o", out, "--unit", NAME]) == 2
    assert "同一个文件给出了两次" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_roster_of_the_units_example() -> None:
    result = check_files([UNITS_DIR], jobs=1, roster=UNITS_DIR / "单位名单.txt")
    assert [o.status for o in result.outcomes] == ["pass"] * 3
    assert result.roster is not None
    assert result.roster.missing == [_build_module().MISSING]
    assert (result.roster.unlisted, result.roster.duplicates) == ([], [])
