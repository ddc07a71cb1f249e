"""Each layout class: what it requires of a table, its round trip, which cells it derives."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from workbook_tools.io.locate import find_titles
from workbook_tools.io.model import Amount, Row
from workbook_tools.io.reader import TableReader
from workbook_tools.io.sources import read_grids
from workbook_tools.layouts import LAYOUTS, layout_of, parent_codes, table_problems
from workbook_tools.spec import load_spec
from workbook_tools.writers.template import TableContent, write_workbook

SPEC = load_spec("budget-2024")
SPEC_2022 = load_spec("budget-2022")


def test_the_registry_knows_every_layout_the_sets_use() -> None:
    assert {"code", "fixed", "one_row", "project", "two_panel"} <= set(LAYOUTS)
    assert {"lanes", "two_panel_footer"} <= set(LAYOUTS)  # the 决算 set's (tests/test_final_*)
    for spec in (SPEC, SPEC_2022):
        for table in spec.tables:
            assert layout_of(table).name == table.layout
            assert table_problems(table) == []


@pytest.mark.parametrize(
    ("table_id", "role", "expected"),
    [
        ("t3", "name", "布局 code 需要角色为 name 的栏目"),
        ("t7", "project", "布局 project 需要角色为 project 的栏目"),
        ("t10", "label", "布局 fixed 需要角色为 label 的栏目"),
        ("t1", "label", "布局 two_panel 需要角色为 label 的栏目（left 栏）"),
    ],
)
def test_a_missing_role_is_named(table_id: str, role: str, expected: str) -> None:
    table = SPEC.table(table_id)
    columns = [replace(c, role="text") if c.role == role else c for c in table.columns]
    problems = table_problems(replace(table, columns=columns))
    assert ("columns", expected) in problems


def test_code_and_fixed_layouts_need_their_declarations() -> None:
    t3 = replace(SPEC.table("t3"), code_scheme=None)
    assert ("code_scheme", "布局 code 需要 code_scheme（function 或 economic）") in table_problems(
        t3
    )
    t10 = replace(SPEC.table("t10"), lines=[])
    assert ("lines", "布局 fixed 需要 lines（固定行）") in table_problems(t10)


def _row(kind: str, code: str | None = None, **amounts: str) -> Row:
    values = {key: Amount(Decimal(value)) for key, value in amounts.items()}
    name = "合计" if kind == "total" else code or ""
    return Row(kind, name=name, code=code, values=values)  # type: ignore[arg-type]


def test_code_layout_derives_totals_and_rows_with_children() -> None:
    table = SPEC.table("t3")
    rows = [_row("lei", "201"), _row("kuan", "20103"), _row("xiang", "2010301")]
    parents = parent_codes(rows)
    assert parents == {"201", "20103"}
    layout = layout_of(table)
    assert [layout.derived(table, r, "basic", parents) for r in rows] == [True, True, False]
    assert layout.derived(table, _row("total"), "basic", parents)
    assert layout.derived(table, rows[2], "total", parents)  # the 合计 column is derived


def test_project_layout_derives_every_row_above_the_projects() -> None:
    table = SPEC.table("t7")
    layout = layout_of(table)
    project = Row("project", project="某项目", code="2010302")
    assert not layout.derived(table, project, "goods", set())
    for kind in ("total", "unit", "lei", "kuan", "xiang"):
        assert layout.derived(table, _row(kind, "2010302"), "goods", set()), kind


def test_fixed_layout_derives_its_derived_lines_but_never_an_input_column() -> None:
    table = SPEC.table("s1")
    layout = layout_of(table)
    line = Row("line", key="inc_gp")
    assert layout.derived(table, line, "this_year", set())
    assert not layout.derived(table, line, "last_year", set())  # input: true
    assert not layout.derived(table, Row("line", key="proc_goods"), "this_year", set())


def _round_trip(tmp_path: Path, spec, table_id: str, rows: list[Row]) -> list[Row]:
    path = tmp_path / f"{table_id}.xlsx"
    table = spec.table(table_id)
    write_workbook(path, spec, "某单位", spec.year, {table_id: TableContent(rows)}, tables=[table])
    grids = read_grids(path)
    (hit,) = find_titles(grids, spec)
    return TableReader(table, spec, hit, hit.grid.max_row + 1).read().rows


def _amounts(row: Row) -> dict[str, Decimal | None]:
    return {k: a.value for k, a in row.values.items()}


def test_one_row_layout_round_trip(tmp_path: Path) -> None:
    row = _row("total", total="98.00", vehicle="97.00", vehicle_operation="97.00", reception="1")
    (read,) = _round_trip(tmp_path, SPEC_2022, "t10", [row])
    assert read.kind == "total" and _amounts(read) == _amounts(row)


def test_fixed_layout_round_trip(tmp_path: Path) -> None:
    rows = [Row("total", key="total", values={"gp": Amount(Decimal("5"))})]
    rows.append(Row("line", key="reception", values={"gp": Amount(Decimal("5"))}))
    read = _round_trip(tmp_path, SPEC, "t10", rows)
    assert [(r.kind, r.key) for r in read] == [("total", "total")] + [
        ("line", line.key) for line in SPEC.table("t10").lines[1:]
    ]
    assert _amounts(next(r for r in read if r.key == "reception")) == {"gp": Decimal("5")}


def test_code_and_project_layouts_round_trip(tmp_path: Path) -> None:
    rows = [
        _row("total", basic="3"),
        _row("lei", "201", basic="3"),
        _row("xiang", "2010301", basic="3"),
    ]
    read = _round_trip(tmp_path, SPEC, "t3", rows)
    assert [(r.kind, r.code, _amounts(r)) for r in read] == [
        (r.kind, r.code, _amounts(r)) for r in rows
    ]
    projects = [_row("total", total="2"), _row("xiang", "2010302", total="2")]
    projects.append(Row("project", project="某项目", values={"total": Amount(Decimal(2))}))
    read = _round_trip(tmp_path, SPEC, "t7", projects)
    assert [(r.kind, r.project) for r in read] == [
        ("total", None),
        ("xiang", None),
        ("project", "某项目"),
    ]


def test_two_panel_layout_round_trip(tmp_path: Path) -> None:
    rows = [Row("line", key="unit_funds", panel="left", values={"income": Amount(Decimal(7))})]
    rows.append(Row("lei", code="208", panel="right", values={"expenditure": Amount(Decimal(7))}))
    read = _round_trip(tmp_path, SPEC, "t1", rows)
    left = {r.key: _amounts(r) for r in read if r.panel == "left"}
    right = {r.code: _amounts(r) for r in read if r.panel == "right" and r.code}
    assert left["unit_funds"] == {"income": Decimal(7)}
    assert right["208"] == {"expenditure": Decimal(7)}
    assert list(right) == [c.code for c in SPEC.function_classes]
