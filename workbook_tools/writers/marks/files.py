"""File-level marking and clearing: read, check, edit with openpyxl, save safely."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from workbook_tools.errors import OutputError
from workbook_tools.io.reader import read_workbook
from workbook_tools.rules import CheckResult, check_workbook
from workbook_tools.writers.marks.apply import MarkSummary, clear_marks, mark_workbook
from workbook_tools.writers.package import (
    lossy_parts,
    open_for_edit,
    resolve_target,
    save_workbook,
)

MARKED_SUFFIX = "已校验"
CLEARED_SUFFIX = "已清除标记"


@dataclass
class WriteReport:
    path: Path
    in_place: bool
    lost: list[str]  # parts of the input the written copy lacks


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
    target = resolve_target(source, output, in_place, MARKED_SUFFIX)
    overwrite = (
        force
        or target.in_place
        or (output is None and _is_default(source, target.path, MARKED_SUFFIX))
    )
    book = open_for_edit(source)
    summary = mark_workbook(book, result, datetime.now())
    path = save_workbook(book, source, target, overwrite=overwrite)
    return (
        result,
        summary,
        WriteReport(path, target.in_place, [] if in_place else lossy_parts(source)),
    )


def clear_file(
    source: str | Path,
    *,
    output: str | Path | None = None,
    in_place: bool = False,
    force: bool = False,
) -> tuple[int, WriteReport]:
    """Remove everything marking added; returns the number of cells restored."""
    source = Path(source)
    target = resolve_target(source, output, in_place, CLEARED_SUFFIX)
    book = open_for_edit(source)
    restored = clear_marks(book)
    path = save_workbook(book, source, target, overwrite=force)
    return restored, WriteReport(path, target.in_place, [] if in_place else lossy_parts(source))


def _is_default(source: Path, target: Path, suffix: str) -> bool:
    """The default ``<name>.已校验.xlsx`` is ours to replace; the input itself never is."""
    if target.resolve() == source.resolve():
        raise OutputError(
            "输入文件已是标注副本；如需在其上重新标注请加 --in-place，或用 -o 指定输出文件",
            file=source,
        )
    return target.name == f"{source.stem}.{suffix}{source.suffix}"
