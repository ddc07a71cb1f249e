"""Legacy VML drawings: the boxes Excel shows comments in. VML is not always well-formed
XML, so it is only ever edited as text: shapes appended before ``</xml>``, or removed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbook_tools.writers.ooxml.edits import Edit

NOTE_WIDTH_PT = 240
_SHAPE = re.compile(rb"<(\w+):shape\b[^>]*>.*?</\1:shape>", re.S)
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
_ROW = re.compile(rb"<\w+:Row>\s*(\d+)\s*</\w+:Row>")
_COL = re.compile(rb"<\w+:Column>\s*(\d+)\s*</\w+:Column>")
_NOTE = re.compile(rb"ObjectType\s*=\s*[\"']Note[\"']")
_IDMAP = re.compile(rb"<\w+:idmap\b[^>]*\bdata\s*=\s*[\"']([\d,\s]*)[\"']")
_NS = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel"'
)
SHAPETYPE = (
    b"<v:shapetype " + _NS.encode() + b' id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    b'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    b'<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)
_HEAD = (
    b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    b'xmlns:x="urn:schemas-microsoft-com:office:excel">'
)


@dataclass(frozen=True)
class NoteBox:
    row: int  # 1-based
    col: int
    lines: int


def shape_xml(shape_id: int, box: NoteBox) -> bytes:
    r0, c0 = box.row - 1, box.col - 1
    height = min(450, 12 * box.lines)
    rows_down = max(3, height // 15)
    anchor = f"{c0 + 1}, 15, {max(r0 - 1, 0)}, 10, {c0 + 5}, 15, {max(r0 - 1, 0) + rows_down}, 4"
    return (
        f'<v:shape {_NS} id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;'
        f"margin-left:59.25pt;margin-top:1.5pt;width:{NOTE_WIDTH_PT}pt;height:{height}pt;"
        'z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
        '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
        '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
        '<div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note">'
        f"<x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{anchor}</x:Anchor>"
        f"<x:AutoFill>False</x:AutoFill><x:Row>{r0}</x:Row><x:Column>{c0}</x:Column>"
        "</x:ClientData></v:shape>"
    ).encode()


def new_vml(block: int, boxes: list[NoteBox]) -> bytes:
    shapes = b"".join(shape_xml(block * 1024 + 1 + i, box) for i, box in enumerate(boxes))
    layout = f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
    return _HEAD + layout.encode() + SHAPETYPE + shapes + b"</xml>"


def used_blocks(data: bytes) -> set[int]:
    found: set[int] = set()
    for value in _IDMAP.findall(data):
        found |= {int(v) for v in re.findall(rb"\d+", value)}
    found |= {int(v) // 1024 for v in _SHAPE_ID.findall(data)}
    return found


def note_shapes(data: bytes) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col), 1-based → span of the Note shape for that cell."""
    found = {}
    for match in _SHAPE.finditer(data):
        body = match.group(0)
        row, col = _ROW.search(body), _COL.search(body)
        if _NOTE.search(body) and row and col:
            found[(int(row.group(1)) + 1, int(col.group(1)) + 1)] = match.span()
    return found


def vml_edits(data: bytes, add: list[NoteBox], remove: set[tuple[int, int]]) -> list[Edit] | None:
    """Edits adding boxes for ``add`` (each shape declares its own prefixes, so any
    drawing takes them) and removing the boxes of ``remove``; None when the part is not a
    VML drawing."""
    close = data.rfind(b"</xml>")
    if close < 0:
        return None
    shapes = note_shapes(data)
    edits = [
        Edit(*shapes[cell], b"")
        for cell in remove | {(b.row, b.col) for b in add}
        if cell in shapes
    ]
    if add:
        ids = [int(v) for v in _SHAPE_ID.findall(data)]
        first = max(ids, default=1024) + 1
        text = b"" if b"_x0000_t202" in data else SHAPETYPE
        text += b"".join(shape_xml(first + i, box) for i, box in enumerate(add))
        edits.append(Edit(close, close, text))
    return sorted(edits, key=lambda e: e.start)
