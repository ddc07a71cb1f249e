"""Composition of spec files by id, the layout/role check at load, broken specs skipped."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES
from workbook_tools.errors import SpecError
from workbook_tools.io.reader import read_workbook
from workbook_tools.spec import SETS_DIR, load_spec, load_spec_file
from workbook_tools.spec.loader import load_available
from workbook_tools.spec.merge import merge, strip_directives


def test_mappings_merge_key_by_key_and_plain_lists_are_replaced() -> None:
    parent = {"a": 1, "b": {"c": 2, "d": [1, 2]}}
    assert merge(parent, {"b": {"d": [3]}, "e": 4}) == {"a": 1, "b": {"c": 2, "d": [3]}, "e": 4}
    assert parent == {"a": 1, "b": {"c": 2, "d": [1, 2]}}  # not changed


def test_lists_with_identities_merge_item_by_item() -> None:
    parent = [{"id": "x", "v": 1, "w": 1}, {"id": "y", "v": 2}]
    child = [{"id": "y", "v": 20}, {"id": "z", "v": 3}]
    assert merge(parent, child) == [
        {"id": "x", "v": 1, "w": 1},
        {"id": "y", "v": 20},
        {"id": "z", "v": 3},
    ]
    by_key = merge([{"key": "a", "v": 1}], [{"key": "a", "v": 2}])
    assert by_key == [{"key": "a", "v": 2}]


def test_remove_by_id_and_by_pattern_then_add_again() -> None:
    parent = [{"id": "t9.total"}, {"id": "t9.hierarchy"}, {"id": "t10.total", "kind": "line_sum"}]
    child = [
        {"id": "t9.*", "remove": True},
        {"id": "t10.total", "remove": True},
        {"id": "t10.total", "kind": "row_sum"},
    ]
    assert merge(parent, child) == [{"id": "t10.total", "kind": "row_sum"}]


def test_replace_swaps_a_field_wholesale() -> None:
    parent = [{"id": "t1", "lines": [{"key": "a"}, {"key": "b"}], "title": "x"}]
    child = [{"id": "t1", "replace": ["lines"], "lines": [{"key": "c"}]}]
    merged = strip_directives(merge(parent, child))
    assert merged == [{"id": "t1", "lines": [{"key": "c"}], "title": "x"}]


def test_2022_inherits_what_it_does_not_restate() -> None:
    old, new = load_spec("budget-2024"), load_spec("budget-2022")
    assert new.table("t3") == replace(old.table("t3"), required=False)
    assert new.table("t7").column("total") == old.table("t7").column("total")
    assert {r.id for r in old.relations} - {r.id for r in new.relations} >= {
        "t9.total",
        "t11.rollup",
        "x.t11_t1.total",
        "x.t4_t9.classes",
    }
    assert new.table("t8").number == 9 and new.table("t10").number == 8
    raw = yaml.safe_load((SETS_DIR / "budget-2022.yaml").read_text(encoding="utf-8"))
    assert [t["id"] for t in raw["tables"]].count("t5") == 1  # one line: only required: false


def _write(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _child(tmp_path: Path, tables: list[dict]) -> Path:
    return _write(
        tmp_path,
        "child-2030.yaml",
        {"extends": "budget-2024", "id": "child-2030", "tables": tables},
    )


def test_a_table_whose_layout_lacks_a_role_is_rejected_naming_file_and_field(
    tmp_path: Path,
) -> None:
    path = _child(tmp_path, [{"id": "t3", "columns": [{"key": "name", "role": "text"}]}])
    with pytest.raises(SpecError) as caught:
        load_spec_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert "tables.[t3].columns" in message and "需要角色为 name 的栏目" in message


def test_an_unknown_layout_is_rejected(tmp_path: Path) -> None:
    path = _child(tmp_path, [{"id": "t3", "layout": "grid"}])
    with pytest.raises(SpecError, match=r"tables\.\[t3\]\.layout：没有名为「grid」的布局"):
        load_spec_file(path)


def test_a_narrative_reference_to_a_missing_line_is_rejected(tmp_path: Path) -> None:
    path = _child(
        tmp_path, [{"id": "t1", "replace": ["lines"], "lines": [{"key": "x", "label": "x"}]}]
    )
    with pytest.raises(SpecError, match="情况说明的数 income_total：表 t1 没有行 income_total"):
        load_spec_file(path)


def test_a_broken_spec_is_skipped_during_detection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken-2030.yaml").write_text("id: [", encoding="utf-8")
    monkeypatch.setenv("WBT_SETS", str(tmp_path))
    specs, problems = load_available()
    assert "budget-2024" in {s.id for s in specs}
    assert [str(tmp_path / "broken-2030.yaml") in str(p) for p in problems] == [True]
    data = read_workbook(EXAMPLES / "kashgar-2024.xlsx")
    assert data.set_id == "budget-2024"
    assert len(data.notices) == 1 and "broken-2030.yaml" in data.notices[0]
