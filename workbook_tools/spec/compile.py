"""Compiling a spec: YAML files → merged → checked → dataclasses, cached between runs.

Reading YAML and validating with pydantic takes hundreds of milliseconds in a fresh
process; a command should start at once. So the compiled spec is pickled into a per-user
cache folder, under a key made of the contents of every file it came from (the set, its
relations and narrative files, its parents) and of the spec code itself. Any edit of one of
them makes a new key: the spec is compiled again, checked again, and cached again. When the
cache folder cannot be written, specs are simply compiled every time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbook_tools.errors import SpecError

if TYPE_CHECKING:
    from workbook_tools.spec.models import TableSetSpec

PARTS = ("relations", "narrative")
_EXTENDS = re.compile(rb"^extends:\s*['\"]?([A-Za-z0-9_-]+)", re.M)
_CODE = Path(__file__).parent
_FORMAT = b"workbook_tools compiled spec v1"


def cache_dir() -> Path:
    """Where compiled specs are kept (``WBT_CACHE`` overrides)."""
    override = os.environ.get("WBT_CACHE")
    if override:
        return Path(override)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "workbook_tools" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "workbook_tools"


def source_files(path: Path, find_parent: Any) -> list[Path]:
    """Every file the spec at ``path`` is made of, parents included (no YAML parsing)."""
    files: list[Path] = []
    current: Path | None = path
    while current is not None and current not in files:
        files.append(current)
        files += [
            p for part in PARTS if (p := current.with_name(f"{current.stem}.{part}.yaml")).exists()
        ]
        match = _EXTENDS.search(current.read_bytes()) if current.exists() else None
        current = find_parent(current, match.group(1).decode()) if match else None
    return files


def _code_digest() -> bytes:
    digest = hashlib.sha256(_FORMAT)
    for name in sorted(p.name for p in _CODE.glob("*.py")):
        digest.update((_CODE / name).read_bytes())
    return digest.digest()


_CODE_DIGEST: bytes | None = None


def cache_key(files: list[Path]) -> str:
    global _CODE_DIGEST
    _CODE_DIGEST = _CODE_DIGEST or _code_digest()
    digest = hashlib.sha256(_CODE_DIGEST)
    for path in files:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:24]


def load_cached(set_id: str, key: str) -> TableSetSpec | None:
    path = cache_dir() / f"{set_id}-{key}.pickle"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_FORMAT):
        return None
    from workbook_tools.spec.models import TableSetSpec

    try:
        spec = pickle.loads(data[len(_FORMAT) :])
    except Exception:  # a damaged cache file: compile again
        return None
    return spec if isinstance(spec, TableSetSpec) else None


def store(set_id: str, key: str, spec: TableSetSpec) -> None:
    """Keep ``spec`` for the next run; a cache that cannot be written is no error."""
    data = _FORMAT + pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL)
    _write(cache_dir(), f"{set_id}-*.pickle", f"{set_id}-{key}.pickle", data)


def load_index(key: str) -> list[tuple[str, str]] | None:
    import json

    try:
        data = json.loads((cache_dir() / f"index-{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return [(str(i), str(n)) for i, n in data] if isinstance(data, list) else None


def store_index(key: str, names: list[tuple[str, str]]) -> None:
    import json

    _write(
        cache_dir(),
        "index-*.json",
        f"index-{key}.json",
        json.dumps(names, ensure_ascii=False).encode(),
    )


def _write(folder: Path, old: str, name: str, data: bytes) -> None:
    """Replace the cache files matching ``old`` by ``name``; no cache is no error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path in folder.glob(old):
            path.unlink(missing_ok=True)
        handle, tmp = tempfile.mkstemp(dir=folder, prefix=".spec-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, folder / name)
    except OSError:
        return


# -- normalising a merged spec before it is checked ------------------------------------------
def normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """Tables in the order of their numbers; the narrative's shorthands written out."""
    if isinstance(raw.get("tables"), list):
        raw["tables"] = sorted(raw["tables"], key=_table_order)
    narrative = raw.get("narrative")
    if isinstance(narrative, dict):
        _normalise_narrative(narrative)
    return raw


def _table_order(table: Any) -> tuple[int, int]:
    number = table.get("number") if isinstance(table, dict) else None
    return (0, number) if isinstance(number, int) else (1, 0)


def _normalise_narrative(narrative: dict[str, Any]) -> None:
    from workbook_tools.spec.narrative import numeral_value

    sections = narrative.get("sections")
    if isinstance(sections, list) and all(isinstance(s, dict) for s in sections):
        narrative["sections"] = sorted(
            sections, key=lambda s: numeral_value(str(s.get("number", "")))
        )
    for group in narrative.get("figures") or []:
        if not isinstance(group, dict):
            continue
        defaults = group.get("defaults") or {}
        for item in group.get("items") or []:
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("rows"), dict):
                item["rows"] = [item["rows"]]  # one row source or several
            for name, value in defaults.items():
                if value not in (None, []) and name not in item:
                    item[name] = _with_key(value, str(item.get("key", "")))


def _with_key(value: Any, key: str) -> Any:
    """A group default with ``{key}`` replaced by the item's key (``s1!line={key}:last_year``)."""
    return value.replace("{key}", key) if isinstance(value, str) else value


def compile_raw(raw: dict[str, Any], path: Path) -> TableSetSpec:
    """Check the merged spec ``raw`` (from ``path``) and build it; SpecError names all problems."""
    from workbook_tools.spec.validate import build

    spec, found = build(normalise(raw))
    if found or spec is None:
        problems = "；".join(f"字段 {where}：{text}" for where, text in found)
        raise SpecError("表套定义无效：" + problems, file=path)
    return spec
