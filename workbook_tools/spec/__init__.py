"""Table-set specs: the declarative definitions of the disclosure tables.

The loader is imported at once; the model classes only when first used (a command such as
``wbt sets`` needs none of them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbook_tools.spec.loader import SETS_DIR, available_sets, load_spec, load_spec_file

if TYPE_CHECKING:
    from workbook_tools.spec.models import (
        ColumnSpec,
        LineSpec,
        RelationSpec,
        Side,
        TableSetSpec,
        TableSpec,
    )

_MODELS = {"ColumnSpec", "LineSpec", "RelationSpec", "Side", "TableSetSpec", "TableSpec"}


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        from workbook_tools.spec import models

        return getattr(models, name)
    raise AttributeError(name)


__all__ = [
    "SETS_DIR",
    "ColumnSpec",
    "LineSpec",
    "RelationSpec",
    "Side",
    "TableSetSpec",
    "TableSpec",
    "available_sets",
    "load_spec",
    "load_spec_file",
]
