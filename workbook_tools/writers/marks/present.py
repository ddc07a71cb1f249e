"""What marking shows, produced once from a ``CheckResult`` as route-neutral data: the
marked cells (kind and note), the findings sheet, the token that proves the marks are
ours. The file route (``writers.ooxml``) and the Excel route (``addin``) paint it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from workbook_tools.rules import CheckResult
from workbook_tools.writers.marks.plan import plan_marks
from workbook_tools.writers.marks.results_layout import (
    ResultsInput,
    ResultsSheet,
    Section,
    layout,
)

AUTHOR = "workbook_tools"
USER_NOTE_SEPARATOR = "\n——— 原批注 ———\n"


@dataclass(frozen=True)
class CellMarkView:
    sheet: str
    cell: str  # as the findings name it; a route moves it to its merged area's anchor
    kind: str
    note: str  # our note, without the user's


@dataclass
class MarkView:
    cells: list[CellMarkView]
    results: ResultsSheet
    token: str
    findings: int


@dataclass
class MarkSummary:
    marked_cells: int
    findings: int


def note_text(note: str, user_note: str | None) -> str:
    """Our note with the user's own note kept under it."""
    return note if user_note is None else note + USER_NOTE_SEPARATOR + user_note


def new_token() -> str:
    return secrets.token_hex(6)


def present(
    result: CheckResult,
    checked_at: datetime,
    token: str | None = None,
    sections: list[Section] | None = None,
) -> MarkView:
    token = token or new_token()
    cells = [
        CellMarkView(sheet, address, mark.kind, mark.text())
        for (sheet, address), mark in plan_marks(result).items()
    ]
    sheet = layout(ResultsInput(result, checked_at, token), sections)
    return MarkView(cells, sheet, token, len(result.findings))
