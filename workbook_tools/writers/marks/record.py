"""The very hidden record sheet ``_wbt_marks``: what marking changed, so clearing can put
it back, written and read the same way by both routes.

v2 (written now), all cells text:

    row 1   workbook_tools 标注记录 v2 | <results sheet> | <active sheet index> | <token> |
            <fingerprint of the results sheet's values>
    row n   <sheet> | <cell> | <JSON of the cell before marking> [| more JSON …]
    row m   [package] | <n> | <JSON of the file route's package undo> [| more …]

A cell's JSON: ``fill`` and ``font`` (see ``writers.ooxml.style_json``), ``comment``
(``{"text", "author"}`` or null), ``mark`` (what we painted: fill and font colour, bold,
SHA-256 of our note) and, from the file route, ``file`` (the original style attribute, the
marked style index, whether the cell existed). Texts longer than a cell holds continue in
the next columns. ``[package]`` is not a possible sheet name.

v1 (still read): header ``[v1, results sheet, active]`` and rows ``[sheet, cell, JSON of
{fill, font, comment}]``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from workbook_tools.writers.marks.kinds import MarkStyle
from workbook_tools.writers.marks.results_layout import EDITABLE, HEADER, HEADER_V1, TOKEN_LABEL

MARK_SHEET = "_wbt_marks"
VERSION_PREFIX = "workbook_tools 标注记录 v"
MARK_VERSION = VERSION_PREFIX + "2"
MARK_VERSION_V1 = VERSION_PREFIX + "1"
PACKAGE_ROW = "[package]"
MAX_TEXT = 32_000  # a cell holds 32,767 characters
_ADDRESS = re.compile(r"^[A-Z]{1,3}[1-9]\d{0,6}$")
_LINK_COLUMN = 3  # 单元格: a hyperlink formula in the Excel route, a text in the file route


@dataclass
class RecordCell:
    sheet: str
    cell: str
    state: dict[str, Any]

    @property
    def mark(self) -> dict[str, Any] | None:
        mark = self.state.get("mark")
        return mark if isinstance(mark, dict) else None

    @property
    def file(self) -> dict[str, Any]:
        found = self.state.get("file")
        return found if isinstance(found, dict) else {}


@dataclass
class Record:
    version: int
    results_sheet: str
    active: int
    token: str = ""
    fingerprint: str = ""  # of all of 校验结果's values
    fingerprint_rest: str = ""  # of all but the link column
    cells: list[RecordCell] = field(default_factory=list)
    package: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)  # Chinese, for the report


def note_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def mark_state(style: MarkStyle, note: str) -> dict[str, Any]:
    return {
        "fill": style.fill_rgb,
        "font": style.font_rgb,
        "bold": style.bold,
        "note": note_hash(note),
    }


def _chunks(text: str) -> list[str]:
    return [text[i : i + MAX_TEXT] for i in range(0, len(text), MAX_TEXT)] or [""]


def record_rows(record: Record) -> list[list[str]]:
    """The sheet's rows (a rectangle, all text)."""
    rows = [
        [
            MARK_VERSION,
            record.results_sheet,
            str(record.active),
            record.token,
            record.fingerprint,
            record.fingerprint_rest,
        ]
    ]
    for cell in record.cells:
        text = json.dumps(cell.state, ensure_ascii=False, separators=(",", ":"))
        rows.append([cell.sheet, cell.cell, *_chunks(text)])
    if record.package is not None:
        text = json.dumps(record.package, ensure_ascii=True, separators=(",", ":"))
        rows.append([PACKAGE_ROW, "1", *_chunks(text)])
    width = max(len(row) for row in rows)
    return [row + [""] * (width - len(row)) for row in rows]


def cell_text(value: object) -> str:
    """A record cell as text (Excel may hand back a float for a number-like text)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_record(rows: list[list[object]]) -> Record | str:
    """The record, or a Chinese reason why it cannot be used. Never raises."""
    text = [[cell_text(v) for v in row] for row in rows]
    header = (text[0] if text else []) + [""] * 6
    version = header[0].strip()
    if version not in (MARK_VERSION, MARK_VERSION_V1):
        if version.startswith(VERSION_PREFIX):
            return f"标注记录的版本「{version}」无法识别（可能来自更新版本的工具），未清除任何内容"
        return "标注记录表「_wbt_marks」的内容无法识别，未清除任何内容"
    record = Record(
        2 if version == MARK_VERSION else 1,
        header[1],
        int(header[2]) if header[2].isdigit() else 0,
    )
    if record.version == 2:
        record.token, record.fingerprint, record.fingerprint_rest = header[3:6]
    for number, row in enumerate(text[1:], start=2):
        _read_row(record, number, row)
    return record


def _read_row(record: Record, number: int, row: list[str]) -> None:
    if not any(row):
        return
    if len(row) < 3 or not row[0] or not row[1]:
        record.problems.append(f"标注记录第 {number} 行不完整，已跳过")
        return
    body = "".join(row[2:])
    try:
        state = json.loads(body)
    except ValueError:
        state = None
    if row[0] == PACKAGE_ROW:
        record.package = state if isinstance(state, dict) else None
        return
    if not isinstance(state, dict) or not _ADDRESS.match(row[1]):
        record.problems.append(f"标注记录第 {number} 行（{row[0]}!{row[1]}）已损坏，该单元格未恢复")
        return
    record.cells.append(RecordCell(row[0], row[1], state))


def _normal(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return f"{float(value):.12g}"
    return str(value)


def fingerprint(values: list[list[object]], skip: int | None = None) -> str:
    """A digest of a results sheet's values — every cell but the unit's own columns (说明,
    状态) of the findings below the table header, so anything else typed into it shows
    (``skip``: leave out that column too)."""
    rows = []
    findings_from = _findings_start(values)
    for number, row in enumerate(values):
        own = EDITABLE if number >= findings_from else ()
        cells = [_normal(v) for i, v in enumerate(row) if i != skip and i not in own]
        rows.append("\x1f".join(cells).rstrip("\x1f"))
    while rows and not rows[-1]:
        rows.pop()
    return hashlib.sha256("\x1e".join(rows).encode("utf-8")).hexdigest()[:32]


def _findings_start(values: list[list[object]]) -> int:
    """The index of the first finding row: the one after the table header (none: past the
    end, so no column is the unit's)."""
    for number, row in enumerate(values):
        if [_normal(v) for v in row[: len(HEADER)]] == HEADER[: len(row)] and len(row) > 1:
            return number + 1
    return len(values)


def fingerprints(values: list[list[object]]) -> tuple[str, str]:
    """Of all values, and of all but the link column (a ``HYPERLINK`` formula from the
    Excel route has no value until Excel computes it)."""
    return fingerprint(values), fingerprint(values, _LINK_COLUMN)


def _links_blank(values: list[list[object]]) -> bool:
    """Every cell of the link column is blank (formulas not computed) but its header."""
    column = [_normal(row[_LINK_COLUMN]) for row in values if len(row) > _LINK_COLUMN]
    return all(text in ("", HEADER[_LINK_COLUMN]) for text in column)


def _value(values: list[list[object]], row: int, col: int) -> str:
    if row < len(values) and col < len(values[row]):
        return _normal(values[row][col])
    return ""


def owns_results(record: Record, values: list[list[object]]) -> bool:
    """Whether a sheet with these values is the findings sheet this record made.

    v2: the token (in column A) and the fingerprint of all values must match. v1 (no token): the
    sheet must have the findings sheet's shape — title, time, counts, table header.
    """
    if record.version >= 2:
        token = TOKEN_LABEL + record.token
        if not record.token or all(_value(values, row, 0) != token for row in range(len(values))):
            return False
        full, rest = fingerprints(values)
        if full == record.fingerprint:
            return True
        return rest == record.fingerprint_rest and _links_blank(values)
    header = [_value(values, 6, col) for col in range(len(HEADER))]
    v1 = header[: len(HEADER_V1)] == HEADER_V1 and not any(header[len(HEADER_V1) :])
    return (
        _value(values, 0, 0) == "校验结果"
        and _value(values, 3, 0).startswith("校验时间：")
        and re.match(r"^错误 \d+ 条", _value(values, 4, 0)) is not None
        and (v1 or header == HEADER)
    )
