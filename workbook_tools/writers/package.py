"""Writing changes back into a user's workbook without losing anything.

openpyxl edits the workbook; before it does, ``lossy_parts`` lists what openpyxl would not
carry over (charts, images, pivot tables …). Such a workbook is only ever written as a
copy, never in place. ``save_workbook`` writes to a temporary file beside the target and
replaces the target in one step; in place, it keeps one backup ``<name>.bak.xlsx``.

In place, the safety rules are:

* the file must not be open in Excel (``~$<name>``), WPS (``~$<name>`` on Windows, where
  WPS follows Office; ``.~<name>`` on Linux — an assumption, WPS does not document it) or
  LibreOffice (``.~lock.<name>#``), and must be writable;
* one run at a time: an OS file lock (``filelock``, in the system temp folder, so nothing
  appears beside the user's file) is held while writing; a second run waits at most
  ``LOCK_TIMEOUT`` seconds, and refuses if the file changed since it read it;
* the backup is the file's bytes as this run read them, written atomically (temporary
  file + rename), never through a symlink and never into a folder of that name; the
  backup and the new workbook are both complete before either is put in place;
* the workbook keeps its permission bits; a symlink stays a link, its target is written.

Workbooks in other formats (.xls, WPS .et, .xlsb, .ods) are never written in place:
``xlsx_copy`` / ``open_for_edit`` make an .xlsx from their values and merged ranges.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import weakref
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol

from openpyxl import Workbook, load_workbook

from workbook_tools.errors import InputError, OutputError
from workbook_tools.io.grid import Grid, cell_name
from workbook_tools.io.sources import Probe, grids_from_bytes, probe_file, read_bytes
from workbook_tools.writers.atomic import (
    PendingFile,
    atomic_write,
    check_target,
    os_error_text,
    real_target,
)

LOCK_TIMEOUT = 30.0  # seconds a second in-place run on the same file waits for the first
_LOCK_FOLDER = "wbt-locks"

# zip member prefixes openpyxl does not (fully) carry over, with their Chinese names
_LOSSY = [
    ("xl/charts/", "图表"),
    ("xl/media/", "图片"),
    ("xl/pivotTables/", "数据透视表"),
    ("xl/pivotCache/", "数据透视表缓存"),
    ("xl/slicers/", "切片器"),
    ("xl/slicerCaches/", "切片器"),
    ("xl/timelines/", "日程表"),
    ("xl/externalLinks/", "外部链接"),
    ("xl/ctrlProps/", "表单控件"),
    ("xl/activeX/", "ActiveX 控件"),
    ("xl/connections.xml", "数据连接"),
    ("xl/model/", "数据模型"),
    ("xl/drawings/drawing", "图形、文本框等绘图对象"),  # not vmlDrawing: comment boxes
]
# a drawing part that holds any of these draws something openpyxl may not keep
_ANCHORS = (b"twoCellAnchor", b"oneCellAnchor", b"absoluteAnchor")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Target:
    """Where a changed workbook goes: a copy, or the input itself."""

    path: Path
    in_place: bool


@dataclass(frozen=True)
class _Snapshot:
    """The input as ``open_for_edit`` read it: to notice a change before writing."""

    path: Path
    digest: str


_SNAPSHOTS: weakref.WeakKeyDictionary[object, _Snapshot] = weakref.WeakKeyDictionary()
# real path → digest of the content an in-place command found when it started
_EXPECTED: dict[str, str] = {}


class Saveable(Protocol):
    """What ``save_workbook`` writes: an openpyxl workbook or the package engine."""

    def save(self, path: Path) -> object: ...


# -- what a copy loses --------------------------------------------------------------------
def lossy_parts(path: Path) -> list[str]:
    """Chinese names of the workbook parts an openpyxl round trip would lose or alter."""
    try:
        probe = probe_file(path)
    except InputError:
        return []
    if probe.legacy:
        return [f"{probe.note}：副本为 .xlsx，只含数值和合并单元格（格式、公式、批注等未转换）"]
    try:
        with zipfile.ZipFile(path) as package:
            names = [name for name in package.namelist() if not _empty_drawing(package, name)]
    except (OSError, zipfile.BadZipFile):
        return []
    found: list[str] = []
    for prefix, label in _LOSSY:
        if any(name.startswith(prefix) for name in names) and label not in found:
            found.append(label)
    if "图形、文本框等绘图对象" in found and len(found) > 1:
        found.remove("图形、文本框等绘图对象")  # drawings hold the charts/images already named
    if path.suffix.lower() == ".xlsm" or "xl/vbaProject.bin" in names:
        found.append("宏（VBA）文件格式（副本保留宏，但不在原文件上修改）")
    return found


def _empty_drawing(package: zipfile.ZipFile, name: str) -> bool:
    """A drawing part without any anchored object (LibreOffice writes one per sheet)."""
    if not (name.startswith("xl/drawings/drawing") and name.endswith(".xml")):
        return False
    return not any(anchor in package.read(name) for anchor in _ANCHORS)


# -- is the file free to edit -------------------------------------------------------------
def lock_file(path: Path) -> Path:
    """The owner file Excel and WPS create beside a long-named workbook they have open."""
    return path.with_name("~$" + path.name[2:] if len(path.name) > 2 else "~$" + path.name)


def lock_files(path: Path) -> list[Path]:
    """Every owner/lock file that says another program has ``path`` open.

    Excel: ``~$<name>`` (Word-style ``~$`` over the first two characters for long names).
    WPS on Windows: the same as Excel. WPS on Linux: ``.~<name>`` (assumed: WPS does not
    document it). LibreOffice (any system): ``.~lock.<name>#``.
    """
    name = path.name
    names = [f"~${name}", lock_file(path).name, f".~lock.{name}#", f".~{name}"]
    return [path.with_name(n) for n in dict.fromkeys(names)]


def ensure_editable(path: Path) -> None:
    """In-place writes need the file closed in Excel/WPS/LibreOffice and writable."""
    places = [path]
    real = Path(os.path.realpath(path))
    if real != path:
        places.append(real)  # a symlink: the program has its target open
    for place in places:
        for candidate in lock_files(place):
            if os.path.lexists(candidate):
                raise InputError(
                    "文件正被 Excel/WPS/LibreOffice 打开（发现锁定文件 "
                    f"{candidate.name}），请先关闭该文件，或不加 --in-place 生成副本",
                    file=path,
                )
    if not os.access(real, os.W_OK):
        raise InputError(
            "文件是只读的，不能在原文件上修改；请去掉只读属性，或不加 --in-place 生成副本",
            file=path,
        )
    if not os.access(real.parent, os.W_OK):
        raise InputError(
            "文件所在的文件夹不可写（无法写入备份和新文件），不能在原文件上修改；"
            "请用 -o 把结果另存到其他文件夹",
            file=path,
        )
    _EXPECTED[str(real)] = hashlib.sha256(read_bytes(real)).hexdigest()


def same_file(first: str | Path, second: str | Path) -> bool:
    """Whether two paths name one file (symlinks, hard links and relative paths included)."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.abspath(first) == os.path.abspath(second)


def refuse_input_as_output(source: str | Path, output: str | Path) -> None:
    """An output that is the input itself would destroy it: always refused."""
    if same_file(source, output):
        raise OutputError(
            "输出文件就是输入文件本身（可能经由快捷方式或硬链接），不能覆盖输入文件；"
            "请用 -o 指定另一个文件",
            file=output,
        )


def resolve_target(source: Path, output: str | Path | None, in_place: bool, suffix: str) -> Target:
    """The output of a write-back command; refuses in place for lossy workbooks."""
    if in_place and output is not None:
        raise InputError("--in-place 与 -o 不能同时使用", file=source)
    probe = probe_file(source)
    if in_place:
        if probe.legacy:
            raise InputError(
                f"{probe.note}，不能在原文件上修改；请去掉 --in-place，工具会另存一份 .xlsx 副本",
                file=source,
            )
        lost = lossy_parts(source)
        if lost:
            raise InputError(
                "工作簿含有本工具无法完整保留的内容："
                + "、".join(lost)
                + "。为避免损失，不能在原文件上修改；请去掉 --in-place，工具会另存一份副本",
                file=source,
            )
        ensure_editable(source)
        return Target(source, in_place=True)
    extension = ".xlsx" if probe.legacy else source.suffix
    if output is None:
        output = source.with_name(f"{source.stem}.{suffix}{extension}")
    output = Path(output)
    if probe.legacy and output.suffix.lower() != ".xlsx":
        raise InputError(f"{probe.note}，副本只能保存为 .xlsx 文件", file=output)
    if same_file(source, output):
        raise OutputError(
            "输出文件与输入文件相同（可能经由快捷方式或硬链接）；如需修改原文件请使用 --in-place",
            file=output,
        )
    return Target(output, in_place=False)


# -- reading and writing ------------------------------------------------------------------
def open_for_edit(source: Path) -> Workbook:
    """The workbook to change; a workbook in another format is converted in memory."""
    probe = probe_file(source)
    raw = read_bytes(source)
    if probe.legacy:
        book = workbook_from_grids(grids_from_bytes(source, raw))
    else:
        keep_vba = probe.kind == "xlsm"
        try:
            book = load_workbook(io.BytesIO(raw), keep_vba=keep_vba, rich_text=True)
        except Exception:  # openpyxl raises many unrelated types for broken packages
            raise InputError(
                "工作簿已损坏或含有本工具无法修改的内容，无法打开修改；"
                "请在 Excel/WPS 中打开后另存再试",
                file=source,
            ) from None
    _SNAPSHOTS[book] = _Snapshot(source, hashlib.sha256(raw).hexdigest())
    return book


def save_workbook(book: Saveable, source: Path, target: Target, *, overwrite: bool) -> Path:
    """Save ``book`` to ``target`` atomically; in place, back the input up first."""
    if target.in_place:
        return _save_in_place(book, source)
    if same_file(target.path, source):
        raise OutputError(
            "输出文件与输入文件相同（可能经由快捷方式或硬链接）；如需修改原文件请使用 --in-place",
            file=target.path,
        )
    return atomic_write(target.path, book.save, overwrite=overwrite)


def backup_path(source: Path) -> Path:
    """``<name>.bak<suffix>`` beside ``source`` (beside the link, for a symlink)."""
    return source.with_name(f"{source.stem}.bak{source.suffix}")


def _save_in_place(book: Saveable, source: Path) -> Path:
    real = real_target(source)
    backup = backup_path(source)
    if os.path.isdir(backup) and not os.path.islink(backup):
        raise OutputError(
            f"备份文件名「{backup.name}」已被一个文件夹占用，无法保留备份；请改名该文件夹后再试",
            file=source,
        )
    if os.path.lexists(backup) and not os.path.islink(backup) and not os.path.isfile(backup):
        raise OutputError(
            f"备份文件名「{backup.name}」已被非普通文件占用，无法保留备份", file=source
        )
    if os.path.lexists(backup) and not os.path.islink(backup) and same_file(backup, real):
        raise OutputError(f"备份文件「{backup.name}」与原文件是同一个文件", file=source)
    with edit_lock(real, source):
        current = read_bytes(real)
        try:
            snapshot = _SNAPSHOTS.get(book)
        except TypeError:  # not weak-referenceable
            snapshot = None
        expected = snapshot.digest if snapshot is not None else _EXPECTED.get(str(real))
        if expected is not None and hashlib.sha256(current).hexdigest() != expected:
            raise OutputError(
                "文件在本次处理期间已被修改（可能另一个 wbt 或其他程序刚刚写入过它），"
                "为免覆盖他人的修改，未写入任何内容；请重新运行",
                file=source,
            )
        mode = os.stat(real).st_mode
        pending_backup = PendingFile(
            backup, lambda tmp: tmp.write_bytes(current), mode, follow_link=False
        )
        try:
            pending_book = PendingFile(source, book.save, mode)
        except BaseException:
            pending_backup.discard()
            raise
        try:
            pending_backup.commit()
            pending_book.commit()
        finally:
            pending_backup.discard()
            pending_book.discard()
    return source


@contextmanager
def edit_lock(real: Path, shown: Path | None = None) -> Iterator[None]:
    """Hold the OS lock of one workbook (keyed by its real path) while changing it."""
    from filelock import FileLock, Timeout

    folder = Path(tempfile.gettempdir()) / _LOCK_FOLDER
    try:
        folder.mkdir(mode=0o1777, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"无法创建文件锁（{os_error_text(exc)}），未写入任何内容", file=shown or real
        ) from None
    key = hashlib.sha256(os.path.realpath(real).encode("utf-8", "surrogatepass")).hexdigest()
    lock = FileLock(str(folder / f"{key[:32]}.lock"), timeout=LOCK_TIMEOUT, mode=0o666)
    try:
        lock.acquire()
    except Timeout:
        raise OutputError(
            f"另一个 wbt 正在修改该文件，等待 {LOCK_TIMEOUT:g} 秒后仍未结束；请等它完成后再试",
            file=shown or real,
        ) from None
    except OSError as exc:
        raise OutputError(
            f"无法获得文件锁（{os_error_text(exc)}），未写入任何内容", file=shown or real
        ) from None
    try:
        yield
    finally:
        lock.release()


# -- other formats → .xlsx ----------------------------------------------------------------
def xlsx_copy(
    source: str | Path, target: str | Path | None = None, *, overwrite: bool = False
) -> Path:
    """Write an .xlsx copy of a workbook in another format (.xls, WPS .et/.ett, .xlsb, .ods)
    beside it: ``<name>.xlsx`` (``<name>.已转换.xlsx`` when that is the input itself, as for
    an .xls file renamed .xlsx). Returns the path written.

    Carried over: sheet names and order, hidden sheets, every cell value (text, numbers,
    booleans, dates; a formula's cached value as a plain value; error values as text) and
    merged ranges. Not carried over: formulas themselves, all formatting (fonts, fills,
    borders, number formats, column widths, row heights), comments, data validation,
    conditional formats, defined names, charts, images, print settings, protection and
    macros. An .xlsx/.xlsm input is refused: it needs no conversion.
    """
    source = Path(source)
    probe: Probe = probe_file(source)
    raw = read_bytes(source)
    if not probe.legacy:
        raise InputError("这已是 .xlsx 工作簿，无需转换", file=source)
    if target is None:
        target = source.with_name(f"{source.stem}.xlsx")
        if same_file(source, target):
            target = source.with_name(f"{source.stem}.已转换.xlsx")
    target = Path(target)
    refuse_input_as_output(source, target)
    book = workbook_from_grids(grids_from_bytes(source, raw))
    check_target(target, overwrite=overwrite)
    return atomic_write(target, book.save, overwrite=overwrite)


def workbook_from_grids(grids: list[Grid]) -> Workbook:
    """An openpyxl workbook holding the values and merged ranges of ``grids``."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for index, grid in enumerate(grids, start=1):
        sheet = book.create_sheet(_sheet_title(grid.name, index, used))
        for (row, col), value in sorted(grid.cells.items()):
            cell = sheet.cell(row=row, column=col)
            if isinstance(value, str):
                cell.value = _ILLEGAL_XML.sub("", value)
                cell.data_type = "s"  # text that starts with "=" stays text
            elif isinstance(value, bool | int | float | datetime | date | time | timedelta):
                cell.value = value
            else:
                cell.value = str(value)
        for r1, c1, r2, c2 in grid.merged:
            if (r1, c1) != (r2, c2):
                sheet.merge_cells(f"{cell_name(r1, c1)}:{cell_name(r2, c2)}")
        if grid.hidden:
            sheet.sheet_state = "hidden"
    if not book.worksheets:
        book.create_sheet("Sheet1")
    if all(s.sheet_state != "visible" for s in book.worksheets):
        book.worksheets[0].sheet_state = "visible"
    return book


def _sheet_title(name: str, index: int, used: set[str]) -> str:
    """A valid, unique Excel sheet title (≤ 31 characters, none of ``[]:*?/\\``)."""
    title = _BAD_TITLE.sub("_", _ILLEGAL_XML.sub("", name)).strip("'")[:31] or f"Sheet{index}"
    base, n = title, 2
    while title.lower() in used:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title
