"""File-level marking and clearing: read, check, edit the package, save safely.

The package engine (``writers.ooxml``) rewrites only the parts marking touches, so
charts, images, pivot tables, macros … are kept and ``--in-place`` needs no refusal.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from workbook_tools.errors import InputError, OutputError
from workbook_tools.io.reader import read_workbook
from workbook_tools.io.sources import probe_file
from workbook_tools.rules import CheckResult, check_workbook
from workbook_tools.writers.marks.present import MarkSummary, present
from workbook_tools.writers.ooxml import PackageEdit
from workbook_tools.writers.package import Target, ensure_editable, resolve_target, save_workbook

MARKED_SUFFIX = "已校验"
CLEARED_SUFFIX = "已清除标记"


@dataclass
class WriteReport:
    path: Path
    in_place: bool
    lost: list[str]  # parts of the input the written copy lacks (none with this engine)
    notes: list[str] = field(default_factory=list)  # Chinese: what could not be restored …


def _target(source: Path, output: str | Path | None, in_place: bool, suffix: str) -> Target:
    """Where to write. In place needs an .xlsx/.xlsm package, closed and writable; its
    charts, images, macros … are no reason to refuse (the engine keeps them)."""
    if in_place and output is not None:
        raise InputError("--in-place 与 -o 不能同时使用", file=source)
    if in_place:
        if not _is_package(source) and getattr(probe_file(source), "legacy", False):
            return resolve_target(source, output, True, suffix)  # refuses, in Chinese
        ensure_editable(source)
        return Target(source, in_place=True)
    return resolve_target(source, output, False, suffix)


@contextmanager
def _package(source: Path) -> Iterator[PackageEdit]:
    """The engine on ``source``; a workbook in another format (.xls, .et …) is first
    converted to a temporary .xlsx."""
    with tempfile.TemporaryDirectory(prefix="wbt-") as folder:
        path = source
        if not _is_package(source) and getattr(probe_file(source), "legacy", False):
            from workbook_tools.writers.package import xlsx_copy

            path = xlsx_copy(source, Path(folder) / f"{source.stem}.xlsx")
        edit = PackageEdit.open(path)
        try:
            yield edit
        finally:
            edit.close()


def mark_file(
    source: str | Path,
    *,
    output: str | Path | None = None,
    in_place: bool = False,
    force: bool = False,
    set_id: str | None = None,
    result: CheckResult | None = None,
) -> tuple[CheckResult, MarkSummary, WriteReport]:
    """Check ``source`` and write a marked copy (or mark it in place)."""
    source = Path(source)
    if result is None:
        result = check_workbook(read_workbook(source, set_id=set_id))
    target = _target(source, output, in_place, MARKED_SUFFIX)
    overwrite = (
        force
        or target.in_place
        or (output is None and _is_default(source, target.path, MARKED_SUFFIX))
    )
    with _package(source) as edit:
        summary = edit.mark(present(result, datetime.now()))
        path = save_workbook(edit, source, target, overwrite=overwrite)
    return result, summary, WriteReport(path, target.in_place, [])


def clear_file(
    source: str | Path,
    *,
    output: str | Path | None = None,
    in_place: bool = False,
    force: bool = False,
) -> tuple[int, WriteReport]:
    """Remove everything marking added; returns the number of cells restored."""
    source = Path(source)
    target = _target(source, output, in_place, CLEARED_SUFFIX)
    with _package(source) as edit:
        report = edit.clear()
        path = save_workbook(edit, source, target, overwrite=force)
    return report.restored, WriteReport(path, target.in_place, [], report.messages)


def _is_package(path: Path) -> bool:
    """An xlsx/xlsm package (checked cheaply; anything else goes through ``probe_file``,
    which explains in Chinese what the file is)."""
    try:
        with path.open("rb") as handle:
            if handle.read(4) != b"PK\x03\x04":
                return False
        with zipfile.ZipFile(path) as package:
            return any(n.casefold() == "xl/workbook.xml" for n in package.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _is_default(source: Path, target: Path, suffix: str) -> bool:
    """The default ``<name>.已校验.xlsx`` is ours to replace; the input itself never is."""
    if target.resolve() == source.resolve():
        raise OutputError(
            "输入文件已是标注副本；如需在其上重新标注请加 --in-place，或用 -o 指定输出文件",
            file=source,
        )
    return target.name == f"{source.stem}.{suffix}{source.suffix}"
