"""The part of the xlwings object model the add-in uses, and small helpers around it.

Everything here works on ``xlwings.Book`` objects (``xlwings.Book.caller()`` in Excel) and
on the fake book of the tests alike. Used: ``book.sheets`` (iterate, ``[name]``,
``add(name, before=, after=)``, ``active``), ``book.fullname``, ``book.app`` (``alert``,
``status_bar``, ``screen_updating``); ``sheet.name``, ``sheet.visible``,
``sheet.used_range``, ``sheet.range(address)``, ``sheet.activate()``, ``sheet.delete()``;
``range.address``, ``range.value``, ``range.options(ndim=2, err_to_str=True).value``,
``range.merge_cells``, ``range.merge_area``, ``range.color``, ``range.font.bold``,
``range.font.color``, ``range.note`` (``text``, ``author``, ``delete()``,
``api.Shape.Width/Height``), ``range.add_note(text)``, ``range.number_format``,
``range.wrap_text``, ``range.column_width``, for theme colours only
``range.api.Interior/Font.ThemeColor/TintAndShade``, and ``range.api.Validation`` (``Delete()``,
``Add(Type, AlertStyle, Operator, Formula1)``) for the 状态 drop-down of 校验结果; the
汇总校验 button: ``app.books.open(path)``. Reading a book: ``book.fullname`` and
``book.api.Saved`` — a book saved and unchanged since has its merged areas read from its
file in one pass instead of one ``merge_area`` call per cell (workbook_tools/addin/read.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

XlBook = Any  # xlwings.Book
XlSheet = Any  # xlwings.Sheet
XlRange = Any  # xlwings.Range

XL_SHEET_VISIBLE = -1
XL_SHEET_VERY_HIDDEN = 2
TITLE = "预算公开"


def sheet_map(book: XlBook) -> dict[str, XlSheet]:
    """The worksheets by name, in order (one pass over the sheets)."""
    return {sheet.name: sheet for sheet in book.sheets}


def is_visible(sheet: XlSheet) -> bool:
    state = sheet.visible
    return state is True or state == XL_SHEET_VISIBLE


def delete_sheet(sheet: XlSheet) -> None:
    """Delete a sheet, making it visible first (Excel refuses to delete very hidden ones)."""
    if not is_visible(sheet):
        sheet.visible = True
    sheet.delete()


@contextmanager
def quiet_screen(book: XlBook, status: str) -> Iterator[None]:
    """Screen updating off and a status-bar text while the add-in writes; both restored."""
    app = book.app
    before = app.screen_updating
    app.screen_updating = False
    app.status_bar = status
    try:
        yield
    finally:
        app.status_bar = False
        app.screen_updating = before
