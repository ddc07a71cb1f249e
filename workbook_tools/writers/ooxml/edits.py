"""Byte-range edits of a part, and the undo list that puts the original back.

An ``Edit`` replaces ``data[start:end]`` with ``text``. Applying a sorted list of edits
also yields the undo: for each edit, where its text now lies and the bytes it replaced,
so the original part can be rebuilt exactly from the edited one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: bytes


@dataclass(frozen=True)
class Undo:
    """In the edited part, ``length`` bytes at ``pos`` were ``original`` before."""

    pos: int
    length: int
    original: bytes


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class EditWriter:
    """Applies edits to a part given piece by piece, hashing what goes in and out."""

    undo: list[Undo] = field(default_factory=list)
    delta: int = 0
    before: hashlib._Hash = field(default_factory=hashlib.sha256)
    after: hashlib._Hash = field(default_factory=hashlib.sha256)

    def piece(self, data: bytes, base: int, edits: Iterable[Edit]) -> bytes:
        """``data`` (which starts at offset ``base`` of the part) with ``edits`` applied."""
        self.before.update(data)
        out = bytearray()
        pos = 0
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            start, end = edit.start - base, edit.end - base
            if start < pos or end > len(data):
                raise ValueError("overlapping or out-of-range edit")
            out += data[pos:start]
            self.undo.append(Undo(base + start + self.delta, len(edit.text), data[start:end]))
            out += edit.text
            self.delta += len(edit.text) - (end - start)
            pos = end
        out += data[pos:]
        result = bytes(out)
        self.after.update(result)
        return result


def apply_edits(data: bytes, edits: Iterable[Edit]) -> tuple[bytes, list[Undo]]:
    writer = EditWriter()
    result = writer.piece(data, 0, edits)
    return result, writer.undo


def undo_pieces(pieces: Iterable[bytes], undo: list[Undo]) -> Iterator[bytes]:
    """The original part, from the edited part given piece by piece."""
    pending = sorted(undo, key=lambda u: u.pos)
    index = 0
    buf = b""
    buf_start = 0  # offset of ``buf`` in the edited part
    for piece in chain(pieces, [b""]):  # the empty piece applies undo at the very end
        buf += piece
        out = bytearray()
        while index < len(pending) and pending[index].pos + pending[index].length <= (
            buf_start + len(buf)
        ):
            item = pending[index]
            cut = item.pos - buf_start
            out += buf[:cut] + item.original
            buf = buf[cut + item.length :]
            buf_start = item.pos + item.length
            index += 1
        safe = len(buf) if index == len(pending) else max(0, pending[index].pos - buf_start)
        safe = min(safe, len(buf))
        out += buf[:safe]
        buf = buf[safe:]
        buf_start += safe
        yield bytes(out)
    if index < len(pending):
        raise ValueError("undo beyond the end of the part")
    if buf:
        yield buf


def undo_bytes(data: bytes, undo: list[Undo]) -> bytes:
    return b"".join(undo_pieces([data], undo))
