"""Load a spec file (with ``extends``) into a validated ``TableSetSpec``.

A spec may name another with ``extends: <id>``: its top-level keys replace the parent's.
Relations live in a sibling file ``<id>.relations.yaml`` when present, inherited too.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from workbook_tools.errors import SpecError
from workbook_tools.spec.models import TableSetSpec

SETS_DIR = Path(__file__).parent / "sets"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10× faster


def available_sets() -> list[str]:
    return sorted(p.stem for p in SETS_DIR.glob("*.yaml") if "." not in p.stem)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError:
        raise SpecError("表套定义文件不存在", file=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise SpecError(f"表套定义文件不是有效的 YAML {where}：{exc}", file=path) from None
    if not isinstance(data, dict):
        raise SpecError("表套定义文件的顶层必须是映射（键: 值）", file=path)
    return data


def _raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path in seen:
        raise SpecError("extends 形成了循环引用", file=path)
    data = _read_yaml(path)
    relations_path = path.with_name(path.stem + ".relations.yaml")
    if relations_path.exists():
        data.setdefault("relations", _read_yaml(relations_path).get("relations", []))
    parent = data.pop("extends", None)
    if parent is None:
        return data
    merged = _raw(path.with_name(f"{parent}.yaml"), (*seen, path))
    merged.update(data)
    return merged


def load_spec_file(path: str | Path) -> TableSetSpec:
    path = Path(path)
    raw = _raw(path)
    try:
        return TableSetSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(_field_name(raw, error["loc"]))
            problems.append(f"字段 {field}：{error['msg']}")
        raise SpecError("表套定义无效：" + "；".join(problems), file=path) from None


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
def load_spec(set_id: str) -> TableSetSpec:
    """The bundled spec ``set_id`` (e.g. ``budget-2024``)."""
    path = SETS_DIR / f"{set_id}.yaml"
    if not path.exists():
        known = "、".join(available_sets())
        raise SpecError(f"没有名为「{set_id}」的表套。可用的表套：{known}")
    return load_spec_file(path)
