"""Writing changes back into a user's workbook without losing anything.

openpyxl edits the workbook; before it does, ``lossy_parts`` lists what openpyxl would not
carry over (charts, images, pivot tables …). Such a workbook is only ever written as a
copy, never in place. ``save_workbook`` writes to a temporary file beside the target and
replaces the target in one step; in place, it keeps one backup ``<name>.bak.xlsx``.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook

from workbook_tools.errors import InputError, OutputError
from workbook_tools.io.sources import probe_file
from workbook_tools.writers.atomic import atomic_write

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


@dataclass(frozen=True)
class Target:
    """Where a changed workbook goes: a copy, or the input itself."""

    path: Path
    in_place: bool


def lossy_parts(path: Path) -> list[str]:
    """Chinese names of the workbook parts an openpyxl round trip would lose or alter."""
    with zipfile.ZipFile(path) as package:
        names = [name for name in package.namelist() if not _empty_drawing(package, name)]
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


def lock_file(path: Path) -> Path:
    """The owner file Excel and WPS create beside a workbook they have open."""
    return path.with_name("~$" + path.name[2:] if len(path.name) > 2 else "~$" + path.name)


def ensure_editable(path: Path) -> None:
    """In-place writes need the file closed in Excel/WPS and writable."""
    for candidate in (path.with_name("~$" + path.name), lock_file(path)):
        if candidate.exists():
            raise InputError(
                "文件正被 Excel/WPS 打开（发现锁定文件 "
                f"{candidate.name}），请先关闭该文件，或不加 --in-place 生成副本",
                file=path,
            )
    if not os.access(path, os.W_OK):
        raise InputError(
            "文件是只读的，不能在原文件上修改；请去掉只读属性，或不加 --in-place 生成副本",
            file=path,
        )


def resolve_target(source: Path, output: str | Path | None, in_place: bool, suffix: str) -> Target:
    """The output of a write-back command; refuses in place for lossy workbooks."""
    if in_place and output is not None:
        raise InputError("--in-place 与 -o 不能同时使用", file=source)
    if in_place:
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
    if output is None:
        output = source.with_name(f"{source.stem}.{suffix}{source.suffix}")
    return Target(Path(output), in_place=False)


def open_for_edit(source: Path) -> Workbook:
    probe_file(source)
    keep_vba = source.suffix.lower() == ".xlsm"
    try:
        return load_workbook(source, keep_vba=keep_vba, rich_text=True)
    except Exception as exc:  # openpyxl raises many unrelated types for broken packages
        raise InputError(
            f"工作簿已损坏，无法打开修改（{type(exc).__name__}: {exc}）", file=source
        ) from None


def save_workbook(book: Workbook, source: Path, target: Target, *, overwrite: bool) -> Path:
    """Save ``book`` to ``target`` atomically; in place, back the input up first."""
    if target.in_place:
        backup = source.with_name(f"{source.stem}.bak{source.suffix}")
        shutil.copy2(source, backup)
        return atomic_write(source, book.save, overwrite=True)
    if target.path.resolve() == source.resolve():
        raise OutputError(
            "输出文件与输入文件相同；如需修改原文件请使用 --in-place", file=target.path
        )
    return atomic_write(target.path, book.save, overwrite=overwrite)
