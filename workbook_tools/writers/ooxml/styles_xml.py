"""styles.xml: reading fonts, fills, borders and cell formats, and appending new ones.

Existing entries are never changed or moved (every cell keeps pointing at the same
index); new entries are appended to their collection and its ``count`` updated. Equal
new entries are shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbook_tools.writers.ooxml import xmlscan
from workbook_tools.writers.ooxml.edits import Edit
from workbook_tools.writers.ooxml.font_xml import rewrite_font
from workbook_tools.writers.ooxml.opc import MAIN_NS, XML_DECLARATION

COLLECTIONS = (b"fonts", b"fills", b"borders", b"cellXfs")
DEFAULT_STYLES = (
    XML_DECLARATION
    + f'<styleSheet xmlns="{MAIN_NS}">'.encode()
    + b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    + b'<fills count="2"><fill><patternFill patternType="none"/></fill>'
    + b'<fill><patternFill patternType="gray125"/></fill></fills>'
    + b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    + b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    + b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    + b'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    + b"</styleSheet>"
)


@dataclass
class Collection:
    tag: xmlscan.Tag
    end: int
    items: list[tuple[int, int]]  # spans of the children
    added: list[bytes] = field(default_factory=list)
    index: dict[bytes, int] = field(default_factory=dict)  # raw → index, existing and added


class StylesError(ValueError):
    pass


class Styles:
    def __init__(self, data: bytes) -> None:
        self.data = data
        root = xmlscan.root_tag(data)
        if root is None or root.name != b"styleSheet":
            raise StylesError("styles.xml has no styleSheet")
        self.prefix = root.prefix
        self.collections: dict[bytes, Collection] = {}
        for child, end in xmlscan.children(data, root):
            if child.name in COLLECTIONS:
                items = [(c.start, e) for c, e in xmlscan.children(data, child)]
                self.collections[child.name] = Collection(child, end, items)
        missing = [n.decode() for n in COLLECTIONS if n not in self.collections]
        if missing:
            raise StylesError("styles.xml lacks " + ", ".join(missing))
        self._memo: dict[tuple[object, ...], int] = {}

    def count(self, name: bytes) -> int:
        found = self.collections[name]
        return len(found.items) + len(found.added)

    def original_count(self, name: bytes) -> int:
        return len(self.collections[name].items)

    def item(self, name: bytes, index: int) -> bytes:
        found = self.collections[name]
        if 0 <= index < len(found.items):
            start, end = found.items[index]
            return self.data[start:end]
        if len(found.items) <= index < self.count(name):
            return found.added[index - len(found.items)]
        return self.item(name, 0) if index and found.items else b""

    def add(self, name: bytes, raw: bytes) -> int:
        found = self.collections[name]
        if not found.index:
            for i, (start, end) in enumerate(found.items):
                found.index.setdefault(self.data[start:end], i)
        if raw in found.index:
            return found.index[raw]
        found.added.append(raw)
        index = len(found.items) + len(found.added) - 1
        found.index[raw] = index
        return index

    def xf_attrs(self, index: int) -> dict[str, str]:
        raw = self.item(b"cellXfs", index)
        tag = xmlscan.root_tag(raw)
        return {} if tag is None else tag.attributes()

    def derive_xf(self, index: int, fill: bytes | None, font: dict | None) -> int:
        """A copy of cell format ``index`` with another fill and/or font changes."""
        key = (index, fill, None if font is None else tuple(sorted(font.items())))
        if key in self._memo:
            return self._memo[key]
        raw = self.item(b"cellXfs", index)
        tag = xmlscan.root_tag(raw)
        if tag is None:
            raw, tag = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>', None
            tag = xmlscan.root_tag(raw)
        assert tag is not None
        changes: dict[str, str | None] = {}
        if fill is not None:
            changes.update(fillId=str(self.add(b"fills", fill)), applyFill="1")
        if font is not None:
            base = self.item(b"fonts", _int(tag.attributes().get("fontId")))
            changes.update(fontId=str(self.add(b"fonts", rewrite_font(base, font))), applyFont="1")
        new = xmlscan.with_attrs(raw[tag.start : tag.end], changes) + raw[tag.end :]
        result = self.add(b"cellXfs", new)
        self._memo[key] = result
        return result

    def fill_of(self, xf: int) -> bytes:
        return self.item(b"fills", _int(self.xf_attrs(xf).get("fillId")))

    def font_of(self, xf: int) -> bytes:
        return self.item(b"fonts", _int(self.xf_attrs(xf).get("fontId")))

    def edits(self) -> list[Edit]:
        edits: list[Edit] = []
        for name in COLLECTIONS:
            found = self.collections[name]
            if not found.added:
                continue
            opened = self.data[found.tag.start : found.tag.end]
            count = str(len(found.items) + len(found.added))
            opened = xmlscan.with_attrs(opened, {"count": count})
            body = b"".join(found.added)
            if found.tag.empty:
                opened = opened[:-2].rstrip() + b">"
                close = b"</" + found.tag.prefix + found.tag.name + b">"
                edits.append(Edit(found.tag.start, found.tag.end, opened + body + close))
                continue
            edits.append(Edit(found.tag.start, found.tag.end, opened))
            close = xmlscan.closing_tag(self.data, found.tag, found.end)
            edits.append(Edit(close, close, body))
        return edits


def _int(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() else 0


def solid_fill(rgb: str, prefix: bytes = b"") -> bytes:
    p = prefix
    return (
        b"<" + p + b'fill><' + p + b'patternFill patternType="solid"><' + p
        + b'fgColor rgb="FF' + rgb.encode() + b'"/><' + p + b'bgColor indexed="64"/></'
        + p + b"patternFill></" + p + b"fill>"
    )  # fmt: skip


def thin_border(rgb: str, prefix: bytes = b"") -> bytes:
    p = prefix
    side = b"".join(
        b"<" + p + name + b' style="thin"><' + p + b'color rgb="FF' + rgb.encode() + b'"/></'
        + p + name + b">"
        for name in (b"left", b"right", b"top", b"bottom")
    )  # fmt: skip
    return b"<" + p + b"border>" + side + b"<" + p + b"diagonal/></" + p + b"border>"
