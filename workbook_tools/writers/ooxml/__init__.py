"""The package engine: edits an .xlsx/.xlsm by rewriting only the parts it touches."""

from workbook_tools.writers.ooxml.clearing import ClearReport
from workbook_tools.writers.ooxml.edit import PackageEdit

__all__ = ["ClearReport", "PackageEdit"]
