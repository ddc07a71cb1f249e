"""Composition of spec files: a child (``extends: <parent>``) merged into its parent by id.

- A mapping is merged key by key; a scalar or plain list in the child replaces the parent's.
- A list of mappings that carry an identity (``id``, ``key``, ``group`` or ``code``) is merged
  item by item: an item whose identity the parent has is merged into it, a new one is
  appended, and ``{id: …, remove: true}`` removes the parent's item (a ``*`` in the identity
  removes every matching one, e.g. ``{id: "t11.*", remove: true}``).
- ``replace: [field, …]`` in a mapping replaces those fields of the parent's wholesale
  instead of merging them (e.g. a table whose fixed lines are all different).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

IDENTITIES = ("id", "key", "group", "code")
REMOVE = "remove"
REPLACE = "replace"


def merge(parent: Any, child: Any) -> Any:
    """``child`` merged into ``parent`` (neither is changed)."""
    if isinstance(parent, dict) and isinstance(child, dict):
        return _merge_mapping(parent, child)
    if isinstance(parent, list) and isinstance(child, list) and _identity_list(parent + child):
        return _merge_list(parent, child)
    return child


def _merge_mapping(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    replaced = set(child.get(REPLACE, []))
    merged = dict(parent)
    for key, value in child.items():
        if key == REPLACE:
            continue
        merged[key] = value if key in replaced or key not in parent else merge(parent[key], value)
    return merged


def identity(item: Any) -> tuple[str, str] | None:
    if not isinstance(item, dict):
        return None
    for name in IDENTITIES:
        if name in item:
            return name, str(item[name])
    return None


def _identity_list(items: list[Any]) -> bool:
    return bool(items) and all(identity(item) is not None for item in items)


def _merge_list(parent: list[Any], child: list[Any]) -> list[Any]:
    merged = list(parent)
    for item in child:
        name, value = identity(item) or ("", "")
        if item.get(REMOVE):
            merged = [m for m in merged if not _matches(m, name, value)]
            continue
        at = next((i for i, m in enumerate(merged) if identity(m) == (name, value)), None)
        if at is None:
            merged.append(item)
        else:
            merged[at] = merge(merged[at], item)
    return merged


def _matches(item: Any, name: str, pattern: str) -> bool:
    found = identity(item)
    return found is not None and found[0] == name and fnmatchcase(found[1], pattern)


def strip_directives(data: Any) -> Any:
    """``data`` without the merge directives (``replace``, ``remove: false``)."""
    if isinstance(data, dict):
        return {
            key: strip_directives(value)
            for key, value in data.items()
            if key != REPLACE and not (key == REMOVE and value is False)
        }
    if isinstance(data, list):
        return [strip_directives(item) for item in data]
    return data
