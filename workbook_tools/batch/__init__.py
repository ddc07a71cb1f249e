"""Batch check: every unit's workbook in one run (``wbt check <files and folders…>``), with a
summary workbook, a roster comparison and worker processes."""

from workbook_tools.batch.outcome import FileFinding, FileOutcome
from workbook_tools.batch.roster import RosterReport
from workbook_tools.batch.run import BatchResult, check_files, check_one

__all__ = ["BatchResult", "FileFinding", "FileOutcome", "RosterReport", "check_files", "check_one"]
