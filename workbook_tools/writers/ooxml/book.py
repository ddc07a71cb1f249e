"""The structure of an opened package: the workbook part, its sheets and their parts,
the styles part, content types."""

from __future__ import annotations

from dataclasses import dataclass

from workbook_tools.writers.ooxml import opc, sheet_rows
from workbook_tools.writers.ooxml.opc import Rel
from workbook_tools.writers.ooxml.workbook_xml import WorkbookXml
from workbook_tools.writers.ooxml.zipio import SourcePackage

CONTENT_TYPES = "[Content_Types].xml"


class PackageError(ValueError):
    """The package lacks something every workbook has."""


@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str | None  # None: a chart sheet or a broken relationship
    rid: str
    state: str
    index: int


class Book:
    def __init__(self, package: SourcePackage) -> None:
        self.package = package
        self.workbook_part = self._workbook_part()
        self.workbook = WorkbookXml(package.read(self.workbook_part))
        self.rels_part = opc.rels_part(self.workbook_part)
        self.rels = self.part_rels(self.workbook_part)
        by_id = {rel.id: rel for rel in self.rels}
        self.sheets: list[SheetInfo] = []
        for index, entry in enumerate(self.workbook.sheets):
            rel = by_id.get(entry.rid)
            part = None
            if rel is not None and rel.type == opc.WORKSHEET and not rel.external:
                resolved = opc.resolve(self.workbook_part, rel.target)
                part = package.name(resolved)
            self.sheets.append(SheetInfo(entry.name, part, entry.rid, entry.state, index))
        styles = next((r for r in self.rels if r.type == opc.STYLES), None)
        self.styles_part = (
            package.name(opc.resolve(self.workbook_part, styles.target)) if styles else None
        )
        strings = next((r for r in self.rels if r.type == opc.SHARED_STRINGS), None)
        self.strings_part = (
            package.name(opc.resolve(self.workbook_part, strings.target)) if strings else None
        )

    def _workbook_part(self) -> str:
        if self.package.has("_rels/.rels"):
            for rel in opc.read_rels(self.package.read("_rels/.rels")):
                if rel.type == opc.OFFICE_DOCUMENT:
                    name = self.package.name(opc.resolve("", rel.target))
                    if name is not None:
                        return name
        name = self.package.name("xl/workbook.xml")
        if name is None:
            raise PackageError("no workbook part")
        return name

    def part_rels(self, part: str) -> list[Rel]:
        name = opc.rels_part(part)
        return opc.read_rels(self.package.read(name)) if self.package.has(name) else []

    def sheet(self, name: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.name == name), None)

    def names(self) -> set[str]:
        return self.package.members()

    def related(self, part: str, rel_type: str | None = None, rid: str | None = None) -> str | None:
        """The member a relationship of ``part`` points at (by type or by id)."""
        for rel in self.part_rels(part):
            if rel.external or (rel_type and rel.type != rel_type) or (rid and rel.id != rid):
                continue
            return self.package.name(opc.resolve(part, rel.target))
        return None

    def head(self, part: str) -> sheet_rows.Head:
        """The sheet part's head (before its rows), from its first piece."""
        stream = self.package.pieces(part)
        data = next(stream, b"")
        stream.close()
        return sheet_rows.read_head(data)
