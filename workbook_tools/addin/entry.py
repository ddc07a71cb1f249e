"""The one entry point the VBA ribbon callbacks call through xlwings ``RunPython``:

    RunPython "import workbook_tools.addin; workbook_tools.addin.on_ribbon('wbt_check', '')"

Every outcome reaches the user as a Chinese message box over Excel; Python never exits
with an error, so xlwings never shows a traceback window.
"""

from __future__ import annotations

import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from workbook_tools.addin.actions import ACTIONS, AddinError, Ui
from workbook_tools.addin.xl import XlBook
from workbook_tools.errors import WbtError

LOG_NAME = "workbook_tools-addin.log"


def caller_book() -> XlBook:
    """The workbook whose ribbon button was clicked."""
    import xlwings

    return xlwings.Book.caller()


def log_path() -> Path:
    return Path(tempfile.gettempdir()) / LOG_NAME


def write_log(control_id: str) -> Path:
    """Append the current exception's traceback to the add-in's log; returns its path."""
    path = log_path()
    with path.open("a", encoding="utf-8") as log:
        log.write(f"--- {datetime.now():%Y-%m-%d %H:%M:%S} {control_id}\n")
        log.write(traceback.format_exc())
    return path


def on_ribbon(control_id: str, folder: str = "", book: XlBook | None = None) -> None:
    """Run the action of ribbon button ``control_id`` on the workbook that called it.

    ``folder``: where to write (导出到…); empty means next to the workbook.
    """
    book = book if book is not None else caller_book()
    ui = Ui(book.app)
    try:
        action = ACTIONS.get(control_id)
        if action is None:
            raise AddinError(
                f"加载项中的按钮「{control_id}」在当前安装的 workbook_tools 中没有对应功能，"
                "请重新安装与之配套的加载项。"
            )
        message = action(book, ui, folder)
    except WbtError as error:
        ui.tell(str(error), critical=True)
        return
    except Exception as error:  # shown to the user, traceback kept in the log
        path = write_log(control_id)
        ui.tell(
            f"处理时出现意外错误：{type(error).__name__}：{error}\n\n"
            f"详细信息已写入：{path}\n请把该文件发给技术支持人员。"
            "（如果工作表或工作簿设有保护，请先撤销保护再试。）",
            critical=True,
        )
        return
    ui.tell(message)
