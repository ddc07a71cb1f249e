"""``PackageEdit``: the one entry point of the package engine.

    edit = PackageEdit.open(path)
    skipped = edit.set_values("表2", {"E10": Decimal("275.78")})   # empty cells only
    summary = edit.mark(view)                                      # view: present(result, …)
    edit.save(target)                                              # or: save_workbook(edit, …)

    report = PackageEdit.open(path).clear()   # then .save(target)

Only the parts an edit touches are rewritten; every other member is copied unchanged.
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from workbook_tools.errors import InputError, WbtError
from workbook_tools.writers.marks.present import MarkSummary, MarkView
from workbook_tools.writers.ooxml import opc
from workbook_tools.writers.ooxml.book import Book, PackageError
from workbook_tools.writers.ooxml.changes import Changes
from workbook_tools.writers.ooxml.clearing import ClearReport, clear
from workbook_tools.writers.ooxml.edits import apply_edits
from workbook_tools.writers.ooxml.marking import mark
from workbook_tools.writers.ooxml.sheet_edit import CellChange
from workbook_tools.writers.ooxml.sheet_rows import split_ref
from workbook_tools.writers.ooxml.sheet_scan import scan_sheet
from workbook_tools.writers.ooxml.styles_xml import DEFAULT_STYLES, Styles, StylesError
from workbook_tools.writers.ooxml.zipio import SourcePackage


class PackageEdit:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        self._load(self.path)

    @classmethod
    def open(cls, path: str | Path) -> PackageEdit:
        return cls(Path(path))

    def _load(self, path: Path) -> None:
        try:
            package = SourcePackage(path)
            self.book = Book(package)
        except (PackageError, ValueError, KeyError, OSError) as exc:
            raise InputError(f"工作簿结构无法识别，无法修改（{exc}）", file=self.path) from None
        self.changes = Changes(self.book)
        self._styles: Styles | None = None
        self._last = None
        self._styles_done = False
        self._values: list[tuple[str, dict[str, Decimal | float | int], bool]] = []

    # -- styles ----------------------------------------------------------------------------
    def styles(self) -> Styles:
        if self._styles is None:
            part = self.book.styles_part
            data = self.book.package.read(part) if part else DEFAULT_STYLES
            try:
                self._styles = Styles(data)
            except StylesError as exc:
                raise InputError(f"样式表（styles.xml）无法识别：{exc}", file=self.path) from None
        return self._styles

    def _finish_styles(self) -> None:
        if self._styles_done or self._styles is None or not self._styles.edits():
            return
        self._styles_done = True
        part = self.book.styles_part
        if part is not None:
            self.changes.edit(part, self._styles.edits())
            return
        data, _ = apply_edits(DEFAULT_STYLES, self._styles.edits())
        self.changes.add_part("xl/styles.xml", data, opc.CT_STYLES)
        self.changes.add_rel(self.book.workbook_part, opc.STYLES, "xl/styles.xml")

    # -- values ----------------------------------------------------------------------------
    def set_values(
        self, sheet_name: str, values: dict[str, Decimal | float | int], overwrite: bool = False
    ) -> list[str]:
        """Write numbers into empty cells of a sheet, keeping their format (``overwrite``:
        also replace values); returns the cells left alone: formulas, values (unless
        ``overwrite``), and anything that is not a cell address."""
        self._values.append((sheet_name, dict(values), overwrite))
        with self._damaged("写入数值"):
            return self._set_values(sheet_name, values, overwrite)

    def _set_values(
        self, sheet_name: str, values: dict[str, Decimal | float | int], overwrite: bool
    ) -> list[str]:
        sheet = self.book.sheet(sheet_name)
        if sheet is None or sheet.part is None:
            return list(values)
        part = sheet.part
        cells = {ref: split_ref(ref) for ref in values}
        rows = {pos[0] for pos in cells.values() if pos is not None}
        scan = scan_sheet(lambda: self.book.package.pieces(part), rows)
        plan = self.changes.plan(part)
        skipped = []
        for ref, pos in cells.items():
            state = None if pos is None else scan.state(pos)
            if (
                pos is None
                or state is None
                or state.has_formula
                or (state.has_value and not overwrite)
            ):
                skipped.append(ref)
                continue
            previous = plan.changes.get(pos, CellChange())
            style = previous.style if previous.style is not None else (state.style or None)
            plan.changes[pos] = CellChange(style, _number(values[ref]), overwrite)
        return skipped

    # -- marks -----------------------------------------------------------------------------
    def has_marks(self) -> bool:
        from workbook_tools.writers.marks.record import MARK_SHEET

        return self.book.sheet(MARK_SHEET) is not None

    def mark(self, view: MarkView) -> MarkSummary:
        """Mark ``view`` (an earlier marking is cleared first)."""
        if self.has_marks():
            report = self.clear()
            if report.record_problem is None:
                self._reopen_cleared()
        with self._damaged("标注"):
            marked, self._last = mark(self.changes, self.styles(), view)
        return MarkSummary(len(marked.cells), view.findings)

    def _reopen_cleared(self) -> None:
        """Continue from the cleared workbook (values set so far are set again)."""
        self._temp = tempfile.TemporaryDirectory(prefix="wbt-")
        cleared = Path(self._temp.name) / ("cleared" + self.path.suffix)
        self.save(cleared)
        self.book.package.close()
        self._load(cleared)
        for sheet_name, values, overwrite in self._values:
            self._set_values(sheet_name, values, overwrite)

    def clear(self) -> ClearReport:
        """Remove what marking added and put back what it changed (see ``clearing``)."""
        with self._damaged("清除标注"):
            return clear(self.changes, self.styles())

    @contextmanager
    def _damaged(self, action: str) -> Iterator[None]:
        """A part that cannot be parsed becomes a Chinese error (a bad mark record never
        gets here: clearing reads it without raising)."""
        try:
            yield
        except (ValueError, KeyError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            if isinstance(exc, WbtError):
                raise
            raise InputError(
                f"工作簿中有部件已损坏，无法{action}（{type(exc).__name__}: {exc}）", file=self.path
            ) from None

    # -- writing ---------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write the edited workbook to ``path`` (then the input is closed, so it may be
        replaced, as an in-place save does)."""
        self._finish_styles()
        self.changes.save(Path(path), self._last)
        self.book.package.close()

    def close(self) -> None:
        self.book.package.close()  # closing twice is harmless
        if self._temp is not None:
            self._temp.cleanup()


def _number(value: Decimal | float | int) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text if text not in ("-0", "") else "0"
    if isinstance(value, float):
        return repr(value)
    return str(int(value))
