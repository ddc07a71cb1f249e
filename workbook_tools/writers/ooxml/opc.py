"""Package plumbing: relationship parts, content types, part names."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from workbook_tools.writers.ooxml import xmlscan
from workbook_tools.writers.ooxml.edits import Edit

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = DOC_REL_NS + "/"
WORKSHEET = _R + "worksheet"
STYLES = _R + "styles"
COMMENTS = _R + "comments"
VML = _R + "vmlDrawing"
SHARED_STRINGS = _R + "sharedStrings"
OFFICE_DOCUMENT = _R + "officeDocument"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str
    external: bool
    start: int
    end: int


def rels_part(part: str) -> str:
    """``xl/worksheets/sheet1.xml`` → ``xl/worksheets/_rels/sheet1.xml.rels``."""
    folder, name = posixpath.split(part.lstrip("/"))
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(part: str, target: str) -> str:
    """The part name a relationship of ``part`` points at."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    folder = posixpath.dirname(part.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def relative(part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(part) or ".")


def read_rels(data: bytes) -> list[Rel]:
    found = []
    for tag in xmlscan.tags(data):
        if tag.name == b"Relationship" and not tag.closing:
            attrs = tag.attributes()
            found.append(
                Rel(
                    attrs.get("Id", ""),
                    attrs.get("Type", ""),
                    attrs.get("Target", ""),
                    attrs.get("TargetMode") == "External",
                    tag.start,
                    xmlscan.element_end(data, tag),
                )
            )
    return found


def rel_xml(rel_id: str, rel_type: str, target: str) -> bytes:
    return (
        b"<Relationship "
        + xmlscan.attr("Id", rel_id)
        + b" "
        + xmlscan.attr("Type", rel_type)
        + b" "
        + xmlscan.attr("Target", target)
        + b"/>"
    )


def new_rels(rels: list[tuple[str, str, str]]) -> bytes:
    body = b"".join(rel_xml(*rel) for rel in rels)
    return (
        XML_DECLARATION + f'<Relationships xmlns="{REL_NS}">'.encode() + body + b"</Relationships>"
    )


def append_child(data: bytes, root_name: bytes, content: bytes) -> Edit:
    """An edit adding ``content`` as the last children of the document element."""
    root = xmlscan.root_tag(data)
    if root is None or root.name != root_name:
        raise ValueError("unexpected document element")
    if root.empty:
        opened = root.attrs.rstrip()
        name = root.prefix + root.name
        text = b"<" + name + opened + b">" + content + b"</" + name + b">"
        return Edit(root.start, root.end, text)
    close = data.rindex(b"</")
    return Edit(close, close, content)


def free_id(taken: set[str], stem: str = "rIdWbt") -> str:
    n = 1
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"


def override_xml(part: str, content_type: str) -> bytes:
    return (
        b"<Override "
        + xmlscan.attr("PartName", "/" + part.lstrip("/"))
        + b" "
        + xmlscan.attr("ContentType", content_type)
        + b"/>"
    )


def overrides(data: bytes) -> dict[str, tuple[int, int]]:
    """Part name (case-folded, without the leading /) → span of its Override element."""
    found = {}
    for tag in xmlscan.tags(data):
        if tag.name == b"Override" and not tag.closing:
            name = tag.attributes().get("PartName", "").lstrip("/").casefold()
            found[name] = (tag.start, xmlscan.element_end(data, tag))
    return found


def unused_name(taken: set[str], pattern: str) -> str:
    """``pattern`` (with ``{}``) numbered from 1 so that no member has the name."""
    lowered = {name.casefold() for name in taken}
    n = 1
    while pattern.format(n).casefold() in lowered:
        n += 1
    return pattern.format(n)
