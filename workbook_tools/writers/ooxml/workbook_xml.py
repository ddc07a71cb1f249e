"""workbook.xml: the sheet list and everything that counts sheets by position.

Inserting a sheet first shifts every ``localSheetId``; ``activeTab`` and ``firstSheet``
are set so the new first sheet is shown. Removing sheets drops their entries and their
sheet-local names and shifts the rest back.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook_tools.writers.ooxml import xmlscan
from workbook_tools.writers.ooxml.edits import Edit
from workbook_tools.writers.ooxml.opc import DOC_REL_NS

# CT_Workbook children that follow <definedNames>
_AFTER_NAMES = {
    b"calcPr",
    b"oleSize",
    b"customWorkbookViews",
    b"pivotCaches",
    b"smartTagPr",
    b"smartTagTypes",
    b"webPublishing",
    b"fileRecoveryPr",
    b"webPublishObjects",
    b"extLst",
}


@dataclass(frozen=True)
class SheetEntry:
    name: str
    sheet_id: int
    state: str
    rid: str
    start: int
    end: int


@dataclass(frozen=True)
class NameEntry:
    tag: xmlscan.Tag
    end: int
    local: int | None


@dataclass(frozen=True)
class NewSheet:
    name: str
    rid: str
    state: str | None = None


class WorkbookXml:
    def __init__(self, data: bytes) -> None:
        self.data = data
        root = xmlscan.root_tag(data)
        if root is None or root.name != b"workbook":
            raise ValueError("workbook.xml has no workbook element")
        self.root = root
        self.p = root.prefix
        rel = xmlscan.prefix_for(root, DOC_REL_NS)
        self.rel_prefix = rel.decode().rstrip(":") if rel is not None else None
        self.sheets: list[SheetEntry] = []
        self.names: list[NameEntry] = []
        self.views: list[xmlscan.Tag] = []
        self.sheets_tag: tuple[xmlscan.Tag, int] | None = None
        self.names_tag: tuple[xmlscan.Tag, int] | None = None
        self.children: list[tuple[xmlscan.Tag, int]] = list(xmlscan.children(data, root))
        for child, end in self.children:
            self._read(child, end)

    def _read(self, child: xmlscan.Tag, end: int) -> None:
        if child.name == b"sheets":
            self.sheets_tag = (child, end)
            for tag, tag_end in xmlscan.children(self.data, child):
                if tag.name == b"sheet":
                    self.sheets.append(self._sheet(tag, tag_end))
        elif child.name == b"definedNames":
            self.names_tag = (child, end)
            for tag, tag_end in xmlscan.children(self.data, child):
                local = tag.attributes().get("localSheetId")
                number = int(local) if local is not None and local.isdigit() else None
                self.names.append(NameEntry(tag, tag_end, number))
        elif child.name == b"bookViews":
            self.views = [t for t, _ in xmlscan.children(self.data, child)]

    def _sheet(self, tag: xmlscan.Tag, end: int) -> SheetEntry:
        attrs = tag.attributes()
        rid = next((v for k, v in attrs.items() if k.endswith(":id") or k == "id"), "")
        sheet_id = attrs.get("sheetId", "0")
        return SheetEntry(
            attrs.get("name", ""),
            int(sheet_id) if sheet_id.isdigit() else 0,
            attrs.get("state", "visible"),
            rid,
            tag.start,
            end,
        )

    def active(self) -> int:
        if not self.views:
            return 0
        value = self.views[0].attributes().get("activeTab", "0")
        return int(value) if value.isdigit() else 0

    def sheet_xml(self, sheet: NewSheet, sheet_id: int) -> bytes:
        attrs = [xmlscan.attr("name", sheet.name), xmlscan.attr("sheetId", str(sheet_id))]
        if sheet.state:
            attrs.append(xmlscan.attr("state", sheet.state))
        if self.rel_prefix is None:
            attrs.append(b'xmlns:r="' + DOC_REL_NS.encode() + b'"')
            attrs.append(xmlscan.attr("r:id", sheet.rid))
        else:
            attrs.append(xmlscan.attr(f"{self.rel_prefix}:id", sheet.rid))
        return b"<" + self.p + b"sheet " + b" ".join(attrs) + b"/>"

    # -- inserting -----------------------------------------------------------------------
    def insert(self, first: NewSheet, last: NewSheet, first_names: list[bytes]) -> list[Edit]:
        """``first`` before all sheets, ``last`` after them; ``first_names`` are
        definedName elements of the new first sheet (their localSheetId is 0)."""
        if self.sheets_tag is None or not self.sheets:
            raise ValueError("workbook.xml lists no sheets")
        next_id = max(s.sheet_id for s in self.sheets) + 1
        edits = [
            Edit(self.sheets[0].start, self.sheets[0].start, self.sheet_xml(first, next_id)),
            Edit(self.sheets[-1].end, self.sheets[-1].end, self.sheet_xml(last, next_id + 1)),
        ]
        for name in self.names:
            if name.local is not None:
                edits.append(self._local_id(name, name.local + 1))
        edits += self._names_edit(b"".join(first_names))
        edits += self._views(lambda attrs: {"activeTab": "0", "firstSheet": "0"})
        return edits

    def _local_id(self, name: NameEntry, value: int) -> Edit:
        tag = self.data[name.tag.start : name.tag.end]
        return Edit(
            name.tag.start, name.tag.end, xmlscan.with_attrs(tag, {"localSheetId": str(value)})
        )

    def _names_edit(self, names: bytes) -> list[Edit]:
        if not names:
            return []
        if self.names_tag is not None:
            tag, _ = self.names_tag
            if tag.empty:
                opened = self.data[tag.start : tag.end][:-2].rstrip() + b">"
                close = b"</" + self.p + b"definedNames>"
                return [Edit(tag.start, tag.end, opened + names + close)]
            return [Edit(tag.end, tag.end, names)]
        pos = self._names_position()
        element = b"<" + self.p + b"definedNames>" + names + b"</" + self.p + b"definedNames>"
        return [Edit(pos, pos, element)]

    def _names_position(self) -> int:
        for child, _ in self.children:
            if child.name in _AFTER_NAMES:
                return child.start
        return xmlscan.closing_tag(self.data, self.root, len(self.data))

    def _views(self, change) -> list[Edit]:
        edits = []
        for view in self.views:
            if view.name != b"workbookView":
                continue
            attrs = view.attributes()
            wanted = {k: v for k, v in change(attrs).items() if k != "firstSheet" or k in attrs}
            tag = xmlscan.with_attrs(self.data[view.start : view.end], wanted)
            edits.append(Edit(view.start, view.end, tag))
        return edits

    # -- removing ------------------------------------------------------------------------
    def remove(self, names: set[str], active: int) -> list[Edit]:
        """Drop the sheets ``names`` (and their local names); show sheet ``active`` of the
        remaining ones."""
        gone = [i for i, s in enumerate(self.sheets) if s.name in names]
        if not gone:
            return []
        edits = [Edit(self.sheets[i].start, self.sheets[i].end, b"") for i in gone]
        for name in self.names:
            if name.local is None:
                continue
            if name.local in gone:
                edits.append(Edit(name.tag.start, name.end, b""))
            else:
                shift = sum(1 for i in gone if i < name.local)
                if shift:
                    edits.append(self._local_id(name, name.local - shift))
        left = len(self.sheets) - len(gone)
        target = str(max(0, min(active, left - 1)))

        def change(attrs: dict[str, str]) -> dict[str, str | None]:
            first = attrs.get("firstSheet", "0")
            first_n = int(first) if first.isdigit() else 0
            shifted = max(0, first_n - sum(1 for i in gone if i < first_n))
            return {"activeTab": target, "firstSheet": str(min(shifted, int(target)))}

        return edits + self._views(change)
