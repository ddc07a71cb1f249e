"""The findings sheet 校验结果 in the open workbook: written in one block, then formatted
by groups of cells. Contents match ``workbook_tools.writers.marks.results_sheet``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from workbook_tools.addin.colors import hex_rgb
from workbook_tools.addin.paint import fill_cells
from workbook_tools.addin.xl import XlBook, XlSheet
from workbook_tools.io.grid import Pos, column_letter
from workbook_tools.rules import CheckResult
from workbook_tools.rules.findings import SEVERITY_NAMES
from workbook_tools.writers.marks.results_sheet import HEADER, HEADER_ROW, WIDTHS, free_name
from workbook_tools.writers.marks.styles import FILL_RGB

HEADER_FILL = (217, 217, 217)
LINK_COLOR = (5, 99, 193)


def _number(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def _link(sheet: str, cell: str) -> str:
    target = sheet.replace("'", "''")
    label = f"{sheet}!{cell}".replace('"', '""')
    return f'=HYPERLINK("#\'{target}\'!{cell}","{label}")'


def result_rows(result: CheckResult, checked_at: datetime) -> list[list[object]]:
    """The sheet as one block of rows (``HEADER`` wide), from row 1."""
    data, summary = result.data, result.summary
    width = len(HEADER)

    def line(text: str) -> list[object]:
        return [text] + [None] * (width - 1)

    rows = [
        line("校验结果"),
        line(f"单位：{data.unit or '（未注明）'}　年度：{data.year or '（未注明）'}"),
        line(f"表套：{result.spec.name}（{result.spec.id}）"),
        line(f"校验时间：{checked_at:%Y-%m-%d %H:%M}"),
        line(
            f"错误 {summary['error']} 条　警告 {summary['warning']} 条　提示 {summary['hint']} 条"
            + ("　（未发现问题）" if not result.findings else "")
        ),
    ]
    rows += [line("")] * (HEADER_ROW - 1 - len(rows))
    rows.append(list(HEADER))
    numbers = {t.id: t.number for t in result.spec.tables}
    for index, finding in enumerate(result.findings, start=1):
        rows.append(
            [
                index,
                SEVERITY_NAMES[finding.severity],
                f"表{numbers.get(finding.table, '')}",
                _link(finding.sheet, finding.cell),
                finding.message,
                _number(finding.expected),
                _number(finding.actual),
                _number(finding.difference),
                finding.rule,
            ]
        )
    return rows


def write_results(
    book: XlBook, sheets: dict[str, XlSheet], result: CheckResult, checked_at: datetime
) -> XlSheet:
    """Insert the findings sheet before all ``sheets``; returns it."""
    name = free_name(set(sheets))
    sheet = book.sheets.add(name, before=next(iter(sheets.values())))
    rows = result_rows(result, checked_at)
    sheet.range(f"A1:{column_letter(len(HEADER))}{len(rows)}").value = rows
    _format(sheet, result, len(rows))
    return sheet


def _format(sheet: XlSheet, result: CheckResult, last: int) -> None:
    title = sheet.range("A1").font
    title.bold, title.size, title.name = True, 14, "黑体"
    right = column_letter(len(HEADER))
    sheet.range(f"A5,A{HEADER_ROW}:{right}{HEADER_ROW}").font.bold = True
    sheet.range(f"A{HEADER_ROW}:{right}{HEADER_ROW}").color = HEADER_FILL
    by_width: dict[float, list[str]] = {}
    for col, width in enumerate(WIDTHS, start=1):
        by_width.setdefault(width, []).append(f"{column_letter(col)}:{column_letter(col)}")
    for width, columns in by_width.items():
        sheet.range(",".join(columns)).column_width = width
    if not result.findings:
        return
    first = HEADER_ROW + 1
    sheet.range(f"D{first}:D{last}").font.color = LINK_COLOR
    sheet.range(f"F{first}:H{last}").number_format = "#,##0.00"
    sheet.range(f"E{first}:E{last}").wrap_text = True
    groups: dict[tuple[object, ...], list[Pos]] = {}
    for row, finding in enumerate(result.findings, start=first):
        groups.setdefault(("rgb", hex_rgb(FILL_RGB[finding.severity])), []).append((row, 2))
    fill_cells(sheet, groups)
