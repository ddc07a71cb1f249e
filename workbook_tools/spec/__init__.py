"""Table-set specs: loading the declarative YAML files into pydantic models."""

from workbook_tools.spec.loader import SETS_DIR, available_sets, load_spec, load_spec_file
from workbook_tools.spec.models import (
    ColumnSpec,
    LineSpec,
    RelationSpec,
    Side,
    TableSetSpec,
    TableSpec,
)

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
