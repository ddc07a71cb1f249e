"""A small tag scanner for surgical edits of XML parts.

The parts are never parsed into a tree and written back: edits replace byte ranges of the
original text, so everything else (prefixes, attribute order, white space) stays as it was.
``TOKEN`` finds start, end and empty tags and skips comments, CDATA, processing
instructions and declarations; attribute values may hold ``>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import unescape as _unescape

TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<![A-Z][^>]*>"
    rb"|<(/?)((?:[A-Za-z_][\w.\-]*:)?)([A-Za-z_][\w.\-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>",
    re.S,
)
_ATTR = re.compile(rb"([A-Za-z_][\w.\-:]*)\s*=\s*(\"[^\"]*\"|'[^']*')")
_INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Tag:
    start: int
    end: int
    closing: bool
    prefix: bytes  # b"" or b"x:"
    name: bytes  # local name
    attrs: bytes  # the attribute text, as written
    empty: bool  # <name/>

    def attributes(self) -> dict[str, str]:
        return attributes(self.attrs)


def tags(data: bytes, start: int = 0, end: int | None = None) -> Iterator[Tag]:
    """The element tags of ``data[start:end]`` in document order."""
    for match in TOKEN.finditer(data, start, len(data) if end is None else end):
        if match.group(3) is None:
            continue
        yield Tag(
            match.start(),
            match.end(),
            match.group(1) == b"/",
            match.group(2),
            match.group(3),
            match.group(4),
            match.group(5) == b"/",
        )


def attributes(text: bytes) -> dict[str, str]:
    return {
        key.decode("utf-8", "replace"): unescape(value[1:-1].decode("utf-8", "replace"))
        for key, value in _ATTR.findall(text)
    }


def element_end(data: bytes, tag: Tag) -> int:
    """The offset just after the element that ``tag`` starts (its end tag included)."""
    if tag.empty:
        return tag.end
    depth = 0
    for other in tags(data, tag.end):
        if other.name != tag.name or other.prefix != tag.prefix or other.empty:
            continue
        if not other.closing:
            depth += 1
        elif depth == 0:
            return other.end
        else:
            depth -= 1
    raise ValueError("unclosed element " + tag.name.decode())


def children(data: bytes, parent: Tag) -> Iterator[tuple[Tag, int]]:
    """Each child element of ``parent``: its start tag and the offset after it."""
    if parent.empty:
        return
    pos = parent.end
    while True:
        child = next(tags(data, pos), None)
        if child is None or child.closing:
            return
        end = element_end(data, child)
        yield child, end
        pos = end


def find(data: bytes, name: bytes, start: int = 0, end: int | None = None) -> Tag | None:
    """The first start (or empty) tag with local name ``name``."""
    for tag in tags(data, start, end):
        if tag.name == name and not tag.closing:
            return tag
    return None


def closing_tag(data: bytes, tag: Tag, end: int) -> int:
    """Where the end tag of the element ``tag``…``end`` starts (``end`` when empty)."""
    return end if tag.empty else data.rindex(b"</", tag.end, end)


def with_attrs(tag: bytes, changes: dict[str, str | None]) -> bytes:
    """A start tag with attributes set (``None`` removes); others stay as written."""
    body = tag[:-2] if tag.endswith(b"/>") else tag[:-1]
    close = tag[len(body) :]
    remaining = dict(changes)
    out = bytearray()
    pos = 0
    for match in _ATTR.finditer(body):
        key = match.group(1).decode()
        if key not in remaining:
            continue
        value = remaining.pop(key)
        before = body[pos : match.start()]
        out += before.rstrip() if value is None else before + attr(key, value)
        pos = match.end()
    out += body[pos:].rstrip()
    for key, value in remaining.items():
        if value is not None:
            out += b" " + attr(key, value)
    return bytes(out) + close


def attr(key: str, value: str) -> bytes:
    return f'{key}="{escape(value, quote=True)}"'.encode()


def escape(text: str, quote: bool = False) -> str:
    text = _INVALID_CHARS.sub("", text)
    return _escape(text, {'"': "&quot;"} if quote else {})


def unescape(text: str) -> str:
    text = re.sub(r"&#x([0-9A-Fa-f]+);", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"&#([0-9]+);", lambda m: chr(int(m.group(1))), text)
    return _unescape(text, {"&quot;": '"', "&apos;": "'"})


def root_tag(data: bytes) -> Tag | None:
    """The document element's start tag."""
    return next((t for t in tags(data) if not t.closing), None)


def namespaces(tag: Tag) -> dict[str, str]:
    """Prefix → namespace declared on ``tag`` ("" for the default namespace)."""
    found = {}
    for key, value in tag.attributes().items():
        if key == "xmlns":
            found[""] = value
        elif key.startswith("xmlns:"):
            found[key[6:]] = value
    return found


def prefix_for(tag: Tag, namespace: str) -> bytes | None:
    """``b""`` or ``b"x:"`` for ``namespace`` as declared on ``tag``; None if undeclared."""
    for prefix, uri in namespaces(tag).items():
        if uri == namespace:
            return prefix.encode() + b":" if prefix else b""
    return None
