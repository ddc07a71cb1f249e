"""What each ribbon button does to the open workbook. Each action returns the Chinese
message to show, or asks the user through ``Ui`` first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook_tools.addin.batch import batch_check
from workbook_tools.addin.clearing import clear_book
from workbook_tools.addin.marking import mark_book, previous_explanations
from workbook_tools.addin.read import read_grids, saved_merged_areas
from workbook_tools.addin.record import read_record
from workbook_tools.addin.values import write_values
from workbook_tools.addin.xl import TITLE, XlBook, XlSheet, quiet_screen, sheet_map
from workbook_tools.errors import OutputError, WbtError
from workbook_tools.io.grid import Grid
from workbook_tools.io.model import WorkbookData
from workbook_tools.io.reader import read_from_grids
from workbook_tools.money import money
from workbook_tools.rules import CheckResult, check_workbook
from workbook_tools.spec import load_spec
from workbook_tools.writers.export.publish import blocking_errors, default_name, write_publishable
from workbook_tools.writers.fill import FillChange, plan_fill
from workbook_tools.writers.marks.present import MarkSummary
from workbook_tools.writers.marks.record import MARK_SHEET, Record

MAX_LINES = 15
NARRATIVE_SUFFIX = ".docx"


class AddinError(WbtError):
    """Something the add-in cannot do with this workbook (shown as a message box)."""


@dataclass
class Ui:
    """Message boxes over the Excel window (xlwings ``App.alert``)."""

    app: Any

    def tell(self, text: str, critical: bool = False) -> None:
        self.app.alert(text, title=TITLE, mode="critical" if critical else "info")

    def ask(self, text: str) -> bool:
        return self.app.alert(text, title=TITLE, buttons="yes_no", mode="info") == "yes"


Action = Callable[[XlBook, Ui, str], str]


@dataclass
class OpenWorkbook:
    data: WorkbookData
    grids: list[Grid]
    record: Record | None
    sheets: dict[str, XlSheet]


def read_open(book: XlBook) -> OpenWorkbook:
    """The open workbook's tables (the findings sheet and the record are not read)."""
    sheets = sheet_map(book)
    found = read_record(sheets)
    if isinstance(found, str):
        raise AddinError(found + "。请检查隐藏的「_wbt_marks」表（可请技术支持人员处理）后再试。")
    skip = {MARK_SHEET}
    if found is not None and found.results_sheet:
        skip.add(found.results_sheet)
    grids = read_grids(sheets, skip, saved_merged_areas(book))
    return OpenWorkbook(read_from_grids(grids, file=book.fullname), grids, found, sheets)


def _lines(lines: list[str]) -> str:
    shown = lines[:MAX_LINES]
    if len(lines) > MAX_LINES:
        shown.append(f"……另有 {len(lines) - MAX_LINES} 处")
    return "\n".join(shown)


# -- 校验 ---------------------------------------------------------------------------------
def check(book: XlBook, ui: Ui, folder: str) -> str:
    with quiet_screen(book, "预算公开：正在校验并标注……"):
        opened = read_open(book)
        result = check_workbook(opened.data)
        summary = mark_book(
            book, result, opened.grids, datetime.now(), opened.record, opened.sheets
        )
    return check_message(result, summary)


def check_message(result: CheckResult, summary: MarkSummary) -> str:
    counts = result.summary
    if not result.findings:
        return "校验完成：未发现问题。\n「校验结果」表已放在最前面。"
    return (
        f"校验完成：错误 {counts['error']} 条，警告 {counts['warning']} 条，"
        f"提示 {counts['hint']} 条。\n"
        f"已在 {summary.marked_cells} 个单元格上标注（错误：橙色底加粗红字；警告：黄色底；"
        "提示：蓝色底），鼠标停在单元格上可看批注。\n"
        "全部结果见最前面的「校验结果」表，点单元格地址可跳转；改正后再点「校验」即可重新标注，"
        "点「清除标记」恢复原样。"
    )


# -- 重算合计 -----------------------------------------------------------------------------
def fill(book: XlBook, ui: Ui, folder: str) -> str:
    with quiet_screen(book, "预算公开：正在重算合计……"):
        opened = read_open(book)
        changes = plan_fill(opened.data, load_spec(opened.data.set_id))
        write_values(opened.sheets, [c for c in changes if c.kind == "filled"])
    return fill_message(changes)


def fill_message(changes: list[FillChange]) -> str:
    filled = [c for c in changes if c.kind == "filled"]
    conflicts = [c for c in changes if c.kind == "conflict"]
    blocked = [c for c in changes if c.kind == "blocked"]
    if not changes:
        return "没有需要填充的单元格：计算单元格都已填写，且与重算结果一致。"
    text = f"已填充 {len(filled)} 个空白的计算单元格（合计栏、小计和合计行、来自其他表的数）。"
    if conflicts:
        lines = [
            f"{c.sheet}!{c.cell}：现为 {money(c.old) if c.old is not None else '空'}，"
            f"按「{c.title}」重算应为 {money(c.new) if c.new is not None else '（无）'}"
            for c in conflicts
        ]
        text += (
            f"\n\n以下 {len(conflicts)} 个计算单元格已有数值，与重算结果不一致，未改动，请核对：\n"
            + _lines(lines)
        )
    if blocked:
        lines = [f"{c.sheet}!{c.cell}：{c.reason}" for c in blocked]
        text += f"\n\n以下 {len(blocked)} 个计算单元格无法填充，仍为空：\n" + _lines(lines)
    return text


# -- 清除标记 -----------------------------------------------------------------------------
def clear(book: XlBook, ui: Ui, folder: str) -> str:
    sheets = sheet_map(book)
    record = read_record(sheets)
    if record is None:
        return "该工作簿没有本工具的校验标注。"
    if isinstance(record, str):
        return record + "。"
    with quiet_screen(book, "预算公开：正在清除标记……"):
        cleared = clear_book(book, record, sheets)
    text = f"已清除 {cleared.restored} 个单元格的标注，恢复了原有底色、字体和批注，并删除了「校验结果」表。"
    if cleared.messages:
        text += "\n\n注意：" + "\n".join(cleared.messages)
    return text


# -- 导出公开表 ---------------------------------------------------------------------------
def book_folder(book: XlBook) -> Path:
    """The folder the open workbook is saved in (not for new or cloud-only workbooks)."""
    fullname = str(book.fullname)
    path = Path(fullname)
    if "://" in fullname or not path.is_absolute() or not path.parent.is_dir():
        raise AddinError(
            "工作簿还没有保存在本机的文件夹中（新建未保存，或在网盘、SharePoint 上），"
            "无法确定放在哪里。请先保存到本机，或点「导出到…」选择文件夹。"
        )
    return path.parent


def _folder(book: XlBook, folder: str) -> Path:
    if not folder:
        return book_folder(book)
    path = Path(folder)
    if not path.is_dir():
        raise OutputError("所选文件夹不存在或无法访问", file=path)
    return path


def _may_write(ui: Ui, target: Path) -> bool:
    return not target.exists() or ui.ask(f"文件已存在：\n{target}\n\n要替换它吗？")


def export(book: XlBook, ui: Ui, folder: str) -> str:
    where = _folder(book, folder)
    with quiet_screen(book, "预算公开：正在校验……"):
        opened = read_open(book)
        data = opened.data
        spec = load_spec(data.set_id)
        result = check_workbook(data, spec)
        if opened.record is not None:
            result.explanations = previous_explanations(opened.sheets, opened.record)
    errors = blocking_errors(result)
    if errors and not ui.ask(
        f"校验发现 {len(errors)} 处错误，公开表中的数可能不对。建议先点「校验」查看并改正。\n\n"
        + _lines(errors)
        + "\n\n仍要导出吗？"
    ):
        return "未导出。"
    target = where / default_name(data)
    if not _may_write(ui, target):
        return "未导出，原有文件未改动。"
    generated = write_publishable(data, spec, target, overwrite=True)
    text = f"已导出公开表（仅数值，官方格式）：\n{target}"
    if generated:
        text += "\n\n已补充空表说明：\n" + "\n".join(generated)
    if errors:
        text += f"\n\n注意：校验有 {len(errors)} 处错误，已按您的选择仍然导出。"
    return text


# -- 生成说明 -----------------------------------------------------------------------------
def narrative_name(data: WorkbookData) -> str:
    report = load_spec(data.set_id).words.report
    return f"{data.year or ''}年{data.unit or '未注明单位'}{report}（草稿）{NARRATIVE_SUFFIX}"


def narrative(book: XlBook, ui: Ui, folder: str) -> str:
    from workbook_tools.narrative import write_draft

    where = _folder(book, folder)
    with quiet_screen(book, "预算公开：正在生成说明草稿……"):
        data = read_open(book).data
    target = where / narrative_name(data)
    if not _may_write(ui, target):
        return "未生成，原有文件未改动。"
    path = write_draft(data, target)
    return f"已生成情况说明草稿，请核对后再用：\n{path}"


ACTIONS: dict[str, Action] = {
    "wbt_check": check,
    "wbt_fill": fill,
    "wbt_clear": clear,
    "wbt_export": export,
    "wbt_narrative": narrative,
    "wbt_batch": batch_check,
}
