"""Every part the engine writes is valid SpreadsheetML (ECMA-376 transitional, as the
Open XML SDK checks it), through ``openxml-audit``, a Python port of the SDK validator.

Only errors the engine brings count: in the parts it wrote, and not already in the input
at the same place (an input made by another program may carry its own: openpyxl, for one,
writes font children out of the schema's order, and the engine keeps existing entries).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openxml_audit import OpenXmlValidator

from tests.conftest import EXAMPLES
from tests.ooxml_helpers import add_pivot, members, xlsxwriter_book
from tests.test_ooxml_package import MARKS, _view
from workbook_tools.io.reader import read_workbook
from workbook_tools.rules import check_workbook
from workbook_tools.writers.marks.present import present
from workbook_tools.writers.ooxml import PackageEdit


def _errors(path: Path, parts: set[str]) -> list[str]:
    result = OpenXmlValidator(max_errors=0).validate(str(path))
    return [
        f"{e.part_uri} {e.path}: {e.description}"
        for e in result.errors
        if e.severity.name == "ERROR" and (e.part_uri or "").lstrip("/") in parts
    ]


def _written(before: Path, after: Path) -> set[str]:
    old, new = members(before), members(after)
    return {name for name, data in new.items() if old.get(name) != data}


def _edit(source: Path, target: Path, action) -> Path:
    edit = PackageEdit.open(source)
    action(edit)
    edit.save(target)
    return target


def _assert_valid(before: Path, after: Path) -> None:
    written = _written(before, after)
    assert written
    inherited = set(_errors(before, written))
    assert [e for e in _errors(after, written) if e not in inherited] == []


@pytest.mark.parametrize(
    "name", ["changji-2024.xlsx", "kashgar-2024.xlsx", "changji-2024-system.xlsx"]
)
def test_marked_examples_are_valid(name: str, tmp_path: Path) -> None:
    source = EXAMPLES / name
    view = present(check_workbook(read_workbook(source)), datetime.now())
    marked = _edit(source, tmp_path / "m.xlsx", lambda e: e.mark(view))
    assert _errors(source, set(members(source))) == []  # the inputs are valid themselves
    _assert_valid(source, marked)


def test_marked_workbook_with_chart_image_pivot_note_is_valid(tmp_path: Path) -> None:
    book = add_pivot(xlsxwriter_book(tmp_path / "xw.xlsx", tmp_path / "i.png"), tmp_path / "p.xlsx")
    assert _errors(book, set(members(book))) == []
    marked = _edit(book, tmp_path / "m.xlsx", lambda e: e.mark(_view(MARKS)))
    _assert_valid(book, marked)
    filled = _edit(
        book, tmp_path / "f.xlsx", lambda e: e.set_values("Data", {"C2": 1, "K9": 2, "A60": 3})
    )
    _assert_valid(book, filled)


def test_cleared_cell_by_cell_is_valid(tmp_path: Path) -> None:
    """After another program saved the marked copy, clearing edits cell by cell."""
    source = EXAMPLES / "changji-2024.xlsx"
    view = present(check_workbook(read_workbook(source)), datetime.now())
    marked = _edit(source, tmp_path / "m.xlsx", lambda e: e.mark(view))
    resaved = tmp_path / "resaved.xlsx"
    openpyxl.load_workbook(marked).save(resaved)
    cleared = _edit(resaved, tmp_path / "c.xlsx", lambda e: e.clear())
    _assert_valid(resaved, cleared)


def test_marks_on_a_sheet_without_cells_are_valid(tmp_path: Path) -> None:
    source = tmp_path / "empty.xlsx"
    wb = openpyxl.Workbook()
    wb.create_sheet("空表")
    wb.save(source)
    view = dataclasses.replace(_view([("空表", "C3", "error"), ("Sheet", "A1", "hint")]))
    marked = _edit(source, tmp_path / "m.xlsx", lambda e: e.mark(view))
    _assert_valid(source, marked)
    sheet = openpyxl.load_workbook(marked)["空表"]
    assert sheet["C3"].comment is not None
