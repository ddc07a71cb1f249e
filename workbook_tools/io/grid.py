"""The neutral grid: what the reader sees of a sheet, whatever produced it.

openpyxl, python-calamine and (in Excel) xlwings all feed the reader through ``Grid``:
cell values by 1-based (row, column), merged ranges, and the formula cells that have no
cached value (those must never be read as zero).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Pos = tuple[int, int]
Range = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col (1-based, inclusive)


@dataclass
class Grid:
    name: str
    cells: dict[Pos, object] = field(default_factory=dict)
    merged: list[Range] = field(default_factory=list)
    formulas_without_value: dict[Pos, str] = field(default_factory=dict)
    hidden: bool = False

    def row_cells(self, row: int) -> dict[int, object]:
        """The non-empty cells of one row, by column (index built on first use)."""
        index = self.__dict__.get("_rows")
        if index is None:
            index = {}
            for (r, c), value in self.cells.items():
                index.setdefault(r, {})[c] = value
            self.__dict__["_rows"] = index
        return index.get(row, {})

    def value(self, row: int, col: int) -> object:
        return self.cells.get((row, col))

    def text(self, row: int, col: int) -> str:
        value = self.cells.get((row, col))
        return "" if value is None else str(value)

    @property
    def max_row(self) -> int:
        rows = [r for r, _ in self.cells] + [m[2] for m in self.merged]
        return max(rows, default=0)

    @property
    def max_col(self) -> int:
        cols = [c for _, c in self.cells] + [m[3] for m in self.merged]
        return max(cols, default=0)

    def merged_span(self, row: int, col: int) -> Range:
        """The merged range whose top-left is (row, col), or the cell itself."""
        for rng in self.merged:
            if rng[0] == row and rng[1] == col:
                return rng
        return (row, col, row, col)


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """``(10, 5)`` → ``"E10"``."""
    return f"{column_letter(col)}{row}"


def cell_position(cell: str) -> tuple[int, int]:
    """``"E10"`` → ``(10, 5)``; ``(0, 0)`` for an empty or malformed address."""
    letters = cell.rstrip("0123456789")
    digits = cell[len(letters) :]
    if not (letters.isascii() and letters.isalpha()) or not digits:
        return (0, 0)
    col = 0
    for letter in letters.upper():
        col = col * 26 + ord(letter) - 64
    return (int(digits), col)
