"""Cell values of a (small) sheet part, as a rectangle from A1: for reading the mark
record and checking the findings sheet. Streams the part; gives up past ``limit`` cells."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO
from xml.etree import ElementTree

from workbook_tools.writers.ooxml.sheet_rows import split_ref


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def inline_text(element: ElementTree.Element) -> str:
    """The text of an ``<is>``/``<si>``: all ``<t>`` except phonetic runs."""
    parts: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts += [t.text or "" for t in child if _local(t.tag) == "t"]
    return "".join(parts)


def shared_strings(handle: IO[bytes] | None) -> list[str]:
    if handle is None:
        return []
    found: list[str] = []
    for _, element in ElementTree.iterparse(handle, events=("end",)):
        if _local(element.tag) == "si":
            found.append(inline_text(element))
            element.clear()
    return found


def _value(cell: ElementTree.Element, strings: list[str], formulas: bool = False) -> object:
    kind = cell.get("t", "n")
    value = next((c.text for c in cell if _local(c.tag) == "v"), None)
    if kind == "inlineStr":
        inline = next((c for c in cell if _local(c.tag) == "is"), None)
        return "" if inline is None else inline_text(inline)
    if value is None:
        formula = next((c.text for c in cell if _local(c.tag) == "f"), None)
        return "=" + formula if formulas and formula else None
    if kind == "s":
        index = int(value) if value.isdigit() else -1
        return strings[index] if 0 <= index < len(strings) else ""
    if kind in ("str", "e"):
        return value
    if kind == "b":
        return value == "1"
    try:
        number = float(value)
    except ValueError:
        return value
    return (
        int(number)
        if number.is_integer() and "." not in value and "E" not in value.upper()
        else number
    )


def sheet_values(
    handle: IO[bytes], strings: list[str], limit: int = 200_000, formulas: bool = False
) -> list[list[object]]:
    """``formulas``: a formula without a cached value as its text (``=HYPERLINK(…)``)."""
    cells: dict[tuple[int, int], object] = {}
    for _, element in ElementTree.iterparse(handle, events=("end",)):
        name = _local(element.tag)
        if name == "c":
            pos = split_ref(element.get("r", ""))
            if pos is not None:
                cells[pos] = _value(element, strings, formulas)
            if len(cells) > limit:
                raise ValueError("sheet too large")
        if name in ("c", "row"):
            element.clear()
    return rectangle(cells.items())


def rectangle(cells: Iterable[tuple[tuple[int, int], object]]) -> list[list[object]]:
    found = dict(cells)
    if not found:
        return []
    rows = max(r for r, _ in found)
    cols = max(c for _, c in found)
    return [[found.get((r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]
