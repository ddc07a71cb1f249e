"""Print geometry of the written tables: text widths, row heights, scale and page breaks.

Column widths are in Excel's units (the width of one digit of the default font, 7 px); a
CJK character of the 10 pt body font takes about two units, a Latin character or digit one.
Row heights are in points, from the number of lines a cell's text wraps to, with the line
height LibreOffice gives the Noto CJK fonts (about 1.45 em, taller than SimSun's), so a row
is tall enough in Excel and in LibreOffice alike.

A table prints one page wide. A table that the spec prints on one page (``one_page``), or
that would only spill a few rows, is scaled to fit one page; any other breaks between body
rows at a fixed scale, with the header repeated and the tail (the last rows, a total row at
the bottom and the remarks) kept together on the last page.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

BODY_SIZE = 10.0  # pt
LINE = 1.45  # line height of the CJK fonts, in em
PAD = 4.0  # pt above and below a cell's text
ROW = 18.0  # pt: a one-line body row
CELL_MARGIN = 1.2  # width units a cell loses to its margins
A4 = (595.3, 841.9)  # pt
MARGIN_SIDE = 0.5  # inch
MARGIN_TOP = 0.75  # inch; bottom the same
FIT_ONE_PAGE = 0.85  # scale a table to one page if that keeps 85% of its width scale
KEEP_BODY_ROWS = 2  # body rows that stay with the tail on the last page

RowKind = Literal["title", "header", "body", "tail"]


def char_units(char: str) -> float:
    """The width of one character in column width units (CJK ≈ 2, Latin ≈ 1)."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2.0
    if unicodedata.combining(char):
        return 0.0
    return 1.0


def text_units(text: str, bold: bool = False) -> float:
    units = sum(char_units(c) for c in text)
    return units * 1.06 if bold else units


def wrapped_lines(text: str, width: float, size: float = BODY_SIZE, bold: bool = False) -> int:
    """How many lines ``text`` takes in a cell ``width`` units wide (breaks anywhere in CJK
    text, at spaces in Latin text; explicit newlines kept)."""
    scale = size / BODY_SIZE * (1.06 if bold else 1.0)
    room = max(width - CELL_MARGIN, 1.0)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += _paragraph_lines(paragraph, room, scale)
    return max(lines, 1)


def _paragraph_lines(text: str, room: float, scale: float) -> int:
    lines, used = 1, 0.0
    for word in _words(text):
        width = sum(char_units(c) for c in word) * scale
        if used + width <= room:
            used += width
            continue
        if word.isspace():
            continue  # a line breaks at the space
        if width <= room:
            lines, used = lines + 1, width
            continue
        for char in word:  # a CJK run or an overlong word breaks between characters
            w = char_units(char) * scale
            if used + w > room and used > 0:
                lines, used = lines + 1, 0.0
            used += w
    return lines


def _words(text: str) -> list[str]:
    """Latin words and single CJK characters: the units a line may break between."""
    words: list[str] = []
    for char in text:
        if (
            char_units(char) == 2.0
            or not words
            or char_units(words[-1][-1]) == 2.0
            or char.isspace() != words[-1][-1].isspace()
        ):
            words.append(char)
        else:
            words[-1] += char
    return words


def row_height(lines: int, size: float = BODY_SIZE) -> float:
    """Points for a row of ``lines`` lines of ``size`` pt text."""
    if lines <= 1 and size <= BODY_SIZE:
        return ROW
    return round(lines * size * LINE + 2 * PAD, 1)


def column_points(width: float) -> float:
    """A column ``width`` units wide in points, as the wider of Excel (7 px a unit plus 5 px
    padding) and LibreOffice (which stores the same width but takes a unit as 7.41 px)."""
    return (width + 5 / 7) * 7.41 * 0.75


@dataclass(frozen=True)
class Page:
    landscape: bool

    @property
    def width(self) -> float:
        return (A4[1] if self.landscape else A4[0]) - 2 * MARGIN_SIDE * 72

    @property
    def height(self) -> float:
        return (A4[0] if self.landscape else A4[1]) - 2 * MARGIN_TOP * 72


@dataclass
class PrintRow:
    index: int  # zero-based sheet row
    height: float
    kind: RowKind


@dataclass
class PrintPlan:
    """How a table prints: one page scaled to fit, or a scale and the rows that start pages."""

    one_page: bool
    scale: int = 100  # percent
    breaks: list[int] = field(default_factory=list)  # zero-based rows that begin a page


def plan_pages(rows: list[PrintRow], widths: list[float], page: Page, one_page: bool) -> PrintPlan:
    """Scale and page breaks for a table of ``rows`` and column ``widths``."""
    table_width = sum(column_points(w) for w in widths)
    width_scale = min(1.0, page.width / table_width) if table_width else 1.0
    total = sum(r.height for r in rows)
    fit_scale = min(width_scale, page.height / total) if total else width_scale
    if one_page or fit_scale >= FIT_ONE_PAGE * width_scale:
        return PrintPlan(one_page=True)
    scale = max(10, math.floor(width_scale * 100 * 0.98))
    room = page.height / (scale / 100) - 2.0  # a little slack for rounding in the renderers
    return PrintPlan(one_page=False, scale=scale, breaks=_breaks(rows, room))


def _breaks(rows: list[PrintRow], room: float) -> list[int]:
    header = sum(r.height for r in rows if r.kind == "header")
    pages: list[list[PrintRow]] = [[]]
    used = 0.0
    for row in rows:
        filled = any(r.kind in ("body", "tail") for r in pages[-1])
        if used + row.height > room and filled and row.kind in ("body", "tail"):
            pages.append([])
            used = header
        pages[-1].append(row)
        used += row.height
    _keep_tail(pages, room, header)
    return [page[0].index for page in pages[1:] if page]


def _keep_tail(pages: list[list[PrintRow]], room: float, header: float) -> None:
    """The last page gets ``KEEP_BODY_ROWS`` body rows besides the tail, when it can."""
    if len(pages) < 2:
        return
    last, before = pages[-1], pages[-2]
    while sum(1 for r in last if r.kind == "body") < KEEP_BODY_ROWS:
        movable = [r for r in before if r.kind == "body"]
        if len(movable) <= KEEP_BODY_ROWS or before[-1].kind != "body":
            return
        height = header + sum(r.height for r in last) + before[-1].height
        if height > room:
            return
        last.insert(0, before.pop())
