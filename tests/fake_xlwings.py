"""A fake of the part of xlwings' object model the add-in uses, over an openpyxl workbook.

``FakeBook.open(path)`` loads a workbook with openpyxl and answers like an Excel workbook
opened through xlwings: numbers read as floats, merged cells report ``merge_cells`` and
``merge_area`` as Excel does (True / False / None for mixed), fills and font colours read
as RGB tuples (theme colours resolved with the workbook's theme and tint, as Excel reports
them), a new note gets the Excel user's name as author, a text that looks like a number
becomes a number unless the cell is formatted as text ("@"), and a very hidden sheet cannot
be deleted. ``save(path)`` writes the state back to xlsx, so tests can compare it with the
file route.

Every access that crosses to Excel in the real thing (a property read or write, a range
lookup, a method call) is recorded in ``book.calls`` as ``Call(op, sheet, target)``, so
tests can assert both what the add-in did and how many round trips it needed.
"""

from __future__ import annotations

import colorsys
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Color, Font, PatternFill
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

Area = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col
RGB = tuple[int, int, int]

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_COLUMN = re.compile(r"^\$?([A-Z]{1,3})$")
_HYPERLINK = re.compile(r'^=HYPERLINK\(".*","(.*)"\)$', re.S)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_DRAWING_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# Office 2007 theme, for workbooks without a theme part
_DEFAULT_THEME = [
    "FFFFFF", "000000", "EEECE1", "1F497D", "4F81BD", "C0504D",
    "9BBB59", "8064A2", "4BACC6", "F79646", "0000FF", "800080",
]  # fmt: skip
XL_THEME_TO_INDEX = {1: 1, 2: 0, 3: 3, 4: 2}  # XlThemeColor → SpreadsheetML theme index


@dataclass(frozen=True)
class Call:
    op: str
    sheet: str = ""
    target: str = ""


@dataclass
class Alert:
    prompt: str
    title: str | None
    buttons: str
    mode: str | None


# -- addresses ----------------------------------------------------------------------------
def parse_area(text: str, max_row: int = 1_048_576) -> Area:
    """``"B2:D4"``, ``"$B$2"`` or a column range ``"A:C"``."""
    parts = text.split(":")
    if all(_COLUMN.match(p) for p in parts):
        cols = [column_index_from_string(_COLUMN.match(p).group(1)) for p in parts]
        return (1, cols[0], max_row, cols[-1])
    corners = []
    for part in parts:
        match = _CELL.match(part)
        if match is None:
            raise ValueError(f"bad address {text!r}")
        corners.append((int(match.group(2)), column_index_from_string(match.group(1))))
    (r1, c1), (r2, c2) = corners[0], corners[-1]
    return (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def area_address(area: Area) -> str:
    top = f"${get_column_letter(area[1])}${area[0]}"
    if area[:2] == area[2:]:
        return top
    return f"{top}:${get_column_letter(area[3])}${area[2]}"


def area_cells(area: Area) -> list[tuple[int, int]]:
    return [(r, c) for r in range(area[0], area[2] + 1) for c in range(area[1], area[3] + 1)]


# -- colours ------------------------------------------------------------------------------
def theme_colors(book: Workbook) -> list[str]:
    """The theme's colours in SpreadsheetML index order (lt1, dk1, lt2, dk2, accents …)."""
    if not book.loaded_theme:
        return list(_DEFAULT_THEME)
    root = ElementTree.fromstring(book.loaded_theme)
    scheme = root.find(f".//{_DRAWING_NS}clrScheme")
    if scheme is None:
        return list(_DEFAULT_THEME)
    values = []
    for slot in scheme:
        child = slot[0]
        values.append(child.get("lastClr") or child.get("val") or "000000")
    dk1, lt1, dk2, lt2, *rest = values
    return [lt1, dk1, lt2, dk2, *rest]


def apply_tint(rgb: RGB, tint: float) -> RGB:
    """Excel's tint: lighten (tint > 0) or darken (tint < 0) in HLS lightness."""
    if not tint:
        return rgb
    h, light, s = colorsys.rgb_to_hls(*(part / 255 for part in rgb))
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    return tuple(round(part * 255) for part in colorsys.hls_to_rgb(h, light, s))  # type: ignore[return-value]


def resolve(color: Color | None, theme: list[str], default: RGB | None) -> RGB | None:
    """The RGB Excel reports for an openpyxl colour."""
    if color is None:
        return default
    tint = float(color.tint or 0)
    if color.type == "rgb" and isinstance(color.rgb, str):
        base = color.rgb[-6:]
    elif color.type == "theme" and color.theme is not None and color.theme < len(theme):
        base = theme[color.theme]
    elif color.type == "indexed" and color.indexed is not None and color.indexed < 64:
        base = COLOR_INDEX[color.indexed][-6:]
    else:
        return default
    rgb = (int(base[0:2], 16), int(base[2:4], 16), int(base[4:6], 16))
    return apply_tint(rgb, tint)


def rgb_color(rgb: RGB) -> Color:
    return Color(rgb="FF" + "".join(f"{part:02X}" for part in rgb))


# -- the object model ---------------------------------------------------------------------
class FakeApp:
    def __init__(self, answers: list[str] | None = None, user_name: str = "Excel 用户") -> None:
        self.calls: list[Call] = []
        self.alerts: list[Alert] = []
        self.opened: list[str] = []  # app.books.open
        self.answers = list(answers or [])
        self.user_name = user_name
        self._screen_updating = True
        self.status_texts: list[Any] = []

    @property
    def books(self) -> FakeBooks:
        return FakeBooks(self)

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> str:
        self.calls.append(Call("alert"))
        self.alerts.append(Alert(prompt, title, buttons, mode))
        if buttons == "yes_no":
            return self.answers.pop(0) if self.answers else "yes"
        return "ok"

    @property
    def screen_updating(self) -> bool:
        self.calls.append(Call("get screen_updating"))
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self.calls.append(Call("set screen_updating"))
        self._screen_updating = value

    @property
    def status_bar(self) -> Any:
        return self.status_texts[-1] if self.status_texts else False

    @status_bar.setter
    def status_bar(self, value: Any) -> None:
        self.calls.append(Call("set status_bar"))
        self.status_texts.append(value)


class FakeBooks:
    """``app.books``: only ``open(path)`` (recorded, the path kept in ``app.opened``)."""

    def __init__(self, app: FakeApp) -> None:
        self.app = app

    def open(self, path: str) -> None:
        self.app.calls.append(Call("books.open", "", str(path)))
        self.app.opened.append(str(path))


class FakeBook:
    def __init__(self, workbook: Workbook, fullname: str, app: FakeApp | None = None) -> None:
        self.wb = workbook
        self._fullname = fullname
        self.app = app or FakeApp()
        self.calls = self.app.calls
        self.theme = theme_colors(workbook)
        self.cached: dict[tuple[str, int, int], Any] = {}
        self.saved = False  # Excel's Workbook.Saved: unchanged since opened from its file

    @classmethod
    def open(
        cls, path: str | Path, fullname: str | None = None, app: FakeApp | None = None
    ) -> FakeBook:
        """Load ``path`` like Excel opens it (formula cells read their cached value)."""
        book = cls(openpyxl.load_workbook(path), str(fullname or path), app)
        values = openpyxl.load_workbook(path, data_only=True)
        for sheet in book.wb.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cached = values[sheet.title].cell(cell.row, cell.column).value
                        book.cached[(sheet.title, cell.row, cell.column)] = cached
        book.saved = fullname is None or Path(fullname) == Path(path)
        return book

    def record(self, op: str, sheet: str = "", target: str = "") -> None:
        self.calls.append(Call(op, sheet, target))
        if op.startswith(("set ", "add ", "delete", "api.Validation")):
            self.saved = False  # any change: Excel clears Workbook.Saved

    @property
    def api(self) -> _BookApi:
        return _BookApi(self)

    def count(self, op: str, sheet: str | None = None) -> int:
        return sum(1 for c in self.calls if c.op == op and (sheet is None or c.sheet == sheet))

    def save(self, path: str | Path) -> Path:
        self.wb.save(path)
        return Path(path)

    @property
    def fullname(self) -> str:
        self.record("get fullname")
        return self._fullname

    @property
    def name(self) -> str:
        return Path(self._fullname).name

    @property
    def sheets(self) -> FakeSheets:
        self.record("get sheets")
        return FakeSheets(self)


class _BookApi:
    """``book.api``: the COM workbook, here only ``Saved``."""

    def __init__(self, book: FakeBook) -> None:
        self._book = book

    @property
    def Saved(self) -> bool:  # the COM property's name
        self._book.record("get api.Saved")
        return self._book.saved


class FakeSheets:
    def __init__(self, book: FakeBook) -> None:
        self.book = book

    def _wrap(self, ws: Worksheet) -> FakeSheet:
        return FakeSheet(self.book, ws)

    def __iter__(self):
        for ws in list(self.book.wb.worksheets):
            yield self._wrap(ws)

    def __len__(self) -> int:
        return len(self.book.wb.worksheets)

    def __getitem__(self, key: int | str) -> FakeSheet:
        self.book.record("get sheet", str(key))
        if isinstance(key, int):
            return self._wrap(self.book.wb.worksheets[key])
        return self._wrap(self.book.wb[key])

    @property
    def active(self) -> FakeSheet:
        self.book.record("get active sheet")
        return self._wrap(self.book.wb.active)

    def add(
        self,
        name: str | None = None,
        before: FakeSheet | None = None,
        after: FakeSheet | None = None,
    ) -> FakeSheet:
        self.book.record("add sheet", name or "")
        wb = self.book.wb
        if name is not None and name in wb.sheetnames:
            raise ValueError(f"Excel: sheet name {name!r} is taken")
        if before is not None:
            index = wb.worksheets.index(before.ws)
        elif after is not None:
            index = wb.worksheets.index(after.ws) + 1
        else:
            index = wb.worksheets.index(wb.active)
        ws = wb.create_sheet(name, index)
        wb.active = wb.worksheets.index(ws)
        return self._wrap(ws)


class FakeSheet:
    def __init__(self, book: FakeBook, ws: Worksheet) -> None:
        self.book, self.ws = book, ws

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FakeSheet) and other.ws is self.ws

    @property
    def name(self) -> str:
        self.book.record("get name", self.ws.title)
        return self.ws.title

    @property
    def index(self) -> int:
        self.book.record("get index", self.ws.title)
        return self.book.wb.worksheets.index(self.ws) + 1

    @property
    def visible(self) -> int:
        self.book.record("get visible", self.ws.title)
        return {"visible": -1, "hidden": 0, "veryHidden": 2}[self.ws.sheet_state]

    @visible.setter
    def visible(self, value: bool | int) -> None:
        self.book.record("set visible", self.ws.title, str(value))
        if value is True or value == -1:
            self.ws.sheet_state = "visible"
        elif value == 2:
            self.ws.sheet_state = "veryHidden"
        else:
            self.ws.sheet_state = "hidden"

    @property
    def used_range(self) -> FakeRange:
        self.book.record("get used_range", self.ws.title)
        ws = self.ws
        return FakeRange(self, [(ws.min_row, ws.min_column, ws.max_row, ws.max_column)])

    def range(self, address: str) -> FakeRange:
        self.book.record("range", self.ws.title, address)
        return FakeRange(self, [parse_area(part) for part in address.split(",")])

    def activate(self) -> None:
        self.book.record("activate", self.ws.title)
        wb = self.book.wb
        for other in wb.worksheets:
            other.sheet_view.tabSelected = other is self.ws
        wb.active = wb.worksheets.index(self.ws)

    def delete(self) -> None:
        self.book.record("delete sheet", self.ws.title)
        if self.ws.sheet_state == "veryHidden":
            raise RuntimeError("Excel: the Delete method of the Worksheet class failed")
        self.book.wb.remove(self.ws)


class _Options:
    def __init__(self, rng: FakeRange, ndim: int | None) -> None:
        self.rng, self.ndim = rng, ndim

    @property
    def value(self) -> Any:
        return self.rng._get_value(self.ndim)


class FakeRange:
    def __init__(self, sheet: FakeSheet, areas: list[Area]) -> None:
        self.sheet, self.areas = sheet, areas
        self.book = sheet.book
        self.ws = sheet.ws

    # -- helpers
    def _record(self, op: str) -> None:
        self.book.record(op, self.ws.title, ",".join(area_address(a) for a in self.areas))

    def _cells(self) -> list[tuple[int, int]]:
        cells: list[tuple[int, int]] = []
        for area in self.areas:
            top, left, bottom, right = area
            if bottom == 1_048_576:  # a whole column: as far as the sheet goes
                bottom = max(self.ws.max_row, top)
            cells.extend(area_cells((top, left, bottom, right)))
        return cells

    def _first(self):
        top, left = self.areas[0][:2]
        return self.ws.cell(top, left)

    def _merged_area(self, row: int, col: int) -> Area | None:
        for rng in self.ws.merged_cells.ranges:
            if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
                return (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
        return None

    def _read(self, row: int, col: int) -> Any:
        cell = self.ws.cell(row, col)
        if isinstance(cell, MergedCell):
            return None
        value = cell.value
        if isinstance(value, str) and value.startswith("="):
            formula = value
            value = self.book.cached.get((self.ws.title, row, col))
            link = _HYPERLINK.match(formula)
            if value is None and link is not None:  # Excel computes a formula as it is entered
                value = link.group(1).replace('""', '"')
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            return float(value)
        return value

    def _write(self, row: int, col: int, value: Any) -> None:
        cell = self.ws.cell(row, col)
        if isinstance(value, str) and cell.number_format != "@" and _NUMBER.match(value.strip()):
            value = float(value)  # Excel turns a number-like text into a number
        cell.value = value

    # -- values
    @property
    def address(self) -> str:
        self._record("get address")
        return ",".join(area_address(a) for a in self.areas)

    @property
    def shape(self) -> tuple[int, int]:
        top, left, bottom, right = self.areas[0]
        return (bottom - top + 1, right - left + 1)

    def options(self, ndim: int | None = None, err_to_str: bool = False, **_: Any) -> _Options:
        return _Options(self, ndim)

    @property
    def value(self) -> Any:
        return self._get_value(None)

    def _get_value(self, ndim: int | None) -> Any:
        self._record("get value")
        assert len(self.areas) == 1, "xlwings reads the first area only"
        top, left, bottom, right = self.areas[0]
        rows = [[self._read(r, c) for c in range(left, right + 1)] for r in range(top, bottom + 1)]
        if ndim == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(row) == 1 for row in rows):
            return [row[0] for row in rows]
        return rows

    @value.setter
    def value(self, value: Any) -> None:
        self._record("set value")
        top, left = self.areas[0][:2]
        if isinstance(value, list) and value and isinstance(value[0], list):
            for i, row in enumerate(value):
                for j, item in enumerate(row):
                    self._write(top + i, left + j, item)
        elif isinstance(value, list):
            for j, item in enumerate(value):
                self._write(top, left + j, item)
        else:
            for row, col in self._cells():
                self._write(row, col, value)

    @property
    def row(self) -> int:
        self._record("get row")
        return self.areas[0][0]

    def end(self, direction: str) -> FakeRange:
        """Ctrl+Up (the only direction used): the next cell up at the edge of a block."""
        self._record("end")
        assert direction == "up"
        row, col = self.areas[0][:2]

        def filled(r: int) -> bool:
            return self._read(r, col) not in (None, "")

        r = row - 1
        if filled(row) and r >= 1 and filled(r):  # inside a block: to its top
            while r > 1 and filled(r - 1):
                r -= 1
        else:  # from an empty cell (or a block's top): up to the next value
            while r > 1 and not filled(r):
                r -= 1
        r = max(r, 1)
        return FakeRange(self.sheet, [(r, col, r, col)])

    # -- merged cells
    @property
    def merge_cells(self) -> bool | None:
        self._record("get merge_cells")
        states = {self._merged_area(r, c) is not None for r, c in self._cells()}
        if states == {True}:
            return True
        if states == {False}:
            return False
        return None

    @property
    def merge_area(self) -> FakeRange:
        self._record("get merge_area")
        top, left = self.areas[0][:2]
        return FakeRange(self.sheet, [self._merged_area(top, left) or (top, left, top, left)])

    # -- styles
    @property
    def color(self) -> RGB | None:
        self._record("get color")
        fill = self._first().fill
        if fill.fill_type is None:
            return None
        return resolve(fill.fgColor, self.book.theme, None)

    @color.setter
    def color(self, value: RGB | None) -> None:
        self._record("set color")
        for row, col in self._cells():
            cell = self.ws.cell(row, col)
            if value is None:
                cell.fill = PatternFill(fill_type=None)
            else:
                cell.fill = PatternFill(fill_type="solid", fgColor=rgb_color(value))

    @property
    def font(self) -> FakeFont:
        self._record("get font")
        return FakeFont(self)

    @property
    def number_format(self) -> str:
        self._record("get number_format")
        return self._first().number_format

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._record("set number_format")
        for row, col in self._cells():
            self.ws.cell(row, col).number_format = value

    @property
    def wrap_text(self) -> bool:
        return bool(self._first().alignment.wrap_text)

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        self._record("set wrap_text")
        for row, col in self._cells():
            cell = self.ws.cell(row, col)
            alignment = copy.copy(cell.alignment)
            alignment.wrap_text = value
            cell.alignment = alignment

    @property
    def column_width(self) -> float | None:
        return self.ws.column_dimensions[get_column_letter(self.areas[0][1])].width

    @column_width.setter
    def column_width(self, value: float) -> None:
        self._record("set column_width")
        for _, left, _, right in self.areas:
            for col in range(left, right + 1):
                self.ws.column_dimensions[get_column_letter(col)].width = value

    # -- notes
    @property
    def note(self) -> FakeNote | None:
        self._record("get note")
        cell = self._first()
        return FakeNote(self, cell) if cell.comment is not None else None

    def add_note(self, text: str) -> FakeNote:
        self._record("add note")
        if not text:
            raise ValueError("Note text must not be empty")
        if self.shape != (1, 1) or len(self.areas) != 1:
            raise ValueError("A note can only be added to a single cell")
        cell = self._first()
        if cell.comment is not None:
            raise ValueError("This cell already has a note")
        cell.comment = Comment(text, self.book.app.user_name)
        return FakeNote(self, cell)

    @property
    def api(self) -> FakeComRange:
        return FakeComRange(self)


class FakeFont:
    def __init__(self, rng: FakeRange) -> None:
        self.rng = rng

    def _set(self, op: str, **changes: Any) -> None:
        self.rng._record(op)
        for row, col in self.rng._cells():
            cell = self.rng.ws.cell(row, col)
            font: Font = copy.copy(cell.font)
            for key, value in changes.items():
                setattr(font, key, value)
            cell.font = font

    @property
    def bold(self) -> bool:
        self.rng._record("get font.bold")
        return bool(self.rng._first().font.b)

    @bold.setter
    def bold(self, value: bool) -> None:
        self._set("set font.bold", b=value)

    @property
    def color(self) -> RGB:
        self.rng._record("get font.color")
        return resolve(self.rng._first().font.color, self.rng.book.theme, (0, 0, 0))  # type: ignore[return-value]

    @color.setter
    def color(self, value: RGB) -> None:
        self._set("set font.color", color=rgb_color(value))

    @property
    def size(self) -> float:
        return float(self.rng._first().font.sz or 11)

    @size.setter
    def size(self, value: float) -> None:
        self._set("set font.size", sz=value)

    @property
    def name(self) -> str:
        return str(self.rng._first().font.name)

    @name.setter
    def name(self, value: str) -> None:
        self._set("set font.name", name=value)


class FakeNote:
    def __init__(self, rng: FakeRange, cell: Any) -> None:
        self.rng, self.cell = rng, cell
        self.api = _NoteApi(self)

    @property
    def text(self) -> str:
        self.rng._record("get note.text")
        return self.cell.comment.text

    @text.setter
    def text(self, value: str) -> None:
        self.rng._record("set note.text")
        old = self.cell.comment
        self.cell.comment = Comment(value, old.author)

    @property
    def author(self) -> str:
        self.rng._record("get note.author")
        return self.cell.comment.author

    def delete(self) -> None:
        self.rng._record("delete note")
        self.cell.comment = None


@dataclass
class _NoteApi:
    note: FakeNote
    Shape: Any = field(init=False)

    def __post_init__(self) -> None:
        self.Shape = _Recorder(self.note.rng, "note.Shape", self._size)

    def _size(self, name: str, value: float) -> None:
        comment = self.note.cell.comment
        points_to_pixels = 4 / 3
        if name == "Width":
            comment.width = value * points_to_pixels
        elif name == "Height":
            comment.height = value * points_to_pixels


class _Recorder:
    """A COM object whose property writes are recorded and passed to ``apply``."""

    def __init__(self, rng: FakeRange, prefix: str, apply: Any) -> None:
        object.__setattr__(self, "_rng", rng)
        object.__setattr__(self, "_prefix", prefix)
        object.__setattr__(self, "_apply", apply)

    def __setattr__(self, name: str, value: Any) -> None:
        self._rng._record(f"set {self._prefix}.{name}")
        self._apply(name, value)


class FakeValidation:
    """``range.api.Validation``: ``Delete()`` and ``Add`` of a list (xlValidateList)."""

    def __init__(self, rng: FakeRange) -> None:
        self.rng = rng

    def Delete(self) -> None:
        self.rng._record("api.Validation.Delete")
        ws = self.rng.ws
        cells = {f"{get_column_letter(c)}{r}" for r, c in self.rng._cells()}
        for dv in list(ws.data_validations.dataValidation):
            if {str(rng) for rng in dv.sqref.ranges} <= cells:
                ws.data_validations.dataValidation.remove(dv)

    def Add(self, Type: int, AlertStyle: int, Operator: int, Formula1: str) -> None:
        self.rng._record("api.Validation.Add")
        assert (Type, AlertStyle, Operator) == (3, 1, 1), "only drop-down lists are faked"
        from openpyxl.worksheet.datavalidation import DataValidation

        sqref = ",".join(area_address(a).replace("$", "") for a in self.rng.areas)
        dv = DataValidation(type="list", formula1=f'"{Formula1}"', allow_blank=True)
        dv.add(sqref.replace(",", " "))
        self.rng.ws.add_data_validation(dv)


class FakeComRange:
    """``range.api``: Interior/Font ThemeColor and TintAndShade (theme colours), Validation."""

    def __init__(self, rng: FakeRange) -> None:
        self.rng = rng
        self.Validation = FakeValidation(rng)
        self.Interior = _Recorder(rng, "api.Interior", self._interior)
        self.Font = _Recorder(rng, "api.Font", self._font)

    def _theme(self, name: str, value: Any, color: Color | None) -> Color:
        theme = color.theme if color is not None and color.type == "theme" else 1
        tint = float(color.tint or 0) if color is not None else 0.0
        if name == "ThemeColor":
            theme = XL_THEME_TO_INDEX.get(value, value - 1)
        elif name == "TintAndShade":
            tint = float(value)
        return Color(theme=theme, tint=tint)

    def _interior(self, name: str, value: Any) -> None:
        for row, col in self.rng._cells():
            cell = self.rng.ws.cell(row, col)
            current = cell.fill.fgColor if cell.fill.fill_type else None
            color = self._theme(name, value, current)
            cell.fill = PatternFill(fill_type="solid", fgColor=color)

    def _font(self, name: str, value: Any) -> None:
        for row, col in self.rng._cells():
            cell = self.rng.ws.cell(row, col)
            font: Font = copy.copy(cell.font)
            font.color = self._theme(name, value, font.color)
            cell.font = font


def color_json(color: Color | None) -> dict[str, Any] | None:
    """An openpyxl colour as the record's colour JSON."""
    if color is None:
        return None
    tint = float(color.tint or 0)
    if color.type == "rgb":
        return {"rgb": color.rgb, "tint": tint}
    if color.type == "theme":
        return {"theme": color.theme, "tint": tint}
    if color.type == "indexed":
        return {"indexed": color.indexed, "tint": tint}
    return {"auto": True, "tint": tint}


# -- snapshots for comparing workbooks ----------------------------------------------------
Key = tuple[str, str]  # (sheet, cell)


def visual_state(book: Workbook, sheets: list[str] | None = None) -> dict[Key, tuple[Any, ...]]:
    """Per cell, what the user sees of what marking changes: fill pattern and RGB, bold,
    font RGB, and the note (text, author)."""
    theme = theme_colors(book)
    state: dict[Key, tuple[Any, ...]] = {}
    for ws in book.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        for row in ws.iter_rows():
            for cell in row:
                fill = cell.fill
                state[(ws.title, cell.coordinate)] = (
                    None
                    if fill.fill_type is None
                    else (fill.fill_type, resolve(fill.fgColor, theme, None)),
                    bool(cell.font.b),
                    resolve(cell.font.color, theme, (0, 0, 0)),
                    None if cell.comment is None else (cell.comment.text, cell.comment.author),
                )
    return state


def exact_state(book: Workbook, sheets: list[str] | None = None) -> dict[Key, tuple[Any, ...]]:
    """Per cell, fill and font as recorded in the file (theme colours stay theme colours)
    and the note's text."""
    state: dict[Key, tuple[Any, ...]] = {}
    for ws in book.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        for row in ws.iter_rows():
            for cell in row:
                fill = cell.fill
                state[(ws.title, cell.coordinate)] = (
                    fill.fill_type,
                    color_json(fill.fgColor) if fill.fill_type else None,
                    bool(cell.font.b),
                    color_json(cell.font.color) if cell.font.color is not None else None,
                    None if cell.comment is None else cell.comment.text,
                )
    return state
