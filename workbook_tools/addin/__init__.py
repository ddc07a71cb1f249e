"""The Excel add-in 「预算公开」: ribbon buttons that check, mark, fill, clear and export the
workbook open in Excel, through xlwings (``macros/`` holds the VBA module and ribbon XML,
``wbt addin build`` makes the .xlam)."""

from workbook_tools.addin.actions import ACTIONS
from workbook_tools.addin.entry import on_ribbon

__all__ = ["ACTIONS", "on_ribbon"]
