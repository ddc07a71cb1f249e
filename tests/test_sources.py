"""Files → grids: other formats, bounded reading, one pass over the package, one merge rule."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from tests.hostile.corpus import (
    CHANGJI,
    ROOT,
    by_id,
    repack,
    set_cell,
    sheet_xml,
    soffice_copy,
    with_extra_sheet,
)
from workbook_tools.errors import InputError
from workbook_tools.io import sources
from workbook_tools.io.reader import read_workbook
from workbook_tools.io.sources import probe_file, read_grids, special_cells
from workbook_tools.money import NotAnAmount, from_float, parse_amount
from workbook_tools.writers.package import xlsx_copy

ENGINES = ("calamine", "openpyxl")
EXAMPLES = ROOT / "examples"


def _cells(path: Path, engine: str) -> dict[str, tuple[dict[tuple[int, int], object], list]]:
    return {g.name: (g.cells, sorted(g.merged)) for g in read_grids(path, engine)}  # type: ignore[arg-type]


# -- formats ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "fmt", "kind"),
    [
        ("公开表.xls", "xls", "xls"),
        ("其实是旧格式.xlsx", "xls", "xls"),
        ("金山.et", "xls", "xls"),
        ("公开表.ods", "ods", "ods"),
    ],
)
def test_other_formats_are_read_by_content(name: str, fmt: str, kind: str, tmp_path: Path) -> None:
    path = soffice_copy(tmp_path, name, fmt)
    probe = probe_file(path)
    assert probe.kind == kind and probe.legacy
    assert probe.note.startswith("这是")
    if kind == "xls":
        assert "旧版 .xls" in probe.note or "WPS" in probe.note
    for engine in ENGINES:  # openpyxl cannot: python-calamine reads them for both
        assert read_workbook(path, engine=engine).plain() == read_workbook(CHANGJI).plain()  # type: ignore[arg-type]


def test_xlsx_renamed_is_still_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "公开表.et"
    path.write_bytes(CHANGJI.read_bytes())
    assert probe_file(path).kind == "xlsx" and not probe_file(path).legacy


@pytest.mark.parametrize(("name", "copy_name"), [("a.xls", "a.xlsx"), ("b.xlsx", "b.已转换.xlsx")])
def test_xlsx_copy_of_an_old_format(name: str, copy_name: str, tmp_path: Path) -> None:
    path = soffice_copy(tmp_path, name, "xls")
    before = path.read_bytes()
    copy = xlsx_copy(path)
    assert copy == tmp_path / copy_name
    assert probe_file(copy).kind == "xlsx"
    assert read_workbook(copy).plain() == read_workbook(CHANGJI).plain()
    original = {g.name: sorted(g.merged) for g in read_grids(path)}
    assert {g.name: sorted(g.merged) for g in read_grids(copy)} == original
    assert path.read_bytes() == before
    with pytest.raises(Exception, match="已存在"):
        xlsx_copy(path)
    with pytest.raises(InputError, match="无需转换"):
        xlsx_copy(CHANGJI)


# -- bounded reading ----------------------------------------------------------------------
def _child(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_stray_cell_at_xfd1048576_is_read_without_a_dense_range(
    engine: str, tmp_path: Path
) -> None:
    """python-calamine would allocate ~512 GiB for this sheet and abort the process."""
    path = by_id("stray-cell-XFD1048576").build(tmp_path)
    done = _child(
        "from workbook_tools.io.sources import read_grids\n"
        f"grids = read_grids({str(path)!r}, {engine!r})\n"
        "sheet = next(g for g in grids if g.name == '表2')\n"
        "print(sheet.cells[(1048576, 16384)], sheet.cells[(10, 5)], len(sheet.cells))"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    stray, amount, count = done.stdout.split()
    assert (float(stray), float(amount)) == (0.0, 275.78)
    expected = {g.name: g.cells for g in read_grids(CHANGJI, engine)}["表2"]  # type: ignore[arg-type]
    assert int(count) == len(expected) + 1


def test_value_cell_bounds_ignore_formatted_empty_cells() -> None:
    data = b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576" s="3"/></row>'
    assert sources.value_cell_bounds(data) == (1, 1, 1)
    data = b'<row r="9"><c r="C9" t="s"><v>0</v></c></row><row r="1048576"><c><v>1</v></c></row>'
    rows, cols, _ = sources.value_cell_bounds(data)
    assert rows == 1048576 and cols == 16384  # unreferenced cells: assume the widest


@pytest.mark.parametrize(
    "case_id", ["dimension-lies", "million-formatted-rows", "very-many-columns"]
)
@pytest.mark.parametrize("engine", ENGINES)
def test_big_looking_sheets_read_fast(case_id: str, engine: str, tmp_path: Path) -> None:
    path = by_id(case_id).build(tmp_path)
    start = time.perf_counter()
    data = read_workbook(path, engine=engine)  # type: ignore[arg-type]
    assert time.perf_counter() - start < 20
    assert data.plain() == read_workbook(CHANGJI).plain()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text", ["NaN", "INF", "-inf", "1e999"])
def test_non_finite_numbers_read_as_num_error(engine: str, text: str, tmp_path: Path) -> None:
    xml = set_cell(sheet_xml(), "E10", f'<c r="E10"><v>{text}</v></c>')
    path = repack(tmp_path, f"{text}.xlsx", {"xl/worksheets/sheet2.xml": xml.encode()})
    grid = next(g for g in read_grids(path, engine) if g.name == "表2")  # type: ignore[arg-type]
    assert grid.cells[(10, 5)] == "#NUM!"
    table = read_workbook(path, engine=engine).tables["t2"]  # type: ignore[arg-type]
    amount = next(a for r in table.rows for a in r.values.values() if a.cell == "E10")
    assert (amount.value, amount.problem) == (None, "not_a_number")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 1e300])
def test_from_float_refuses_what_is_not_an_amount(value: float) -> None:
    with pytest.raises(NotAnAmount):
        from_float(value)
    with pytest.raises(NotAnAmount):
        parse_amount(value)


@pytest.mark.parametrize("text", ["1e999999999", "1e-999999999", "NaN", "sNaN", "Infinity"])
def test_text_amounts_that_would_explode(text: str) -> None:
    with pytest.raises(NotAnAmount):
        parse_amount(text)
    assert parse_amount("1e3") == Decimal("1E+3")


# -- one pass over the package ------------------------------------------------------------
def test_package_is_read_once_and_sheets_parsed_only_when_needed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    opened: list[str] = []
    parsed: list[int] = []
    real_open, real_special = os.open, sources._special_in

    def counting_open(path: object, *args: object, **kwargs: object) -> int:
        opened.append(str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def counting_special(data: bytes) -> sources.SpecialCells:
        parsed.append(len(data))
        return real_special(data)

    monkeypatch.setattr(os, "open", counting_open)
    monkeypatch.setattr(sources, "_special_in", counting_special)
    read_grids(CHANGJI)
    assert opened.count(str(CHANGJI)) == 1
    assert parsed == []  # no sheet holds a formula or an error value
    path = by_id("formula-without-value").build(tmp_path)
    opened.clear()
    grids = read_grids(path)
    assert opened.count(str(path)) == 1
    assert len(parsed) == 1
    assert next(g for g in grids if g.name == "表2").formulas_without_value == {(10, 5): "=E11+E12"}
    assert special_cells(path)["表2"].formulas == {(10, 5): "=E11+E12"}


def test_caps_are_enforced_on_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_PART_BYTES", 10_000)  # sheet2.xml inflates to 12,636
    with pytest.raises(InputError, match="工作簿过大或已损坏"):
        read_grids(CHANGJI)
    monkeypatch.setattr(sources, "MAX_PART_BYTES", 1 << 30)
    monkeypatch.setattr(sources, "MAX_TOTAL_BYTES", 60_000)
    with pytest.raises(InputError, match="工作簿过大或已损坏"):
        read_grids(CHANGJI)


def test_a_30000_row_sheet_passes_the_caps_easily(tmp_path: Path) -> None:
    path = tmp_path / "大表.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("明细")
    for r in range(30_000):
        sheet.write_string(r, 0, f"2010{r:05d}")
        sheet.write_string(r, 1, "一般公共服务支出明细项目")
        for c in range(2, 14):
            sheet.write_number(r, c, r * 0.01 + c)
    book.close()
    with zipfile.ZipFile(path) as package:
        size = package.getinfo("xl/worksheets/sheet1.xml").file_size
    assert size * 5 < sources.MAX_PART_BYTES and size * 10 < sources.MAX_TOTAL_BYTES
    (grid,) = read_grids(path)
    assert len(grid.cells) == 30_000 * 14


# -- structure ----------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("case_id", "fragment"),
    [
        ("sheet-part-missing", "工作表「表3」"),
        ("zero-sheets", "没有任何工作表"),
        ("all-sheets-hidden", "都被隐藏"),
        ("no-content-types", "[Content_Types].xml"),
        ("no-workbook-rels", "关系文件"),
        ("broken-sheet-xml", "工作表「表2」"),
        ("xxe-shared-strings", "DOCTYPE"),
        ("billion-laughs-sheet", "DOCTYPE"),
        ("undefined-entity-in-sheet", "工作表「表2」"),
    ],
)
def test_structure_problems_in_chinese_for_both_engines(
    engine: str, case_id: str, fragment: str, tmp_path: Path
) -> None:
    path = by_id(case_id).build(tmp_path)
    with pytest.raises(InputError) as raised:
        read_grids(path, engine)  # type: ignore[arg-type]
    message = str(raised.value)
    assert fragment in message and f"文件「{path}」" in message
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", message.replace(str(path), ""))


def test_sheet_missing_from_the_zip_is_not_silently_dropped(tmp_path: Path) -> None:
    from workbook_tools.cli import main

    path = by_id("sheet-part-missing").build(tmp_path)
    assert main(["clear", str(path), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert not (tmp_path / "out.xlsx").exists()


def test_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    path = tmp_path / "管道.xlsx"
    os.mkfifo(path)
    done = _child(
        "from workbook_tools.io.sources import read_grids\n"
        "from workbook_tools.errors import InputError\n"
        f"try:\n    read_grids({str(path)!r})\nexcept InputError as e:\n    print(e)",
        timeout=20,
    )
    assert "不是普通文件" in done.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_unreadable_file_for_real(tmp_path: Path) -> None:
    path = tmp_path / "无权限.xlsx"
    path.write_bytes(CHANGJI.read_bytes())
    path.chmod(0)
    with pytest.raises(InputError, match="没有读取"):
        read_grids(path)


def test_unreadable_file_faked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "无权限.xlsx"
    path.write_bytes(CHANGJI.read_bytes())
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: not (mode & os.R_OK))
    with pytest.raises(InputError, match="没有读取"):
        read_grids(path)

    def denied(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "access", lambda p, mode, **kw: True)
    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(InputError, match="没有读取") as raised:
        read_grids(path)
    assert "Permission" not in str(raised.value)


# -- one merge rule -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        EXAMPLES / "changji-2024.xlsx",
        EXAMPLES / "kashgar-2024.xlsx",
        EXAMPLES / "changji-2024-system.xlsx",
    ],
    ids=lambda p: p.name,
)
def test_both_engines_give_identical_grids(path: Path) -> None:
    assert _cells(path, "calamine") == _cells(path, "openpyxl")


def test_value_hidden_under_a_merged_range_is_not_read(tmp_path: Path) -> None:
    path = by_id("hidden-values-under-merge").build(tmp_path)
    calamine, openpyxl = _cells(path, "calamine"), _cells(path, "openpyxl")
    assert calamine == openpyxl
    assert "看不见的值" not in str(calamine["表2"][0].values())
    for cells, merged in calamine.values():
        for r1, c1, r2, c2 in merged:
            inside = [p for p in cells if r1 <= p[0] <= r2 and c1 <= p[1] <= c2]
            assert inside in ([], [(r1, c1)])


def test_extra_sheet_with_stray_cell_is_sparse_for_both_engines(tmp_path: Path) -> None:
    cells = '<row r="2"><c r="B2"><v>7</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = with_extra_sheet(tmp_path, "附注.xlsx", cells)
    for engine in ENGINES:
        grid = next(g for g in read_grids(path, engine) if g.name == "附注")  # type: ignore[arg-type]
        assert grid.cells == {(2, 2): 7, (1048576, 16384): 1}


# -- no library English in the messages ---------------------------------------------------
@pytest.mark.parametrize(
    "module",
    ["io/sources.py", "writers/atomic.py", "writers/package.py", "cli.py"],
)
def test_no_library_exception_text_in_messages(module: str) -> None:
    source = (ROOT / "workbook_tools" / module).read_text(encoding="utf-8")
    assert not re.search(r"\{(exc|err|e)\b[^}]*\}", source)  # {error} in cli is a WbtError
    assert ".strerror" not in source and "type(exc).__name__" not in source
