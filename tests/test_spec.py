from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from workbook_tools.errors import SpecError
from workbook_tools.spec import SETS_DIR, available_sets, load_spec, load_spec_file


def test_every_set_in_the_folder_loads() -> None:
    files = sorted(p.stem for p in SETS_DIR.glob("*.yaml") if "." not in p.stem)
    assert available_sets() == files
    for set_id in files:
        spec = load_spec(set_id)
        numbers = [t.number for t in spec.tables if t.publish and t.form is None]
        assert numbers == list(range(1, len(numbers) + 1)), set_id  # forms (绩效) come after
        assert spec.narrative is not None, set_id


def test_bundled_2024_set() -> None:
    spec = load_spec("budget-2024")
    assert [t.number for t in spec.tables if t.publish and t.form is None] == list(range(1, 12))
    forms = [(t.id, t.number, t.required) for t in spec.tables if t.form is not None]
    assert forms == [("perf_dept", 14, False), ("perf_proj", 15, False)]  # after the text
    assert [(t.id, t.required, t.sheet_name) for t in spec.tables if not t.publish] == [
        ("s1", False, "上年数及说明"),
        ("s2", False, "上年数及说明"),
    ]
    assert len(spec.function_classes) == 30
    assert spec.relations, "relations are declared with the set"


def test_2025_differs_from_2024_only_by_year_and_class_234() -> None:
    old, new = load_spec("budget-2024"), load_spec("budget-2025")
    assert new.year == 2025
    assert [c.code for c in old.function_classes if c not in new.function_classes] == ["234"]
    assert new.tables == old.tables
    assert new.relations == old.relations


def test_2025_spec_file_is_small() -> None:
    raw = yaml.safe_load((SETS_DIR / "budget-2025.yaml").read_text(encoding="utf-8"))
    assert set(raw) == {"extends", "id", "name", "year", "function_classes"}
    assert raw["function_classes"] == [{"code": "234", "remove": True}]


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _base() -> dict:
    raw = yaml.safe_load((SETS_DIR / "budget-2024.yaml").read_text(encoding="utf-8"))
    raw["relations"] = []
    return raw


def test_broken_spec_names_file_and_field(tmp_path: Path) -> None:
    raw = _base()
    raw["tables"][1]["columns"][4]["key"] = "Bad Key"
    path = _write(tmp_path, raw)
    with pytest.raises(SpecError) as caught:
        load_spec_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert "tables.[t2].columns.[Bad Key].key" in message


def test_relation_with_unknown_column_is_rejected(tmp_path: Path) -> None:
    raw = _base()
    raw["relations"] = [
        {
            "id": "x.bad",
            "kind": "row_sum",
            "table": "t3",
            "total": "total",
            "parts": ["basic", "no_such_column"],
            "title": "坏的关系",
            "title_en": "bad",
        }
    ]
    with pytest.raises(SpecError, match=r"关系 x\.bad：表 t3 没有栏目 no_such_column"):
        load_spec_file(_write(tmp_path, raw))


def test_relation_with_bad_reference_is_rejected(tmp_path: Path) -> None:
    raw = _base()
    raw["relations"] = [
        {
            "id": "x.bad",
            "kind": "refs",
            "left": ["t1!line=no_such_line:income"],
            "right": ["t2!total:gp"],
            "title": "坏的引用",
            "title_en": "bad",
        }
    ]
    with pytest.raises(SpecError, match=r"关系 x\.bad：表 t1 没有行 no_such_line"):
        load_spec_file(_write(tmp_path, raw))


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(SpecError, match="不是有效的 YAML"):
        load_spec_file(path)
    with pytest.raises(SpecError, match="不存在"):
        load_spec_file(tmp_path / "missing.yaml")
    with pytest.raises(SpecError, match="没有名为「budget-1999」的表套"):
        load_spec("budget-1999")


def test_extends_cycle_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b\nid: a\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a\nid: b\n", encoding="utf-8")
    with pytest.raises(SpecError, match="循环"):
        load_spec_file(tmp_path / "a.yaml")
