"""「汇总校验」 on the ribbon: every workbook in a folder the user picks, the same library
call as ``wbt check <folder> -o 汇总校验结果.xlsx --mark-dir 已校验`` (and ``--roster`` when the
folder holds a 单位名单), then the summary workbook opened in Excel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbook_tools.addin.xl import XlBook
from workbook_tools.batch.outcome import FileOutcome
from workbook_tools.errors import InputError

if TYPE_CHECKING:
    from workbook_tools.addin.actions import Ui

SUMMARY_NAME = "汇总校验结果.xlsx"
MARK_FOLDER = "已校验"
ROSTER_NAMES = ("单位名单.xlsx", "单位名单.txt")


def batch_check(book: XlBook, ui: Ui, folder: str) -> str:
    """Check every workbook under ``folder``; write 汇总校验结果.xlsx and the marked copies
    there; open the summary."""
    from workbook_tools.batch import check_files
    from workbook_tools.batch.report import outcome_line
    from workbook_tools.batch.summary import counts_line, write_summary
    from workbook_tools.writers.atomic import atomic_write

    where = Path(folder) if folder else None
    if where is None or not where.is_dir():
        raise InputError("请选择一个存放各单位工作簿的文件夹（所选文件夹不存在或无法访问）")
    output = where / SUMMARY_NAME
    if output.exists() and not ui.ask(f"文件已存在：\n{output}\n\n要替换它吗？"):
        return "未校验，原有的汇总校验结果未改动。"
    roster = next((where / n for n in ROSTER_NAMES if (where / n).is_file()), None)
    app = book.app

    def progress(outcome: FileOutcome, done: int, total: int) -> None:
        app.status_bar = f"预算公开：正在汇总校验 {done}/{total}：{Path(outcome.path).name}"

    try:  # one process: worker processes cannot be started from inside Excel's Python
        result = check_files(
            [where],
            jobs=1,
            mark_dir=where / MARK_FOLDER,
            roster=roster,
            progress=progress,
            skip={output, *([roster] if roster else [])},
        )
    finally:
        app.status_bar = False
    atomic_write(output, lambda tmp: write_summary(result, tmp, where), overwrite=True)
    app.books.open(str(output))
    worst = [outcome_line(o).strip() for o in result.outcomes if o.status != "pass"][:10]
    lines = [counts_line(result) + "。", *worst]
    if result.roster is not None:
        lines += result.roster.lines()
    lines.append(f"\n汇总校验结果（已打开）：{output}\n各单位的标注副本：{where / MARK_FOLDER}")
    return "\n".join(lines)
