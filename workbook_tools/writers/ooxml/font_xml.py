"""Rewriting a ``<font>`` element: bold, colour, size, name, underline changed, the other
children kept as written, all in the order of CT_Font in the Open XML SDK schema."""

from __future__ import annotations

from workbook_tools.writers.ooxml import xmlscan

ORDER = [
    b"b",
    b"i",
    b"strike",
    b"condense",
    b"extend",
    b"outline",
    b"shadow",
    b"u",
    b"vertAlign",
    b"sz",
    b"color",
    b"name",
    b"family",
    b"charset",
    b"scheme",
]


def font_children(raw: bytes) -> tuple[bytes, dict[bytes, bytes], list[bytes]]:
    """The element's prefix, its known children by name, and any others."""
    root = xmlscan.root_tag(raw)
    if root is None:
        return b"", {}, []
    known: dict[bytes, bytes] = {}
    other: list[bytes] = []
    for child, end in xmlscan.children(raw, root):
        if child.name in ORDER:
            known[child.name] = raw[child.start : end]
        else:
            other.append(raw[child.start : end])
    return root.prefix, known, other


def rewrite_font(raw: bytes, changes: dict[str, str | bytes | bool | None]) -> bytes:
    """``raw`` with ``bold`` (bool), ``color`` (ARGB), ``size``, ``name``, ``underline``
    set; ``None`` leaves a property as it is."""
    prefix, known, other = font_children(raw)

    def element(name: str, value: str | None = None) -> bytes:
        attr = b"" if value is None else b" " + xmlscan.attr("val", value)
        return b"<" + prefix + name.encode() + attr + b"/>"

    if changes.get("bold") is not None:
        known.pop(b"b", None)
        if changes["bold"]:
            known[b"b"] = element("b")
    color = changes.get("color")
    if isinstance(color, bytes):  # a whole <color> element, or b"" for none
        known.pop(b"color", None)
        if color:
            known[b"color"] = color
    elif color:
        known[b"color"] = b"<" + prefix + b"color " + xmlscan.attr("rgb", str(color)) + b"/>"
    if changes.get("size"):
        known[b"sz"] = element("sz", str(changes["size"]))
    if changes.get("name"):
        known[b"name"] = element("name", str(changes["name"]))
        known.pop(b"scheme", None)  # a theme font scheme would override the name
        known.pop(b"charset", None)
    underline = changes.get("underline")
    if underline:
        known[b"u"] = element("u") if underline == "single" else element("u", str(underline))
    body = b"".join(known[name] for name in ORDER if name in known) + b"".join(other)
    return b"<" + prefix + b"font>" + body + b"</" + prefix + b"font>"
