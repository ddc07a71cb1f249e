"""Grouped style writes: cells that get the same fill or font share one call per range."""

from __future__ import annotations

from collections.abc import Iterable

from workbook_tools.addin.addresses import range_strings
from workbook_tools.addin.colors import Paint
from workbook_tools.addin.xl import XlRange, XlSheet
from workbook_tools.io.grid import Pos


def ranges(sheet: XlSheet, cells: Iterable[Pos]) -> list[XlRange]:
    """Multi-area ranges covering ``cells``, as few as Excel's address limit allows."""
    return [sheet.range(text) for text in range_strings(cells)]


def paint_fill(rng: XlRange, paint: Paint) -> None:
    kind = paint[0]
    if kind == "none":
        rng.color = None
    elif kind == "rgb":
        rng.color = paint[1]
    else:  # a theme colour: xlwings sets RGB only, Excel's object model sets the theme
        interior = rng.api.Interior
        interior.ThemeColor = paint[1]
        interior.TintAndShade = paint[2]


def paint_font(rng: XlRange, bold: bool, paint: Paint) -> None:
    font = rng.font
    font.bold = bold
    if paint[0] == "theme":
        com_font = rng.api.Font
        com_font.ThemeColor = paint[1]
        com_font.TintAndShade = paint[2]
    else:
        font.color = paint[1] if paint[0] == "rgb" else (0, 0, 0)


def fill_cells(sheet: XlSheet, groups: dict[Paint, list[Pos]]) -> None:
    for paint, cells in groups.items():
        for rng in ranges(sheet, cells):
            paint_fill(rng, paint)


def font_cells(sheet: XlSheet, groups: dict[tuple[bool, Paint], list[Pos]]) -> None:
    for (bold, paint), cells in groups.items():
        for rng in ranges(sheet, cells):
            paint_font(rng, bold, paint)
