"""What a package's mark record says, and what it proves is ours.

The record is read from the very hidden sheet ``_wbt_marks``; 校验结果 counts as ours only
if the record's token and the fingerprint of its values match (or, in the file route,
its part is byte for byte as written). Nothing here raises on a damaged package.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from typing import Any
from xml.etree import ElementTree

from workbook_tools.writers.marks import record as rec
from workbook_tools.writers.ooxml import opc
from workbook_tools.writers.ooxml.book import Book
from workbook_tools.writers.ooxml.sheet_values import shared_strings, sheet_values

_MAX_RECORD = 64 << 20
_READ_ERRORS = (
    ElementTree.ParseError,
    ValueError,
    KeyError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
)


class Reader:
    """Values of sheets in one package (shared strings read once, when needed)."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self._strings: list[str] | None = None

    def strings(self) -> list[str]:
        if self._strings is None:
            part = self.book.strings_part
            try:
                with self.book.package.open(part) if part else _empty() as handle:
                    self._strings = shared_strings(handle)
            except _READ_ERRORS:
                self._strings = []
        return self._strings

    def values(
        self, part: str, limit: int = 200_000, formulas: bool = False
    ) -> list[list[object]] | None:
        if self.book.package.size(part) > _MAX_RECORD:
            return None
        try:
            data = self.book.package.read(part)
            strings = self.strings() if b't="s"' in data or b"t='s'" in data else []
            return sheet_values(io.BytesIO(data), strings, limit, formulas)
        except _READ_ERRORS:
            return None


class _empty:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def read_record(book: Book, reader: Reader) -> rec.Record | str | None:
    """The record (None: there is none; a text: why it cannot be used)."""
    sheet = book.sheet(rec.MARK_SHEET)
    if sheet is None:
        return None
    if sheet.part is None:
        return "标注记录表「_wbt_marks」无法读取，未清除任何内容"
    values = reader.values(sheet.part, limit=2_000_000)
    if values is None:
        return "标注记录表「_wbt_marks」已损坏，无法读取，未清除任何内容"
    return rec.read_record(values)


def part_hash(book: Book, part: str) -> str | None:
    try:
        digest = hashlib.sha256()
        for piece in book.package.pieces(part):
            digest.update(piece)
        return digest.hexdigest()
    except _READ_ERRORS:
        return None


def package_info(record: rec.Record) -> dict[str, Any] | None:
    """The file route's package undo, when it has the expected shape."""
    info = record.package
    if not isinstance(info, dict) or info.get("v") != 1:
        return None
    for key in ("edited", "added", "sheets"):
        if not isinstance(info.get(key), dict):
            return None
    return info


def owns_results(book: Book, reader: Reader, record: rec.Record) -> bool:
    """Whether the sheet the record names as 校验结果 is the one marking wrote: the token
    and the fingerprint of its values must match (a user's sheet never does)."""
    sheet = book.sheet(record.results_sheet) if record.results_sheet else None
    if sheet is None or sheet.part is None or sheet.name == rec.MARK_SHEET:
        return False
    if _user_additions(book, sheet.part):
        return False
    values = reader.values(sheet.part)
    return values is not None and rec.owns_results(record, values)


_ANCHORS = (b"twoCellAnchor", b"oneCellAnchor", b"absoluteAnchor")


def _user_additions(book: Book, part: str) -> bool:
    """Notes, pictures or shapes on the findings sheet: someone added them after marking
    (an empty drawing, as LibreOffice writes for every sheet, does not count)."""
    for rel in book.part_rels(part):
        kind = rel.type.rsplit("/", 1)[-1]
        if kind in ("comments", "threadedComment", "vmlDrawing"):
            return True
        if kind == "drawing":
            target = book.package.name(opc.resolve(part, rel.target))
            try:
                data = book.package.read(target) if target else b""
            except _READ_ERRORS:
                return True
            if any(anchor in data for anchor in _ANCHORS):
                return True
    return False
