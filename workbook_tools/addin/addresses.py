"""A1 addresses for the Excel route: parsing what Excel reports, and packing many cells
into as few multi-area range strings as possible (Excel's ``Range("A1,C3:C9")`` takes at
most 255 characters)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbook_tools.io.grid import Pos, Range, cell_name, cell_position

MAX_ADDRESS = 255
_ADDRESS = re.compile(r"^\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?$")


def parse_address(address: str) -> Range:
    """``"$B$2:$K$40"`` → ``(2, 2, 40, 11)``; a single cell gives a one-cell range."""
    if not _ADDRESS.match(address):
        raise ValueError(f"not an A1 address of one area: {address!r}")
    parts = address.replace("$", "").split(":")
    first = cell_position(parts[0])
    last = cell_position(parts[-1])
    return (first[0], first[1], last[0], last[1])


def area_text(area: Range) -> str:
    top = cell_name(area[0], area[1])
    if area[:2] == area[2:]:
        return top
    return f"{top}:{cell_name(area[2], area[3])}"


def column_runs(cells: Iterable[Pos]) -> list[Range]:
    """Cells as rectangular areas: vertical runs per column, then equal runs side by side
    joined into blocks (``E10:E12`` and ``F10:F12`` become ``E10:F12``)."""
    by_col: dict[int, list[int]] = {}
    for row, col in set(cells):
        by_col.setdefault(col, []).append(row)
    runs: list[Range] = []
    for col in sorted(by_col):
        rows = sorted(by_col[col])
        start = prev = rows[0]
        for row in rows[1:]:
            if row != prev + 1:
                runs.append((start, col, prev, col))
                start = row
            prev = row
        runs.append((start, col, prev, col))
    return _join_sideways(runs)


def _join_sideways(runs: list[Range]) -> list[Range]:
    open_blocks: dict[tuple[int, int], Range] = {}
    blocks: list[Range] = []
    for top, col, bottom, _ in runs:  # sorted by column
        key = (top, bottom)
        block = open_blocks.get(key)
        if block is not None and block[3] == col - 1:
            open_blocks[key] = (top, block[1], bottom, col)
            continue
        if block is not None:
            blocks.append(block)
        open_blocks[key] = (top, col, bottom, col)
    blocks.extend(open_blocks.values())
    return sorted(blocks, key=lambda b: (b[0], b[1]))


def range_strings(cells: Iterable[Pos], limit: int = MAX_ADDRESS) -> list[str]:
    """Comma-joined area lists of at most ``limit`` characters covering ``cells``."""
    chunks: list[str] = []
    current = ""
    for area in column_runs(cells):
        text = area_text(area)
        if current and len(current) + 1 + len(text) > limit:
            chunks.append(current)
            current = ""
        current = f"{current},{text}" if current else text
    if current:
        chunks.append(current)
    return chunks


def cells_of(area: Range) -> list[Pos]:
    return [(r, c) for r in range(area[0], area[2] + 1) for c in range(area[1], area[3] + 1)]
