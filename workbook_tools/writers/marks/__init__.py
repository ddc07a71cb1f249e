"""Marking findings in the user's workbook, and clearing the marks again."""

from workbook_tools.writers.marks.apply import MarkSummary, clear_marks, mark_workbook

__all__ = ["MarkSummary", "clear_marks", "mark_workbook"]
