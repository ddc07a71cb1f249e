"""Exporting the publishable disclosure tables (values only, official layout)."""

from workbook_tools.writers.export.publish import ExportReport, export_file, publish_content

__all__ = ["ExportReport", "export_file", "publish_content"]
