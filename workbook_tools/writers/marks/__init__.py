"""Marking findings in the user's workbook, and clearing the marks again: what is shown
(``present``, ``results_layout``, ``kinds``), the record (``record``), the files
(``files``). The painting is done by ``writers.ooxml`` and by ``addin``."""

from workbook_tools.writers.marks.present import MarkSummary, MarkView, present

__all__ = ["MarkSummary", "MarkView", "present"]
