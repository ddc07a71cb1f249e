"""Everything one edit does to a package, collected, then written in one pass.

Small parts get byte-range edits computed against their original bytes; worksheet parts
get a ``SheetPlan`` applied while they stream; new parts are appended after the existing
members. Each changed part keeps its undo and hashes for the mark record.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook_tools.writers.ooxml import opc
from workbook_tools.writers.ooxml.book import CONTENT_TYPES, Book
from workbook_tools.writers.ooxml.edits import Edit, EditWriter, Undo, apply_edits, sha
from workbook_tools.writers.ooxml.sheet_edit import SheetEditor, SheetPlan
from workbook_tools.writers.ooxml.sheet_rows import root_prefix
from workbook_tools.writers.ooxml.zipio import PartData, write_package


@dataclass
class Changes:
    book: Book
    edits: dict[str, list[Edit]] = field(default_factory=dict)
    sheet_plans: dict[str, SheetPlan] = field(default_factory=dict)
    replaced: dict[str, PartData] = field(default_factory=dict)
    added: list[tuple[str, PartData]] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)
    new_rels: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    writers: dict[str, EditWriter] = field(default_factory=dict)
    done: dict[str, tuple[bytes, bytes, list[Undo]]] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    rel_ids: dict[str, set[str]] = field(default_factory=dict)  # ids added, per rels part

    def read(self, part: str) -> bytes:
        return self.book.package.read(part)

    def edit(self, part: str, edits: Iterable[Edit]) -> None:
        self.edits.setdefault(part, []).extend(edits)

    def plan(self, part: str) -> SheetPlan:
        return self.sheet_plans.setdefault(part, SheetPlan())

    def taken(self) -> set[str]:
        return (
            self.book.names() | {name for name, _ in self.added} | set(self.new_rels)
        ) - self.removed

    def add_part(self, name: str, data: PartData, content_type: str) -> None:
        self.added.append((name, data))
        self.edit(
            CONTENT_TYPES,
            [
                opc.append_child(
                    self.read(CONTENT_TYPES), b"Types", opc.override_xml(name, content_type)
                )
            ],
        )

    def add_rel(self, source: str, rel_type: str, target: str) -> str:
        """A new relationship of part ``source`` to part ``target``; returns its id."""
        rels = opc.rels_part(source)
        existing = self.book.part_rels(source) if self.book.package.has(rels) else []
        added = self.rel_ids.setdefault(rels, set())
        rel_id = opc.free_id({r.id for r in existing} | added)
        added.add(rel_id)
        relative = opc.relative(source, target)
        if self.book.package.has(rels):
            data = self.read(rels)
            self.edit(
                rels,
                [opc.append_child(data, b"Relationships", opc.rel_xml(rel_id, rel_type, relative))],
            )
        else:
            self.new_rels.setdefault(rels, []).append((rel_id, rel_type, relative))
        return rel_id

    # -- writing -------------------------------------------------------------------------
    def _small_parts(self) -> dict[str, PartData]:
        out: dict[str, PartData] = {}
        for part, edits in self.edits.items():
            original = self.read(part)
            new, undo = apply_edits(original, edits)
            self.done[part] = (original, new, undo)
            out[part] = new
        return out

    def _sheet_parts(self) -> dict[str, PartData]:
        out: dict[str, PartData] = {}
        for part, plan in self.sheet_plans.items():
            writer = EditWriter()
            self.writers[part] = writer
            out[part] = self._streamer(part, plan, writer)
        return out

    def _streamer(
        self, part: str, plan: SheetPlan, writer: EditWriter
    ) -> Callable[[], Iterable[bytes]]:
        def pieces() -> Iterable[bytes]:
            stream = self.book.package.pieces(part)
            first = next(stream, b"")
            editor = SheetEditor(root_prefix(first), plan)

            def again() -> Iterable[bytes]:
                yield first
                yield from stream

            yield from editor.run(again(), writer)

        return pieces

    def save(self, target: Path, last: tuple[str, Callable[[], bytes]] | None = None) -> None:
        changed = {**self._small_parts(), **self._sheet_parts(), **self.replaced}
        added = list(self.added) + [
            (name, opc.new_rels(rels)) for name, rels in self.new_rels.items()
        ]
        if last is not None:
            added.append((last[0], lambda: [last[1]()]))
        write_package(self.book.package, target, changed, added, self.removed, self.hashes)

    # -- the undo for the record -----------------------------------------------------------
    def package_info(self) -> dict[str, Any]:
        edited: dict[str, Any] = {}
        for part, (original, new, undo) in self.done.items():
            edited[part] = {"orig": sha(original), "marked": sha(new), "undo": _undo_json(undo)}
        for part, writer in self.writers.items():
            edited[part] = {
                "orig": writer.before.hexdigest(),
                "marked": writer.after.hexdigest(),
                "undo": _undo_json(writer.undo),
            }
        added = {name: self.hashes.get(name, "") for name, _ in self.added}
        added |= {name: self.hashes.get(name, "") for name in self.new_rels}
        sheets = {s.part: self.hashes.get(s.part, "") for s in self.book.sheets if s.part}
        return {"v": 1, "edited": edited, "added": added, "sheets": sheets}


def _undo_json(undo: list[Undo]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for item in undo:
        try:
            out.append([item.pos, item.length, item.original.decode("utf-8")])
        except UnicodeDecodeError:
            out.append([item.pos, item.length, base64.b64encode(item.original).decode(), "b64"])
    return out


def undo_from_json(data: Any) -> list[Undo] | None:
    """The undo list of the record, or None when it is not one."""
    if not isinstance(data, list):
        return None
    found = []
    for item in data:
        if not (isinstance(item, list) and len(item) >= 3 and isinstance(item[2], str)):
            return None
        pos, length = item[0], item[1]
        if not (isinstance(pos, int) and isinstance(length, int) and pos >= 0 and length >= 0):
            return None
        try:
            raw = base64.b64decode(item[2]) if item[3:4] == ["b64"] else item[2].encode("utf-8")
        except ValueError:
            return None
        found.append(Undo(pos, length, raw))
    return found
