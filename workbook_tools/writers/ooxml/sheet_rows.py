"""Reading a worksheet part row by row without building a tree.

The part streams in as pieces; ``segments`` cuts it just before ``<row`` tags, so every
segment holds whole rows (the first also the head, the last also the tail). A segment
whose last row lies before the rows of interest is passed over with one ``rfind``, so a
sheet formatted down to row 1,048,576 costs little more than decompressing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from workbook_tools.io.grid import Pos, Range
from workbook_tools.writers.ooxml import xmlscan

_BOUNDARY = b" \t\r\n/>"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_MERGE = re.compile(rb"<(?:[\w.\-]+:)?mergeCell\s[^>]*?ref\s*=\s*[\"']([A-Z]+\d+(?::[A-Z]+\d+)?)")
MAX_ROW = 1_048_576
MAX_COL = 16_384


def split_ref(ref: str) -> Pos | None:
    """``"E10"`` → ``(10, 5)``; None for anything else."""
    match = _CELL_REF.match(ref)
    if not match:
        return None
    col = 0
    for letter in match.group(1):
        col = col * 26 + ord(letter) - 64
    row = int(match.group(2))
    return (row, col) if 1 <= row <= MAX_ROW and 1 <= col <= MAX_COL else None


def merge_range(ref: str) -> Range | None:
    first, _, last = ref.partition(":")
    top, bottom = split_ref(first), split_ref(last or first)
    if top is None or bottom is None:
        return None
    return (top[0], top[1], bottom[0], bottom[1])


def root_prefix(head: bytes) -> bytes:
    root = xmlscan.root_tag(head)
    return root.prefix if root is not None else b""


def _row_start(data: bytes, tag: bytes, end: int) -> int:
    """The offset of the last ``<row`` start tag before ``end`` (-1 if none)."""
    pos = data.rfind(tag, 0, end)
    while pos >= 0:
        after = pos + len(tag)
        if after < len(data) and data[after] in _BOUNDARY:
            return pos
        pos = data.rfind(tag, 0, pos)
    return -1


def segments(pieces: Iterable[bytes], prefix: bytes) -> Iterator[tuple[int, bytes, bool]]:
    """(offset, bytes, is_last) pieces of a sheet part, each cut just before a row tag."""
    tag = b"<" + prefix + b"row"
    buf = b""
    base = 0
    ready: tuple[int, bytes] | None = None
    for piece in pieces:
        buf += piece
        cut = _row_start(buf, tag, len(buf))
        if cut > 0:
            if ready is not None:
                yield ready[0], ready[1], False
            ready = (base, buf[:cut])
            base += cut
            buf = buf[cut:]
    if ready is not None:
        yield ready[0], ready[1], not buf
    if buf:
        yield base, buf, True


@dataclass
class CellTag:
    """One ``<c>`` element inside a row."""

    tag: xmlscan.Tag
    end: int
    col: int
    style: int
    raw_style: str | None
    has_formula: bool
    has_value: bool


@dataclass
class RowTag:
    tag: xmlscan.Tag
    end: int  # after </row> (or the empty tag)
    number: int
    style: int | None  # the row's own format (customFormat rows only)


_R_ATTR = re.compile(rb"\sr\s*=\s*[\"'](\d+)[\"']")


class RowParser:
    """Finds rows and cells in segments of one sheet part (namespace prefix ``prefix``).

    Row and cell tags only carry numbers and names, never ``>``, so plain regular
    expressions find them; a row's attributes are parsed only when the row is wanted.
    """

    def __init__(self, prefix: bytes) -> None:
        self.prefix = prefix
        self.row_re = re.compile(b"<" + re.escape(prefix) + rb"row(?=[\s/>])[^>]*>")
        self.cell_re = re.compile(b"<" + re.escape(prefix) + rb"c(?=[\s/>])[^>]*>")
        self.row_close = b"</" + prefix + b"row>"
        self.cell_close = b"</" + prefix + b"c>"
        self.last_row = 0

    def _tag(self, data: bytes, match: re.Match[bytes]) -> xmlscan.Tag:
        tag = next(xmlscan.tags(data, match.start(), match.end()), None)
        if tag is None or tag.start != match.start():
            raise ValueError("broken tag in sheet data")
        return tag

    def last_number(self, data: bytes) -> int | None:
        """The number of the segment's last row, when its tag says it (else None)."""
        pos = _row_start(data, b"<" + self.prefix + b"row", len(data))
        if pos < 0:
            return self.last_row
        match = self.row_re.match(data, pos)
        found = _R_ATTR.search(match.group(0)) if match else None
        return int(found.group(1)) if found else None

    def numbered(self, data: bytes) -> Iterator[tuple[int, re.Match[bytes]]]:
        """Every row tag of the segment with its number (cheap: no attribute parsing)."""
        for match in self.row_re.finditer(data):
            found = _R_ATTR.search(match.group(0))
            number = int(found.group(1)) if found else self.last_row + 1
            self.last_row = number
            yield number, match

    def row(self, data: bytes, number: int, match: re.Match[bytes]) -> RowTag:
        tag = self._tag(data, match)
        attrs = tag.attributes()
        end = tag.end if tag.empty else data.index(self.row_close, tag.end) + len(self.row_close)
        custom = attrs.get("customFormat") in ("1", "true")
        style = _int(attrs.get("s")) if custom else None
        return RowTag(tag, end, number, style)

    def cells(self, data: bytes, row: RowTag) -> Iterator[CellTag]:
        col = 0
        for match in self.cell_re.finditer(data, row.tag.end, row.end):
            tag = self._tag(data, match)
            attrs = tag.attributes()
            pos = split_ref(attrs.get("r", ""))
            col = pos[1] if pos is not None else col + 1
            if tag.empty:
                end, body = tag.end, b""
            else:
                end = data.index(self.cell_close, tag.end) + len(self.cell_close)
                body = data[tag.end : end]
            yield CellTag(
                tag,
                end,
                col,
                _int(attrs.get("s")),
                attrs.get("s"),
                b"<" + self.prefix + b"f" in body,
                _has_value(body, self.prefix),
            )


def _has_value(body: bytes, prefix: bytes) -> bool:
    if b"<" + prefix + b"is" in body:
        return True
    start = body.find(b"<" + prefix + b"v>")
    if start < 0:
        return False
    end = body.find(b"</" + prefix + b"v>", start)
    return end > start + len(prefix) + 3


def _int(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() else 0


@dataclass
class Head:
    """What the part says before its first row."""

    cols: list[tuple[int, int, int]] = field(default_factory=list)  # min, max, style
    tab_selected: list[xmlscan.Tag] = field(default_factory=list)

    def column_style(self, col: int) -> int:
        for low, high, style in self.cols:
            if low <= col <= high:
                return style
        return 0


def read_head(data: bytes) -> Head:
    head = Head()
    for tag in xmlscan.tags(data):
        if tag.closing:
            continue
        if tag.name == b"col":
            attrs = tag.attributes()
            low, high = _int(attrs.get("min")), _int(attrs.get("max"))
            head.cols.append((low, high, _int(attrs.get("style"))))
        elif tag.name == b"sheetView" and tag.attributes().get("tabSelected") in ("1", "true"):
            head.tab_selected.append(tag)
        elif tag.name == b"sheetData":
            break
    return head


def merges(data: bytes) -> list[Range]:
    found: list[Range] = []
    if b"mergeCell" not in data:
        return found
    for ref in _MERGE.findall(data):
        area = merge_range(ref.decode())
        if area is not None and area[:2] != area[2:]:
            found.append(area)
    return found
