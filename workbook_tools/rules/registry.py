"""The kinds of relations a spec may declare, registered by name.

A kind either yields *instances* (Σ left op Σ right, judged by ``rules.evaluate``, also the
definitions of derived cells and the evidence of the diagnosis) or *findings* directly (a
table's 为空表 remark, a form's well-formed indicator values …). The core kinds live in
``workbook_tools.rules.relations``; more kinds are modules of ``workbook_tools.rules.kinds``,
found and imported by ``all_kinds``: adding a kind is adding a module there, nothing else.
A kind may check its own fields and ``params`` when a spec is compiled (``validate``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbook_tools.rules.context import Context
    from workbook_tools.rules.findings import Finding
    from workbook_tools.rules.relations import Instance
    from workbook_tools.spec.models import RelationSpec, TableSpec


@dataclass(frozen=True)
class RuleKind:
    name: str
    title: str  # Chinese: what kind of check, for the catalogue
    instances: Callable[[Context, RelationSpec], Iterator[Instance]] | None = None
    findings: Callable[[Context, RelationSpec], Iterator[Finding]] | None = None
    validate: Callable[[RelationSpec, dict[str, TableSpec]], list[str]] | None = None


KINDS: dict[str, RuleKind] = {}
_LOADED = False


def register(kind: RuleKind) -> RuleKind:
    if kind.name in KINDS and KINDS[kind.name] is not kind:
        raise ValueError(f"rule kind {kind.name} registered twice")
    KINDS[kind.name] = kind
    return kind


def all_kinds() -> dict[str, RuleKind]:
    """Every registered kind (the core ones and each module of ``rules.kinds``)."""
    global _LOADED
    if not _LOADED:
        import workbook_tools.rules.kinds as package
        import workbook_tools.rules.relations  # noqa: F401  (registers the core kinds)

        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
        _LOADED = True
    return KINDS


def kind(name: str) -> RuleKind | None:
    return all_kinds().get(name)


def params(relation: RelationSpec, name: str, default: Any = None) -> Any:
    """A kind-specific parameter of ``relation``."""
    return relation.params.get(name, default)
