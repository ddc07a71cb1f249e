"""File-level marking and clearing: read, check, edit the package, save safely."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from workbook_tools.errors import OutputError
from workbook_tools.explain import Explanation, FindingKey, read_explanations
from workbook_tools.io.reader import read_workbook
from workbook_tools.rules import CheckResult, check_workbook
from workbook_tools.writers.editing import edit_target, open_package
from workbook_tools.writers.marks import record as rec
from workbook_tools.writers.marks.present import MarkSummary, present
from workbook_tools.writers.marks.results_layout import RESULT_SHEET
from workbook_tools.writers.ooxml import PackageEdit, ownership
from workbook_tools.writers.package import save_workbook

MARKED_SUFFIX = "已校验"
CLEARED_SUFFIX = "已清除标记"


@dataclass
class WriteReport:
    path: Path
    in_place: bool
    lost: list[str]  # parts of the input the written copy lacks (none with this engine)
    notes: list[str] = field(default_factory=list)  # Chinese: what could not be restored …


def mark_file(
    source: str | Path,
    *,
    output: str | Path | None = None,
    in_place: bool = False,
    force: bool = False,
    set_id: str | None = None,
    result: CheckResult | None = None,
    checked_at: datetime | None = None,
    token: str | None = None,
) -> tuple[CheckResult, MarkSummary, WriteReport]:
    """Check ``source`` and write a marked copy (or mark it in place). The explanations of
    an earlier marking (说明 and 状态 in 校验结果) are kept for the findings that are still
    the same; ``result.explanations`` adds to them."""
    source = Path(source)
    if result is None:
        result = check_workbook(read_workbook(source, set_id=set_id))
    target = edit_target(source, output, in_place, MARKED_SUFFIX)
    overwrite = (
        force
        or target.in_place
        or (output is None and _is_default(source, target.path, MARKED_SUFFIX))
    )
    with open_package(source) as edit:
        result.explanations = {**previous_explanations(edit), **result.explanations}
        summary = edit.mark(present(result, checked_at or datetime.now(), token))
        path = save_workbook(edit, source, target, overwrite=overwrite)
    return result, summary, WriteReport(path, target.in_place, [])


def previous_explanations(edit: PackageEdit) -> dict[FindingKey, Explanation]:
    """What the unit typed into the findings sheet of an earlier marking (none: no such
    sheet, or it cannot be read)."""
    book = edit.book
    reader = ownership.Reader(book)
    found = ownership.read_record(book, reader)
    names = [found.results_sheet] if isinstance(found, rec.Record) else []
    names += [s.name for s in book.sheets if s.name.startswith(RESULT_SHEET)]
    for name in dict.fromkeys(names):
        sheet = book.sheet(name)
        values = reader.values(sheet.part, formulas=True) if sheet and sheet.part else None
        explanations = read_explanations(values or [])
        if explanations:
            return explanations
    return {}


def clear_file(
    source: str | Path,
    *,
    output: str | Path | None = None,
    in_place: bool = False,
    force: bool = False,
) -> tuple[int, WriteReport]:
    """Remove everything marking added; returns the number of cells restored."""
    source = Path(source)
    target = edit_target(source, output, in_place, CLEARED_SUFFIX)
    with open_package(source) as edit:
        report = edit.clear()
        path = save_workbook(edit, source, target, overwrite=force)
    return report.restored, WriteReport(path, target.in_place, [], report.messages)


def _is_default(source: Path, target: Path, suffix: str) -> bool:
    """The default ``<name>.已校验.xlsx`` is ours to replace; the input itself never is."""
    if target.resolve() == source.resolve():
        raise OutputError(
            "输入文件已是标注副本；如需在其上重新标注请加 --in-place，或用 -o 指定输出文件",
            file=source,
        )
    return target.name == f"{source.stem}.{suffix}{source.suffix}"
