"""Consolidation (汇总) of units' workbooks: ``wbt consolidate``."""

from workbook_tools.consolidate.core import Consolidated, consolidate_data
from workbook_tools.consolidate.files import ConsolidateReport, consolidate_files, verify_files

__all__ = [
    "ConsolidateReport",
    "Consolidated",
    "consolidate_data",
    "consolidate_files",
    "verify_files",
]
