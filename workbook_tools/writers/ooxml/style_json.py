"""Fills, fonts and colours of styles.xml as the route-neutral JSON of the mark record,
and back. The JSON shape is the one both routes have always written:

    fill  {"pattern": "solid" | None, "fg": COLOR, "bg": COLOR}  or  {"xml": gradient}
    font  {"bold": bool, "color": COLOR}
    COLOR {"rgb": "FFRRGGBB", "tint": 0.0} | {"theme": 4, "tint": -0.25} | {"indexed": 64,
          "tint": 0.0} | {"auto": True, "tint": 0.0} | None

The file route adds ``"raw"`` (the element as written) so it can put back the very bytes.
"""

from __future__ import annotations

from typing import Any

from workbook_tools.writers.ooxml import xmlscan

JSON = dict[str, Any]


def color_json(tag: xmlscan.Tag | None) -> JSON | None:
    if tag is None:
        return None
    attrs = tag.attributes()
    try:
        tint = float(attrs.get("tint") or 0)
    except ValueError:
        tint = 0.0
    for key in ("rgb", "theme", "indexed"):
        if key in attrs:
            value: Any = attrs[key]
            if key != "rgb":
                value = int(value) if value.isdigit() else 0
            return {key: value, "tint": tint}
    if "auto" in attrs:
        return {"auto": True, "tint": tint}
    return None


def color_xml(name: str, data: JSON | None, prefix: bytes = b"") -> bytes:
    if not data:
        return b""
    attrs = []
    for key in ("rgb", "theme", "indexed"):
        if data.get(key) is not None:
            attrs.append(xmlscan.attr(key, str(data[key])))
            break
    else:
        if data.get("auto"):
            attrs.append(b'auto="1"')
    tint = float(data.get("tint") or 0)
    if tint:
        attrs.append(xmlscan.attr("tint", repr(tint)))
    return b"<" + prefix + name.encode() + b" " + b" ".join(attrs) + b"/>"


def _child(raw: bytes, name: bytes) -> xmlscan.Tag | None:
    return xmlscan.find(raw, name)


def fill_json(raw: bytes) -> JSON:
    """The JSON of a ``<fill>`` element."""
    gradient = _child(raw, b"gradientFill")
    if gradient is not None:
        end = xmlscan.element_end(raw, gradient)
        return {
            "xml": raw[gradient.start : end].decode("utf-8"),
            "raw": raw.decode("utf-8", "replace"),
        }
    pattern = _child(raw, b"patternFill")
    kind = None if pattern is None else pattern.attributes().get("patternType")
    return {
        "pattern": None if kind in (None, "none") else kind,
        "fg": color_json(_child(raw, b"fgColor")),
        "bg": color_json(_child(raw, b"bgColor")),
        "raw": raw.decode("utf-8", "replace"),
    }


def fill_xml(data: JSON, prefix: bytes = b"") -> bytes:
    """A ``<fill>`` element for the JSON of either route (``raw`` wins when present)."""
    raw = data.get("raw")
    if isinstance(raw, str) and raw.lstrip().startswith("<"):
        return raw.encode("utf-8")
    p = prefix
    if isinstance(data.get("xml"), str):
        return b"<" + p + b"fill>" + data["xml"].encode("utf-8") + b"</" + p + b"fill>"
    kind = data.get("pattern") or "none"
    colors = color_xml("fgColor", data.get("fg"), p) + color_xml("bgColor", data.get("bg"), p)
    if kind == "none":
        colors = b""
    opened = b"<" + p + b"patternFill " + xmlscan.attr("patternType", str(kind))
    body = opened + (b">" + colors + b"</" + p + b"patternFill>" if colors else b"/>")
    return b"<" + p + b"fill>" + body + b"</" + p + b"fill>"


def is_bold(raw_font: bytes) -> bool:
    tag = _child(raw_font, b"b")
    return tag is not None and tag.attributes().get("val", "1") not in ("0", "false")


def font_json(raw: bytes) -> JSON:
    return {
        "bold": is_bold(raw),
        "color": color_json(_child(raw, b"color")),
        "raw": raw.decode("utf-8", "replace"),
    }
