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
from typing import TYPE_CHECKING, Any

from workbook_tools.errors import SpecError
from workbook_tools.spec.compile import (
    cache_key,
    compile_raw,
    load_cached,
    load_index,
    source_files,
    store,
    store_index,
)
from workbook_tools.spec.merge import merge, strip_directives

if TYPE_CHECKING:
    from workbook_tools.spec.models import TableSetSpec

SETS_DIR = Path(__file__).parent / "sets"
ENV_DIRS = "WBT_SETS"


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
    import yaml  # only when a spec is compiled

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
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


def load_spec_file(path: str | Path, *, cached: bool = True) -> TableSetSpec:
    """The spec at ``path``, from the compiled cache when its files have not changed."""
    path = Path(path)
    files = source_files(path, _parent_path)
    key = cache_key(files) if cached else ""
    spec = load_cached(path.stem, key) if cached else None
    if spec is None:
        spec = compile_raw(strip_directives(_raw(path)), path)
        if cached:
            store(path.stem, key, spec)
    return spec


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


def set_names() -> list[tuple[str, str]]:
    """(id, name) of every set that loads, from a small index when nothing changed since it
    was written (``wbt sets`` needs no spec)."""
    paths = _spec_paths()
    files = sorted(p for path in paths.values() for p in source_files(path, _parent_path))
    key = cache_key(list(dict.fromkeys(files)))
    names = load_index(key)
    if names is None:
        specs, _ = load_available()
        names = [(spec.id, spec.name) for spec in specs]
        if len(specs) == len(paths):  # only an index of sets that all load
            store_index(key, names)
    return names


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
