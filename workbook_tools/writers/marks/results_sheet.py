"""The findings sheet 校验结果: a summary block and one row per finding, linked to its cell."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workbook_tools.rules import CheckResult
from workbook_tools.rules.findings import SEVERITY_NAMES
from workbook_tools.writers.marks.styles import FILL_RGB

RESULT_SHEET = "校验结果"
HEADER = ["序号", "严重程度", "表", "单元格", "说明", "应为", "实为", "差额", "规则"]
WIDTHS = [6, 9, 8, 14, 80, 14, 14, 12, 22]
HEADER_ROW = 7
_THIN = Side(style="thin", color="FF999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _value(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def free_name(taken: set[str], name: str = RESULT_SHEET) -> str:
    """``name``, or ``name（2）`` … when the user has a sheet of that name already."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}（{n}）"
    return candidate


def write_results_sheet(book: Workbook, result: CheckResult, checked_at: datetime) -> Worksheet:
    """Insert the findings sheet first (under a free name) and return it."""
    sheet = book.create_sheet(free_name(set(book.sheetnames)), 0)
    data, summary = result.data, result.summary
    sheet["A1"] = "校验结果"
    sheet["A1"].font = Font(name="黑体", size=14, bold=True)
    sheet["A2"] = f"单位：{data.unit or '（未注明）'}　年度：{data.year or '（未注明）'}"
    sheet["A3"] = f"表套：{result.spec.name}（{result.spec.id}）"
    sheet["A4"] = f"校验时间：{checked_at:%Y-%m-%d %H:%M}"
    sheet["A5"] = (
        f"错误 {summary['error']} 条　警告 {summary['warning']} 条　提示 {summary['hint']} 条"
        + ("　（未发现问题）" if not result.findings else "")
    )
    sheet["A5"].font = Font(bold=True)
    for col, (title, width) in enumerate(zip(HEADER, WIDTHS, strict=True), start=1):
        cell = sheet.cell(HEADER_ROW, col, title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill(fill_type="solid", fgColor="FFD9D9D9")
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(col)].width = width
    labels = {t.id: t.label for t in result.spec.tables}
    for index, finding in enumerate(result.findings, start=1):
        row = HEADER_ROW + index
        values = [
            index,
            SEVERITY_NAMES[finding.severity],
            labels.get(finding.table, ""),
            f"{finding.sheet}!{finding.cell}",
            finding.message,
            _value(finding.expected),
            _value(finding.actual),
            _value(finding.difference),
            finding.rule,
        ]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row, col, value)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=col == 5)
            if col in (6, 7, 8) and isinstance(value, float):
                cell.number_format = "#,##0.00"
        lines = max(1, -(-len(finding.message) // 38))
        sheet.row_dimensions[row].height = 15 * lines + 2
        severity = sheet.cell(row, 2)
        severity.fill = PatternFill(fill_type="solid", fgColor="FF" + FILL_RGB[finding.severity])
        link = sheet.cell(row, 4)
        link.hyperlink = f"#'{finding.sheet}'!{finding.cell}"
        link.font = Font(color="FF0563C1", underline="single")
    last = HEADER_ROW + max(1, len(result.findings))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(HEADER))}{last}"
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    return sheet
