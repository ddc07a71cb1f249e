"""Editing a user's workbook: where the result goes, and the package engine on it.

Shared by every command that writes into a workbook (``--mark``, ``clear``, ``fill``). The
package engine (``writers.ooxml``) rewrites only the parts it touches, so charts, images,
pivot tables, macros … are kept and ``--in-place`` needs no refusal; a workbook in another
format (.xls, .et, .ods …) is edited as an .xlsx copy beside it.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbook_tools.errors import InputError
from workbook_tools.io.sources import probe_file
from workbook_tools.writers.ooxml import PackageEdit
from workbook_tools.writers.package import Target, ensure_editable, resolve_target, xlsx_copy


def edit_target(source: Path, output: str | Path | None, in_place: bool, suffix: str) -> Target:
    """Where to write. In place needs an .xlsx/.xlsm package, closed and writable; its
    charts, images, macros … are no reason to refuse (the engine keeps them)."""
    if in_place and output is not None:
        raise InputError("--in-place 与 -o 不能同时使用", file=source)
    if in_place:
        if not is_package(source) and getattr(probe_file(source), "legacy", False):
            return resolve_target(source, output, True, suffix)  # refuses, in Chinese
        ensure_editable(source)
        return Target(source, in_place=True)
    return resolve_target(source, output, False, suffix)


@contextmanager
def open_package(source: Path) -> Iterator[PackageEdit]:
    """The engine on ``source``; a workbook in another format (.xls, .et …) is first
    converted to a temporary .xlsx."""
    with tempfile.TemporaryDirectory(prefix="wbt-") as folder:
        path = source
        if not is_package(source) and getattr(probe_file(source), "legacy", False):
            path = xlsx_copy(source, Path(folder) / f"{source.stem}.xlsx")
        edit = PackageEdit.open(path)
        try:
            yield edit
        finally:
            edit.close()


def is_package(path: Path) -> bool:
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
