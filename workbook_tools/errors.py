"""The one exception hierarchy of workbook_tools.

Every error carries what a user needs to find the problem: the file, and where it
applies the sheet and the cell. ``str(error)`` is the Chinese message shown to users.
"""

from __future__ import annotations

from pathlib import Path


class WbtError(Exception):
    """Base of all errors raised by workbook_tools. ``exit_code`` is what the CLI returns."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.sheet = sheet
        self.cell = cell
        super().__init__(self.__str__())

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(f"文件「{self.file}」")
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.cell:
            parts.append(f"单元格 {self.cell}")
        return "，".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}：{self.message}" if where else self.message


class SpecError(WbtError):
    """A table-set spec file is missing or invalid (a developer/administrator error)."""


class InputError(WbtError):
    """The workbook cannot be used: not a workbook, protected, corrupt, tables missing."""


class OutputError(WbtError):
    """An output file cannot be written (locked, read-only, folder missing)."""


class CheckFailed(WbtError):
    """An action that needs a clean check (export) found errors; ``--force`` overrides."""

    exit_code = 1
