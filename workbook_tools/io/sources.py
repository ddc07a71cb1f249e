"""Workbook files → neutral grids, through python-calamine (fast) or openpyxl.

Before either library sees a file, ``probe_file`` rejects what cannot be read, with a
Chinese message: a missing file, the old .xls/.et formats, a password-protected (encrypted)
workbook, or anything that is not an xlsx package.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal
from xml.etree import ElementTree

from workbook_tools.errors import InputError
from workbook_tools.io.grid import Grid, Pos

Engine = Literal["calamine", "openpyxl"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def probe_file(path: Path) -> None:
    """Raise ``InputError`` unless ``path`` looks like a readable xlsx/xlsm workbook."""
    if not path.exists():
        raise InputError("文件不存在", file=path)
    if path.is_dir():
        raise InputError("这是一个文件夹，不是工作簿", file=path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputError(
            f"无法打开文件（{exc.strerror}），请确认文件未被占用且有读取权限", file=path
        ) from None
    suffix = path.suffix.lower()
    if head == _OLE_MAGIC:
        if suffix in _XLSX_SUFFIXES:
            raise InputError(
                "工作簿设有打开密码（已加密），请在 Excel/WPS 中取消密码后另存再试", file=path
            )
        raise InputError(
            f"不支持 {suffix or '该'} 格式（旧版 Excel/WPS 格式），请在 Excel/WPS 中另存为 .xlsx 后再试",
            file=path,
        )
    if suffix in {".xls", ".et", ".ett", ".xlt", ".ods", ".csv"}:
        raise InputError(f"不支持 {suffix} 格式，请另存为 .xlsx 后再试", file=path)
    if not head.startswith(_ZIP_MAGIC):
        raise InputError("不是有效的 Excel 工作簿（文件已损坏或不是 .xlsx 文件）", file=path)
    try:
        with zipfile.ZipFile(path) as package:
            if "xl/workbook.xml" not in package.namelist():
                raise InputError("不是 Excel 工作簿（压缩包中没有工作簿内容）", file=path)
    except zipfile.BadZipFile:
        raise InputError("工作簿已损坏，无法解压读取", file=path) from None


def read_grids(path: str | Path, engine: Engine = "calamine") -> list[Grid]:
    path = Path(path)
    probe_file(path)
    grids = _calamine_grids(path) if engine == "calamine" else _openpyxl_grids(path)
    special = special_cells(path)
    for grid in grids:
        found = special.get(grid.name, SpecialCells())
        grid.formulas_without_value = found.formulas
        for pos, text in found.errors.items():
            grid.cells.setdefault(pos, text)  # python-calamine reads error values as blank
    return grids


def _calamine_grids(path: Path) -> list[Grid]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        grids = []
        for meta in workbook.sheets_metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet":
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            grid = Grid(meta.name, hidden=str(meta.visible) != "SheetVisibleEnum.Visible")
            if sheet.start is not None:
                row0, col0 = sheet.start
                for r, values in enumerate(sheet.to_python(), start=row0 + 1):
                    for c, value in enumerate(values, start=col0 + 1):
                        if value != "" and value is not None:
                            grid.cells[(r, c)] = value
            for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []:
                grid.merged.append((r1 + 1, c1 + 1, r2 + 1, c2 + 1))
            grids.append(grid)
        workbook.close()
    except CalamineError as exc:
        raise InputError(f"工作簿已损坏，无法读取（{exc}）", file=path) from None
    return grids


def _openpyxl_grids(path: Path) -> list[Grid]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for broken packages
        raise InputError(
            f"工作簿已损坏，无法读取（{type(exc).__name__}: {exc}）", file=path
        ) from None
    grids = []
    for sheet in workbook.worksheets:
        grid = Grid(sheet.title, hidden=sheet.sheet_state != "visible")
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if value is not None and value != "":
                    grid.cells[(cell.row, cell.column)] = value
        for rng in sheet.merged_cells.ranges:
            grid.merged.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
        grids.append(grid)
    workbook.close()
    return grids


@dataclass
class SpecialCells:
    """Cells a reader library does not report faithfully."""

    formulas: dict[Pos, str] = field(default_factory=dict)  # formula without cached value
    errors: dict[Pos, str] = field(default_factory=dict)  # error value such as "#DIV/0!"


def special_cells(path: Path) -> dict[str, SpecialCells]:
    """Per sheet name, formula cells without a cached value (``<f>`` without ``<v>``) and
    cells holding an error value (``t="e"``).

    Both libraries read the former as blank, python-calamine also the latter, so the
    package is scanned directly; sheets with neither are skipped after a byte search.
    """
    found: dict[str, SpecialCells] = {}
    try:
        with zipfile.ZipFile(path) as package:
            for name, part in _sheet_parts(package).items():
                try:
                    data = package.read(part)
                except KeyError:
                    continue
                if b"<f" not in data and b":f" not in data and b't="e"' not in data:
                    continue
                cells = _special_cells(data)
                if cells.formulas or cells.errors:
                    found[name] = cells
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, zlib.error, EOFError):
        raise InputError("工作簿已损坏，无法读取", file=path) from None
    return found


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_NS_PKG_REL}Relationship")
    }
    parts = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[sheet.get("name", "")] = path
    return parts


def _special_cells(data: bytes) -> SpecialCells:
    found = SpecialCells()
    for cell in ElementTree.fromstring(data).iter(f"{_NS_MAIN}c"):
        pos = _position(cell.get("r", ""))
        if pos is None:
            continue
        formula = cell.find(f"{_NS_MAIN}f")
        value = cell.find(f"{_NS_MAIN}v")
        if cell.get("t") == "e" and value is not None and value.text:
            found.errors[pos] = value.text
        elif formula is not None and (value is None or not (value.text or cell.get("t") == "str")):
            found.formulas[pos] = "=" + (formula.text or "")
    return found


def _position(ref: str) -> Pos | None:
    """``"E10"`` → ``(10, 5)``."""
    match = _CELL_REF.match(ref)
    if not match:
        return None
    col = 0
    for letter in match.group(1):
        col = col * 26 + ord(letter) - 64
    return (int(match.group(2)), col)
