"""Workbook files → neutral grids, through python-calamine (fast) or openpyxl.

Every read starts with ``probe_file``'s checks, so that neither library ever sees a file it
could hang on, crash on or answer in English:

* only a regular, readable file is opened (not a folder, FIFO, device or symlink loop), and
  it is read once into memory (at most ``MAX_FILE_BYTES``);
* the format is told by the content, never by the suffix: an OOXML package (.xlsx/.xlsm,
  also when renamed), .xlsb, OpenDocument (.ods), or an OLE container — either an
  encrypted OOXML package (``EncryptedPackage`` stream: 设有打开密码) or a legacy BIFF
  workbook (.xls and WPS .et/.ett), which python-calamine reads;
* every zip member is decompressed through a bounded stream (the header sizes are not
  trusted): above ``MAX_PART_BYTES`` for one part, ``MAX_TOTAL_BYTES`` in all or
  ``MAX_PARTS`` members the file is refused as a zip bomb;
* XML with a ``<!DOCTYPE``/``<!ENTITY`` (entity expansion, XXE) is refused before any parser
  sees it; a package without ``[Content_Types].xml``, workbook relationships, or with a
  sheet whose part is missing, is refused naming the sheet;
* the value cells of each sheet part are located with a byte scan of their references: a
  sheet whose value cells span more than ``DENSE_CELL_LIMIT`` cells (one stray value at
  XFD1048576 makes python-calamine allocate half a terabyte and abort) is read here,
  sparsely, instead of by the library (so are sheets openpyxl cannot parse or would be
  very slow on: NaN/INF numbers, hundreds of thousands of formatted empty rows).

Both engines give identical grids: only the top-left cell of a merged range has a value
(what the user sees), numbers that are not finite (NaN, INF, 1e999) become the text
``#NUM!``, formulas without a cached value and error values come from the package itself.
"""

from __future__ import annotations

import io
import math
import os
import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Literal
from xml.etree import ElementTree
from xml.parsers import expat

from workbook_tools.errors import InputError
from workbook_tools.io.grid import Grid, Pos, Range

Engine = Literal["calamine", "openpyxl"]
Kind = Literal["xlsx", "xlsm", "xlsb", "ods", "xls"]

# -- limits (a 30,000-row sheet is a few tens of MB of XML: far below all of them) --------
MAX_FILE_BYTES = 256 * 2**20  # the file on disk
MAX_PART_BYTES = 256 * 2**20  # one decompressed zip member
MAX_TOTAL_BYTES = 512 * 2**20  # all decompressed members together
MAX_PARTS = 20_000  # members of one package
DENSE_CELL_LIMIT = 8_000_000  # value-cell bounding box a library may allocate densely (> ZZ9999)
SLOW_PART_BYTES = 8 * 2**20  # openpyxl: a larger sheet part that is mostly empty is read here
_CHUNK = 1 << 20

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_NUM_ERROR = "#NUM!"  # what a non-finite number is shown as
_KEEP_SUFFIXES = (".xml", ".rels", ".bin", ".vml")  # members kept in memory after the scan

# a value cell: a <c …> element that is not self-closing (``<c r="A1" s="2"/>`` is only format)
_VALUE_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="\$?([A-Z]{1,3})\$?([0-9]{1,7})"[^>]*(?<!/)>')
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_REF = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="([0-9]{1,7})"[^>]*(?<!/)>')
_NON_FINITE = re.compile(rb"<(?:\w+:)?v>\s*[+-]?(?:nan|inf)", re.IGNORECASE)
_DTD = (b"<!doctype", b"<!entity")


# -- what a file is -----------------------------------------------------------------------
@dataclass(frozen=True)
class Probe:
    """What ``probe_file`` found: the format by content, and how to tell the user."""

    kind: Kind
    note: str = ""  # e.g. "这是旧版 .xls 文件"; empty for .xlsx/.xlsm

    @property
    def legacy(self) -> bool:
        """Not an OOXML package: write commands write an .xlsx copy instead."""
        return self.kind not in ("xlsx", "xlsm")


@dataclass
class _Sheet:
    name: str
    state: str  # visible | hidden | veryHidden
    part: str
    worksheet: bool  # False for chart sheets, dialog sheets …


@dataclass
class _Package:
    """An OOXML package after the bounded scan: its members (XML kept in memory)."""

    raw: bytes
    names: list[str]
    parts: dict[str, bytes]
    sheets: list[_Sheet] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # XML parts that are not well-formed


def probe_file(path: str | Path) -> Probe:
    """Raise ``InputError`` unless ``path`` is a workbook this tool can read.

    Runs every check a read runs — the file, the format, the zip limits, the package
    structure, and a read of every sheet — so a command that passes the probe does not
    fail later on the file itself. A success is remembered for the unchanged file (same
    inode, size and times), so the several probes of one command cost one read.
    """
    path = Path(path)
    key = _probe_key(path)
    if key is not None and key in _PROBED:
        return _PROBED[key]
    raw = _read_file(path)
    probe = probe_bytes(path, raw)
    if key is not None:
        if len(_PROBED) > 16:
            _PROBED.clear()
        _PROBED[key] = probe
    return probe


_PROBED: dict[tuple[object, ...], Probe] = {}


def _probe_key(path: Path) -> tuple[object, ...] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    real = os.path.realpath(path)
    return (real, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def read_bytes(path: str | Path) -> bytes:
    """The whole file, after the checks on what it is (regular, readable, not too large)."""
    return _read_file(Path(path))


def probe_bytes(path: str | Path, raw: bytes) -> Probe:
    """``probe_file`` on bytes already read from ``path`` (the file is not read again)."""
    path = Path(path)
    probe, _ = _identify(path, raw)
    _grids(path, raw, "calamine")  # every sheet readable: what a read would raise, now
    return probe


def grids_from_bytes(path: str | Path, raw: bytes, engine: Engine = "calamine") -> list[Grid]:
    """``read_grids`` on bytes already read from ``path``."""
    return _grids(Path(path), raw, engine)


def read_grids(path: str | Path, engine: Engine = "calamine") -> list[Grid]:
    """Every worksheet of ``path`` as a ``Grid`` (hidden sheets too, flagged)."""
    path = Path(path)
    return _grids(path, _read_file(path), engine)


def merged_ranges(path: str | Path) -> dict[str, list[Range]] | None:
    """The merged ranges of every worksheet of a saved .xlsx/.xlsm, from one pass over its
    package (no cell is read); None for formats whose merged ranges are not in a package
    part (.xls, .xlsb, .ods …). What the add-in uses instead of searching the open
    workbook cell block by cell block, when the open workbook is unchanged since saved."""
    path = Path(path)
    _, package = _identify(path, _read_file(path))
    if package is None:
        return None
    found: dict[str, list[Range]] = {}
    for sheet in package.sheets:
        data = package.parts.get(sheet.part, b"") if sheet.worksheet else b""
        if _PREFIXED.search(data):
            return None  # namespace-prefixed elements: not found by the byte scan
        found[sheet.name] = [
            rng for ref in _MERGE_REF.findall(data) if (rng := _range(ref.decode())) is not None
        ]
    return found


def _grids(path: Path, raw: bytes, engine: Engine) -> list[Grid]:
    probe, package = _identify(path, raw)
    if package is None:  # .xls/.et/.xlsb/.ods: python-calamine reads them all
        return [_normalised(g) for g in _calamine_grids(path, raw, probe)]
    sparse = _sheets_to_read_here(package, engine)
    data = _stubbed(package, sparse) if sparse else raw
    if engine == "calamine":
        grids = _calamine_grids(path, data, probe, package)
    else:
        grids = _openpyxl_grids(path, data, package)
    if sparse:
        strings, dates = _shared_strings(path, package), _date_styles(package)
        here = {
            sheet.name: _read_sheet_here(path, sheet, package, strings, dates)
            for sheet in package.sheets
            if sheet.name in sparse
        }
        for grid in grids:
            if grid.name in here:
                grid.cells, grid.merged = here[grid.name]
    states = {sheet.name: sheet.state for sheet in package.sheets}
    special = _special_cells(path, package)
    for grid in grids:
        grid.hidden = states.get(grid.name, "hidden" if grid.hidden else "visible") != "visible"
        found = special.get(grid.name, SpecialCells())
        grid.formulas_without_value = found.formulas
        for pos, text in found.errors.items():
            grid.cells[pos] = text  # python-calamine reads error values as blank
        _normalised(grid)
    ordered = grids
    return ordered


def _normalised(grid: Grid) -> Grid:
    """One rule for both engines: only the top-left cell of a merged range has a value;
    numbers that are not finite read as ``#NUM!``."""
    for r1, c1, r2, c2 in grid.merged:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 64:  # large ranges: walk the cells, not the area
            hidden = [
                p for p in grid.cells if r1 <= p[0] <= r2 and c1 <= p[1] <= c2 and p != (r1, c1)
            ]
        else:
            hidden = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)][1:]
        for pos in hidden:
            grid.cells.pop(pos, None)
    for pos in [p for p, v in grid.cells.items() if v.__class__ is float and v - v != 0.0]:
        grid.cells[pos] = _NUM_ERROR  # v - v is NaN for NaN and ±infinity
    return grid


# -- the file -----------------------------------------------------------------------------
def _read_file(path: Path) -> bytes:
    """The bytes of a regular, readable file; everything else is refused in Chinese."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(
                "这是一个失效的快捷方式（符号链接指向的文件不存在）", file=path
            ) from None
        raise InputError("文件不存在", file=path) from None
    except OSError as exc:
        raise InputError(_stat_problem(exc), file=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("这是一个文件夹，不是工作簿", file=path)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            "这不是普通文件（可能是管道、设备或套接字），不能作为工作簿读取", file=path
        )
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(_too_large(), file=path)
    if not os.access(path, os.R_OK):
        raise InputError("没有读取该文件的权限，请检查文件权限后再试", file=path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError(_open_problem(exc), file=path) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between stat and open
            raise InputError("这不是普通文件，不能作为工作簿读取", file=path)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(_open_problem(exc), file=path) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(_too_large(), file=path)
    return raw


def _stat_problem(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ELOOP:
        return "无法打开：快捷方式（符号链接）循环指向自身"
    if exc.errno == errno.ENAMETOOLONG:
        return "文件路径过长，无法打开"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有读取该文件（或其所在文件夹）的权限，请检查权限后再试"
    if exc.errno == errno.ENOTDIR:
        return "文件不存在（路径中的某一级不是文件夹）"
    return "无法打开文件，请确认文件存在且有读取权限"


def _open_problem(exc: OSError) -> str:
    import errno

    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有读取该文件的权限，请检查文件权限后再试"
    if exc.errno == errno.EISDIR:
        return "这是一个文件夹，不是工作簿"
    return "无法读取文件，请确认文件未被占用且有读取权限"


def _too_large() -> str:
    return (
        "工作簿过大或已损坏（解压后超过本工具允许的大小，可能是压缩炸弹），拒绝读取；"
        "如确为正常工作簿，请删除多余的内容后另存再试"
    )


def _damaged(detail: str = "") -> str:
    return (
        "工作簿已损坏，无法读取"
        + (f"（{detail}）" if detail else "")
        + "；请在 Excel/WPS 中打开后另存再试"
    )


# -- the format, by content ---------------------------------------------------------------
def _identify(path: Path, raw: bytes) -> tuple[Probe, _Package | None]:
    suffix = path.suffix.lower()
    if not raw:
        raise InputError("不是有效的 Excel 工作簿（文件是空的，0 字节）", file=path)
    if raw.startswith(_OLE_MAGIC):
        return _identify_ole(path, raw, suffix), None
    if raw.startswith(_ZIP_MAGICS):
        return _identify_zip(path, raw)
    raise InputError(f"不是有效的 Excel 工作簿（{_what_else(raw)}）", file=path)


def _what_else(raw: bytes) -> str:
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "这是 PDF 文件，只是改了扩展名；请使用原始的 Excel/WPS 工作簿"
    if head.startswith((b"\x89png", b"\xff\xd8\xff", b"gif8", b"bm")):
        return "这是图片文件，只是改了扩展名；请使用原始的 Excel/WPS 工作簿"
    if head.startswith(b"{\\rtf"):
        return "这是 RTF 文档，不是工作簿"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in raw[:4096]:
        return "这是 Excel 2003 XML 表格，请在 Excel/WPS 中打开后另存为 .xlsx 再试"
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta")):
        return "这是网页（HTML/XML）文件，只是改了扩展名；请在 Excel/WPS 中打开后另存为 .xlsx 再试"
    if _looks_like_text(raw[:4096]):
        return "这是文本文件（如 CSV），请在 Excel/WPS 中打开后另存为 .xlsx 再试"
    return "文件已损坏或不是 .xlsx 文件"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # cut inside a character at the end of the sample
                return True
    return False


def _identify_ole(path: Path, raw: bytes, suffix: str) -> Probe:
    """An OLE compound file: encrypted OOXML, a legacy BIFF workbook, or something else."""
    if "EncryptedPackage".encode("utf-16-le") in raw:
        raise InputError(
            "工作簿设有打开密码（已加密），请在 Excel/WPS 中取消密码后另存再试", file=path
        )
    names = [n.encode("utf-16-le") for n in ("Workbook", "Book", "WORKBOOK", "BOOK")]
    if any(name in raw for name in names):
        label = suffix if suffix in (".et", ".ett", ".xlt") else ".xls"
        note = (
            "这是 WPS 表格文件（旧版 .xls 格式）"
            if label in (".et", ".ett")
            else "这是旧版 .xls 文件"
        )
        return Probe("xls", note)
    if "WordDocument".encode("utf-16-le") in raw:
        raise InputError("不是 Excel 工作簿（这是 Word 文档）", file=path)
    if suffix in (".xlsx", ".xlsm"):
        raise InputError(
            "无法读取：工作簿可能设有打开密码（已加密）或已损坏；如设有密码，"
            "请在 Excel/WPS 中取消密码后另存再试",
            file=path,
        )
    shown = suffix or "旧版"
    raise InputError(
        f"无法读取：文件是旧版 Excel/WPS 格式的容器，但其中没有可读取的工作表（已损坏或不完整），"
        f"不支持 {shown} 格式的此类文件；请在 Excel/WPS 中打开后另存为 .xlsx 再试",
        file=path,
    )


def _identify_zip(path: Path, raw: bytes) -> tuple[Probe, _Package | None]:
    package = _scan_zip(path, raw)
    names = set(package.names)
    mimetype = package.parts.get("mimetype", b"")
    if mimetype.startswith(_ODS_MIME):
        return Probe("ods", "这是 OpenDocument 表格（.ods）文件"), None
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise InputError("不是 Excel 工作簿（这是 OpenDocument 文字或演示文档）", file=path)
    workbook = _workbook_part(package)
    if workbook is None:
        if "word/document.xml" in names:
            raise InputError("不是 Excel 工作簿（这是 Word 文档，只是改了扩展名）", file=path)
        if any(n.startswith("ppt/") for n in names):
            raise InputError("不是 Excel 工作簿（这是 PowerPoint 演示文稿）", file=path)
        raise InputError("不是 Excel 工作簿（压缩包中没有工作簿内容）", file=path)
    if workbook.endswith(".bin"):
        return Probe("xlsb", "这是 Excel 二进制工作簿（.xlsb）文件"), None
    _check_structure(path, package, workbook)
    macros = "xl/vbaProject.bin" in names or b"macroEnabled" in package.parts.get(
        "[Content_Types].xml", b""
    )
    return Probe("xlsm" if macros else "xlsx"), package


def _scan_zip(path: Path, raw: bytes) -> _Package:
    """Decompress every member through a bounded stream; keep the XML parts."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise InputError(_damaged("无法解压"), file=path) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise InputError(_too_large(), file=path)
        parts: dict[str, bytes] = {}
        broken: list[str] = []
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise InputError(_damaged("压缩包设有密码"), file=path)
            keep = info.filename.lower().endswith(_KEEP_SUFFIXES) or info.filename in (
                "mimetype",
                "[Content_Types].xml",
            )
            chunks: list[bytes] = []
            size = 0
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                            raise InputError(_too_large(), file=path)
                        if keep:
                            chunks.append(chunk)
            except InputError:
                raise
            except (
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                OSError,
                ValueError,
                NotImplementedError,
                RuntimeError,
            ):
                raise InputError(_damaged("压缩数据损坏，无法解压"), file=path) from None
            if keep:
                data = b"".join(chunks)
                if _has_dtd(data):
                    raise InputError(
                        "工作簿含有不允许的 XML 文档类型声明（DOCTYPE/实体定义），"
                        "可能是被篡改的恶意文件，拒绝读取",
                        file=path,
                    )
                parts[info.filename] = data
                if info.filename.lower().endswith((".xml", ".rels")) and not _well_formed(data):
                    broken.append(info.filename)
    return _Package(raw, [i.filename for i in infos], parts, broken=broken)


def _well_formed(data: bytes) -> bool:
    """One pass of expat without handlers (fast, C): is the part well-formed XML?"""
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return False
    return True


def _has_dtd(data: bytes) -> bool:
    head = data.lower()
    if any(mark in head for mark in _DTD):
        return True
    if (
        data.startswith((b"\xff\xfe", b"\xfe\xff"))
        or b"\x00<\x00" in data[:64]
        or b"<\x00?\x00" in data[:64]
    ):
        for encoding in ("utf-16-le", "utf-16-be"):
            for mark in ("<!doctype", "<!entity", "<!DOCTYPE", "<!ENTITY"):
                if mark.encode(encoding) in data:
                    return True
    return False


def _workbook_part(package: _Package) -> str | None:
    """The workbook part named by the package relationships (or the usual name)."""
    rels = package.parts.get("_rels/.rels")
    if rels is not None:
        try:
            root = ElementTree.fromstring(rels)
        except ElementTree.ParseError:
            root = None
        for rel in root.iter(f"{_NS_PKG_REL}Relationship") if root is not None else []:
            if rel.get("Type", "").endswith("/officeDocument"):
                target = _resolve("", rel.get("Target", ""))
                if target in package.names:
                    return target
    for candidate in ("xl/workbook.xml", "xl/workbook.bin"):
        if candidate in package.names:
            return candidate
    return None


def _resolve(base: str, target: str) -> str:
    """A relationship target relative to the folder ``base`` (``xl`` for the workbook)."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    joined = (
        posixpath.normpath(posixpath.join(base, target)) if base else posixpath.normpath(target)
    )
    return joined.lstrip("/").removeprefix("../")


def _part_label(part: str) -> str:
    name = PurePosixPath(part).name
    labels = {
        "[Content_Types].xml": "内容类型清单 [Content_Types].xml",
        "workbook.xml": "工作簿目录（workbook.xml）",
        "sharedStrings.xml": "共享字符串部件",
        "styles.xml": "样式部件",
    }
    if name in labels:
        return labels[name]
    if name.endswith(".rels"):
        return f"关系文件 {part}"
    return f"部件 {part}"


def _check_structure(path: Path, package: _Package, workbook: str) -> None:
    """The parts a workbook needs, and one worksheet part for every sheet listed."""
    if "[Content_Types].xml" not in package.parts:
        raise InputError(_damaged("压缩包中缺少内容类型清单 [Content_Types].xml"), file=path)
    if "_rels/.rels" not in package.parts:
        raise InputError(_damaged("压缩包中缺少包关系文件 _rels/.rels"), file=path)
    for part in package.broken:
        if not part.startswith("xl/worksheets/"):
            raise InputError(_damaged(f"{_part_label(part)}格式错误"), file=path)
    folder = str(PurePosixPath(workbook).parent)
    rels_name = f"{folder}/_rels/{PurePosixPath(workbook).name}.rels"
    if rels_name not in package.parts:
        raise InputError(_damaged(f"缺少工作簿关系文件 {rels_name}"), file=path)
    try:
        book = ElementTree.fromstring(package.parts[workbook])
        rels = ElementTree.fromstring(package.parts[rels_name])
    except ElementTree.ParseError:
        raise InputError(_damaged("工作簿目录（workbook.xml）格式错误"), file=path) from None
    targets: dict[str, tuple[str, str]] = {}
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        targets[rel.get("Id", "")] = (rel.get("Type", ""), _resolve(folder, rel.get("Target", "")))
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if (
            kind in ("sharedStrings", "styles")
            and targets[rel.get("Id", "")][1] not in package.parts
        ):
            label = "共享字符串" if kind == "sharedStrings" else "样式"
            raise InputError(_damaged(f"缺少{label}部件"), file=path)
    for element in book.iter(f"{_NS_MAIN}sheet"):
        name = element.get("name", "")
        rel_type, part = targets.get(element.get(f"{_NS_REL}id", ""), ("", ""))
        if not part or part not in package.names:
            raise InputError(
                "工作表的内容不在文件中（文件不完整或已损坏），请在 Excel/WPS 中打开后另存再试",
                file=path,
                sheet=name,
            )
        if part in package.broken:
            raise InputError(_damaged("工作表内容格式错误"), file=path, sheet=name)
        worksheet = rel_type.endswith("/worksheet")
        package.sheets.append(_Sheet(name, element.get("state", "visible"), part, worksheet))
    if not package.sheets:
        raise InputError("工作簿中没有任何工作表", file=path)
    if all(sheet.state != "visible" for sheet in package.sheets):
        raise InputError(
            "工作簿中的所有工作表都被隐藏（Excel/WPS 要求至少一张可见的工作表，文件可能已损坏）；"
            "请在 Excel/WPS 中取消隐藏后另存再试",
            file=path,
        )


# -- which sheets are read here -----------------------------------------------------------
def _sheets_to_read_here(package: _Package, engine: Engine) -> set[str]:
    found = set()
    for sheet in package.sheets:
        if not sheet.worksheet:
            continue
        data = package.parts.get(sheet.part, b"")
        far = _FAR_REF.search(data) is not None or _unreferenced_cells(data)
        rows, cols, _ = value_cell_bounds(data) if far and not _box_is_small(data) else (0, 0, 0)
        if rows * cols > DENSE_CELL_LIMIT or (
            engine == "openpyxl"
            and (
                _NON_FINITE.search(data) is not None
                or (len(data) > SLOW_PART_BYTES and value_cell_bounds(data)[2] * 400 < len(data))
            )
        ):
            found.add(sheet.name)
    return found


def _unreferenced_cells(data: bytes) -> bool:
    """Whether some ``<c>`` has no ``r="…"`` (cheap counts first, the regexes if unsure)."""
    plain = data.count(b"<c ") + data.count(b"<c>")
    if plain == data.count(b'<c r="'):
        return False
    return len(_ANY_CELL.findall(data)) > len(_ALL_REFS.findall(data))


def value_cell_bounds(data: bytes) -> tuple[int, int, int]:
    """(last row, last column, number) of the value cells of a sheet part, from a byte scan.

    A cell without a reference (allowed by the format) makes the bound unknowable cheaply:
    then the last row holding anything and the widest possible column are assumed.
    """
    refs = _VALUE_CELL.findall(data)
    max_row = max((int(row) for _, row in refs), default=0)
    max_col = 0
    for letters in {letters for letters, _ in refs}:
        col = 0
        for letter in letters:
            col = col * 26 + letter - 64
        max_col = max(max_col, col)
    if _unreferenced_cells(data):
        rows = [int(r) for r in _ROW_REF.findall(data)]
        max_row = max([max_row, *rows, len(rows)])
        max_col = 16384
    return max_row, max_col, len(refs)


def _box_is_small(data: bytes) -> bool:
    """Whether the cells' bounding box is surely within ``DENSE_CELL_LIMIT``, from a few
    searches (no match objects for the usual sheet): the widest column letters present and
    the most row digits present give an upper bound of the box."""
    if _unreferenced_cells(data) or _REF_3_LETTERS.search(data):
        return False
    cols = 26
    if _REF_2_LETTERS.search(data):
        cols = max(_column_number(letters) for letters in _REF_2_LETTERS.findall(data))
    for digits, pattern in _REF_DIGITS:
        if pattern.search(data):
            return (10**digits - 1) * cols <= DENSE_CELL_LIMIT
    return 9999 * cols <= DENSE_CELL_LIMIT


def _column_number(letters: bytes) -> int:
    col = 0
    for letter in letters:
        col = col * 26 + letter - 64
    return col


# literal-prefixed (fast) and wider than cell references: a false hit only costs the exact scan
_REF_3_LETTERS = re.compile(rb'r="\$?[A-Z]{3}\$?[0-9]')
_REF_2_LETTERS = re.compile(rb'r="\$?([A-Z]{2})\$?[0-9]')
_REF_DIGITS = [(n, re.compile(rb'r="\$?[A-Z]{1,3}\$?[0-9]{%d}"' % n)) for n in (7, 6, 5)]
_ALL_REFS = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="')
# a reference beyond column ZZ or row 9999: only then is the exact bounding box computed
_FAR_REF = re.compile(rb'r="\$?(?:[A-Z]{3}|[A-Z]{1,2}\$?[0-9]{5})')


def _stubbed(package: _Package, sparse: set[str]) -> bytes:
    """The package with the sheets read here replaced by empty sheets, for the library."""
    stub = f'<worksheet xmlns="{_NS_MAIN[1:-1]}"><sheetData/></worksheet>'.encode()
    parts = {s.part for s in package.sheets if s.name in sparse}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package.raw)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            if info.is_dir():
                continue
            data = stub if info.filename in parts else package.parts.get(info.filename)
            if data is None:
                data = source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


# -- the engines --------------------------------------------------------------------------
def _calamine_grids(
    path: Path, data: bytes, probe: Probe, package: _Package | None = None
) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # CalamineError, ValueError … all mean: not readable
        raise _library_failure(path, probe, package, exc) from None
    grids = []
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet":
                continue
            try:
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
            except InputError:
                raise
            except Exception as exc:
                raise _library_failure(path, probe, package, exc, meta.name) from None
            grids.append(grid)
    finally:
        workbook.close()
    return grids


def _openpyxl_grids(path: Path, data: bytes, package: _Package) -> list[Grid]:
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for broken packages
        raise _library_failure(path, Probe("xlsx"), package, exc) from None
    grids = []
    for sheet in workbook.worksheets:
        grid = Grid(sheet.title, hidden=sheet.sheet_state != "visible")
        for (row, col), cell in sheet._cells.items():
            value = cell.value
            if value is not None and value != "":
                grid.cells[(row, col)] = value
        for rng in sheet.merged_cells.ranges:
            grid.merged.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
        grids.append(grid)
    workbook.close()
    return grids


def _library_failure(
    path: Path, probe: Probe, package: _Package | None, exc: Exception, sheet: str | None = None
) -> InputError:
    """A Chinese error for whatever a library raised; the library's text stays out of it."""
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return InputError(
            "工作簿设有打开密码（已加密），请在 Excel/WPS 中取消密码后另存再试", file=path
        )
    if package is not None and sheet is None:
        sheet = _broken_sheet(package)
    if sheet is not None:
        return InputError(_damaged("工作表内容格式错误"), file=path, sheet=sheet)
    if probe.legacy:
        return InputError(_damaged(f"{probe.note}，但内容无法识别"), file=path)
    return InputError(_damaged(), file=path)


def _broken_sheet(package: _Package) -> str | None:
    """The first sheet whose XML is not well-formed (to name it in the message)."""
    for sheet in package.sheets:
        try:
            for _ in ElementTree.iterparse(io.BytesIO(package.parts.get(sheet.part, b""))):
                pass
        except ElementTree.ParseError:
            return sheet.name
    return None


# -- reading a sheet here (sparse) --------------------------------------------------------
def _shared_strings(path: Path, package: _Package) -> list[str]:
    data = next((d for n, d in package.parts.items() if n.endswith("sharedStrings.xml")), None)
    if data is None:
        return []
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise InputError(_damaged("共享字符串部件格式错误"), file=path) from None
    return [_rich_text(si) for si in root.iter(f"{_NS_MAIN}si")]


def _rich_text(element: ElementTree.Element) -> str:
    """The text of an ``<si>``/``<is>``: its ``<t>`` and runs' ``<t>``, not phonetic ``<rPh>``."""
    texts = []
    for child in element:
        if child.tag == f"{_NS_MAIN}t":
            texts.append(child.text or "")
        elif child.tag == f"{_NS_MAIN}r":
            texts.extend(t.text or "" for t in child.iter(f"{_NS_MAIN}t"))
    return "".join(texts)


def _date_styles(package: _Package) -> set[int]:
    """Indexes of the cell formats that show numbers as dates."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    data = package.parts.get("xl/styles.xml")
    if data is None:
        return set()
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return set()
    custom = {
        int(f.get("numFmtId", "0")): f.get("formatCode", "")
        for f in root.iter(f"{_NS_MAIN}numFmt")
        if (f.get("numFmtId") or "").isdigit()
    }
    found = set()
    xfs = root.find(f"{_NS_MAIN}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else []):
        fmt_id = int(xf.get("numFmtId", "0")) if (xf.get("numFmtId") or "0").isdigit() else 0
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, "General"))
        if fmt_id in range(14, 23) or fmt_id in range(45, 48) or is_date_format(code):
            found.add(index)
    return found


def _read_sheet_here(
    path: Path, sheet: _Sheet, package: _Package, strings: list[str], dates: set[int]
) -> tuple[dict[Pos, object], list[Range]]:
    """A sheet's value cells and merged ranges, without any dense range.

    The part is well-formed (checked by the scan), so its value cells — ``<c>`` elements
    that are not self-closing and cannot nest — are found with a byte scan and only those
    are parsed: a million formatted empty rows cost one regex pass. Cells without a
    reference, namespace prefixes or CDATA take the full streaming parse instead.
    """
    data = package.parts.get(sheet.part, b"")
    if b"<![CDATA[" in data or _unreferenced_cells(data) or _PREFIXED.search(data):
        return _stream_sheet(path, sheet, data, strings, dates)
    cells: dict[Pos, object] = {}
    head = b'<c xmlns="' + _NS_MAIN[1:-1].encode() + b'"'
    try:
        for match in _VALUE_CELL_XML.finditer(data):
            element = ElementTree.fromstring(head + match.group(0)[2:])
            pos = _position(element.get("r", ""))
            if pos is None:
                continue
            value = _cell_value(element, strings, dates)
            if value is not None and value != "":
                cells[pos] = value
    except ElementTree.ParseError:
        raise InputError(_damaged("工作表内容格式错误"), file=path, sheet=sheet.name) from None
    merged = [rng for ref in _MERGE_REF.findall(data) if (rng := _range(ref.decode())) is not None]
    return cells, merged


_VALUE_CELL_XML = re.compile(rb"<c\s[^>]*(?<!/)>.*?</c>", re.S)
_MERGE_REF = re.compile(rb'<mergeCell\s[^>]*?\bref="([^"]+)"')
_PREFIXED = re.compile(rb"<\w+:(?:c|row|sheetData|mergeCell)[\s>]")


def _stream_sheet(
    path: Path, sheet: _Sheet, data: bytes, strings: list[str], dates: set[int]
) -> tuple[dict[Pos, object], list[Range]]:
    cells: dict[Pos, object] = {}
    merged: list[Range] = []
    row, col = 0, 0
    parent: ElementTree.Element | None = None
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(data), events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_NS_MAIN}sheetData":
                    parent = element
                elif tag == f"{_NS_MAIN}row":
                    ref = element.get("r", "")
                    row, col = (int(ref) if ref.isdigit() else row + 1), 0
                continue
            if tag == f"{_NS_MAIN}c":
                pos = _position(element.get("r", "")) or (row, col + 1)
                row, col = pos
                value = _cell_value(element, strings, dates)
                if value is not None and value != "":
                    cells[pos] = value
            elif tag == f"{_NS_MAIN}row" and parent is not None:
                parent.clear()  # rows are done with: keep memory flat on huge sheets
            elif tag == f"{_NS_MAIN}mergeCell":
                rng = _range(element.get("ref", ""))
                if rng is not None:
                    merged.append(rng)
    except ElementTree.ParseError:
        raise InputError(_damaged("工作表内容格式错误"), file=path, sheet=sheet.name) from None
    return cells, merged


def _cell_value(element: ElementTree.Element, strings: list[str], dates: set[int]) -> object:
    kind = element.get("t", "n")
    if kind == "inlineStr":
        inline = element.find(f"{_NS_MAIN}is")
        return _rich_text(inline) if inline is not None else None
    node = element.find(f"{_NS_MAIN}v")
    text = node.text if node is not None else None
    if text is None:
        return None
    if kind == "s":
        index = int(text) if text.strip().isdigit() else -1
        return strings[index] if 0 <= index < len(strings) else None
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "d":
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:
            return text
    try:
        number = float(text)
    except ValueError:
        return text
    style = element.get("s", "0")
    if math.isfinite(number) and style.isdigit() and int(style) in dates:
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(number)
        except (ValueError, OverflowError):
            return number
    return number


def _range(ref: str) -> Range | None:
    first, _, last = ref.partition(":")
    start, end = _position(first), _position(last or first)
    if start is None or end is None:
        return None
    return (
        min(start[0], end[0]),
        min(start[1], end[1]),
        max(start[0], end[0]),
        max(start[1], end[1]),
    )


# -- cells the libraries do not report faithfully -----------------------------------------
@dataclass
class SpecialCells:
    """Cells a reader library does not report faithfully."""

    formulas: dict[Pos, str] = field(default_factory=dict)  # formula without cached value
    errors: dict[Pos, str] = field(default_factory=dict)  # error value such as "#DIV/0!"


def special_cells(path: str | Path) -> dict[str, SpecialCells]:
    """Per sheet name, formula cells without a cached value (``<f>`` without ``<v>``) and
    cells holding an error value (``t="e"``).

    Both libraries read the former as blank, python-calamine also the latter, so the
    package is scanned directly; a sheet is parsed only when its bytes hold a formula or
    error marker. Non-OOXML workbooks (.xls, .ods …) have none to report.
    """
    path = Path(path)
    _, package = _identify(path, _read_file(path))
    return {} if package is None else _special_cells(path, package)


def _special_cells(path: Path, package: _Package) -> dict[str, SpecialCells]:
    found: dict[str, SpecialCells] = {}
    for sheet in package.sheets:
        data = package.parts.get(sheet.part, b"")
        if not sheet.worksheet or not _may_be_special(data):
            continue
        try:
            cells = _special_in(data)
        except ElementTree.ParseError:
            raise InputError(_damaged("工作表内容格式错误"), file=path, sheet=sheet.name) from None
        if cells.formulas or cells.errors:
            found[sheet.name] = cells
    return found


def _may_be_special(data: bytes) -> bool:
    return b"<f" in data or b":f" in data or b't="e"' in data or b"t='e'" in data


def _special_in(data: bytes) -> SpecialCells:
    found = SpecialCells()
    for cell in _iter_cells(data):
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


def _iter_cells(data: bytes) -> Iterator[ElementTree.Element]:
    parent = None
    for event, element in ElementTree.iterparse(io.BytesIO(data), events=("start", "end")):
        if event == "start":
            if element.tag == f"{_NS_MAIN}sheetData":
                parent = element
        elif element.tag == f"{_NS_MAIN}c":
            yield element
        elif element.tag == f"{_NS_MAIN}row" and parent is not None:
            parent.clear()


def _position(ref: str) -> Pos | None:
    """``"E10"`` → ``(10, 5)``."""
    match = _CELL_REF.match(ref)
    if not match:
        return None
    col = 0
    for letter in match.group(1):
        col = col * 26 + ord(letter) - 64
    row = int(match.group(2))
    return (row, col) if row > 0 else None
