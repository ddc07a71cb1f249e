"""Explained findings: what a unit typed next to a finding in the 校验结果 sheet.

The findings sheet has two columns the unit fills in: 说明 (free text, e.g. "尾差，系统导出")
and 状态 (未说明 / 已说明). An explanation belongs to a finding as long as the finding is
the same — same rule, same cell, same expected and actual values — so a re-check keeps it
and a changed figure drops it. Both routes (file and Excel) and every reader (``wbt check``,
``wbt export``, the batch check) read explanations with ``read_explanations`` from the
sheet's values, whatever produced them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbook_tools.io.grid import Grid
    from workbook_tools.io.model import WorkbookData
    from workbook_tools.io.sources import Engine
    from workbook_tools.rules.findings import Finding

EXPLAINED = "已说明"
UNEXPLAINED = "未说明"
STATUSES = (UNEXPLAINED, EXPLAINED)
NOTE_HEADER = "说明"
STATUS_HEADER = "状态"
_NEEDED = ("单元格", "应为", "实为", "规则", NOTE_HEADER, STATUS_HEADER)
_LINK_LABEL = re.compile(r'^=HYPERLINK\(".*","(.*)"\)$', re.S)

FindingKey = tuple[str, str, str, str]  # rule, sheet!cell, expected, actual


@dataclass(frozen=True)
class Explanation:
    text: str
    status: str = UNEXPLAINED

    @property
    def explained(self) -> bool:
        return self.status == EXPLAINED


def _value_key(value: object) -> str:
    """Expected and actual as the sheet shows them (numbers through float, as written)."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return repr(float(value))
    return str(value).strip()


def _place(value: object) -> str:
    text = "" if value is None else str(value).strip()
    match = _LINK_LABEL.match(text)
    return match.group(1).replace('""', '"') if match else text


def finding_key(finding: Finding) -> FindingKey:
    return (
        finding.rule,
        f"{finding.sheet}!{finding.cell}",
        _value_key(finding.expected),
        _value_key(finding.actual),
    )


def explanation_of(finding: Finding, explanations: dict[FindingKey, Explanation]) -> Explanation:
    """The finding's explanation (an empty, unexplained one when there is none)."""
    return explanations.get(finding_key(finding)) or Explanation("")


def is_explained(finding: Finding, explanations: dict[FindingKey, Explanation]) -> bool:
    found = explanations.get(finding_key(finding))
    return found is not None and found.explained


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def read_explanations(values: list[list[object]]) -> dict[FindingKey, Explanation]:
    """The explanations of a findings sheet (its values from A1); none when the sheet has no
    table with the 说明 and 状态 columns."""
    for number, row in enumerate(values):
        texts = [_text(v) for v in row]
        if all(name in texts for name in _NEEDED):
            columns = {name: texts.index(name) for name in _NEEDED}
            return _rows(values[number + 1 :], columns)
    return {}


def _rows(rows: list[list[object]], columns: dict[str, int]) -> dict[FindingKey, Explanation]:
    found: dict[FindingKey, Explanation] = {}
    width = max(columns.values()) + 1
    for row in rows:
        cells = list(row) + [None] * (width - len(row))
        rule = _text(cells[columns["规则"]])
        text, status = _text(cells[columns[NOTE_HEADER]]), _text(cells[columns[STATUS_HEADER]])
        if not rule or not (text or status == EXPLAINED):
            continue
        key = (
            rule,
            _place(cells[columns["单元格"]]),
            _value_key(cells[columns["应为"]]),
            _value_key(cells[columns["实为"]]),
        )
        found[key] = Explanation(text, EXPLAINED if status == EXPLAINED else UNEXPLAINED)
    return found


def grid_values(grid: Grid) -> list[list[object]]:
    """A grid's cells as a rectangle from A1."""
    rows, cols = grid.max_row, grid.max_col
    return [[grid.cells.get((r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]


def explanations_in_grids(
    grids: list[Grid], sheet: str | None = None
) -> dict[FindingKey, Explanation]:
    """The explanations in a workbook's findings sheet (``sheet``, or every sheet that starts
    with the findings sheet's title)."""
    from workbook_tools.writers.marks.results_layout import RESULT_SHEET

    found: dict[FindingKey, Explanation] = {}
    for grid in grids:
        if sheet is not None and grid.name != sheet:
            continue
        if sheet is None and _text(grid.cells.get((1, 1))) != RESULT_SHEET:
            continue
        found.update(read_explanations(grid_values(grid)))
    return found


def count_explained(
    findings: list[Finding], explanations: dict[FindingKey, Explanation]
) -> tuple[int, int]:
    """How many findings are explained, and how many are not."""
    explained = sum(1 for f in findings if is_explained(f, explanations))
    return explained, len(findings) - explained


def read_with_explanations(
    path: str | Path, set_id: str | None = None, engine: Engine = "calamine"
) -> tuple[WorkbookData, dict[FindingKey, Explanation]]:
    """``read_workbook`` and the explanations of the workbook's findings sheet, from one
    reading of the file."""
    from workbook_tools.io.reader import read_from_grids
    from workbook_tools.io.sources import read_grids

    grids = read_grids(path, engine)
    data = read_from_grids(grids, file=str(path), set_id=set_id)
    return data, explanations_in_grids(grids)
