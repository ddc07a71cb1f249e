"""Load spec files (with ``extends``) into validated ``TableSetSpec``s.

A spec may name another with ``extends: <id>``; the child is merged into the parent by id
(see ``workbook_tools.spec.merge``). Relations and the narrative may live in sibling files
``<id>.relations.yaml`` and ``<id>.narrative.yaml``, merged the same way. Besides the bundled folder, the
folders named in the environment variable ``WBT_SETS`` (separated by ``os.pathsep``) are
searched first, so a region can add or override a set without changing the package.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from workbook_tools.errors import SpecError
from workbook_tools.spec.merge import merge, strip_directives
from workbook_tools.spec.models import TableSetSpec

SETS_DIR = Path(__file__).parent / "sets"
ENV_DIRS = "WBT_SETS"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10× faster


def spec_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(ENV_DIRS, "").split(os.pathsep) if p.strip()]
    return [*extra, SETS_DIR]


def _spec_paths() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in spec_dirs():
        for path in sorted(folder.glob("*.yaml")):
            if "." not in path.stem:
                found.setdefault(path.stem, path)
    return found


def available_sets() -> list[str]:
    return sorted(_spec_paths())


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError:
        raise SpecError("表套定义文件不存在", file=path) from None
    except UnicodeDecodeError:
        raise SpecError("表套定义文件不是 UTF-8 文本", file=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise SpecError(f"表套定义文件不是有效的 YAML {where}".rstrip(), file=path) from None
    if not isinstance(data, dict):
        raise SpecError("表套定义文件的顶层必须是映射（键: 值）", file=path)
    return data


def _parent_path(path: Path, parent: str) -> Path:
    sibling = path.with_name(f"{parent}.yaml")
    if sibling.exists():
        return sibling
    found = _spec_paths().get(parent)
    if found is None:
        raise SpecError(f"extends 指向的表套「{parent}」不存在", file=path)
    return found


def _raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path in seen:
        raise SpecError("extends 形成了循环引用", file=path)
    data = _read_yaml(path)
    for part in ("relations", "narrative"):
        part_path = path.with_name(f"{path.stem}.{part}.yaml")
        if part_path.exists():
            own = _read_yaml(part_path).get(part, [])
            data[part] = merge(own, data[part]) if part in data else own
    parent = data.pop("extends", None)
    if parent is None:
        return data
    return merge(_raw(_parent_path(path, str(parent)), (*seen, path)), data)


def load_spec_file(path: str | Path) -> TableSetSpec:
    path = Path(path)
    raw = strip_directives(_raw(path))
    if isinstance(raw.get("tables"), list):
        raw["tables"] = sorted(raw["tables"], key=_table_order)
    try:
        spec = TableSetSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(_field_name(raw, error["loc"])) or "（整体）"
            problems.append(f"字段 {field}：{_problem(error)}")
        raise SpecError("表套定义无效：" + "；".join(problems), file=path) from None
    _check_layouts(spec, path)
    return spec


_PROBLEMS = {
    "missing": "缺少此字段",
    "extra_forbidden": "不认识的字段（是否拼写错误？）",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "model_attributes_type": "应为映射（键: 值）",
    "too_short": "项数太少",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
}


def _problem(error: Any) -> str:
    """A pydantic error in Chinese (the spec's own checks already speak Chinese)."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "value_error":
        return str(context.get("error", error.get("msg", ""))).strip()
    if kind == "string_pattern_mismatch":
        return f"写法不对（应符合 {context.get('pattern', '')}，如小写字母、数字和下划线）"
    if kind == "literal_error":
        return f"只能是 {context.get('expected', '')}"
    if kind == "union_tag_invalid" or kind.startswith("union"):
        return "取值的形式不对"
    return _PROBLEMS.get(kind, f"取值不对（{kind}）")


def _table_order(table: Any) -> tuple[int, int]:
    """Tables in the order of their numbers (a child may renumber or add tables)."""
    number = table.get("number") if isinstance(table, dict) else None
    return (0, number) if isinstance(number, int) else (1, 0)


def _check_layouts(spec: TableSetSpec, path: Path) -> None:
    from workbook_tools.layouts import table_problems

    problems = [
        f"字段 tables.[{table.id}].{field}：{text}"
        for table in spec.tables
        for field, text in table_problems(table)
    ]
    if problems:
        raise SpecError("表套定义无效：" + "；".join(problems), file=path)


def _field_name(raw: Any, loc: tuple[Any, ...]) -> list[str]:
    """Dotted field path, with list indexes shown as the item's id/key where it has one."""
    names: list[str] = []
    node = raw
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            label = node.get("id") or node.get("key") if isinstance(node, dict) else None
            names.append(f"[{label}]" if label else f"[{part}]")
            continue
        names.append(str(part))
        node = node.get(part) if isinstance(node, dict) else None
    return names


@cache
def _load_cached(path: Path, mtime: float) -> TableSetSpec:
    return load_spec_file(path)


def load_spec(set_id: str) -> TableSetSpec:
    """The spec ``set_id`` (e.g. ``budget-2024``) from the spec folders."""
    path = _spec_paths().get(set_id)
    if path is None:
        known = "、".join(available_sets())
        raise SpecError(f"没有名为「{set_id}」的表套。可用的表套：{known}")
    return _load_cached(path, path.stat().st_mtime)


SKIPPED: dict[str, SpecError] = {}  # broken spec files met in this run, by set id


def load_available() -> tuple[list[TableSetSpec], list[SpecError]]:
    """Every set that loads, and the problems of those that do not (they are skipped and
    remembered in ``SKIPPED`` so that a command can tell the user)."""
    specs, problems = [], []
    for set_id in available_sets():
        try:
            specs.append(load_spec(set_id))
        except SpecError as error:
            problems.append(error)
            SKIPPED[set_id] = error
    return specs, problems
