"""The findings sheet 校验结果 as plain data: a list of sections, each a list of rows of
cells with a value, a format and maybe a link. Both routes paint the same rows.

A section is a function of ``ResultsInput`` returning a ``Block``; the default layout is
``[summary_block, findings_table]``, and a new block (a diagnosis, say) is one more entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from workbook_tools.diagnosis.words import cause_note, headline
from workbook_tools.explain import (
    NOTE_HEADER,
    STATUS_HEADER,
    STATUSES,
    Explanation,
    count_explained,
    explanation_of,
)
from workbook_tools.io.grid import column_letter
from workbook_tools.rules import CheckResult
from workbook_tools.rules.findings import Finding
from workbook_tools.writers.marks.kinds import mark_style

RESULT_SHEET = "校验结果"
# 说明 and 状态 are the unit's to fill in (workbook_tools.explain); the rest is ours
HEADER = [
    "序号", "严重程度", "表", "单元格", "问题", "应为", "实为", "差额", "规则",
    NOTE_HEADER, STATUS_HEADER,
]  # fmt: skip
HEADER_V1 = ["序号", "严重程度", "表", "单元格", "说明", "应为", "实为", "差额", "规则"]
EDITABLE = (HEADER.index(NOTE_HEADER), HEADER.index(STATUS_HEADER))  # 0-based columns
WIDTHS = [6, 9, 8, 14, 72, 14, 14, 12, 22, 30, 9]
TOKEN_LABEL = "标注编号："
HEADER_ROW = 7  # where the default layout puts the table header


@dataclass(frozen=True)
class CellFormat:
    bold: bool = False
    size: float | None = None
    font_name: str | None = None
    font_rgb: str | None = None
    underline: bool = False
    fill_rgb: str | None = None
    border_rgb: str | None = None
    number_format: str | None = None
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Link:
    sheet: str
    cell: str

    @property
    def label(self) -> str:
        return f"{self.sheet}!{self.cell}"

    @property
    def location(self) -> str:
        return "'" + self.sheet.replace("'", "''") + "'!" + self.cell


@dataclass(frozen=True)
class OutCell:
    value: str | float | int | None
    fmt: CellFormat | None = None
    link: Link | None = None


Row = list[OutCell | None]
TITLE = CellFormat(bold=True, size=14, font_name="黑体")
BOLD = CellFormat(bold=True)
HEADER_CELL = CellFormat(
    bold=True, fill_rgb="D9D9D9", border_rgb="999999", horizontal="center", vertical="center"
)
BODY = CellFormat(border_rgb="999999", vertical="top")
WRAPPED = CellFormat(border_rgb="999999", vertical="top", wrap=True)
MONEY = CellFormat(border_rgb="999999", vertical="top", number_format="#,##0.00")
LINK = CellFormat(border_rgb="999999", vertical="top", font_rgb="0563C1", underline=True)


@dataclass
class ResultsInput:
    result: CheckResult
    checked_at: datetime
    token: str


@dataclass(frozen=True)
class Choice:
    """A list the user picks a cell's value from (data validation): column (0-based) and
    rows (indexes in the block's or, in ``ResultsSheet``, 1-based sheet rows)."""

    column: int
    first: int
    last: int
    options: tuple[str, ...]

    def moved(self, offset: int) -> Choice:
        return Choice(self.column, self.first + offset, self.last + offset, self.options)

    @property
    def ref(self) -> str:
        letter = column_letter(self.column + 1)
        return f"{letter}{self.first}:{letter}{self.last}"

    @property
    def formula(self) -> str:
        return '"' + ",".join(self.options) + '"'


@dataclass
class Block:
    rows: list[Row]
    header: int | None = None  # index in ``rows`` of a table header (filtered, frozen)
    heights: dict[int, float] = field(default_factory=dict)  # index in ``rows`` → points
    choices: list[Choice] = field(default_factory=list)  # rows by index in ``rows``


Section = Callable[[ResultsInput], Block]


def text_row(text: str, fmt: CellFormat | None = None) -> Row:
    return [OutCell(text, fmt)]


def summary_block(given: ResultsInput) -> Block:
    result = given.result
    data, summary = result.data, result.summary
    counts = f"错误 {summary['error']} 条　警告 {summary['warning']} 条　提示 {summary['hint']} 条"
    return Block(
        [
            text_row("校验结果", TITLE),
            text_row(f"单位：{data.unit or '（未注明）'}　年度：{data.year or '（未注明）'}"),
            text_row(f"表套：{result.spec.name}（{result.spec.id}）"),
            text_row(f"校验时间：{given.checked_at:%Y-%m-%d %H:%M}"),
            text_row(
                counts + _explained(result) + ("　（未发现问题）" if not result.findings else ""),
                BOLD,
            ),
            [OutCell(TOKEN_LABEL + given.token), None, None, None, _hint(result)],
        ]
    )


EXPLAIN_HINT = (
    "合理的情况（如尾差）可在「说明」栏写明原因，并把「状态」选为「已说明」；"
    "再次校验时，同一问题（规则、单元格、数值不变）的说明会保留。"
)


def _explained(result: CheckResult) -> str:
    explained, _ = count_explained(result.findings, result.explanations)
    return f"（已说明 {explained} 条）" if explained else ""


def _hint(result: CheckResult) -> OutCell | None:
    return OutCell(EXPLAIN_HINT) if result.findings else None


DIAGNOSIS = CellFormat(bold=True, font_rgb="C00000", border_rgb="999999", vertical="top")


def diagnosis_block(given: ResultsInput) -> Block:
    """The cells most likely typed wrong, before the findings, in the table's columns
    (the link in the link column, as the findings rows have it)."""
    suspects = given.result.diagnosis
    if not suspects:
        return Block([])
    spec = given.result.spec
    labels = {t.id: t.label for t in spec.tables}
    rows = [
        text_row(f"诊断：最可能填错的 {len(suspects)} 处（先改这些，其余不一致多半随之消除）", BOLD)
    ]
    for index, suspect in enumerate(suspects, start=1):
        link = Link(suspect.sheet, suspect.cell)
        typed = float(suspect.actual) if suspect.actual is not None else "（空）"
        rows.append(
            [
                OutCell(f"诊断{index}", DIAGNOSIS),
                OutCell("填错" if not suspect.ambiguous else "无法确定", DIAGNOSIS),
                OutCell(labels.get(suspect.table, ""), BODY),
                OutCell(link.label, LINK, link),
                OutCell(headline(suspect, spec), WRAPPED),
                OutCell(float(suspect.expected), MONEY),
                OutCell(typed, MONEY if isinstance(typed, float) else BODY),
            ]
        )
    rows.append([])
    heights = {i: 30.0 for i in range(1, len(suspects) + 1)}
    return Block(rows, heights=heights)


def _message(finding: Finding, given: ResultsInput) -> str:
    """The finding's words, and the diagnosed typo that explains it when there is one."""
    causes = {s.ref: s for s in given.result.diagnosis}
    cause = causes.get(finding.cause) if finding.cause is not None else None
    note = cause_note(finding, cause, given.result.spec) if cause is not None else None
    return f"{finding.message}\n【受影响】{note}" if note else finding.message


def _number(value: object) -> str | float | None:
    if isinstance(value, Decimal):
        return float(value)
    return value if isinstance(value, str) else None


EXPLAINED_CELL = CellFormat(border_rgb="999999", vertical="top", fill_rgb="E2EFDA")


def finding_row(
    index: int,
    finding: Finding,
    labels: dict[str, str],
    message: str,
    explanation: Explanation | None = None,
) -> Row:
    style = mark_style(finding.severity)
    kind = CellFormat(border_rgb="999999", vertical="top", fill_rgb=style.fill_rgb)
    link = Link(finding.sheet, finding.cell)
    amounts = [_number(v) for v in (finding.expected, finding.actual, finding.difference)]
    explanation = explanation or Explanation("")
    status = EXPLAINED_CELL if explanation.explained else BODY
    return [
        OutCell(index, BODY),
        OutCell(style.label, kind),
        OutCell(labels.get(finding.table, ""), BODY),
        OutCell(link.label, LINK, link),
        OutCell(message, WRAPPED),
        *(OutCell(v, MONEY if isinstance(v, float) else BODY) for v in amounts),
        OutCell(finding.rule, BODY),
        OutCell(explanation.text, WRAPPED),
        OutCell(explanation.status, status),
    ]


def findings_table(given: ResultsInput) -> Block:
    labels = {t.id: t.label for t in given.result.spec.tables}
    rows: list[Row] = [[OutCell(title, HEADER_CELL) for title in HEADER]]
    heights: dict[int, float] = {}
    explanations = given.result.explanations
    for index, finding in enumerate(given.result.findings, start=1):
        message = _message(finding, given)
        explanation = explanation_of(finding, explanations)
        rows.append(finding_row(index, finding, labels, message, explanation))
        lines = max(-(-len(message) // 34), -(-len(explanation.text) // 14), 1)
        heights[index] = 15.0 * lines + 2
    return Block(rows, header=0, heights=heights, choices=_status_choices(len(rows) - 1))


def _status_choices(count: int) -> list[Choice]:
    """The 状态 column of the findings rows: a list to pick 未说明 or 已说明 from."""
    if not count:
        return []
    return [Choice(HEADER.index(STATUS_HEADER), 1, count, STATUSES)]


DEFAULT_SECTIONS: list[Section] = [summary_block, diagnosis_block, findings_table]


@dataclass
class ResultsSheet:
    """The whole sheet: rows from row 1, the table header row, column widths."""

    rows: list[Row]
    header_row: int  # 1-based
    widths: list[float]
    heights: dict[int, float]  # 1-based row → points
    footer: str = "第 &P 页，共 &N 页"
    choices: list[Choice] = field(default_factory=list)  # 1-based sheet rows

    @property
    def width(self) -> int:
        return len(self.widths)

    @property
    def filter_ref(self) -> str:
        last = max(self.header_row + 1, len(self.rows))
        return f"A{self.header_row}:{column_letter(self.width)}{last}"


def layout(given: ResultsInput, sections: list[Section] | None = None) -> ResultsSheet:
    rows: list[Row] = []
    header_row = 0
    heights: dict[int, float] = {}
    choices: list[Choice] = []
    for section in sections or DEFAULT_SECTIONS:
        block = section(given)
        if block.header is not None and not header_row:
            header_row = len(rows) + block.header + 1
        for index, height in block.heights.items():
            heights[len(rows) + index + 1] = height
        choices += [choice.moved(len(rows) + 1) for choice in block.choices]
        rows += block.rows
    return ResultsSheet(rows, header_row or 1, list(WIDTHS), heights, choices=choices)


def free_name(taken: set[str], name: str = RESULT_SHEET) -> str:
    """``name``, or ``name（2）`` … when the user has a sheet of that name already
    (sheet names compare without case, as in Excel)."""
    folded = {t.casefold() for t in taken}
    candidate, n = name, 1
    while candidate.casefold() in folded:
        n += 1
        candidate = f"{name}（{n}）"
    return candidate


def values(sheet: ResultsSheet) -> list[list[object]]:
    """The sheet's values as a rectangle (links as their label), for the fingerprint."""
    return [[None if c is None else c.value for c in row] for row in sheet.rows]
