"""The summary workbook of a batch check (汇总校验结果.xlsx), written with xlsxwriter: one row
per file, worst first, with links to the marked copies; every finding of every unit on a
second sheet; the roster comparison on a third."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any

from workbook_tools.batch.outcome import FileOutcome
from workbook_tools.batch.run import BatchResult
from workbook_tools.rules.findings import SEVERITY_NAMES

SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "全部问题"
ROSTER_SHEET = "名单核对"
SUMMARY_HEADER = [
    "序号", "单位", "文件", "表套", "年度", "状态", "错误", "警告", "提示",
    "已说明", "未说明", "最可能填错", "原因或备注",
]  # fmt: skip
SUMMARY_WIDTHS = [6, 34, 30, 26, 7, 9, 7, 7, 7, 8, 8, 36, 40]
FINDINGS_HEADER = [
    "序号", "单位", "文件", "严重程度", "表", "单元格", "问题", "应为", "实为", "规则", "说明", "状态",
]  # fmt: skip
FINDINGS_WIDTHS = [6, 26, 20, 8, 14, 18, 64, 11, 11, 18, 22, 8]
HEADER_ROW = 3  # 0-based row of the table header (title, counts line, blank above)
STATUS_FILLS = {"unreadable": "#F4B084", "errors": "#FFC7CE", "pass": "#E2EFDA"}
SEVERITY_FILLS = {"error": "#F4B084", "warning": "#FFE699", "hint": "#BDD7EE"}


def _link(base: Path, target: str, cell: str | None = None) -> str:
    """A link from the summary workbook to ``target`` (relative when on the same drive)."""
    try:
        where = os.path.relpath(Path(target).resolve(), base.resolve())
    except ValueError:  # another drive (Windows)
        where = str(Path(target).resolve())
    where = where.replace("\\", "/")
    return f"external:{where}" + (f"#{cell}" if cell else "")


def _display_width(text: str) -> int:
    """Columns a text takes: a CJK (wide) character counts two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _lines(text: str, width: float) -> int:
    usable = max(int(width) - 1, 1)
    return sum(max(1, -(-_display_width(part) // usable)) for part in text.split("\n"))


def row_height(cells: list[tuple[str, float]]) -> float:
    """The height of a row whose wrapped cells are ``(text, column width)``."""
    return 15.0 * max([1, *(_lines(text, width) for text, width in cells)]) + 2


def counts_line(result: BatchResult) -> str:
    by = {"pass": 0, "errors": 0, "unreadable": 0}
    for outcome in result.outcomes:
        by[outcome.status] += 1
    return (
        f"共 {len(result.outcomes)} 个文件：通过 {by['pass']} 个，有错误 {by['errors']} 个，"
        f"无法读取 {by['unreadable']} 个"
    )


def write_summary(result: BatchResult, output: Path, base: Path | None = None) -> Path:
    """Write the summary workbook to ``output`` (the caller makes it atomic); links are
    relative to ``base`` (default: the folder of ``output``)."""
    import xlsxwriter

    base = base or output.parent
    book = xlsxwriter.Workbook(str(output), {"strings_to_urls": False})
    book.set_properties({"title": "汇总校验结果", "comments": "workbook_tools 批量校验"})
    f = _formats(book)
    _summary_sheet(book, f, result, base)
    _findings_sheet(book, f, result, base)
    if result.roster is not None:
        _roster_sheet(book, f, result)
    book.close()
    _forward_slashes(output)
    return output


_EXTERNAL_TARGET = re.compile(rb'Target="([^"]*)" TargetMode="External"')


def _forward_slashes(path: Path) -> None:
    """Relative links as URIs (``已校验/x.xlsx``): xlsxwriter writes Windows backslashes,
    which Excel follows but LibreOffice on Linux and macOS does not."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/_rels/"):
                data = _EXTERNAL_TARGET.sub(
                    lambda m: m.group(0).replace(m.group(1), m.group(1).replace(b"\\", b"/")),
                    data,
                )
            target.writestr(info, data)


def _formats(book: Any) -> dict[str, Any]:
    border = {"border": 1, "border_color": "#999999", "valign": "top", "font_name": "宋体"}
    formats = {
        "title": book.add_format({"bold": True, "font_size": 16, "font_name": "黑体"}),
        "bold": book.add_format({"bold": True, "font_name": "宋体"}),
        "header": book.add_format(
            {**border, "bold": True, "bg_color": "#D9D9D9", "text_wrap": True}
        ),
        "body": book.add_format(border),
        "wrap": book.add_format({**border, "text_wrap": True}),
        "link": book.add_format({**border, "font_color": "#0563C1", "underline": 1}),
        "int": book.add_format({**border, "num_format": "0"}),
    }
    for status, color in STATUS_FILLS.items():
        formats[f"status:{status}"] = book.add_format({**border, "bg_color": color, "bold": True})
    for severity, color in SEVERITY_FILLS.items():
        formats[f"severity:{severity}"] = book.add_format({**border, "bg_color": color})
    return formats


def _page(sheet: Any, header_row: int, title: str) -> None:
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    sheet.set_header(f"&C{title}")
    sheet.set_footer("&C第 &P 页，共 &N 页")
    sheet.freeze_panes(header_row + 1, 0)


def _text(sheet: Any, row: int, col: int, text: str, fmt: Any) -> None:
    """A text cell; an empty text is a blank (formatted) cell."""
    if text:
        sheet.write_string(row, col, text, fmt)
    else:
        sheet.write_blank(row, col, None, fmt)


def _summary_sheet(book: Any, f: dict[str, Any], result: BatchResult, base: Path) -> None:
    sheet = book.add_worksheet(SUMMARY_SHEET)
    sheet.write(0, 0, "汇总校验结果", f["title"])
    sheet.write(1, 0, counts_line(result), f["bold"])
    for col, (title, width) in enumerate(zip(SUMMARY_HEADER, SUMMARY_WIDTHS, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write(HEADER_ROW, col, title, f["header"])
    for index, outcome in enumerate(result.outcomes, start=1):
        _summary_row(sheet, f, HEADER_ROW + index, index, outcome, base)
    last = HEADER_ROW + max(len(result.outcomes), 1)
    sheet.autofilter(HEADER_ROW, 0, last, len(SUMMARY_HEADER) - 1)
    _page(sheet, HEADER_ROW, "汇总校验结果")
    sheet.activate()


def _summary_row(
    sheet: Any, f: dict[str, Any], row: int, index: int, outcome: FileOutcome, base: Path
) -> None:
    name = Path(outcome.path).name
    set_text = f"{outcome.set_name}（{outcome.set_id}）" if outcome.set_id else ""
    sheet.write_number(row, 0, index, f["int"])
    _text(sheet, row, 1, outcome.unit or "", f["wrap"])
    target = outcome.marked or outcome.path
    sheet.write_url(
        row,
        2,
        _link(base, target),
        f["link"],
        name,
        "打开" + ("标注副本" if outcome.marked else "文件"),
    )
    _text(sheet, row, 3, set_text, f["wrap"])
    if outcome.year is not None:
        sheet.write_number(row, 4, outcome.year, f["int"])
    else:
        sheet.write_blank(row, 4, None, f["body"])
    _text(sheet, row, 5, outcome.status_name, f[f"status:{outcome.status}"])
    readable = outcome.status != "unreadable"
    for col, value in enumerate(
        [outcome.counts["error"], outcome.counts["warning"], outcome.counts["hint"],
         outcome.explained, outcome.unexplained],
        start=6,
    ):  # fmt: skip
        if readable:
            sheet.write_number(row, col, value, f["int"])
        else:
            sheet.write_blank(row, col, None, f["body"])
    _text(sheet, row, 11, outcome.diagnosis, f["wrap"])
    _text(sheet, row, 12, outcome.reason, f["wrap"])
    wrapped = [
        (outcome.unit or "", 1),
        (set_text, 3),
        (outcome.diagnosis, 11),
        (outcome.reason, 12),
    ]
    sheet.set_row(row, row_height([(text, SUMMARY_WIDTHS[col]) for text, col in wrapped]))


def _findings_sheet(book: Any, f: dict[str, Any], result: BatchResult, base: Path) -> None:
    sheet = book.add_worksheet(FINDINGS_SHEET)
    sheet.write(0, 0, "全部问题", f["title"])
    total = sum(len(o.findings) for o in result.outcomes)
    sheet.write(1, 0, f"共 {total} 条（点单元格地址打开该单位的标注副本并跳到该格）", f["bold"])
    for col, (title, width) in enumerate(zip(FINDINGS_HEADER, FINDINGS_WIDTHS, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write(HEADER_ROW, col, title, f["header"])
    row = HEADER_ROW
    for outcome in result.outcomes:
        name = Path(outcome.path).name
        target = outcome.marked or outcome.path
        for finding in outcome.findings:
            row += 1
            place = f"{finding.sheet}!{finding.cell}"
            quoted = "'" + finding.sheet.replace("'", "''") + "'!" + finding.cell
            sheet.write_number(row, 0, row - HEADER_ROW, f["int"])
            _text(sheet, row, 1, outcome.unit or "", f["wrap"])
            _text(sheet, row, 2, name, f["wrap"])
            label = SEVERITY_NAMES.get(finding.severity, finding.severity)
            _text(sheet, row, 3, label, f[f"severity:{finding.severity}"])
            _text(sheet, row, 4, finding.sheet, f["body"])
            sheet.write_url(row, 5, _link(base, target, quoted), f["link"], place)
            _text(sheet, row, 6, finding.message, f["wrap"])
            _text(sheet, row, 7, finding.expected, f["body"])
            _text(sheet, row, 8, finding.actual, f["body"])
            _text(sheet, row, 9, finding.rule, f["body"])
            _text(sheet, row, 10, finding.note, f["wrap"])
            _text(sheet, row, 11, "已说明" if finding.explained else "未说明", f["body"])
            wrapped = [(outcome.unit or "", 1), (name, 2), (finding.message, 6), (finding.note, 10)]
            sheet.set_row(row, row_height([(t, FINDINGS_WIDTHS[c]) for t, c in wrapped]))
    sheet.autofilter(HEADER_ROW, 0, max(row, HEADER_ROW + 1), len(FINDINGS_HEADER) - 1)
    _page(sheet, HEADER_ROW, "全部问题")


def _roster_sheet(book: Any, f: dict[str, Any], result: BatchResult) -> None:
    report = result.roster
    assert report is not None
    sheet = book.add_worksheet(ROSTER_SHEET)
    sheet.write(0, 0, "名单核对", f["title"])
    sheet.write(1, 0, f"单位名单 {len(report.expected)} 个单位", f["bold"])
    header = ["类别", "单位", "文件"]
    for col, (title, width) in enumerate(zip(header, [16, 40, 60], strict=True)):
        sheet.set_column(col, col, width)
        sheet.write(HEADER_ROW, col, title, f["header"])
    rows = [("未报送", unit, "") for unit in report.missing]
    rows += [("不在名单中", unit, file) for unit, file in report.unlisted]
    rows += [("同一单位多个文件", unit, "、".join(files)) for unit, files in report.duplicates]
    if not rows:
        rows = [("全部报送", "", "")]
    for index, values in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values):
            _text(sheet, index, col, value, f["wrap"])
        sheet.set_row(index, row_height([(values[1], 40), (values[2], 60)]))
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(rows), 2)
    _page(sheet, HEADER_ROW, "名单核对")
