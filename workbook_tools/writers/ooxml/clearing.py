"""Clearing the marks of a package.

Exact: when every part marking changed or added is still byte for byte as marked (and
no other sheet changed), each changed part gets its original bytes back from the
record's undo and the added parts go: the package is the one before marking.

Otherwise cell by cell (``restore_cells``): only what still carries our mark is put back.
Either way 校验结果 is removed only when the record proves it is ours, and nothing at
all is changed when the record cannot be read. Clearing never raises on a bad record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbook_tools.writers.marks import record as rec
from workbook_tools.writers.ooxml import opc, ownership
from workbook_tools.writers.ooxml.book import CONTENT_TYPES
from workbook_tools.writers.ooxml.changes import Changes, undo_from_json
from workbook_tools.writers.ooxml.edits import Edit, sha, undo_bytes, undo_pieces
from workbook_tools.writers.ooxml.restore_cells import SheetRestorer
from workbook_tools.writers.ooxml.styles_xml import Styles
from workbook_tools.writers.ooxml.workbook_xml import WorkbookXml

_VERIFY_UNDER = 16 << 20  # undo of parts up to this size is checked against the original hash


@dataclass
class ClearReport:
    restored: int = 0
    exact: bool = False
    kept_cells: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # Chinese, for the user
    record_problem: str | None = None
    had_marks: bool = False


def clear(changes: Changes, styles: Styles) -> ClearReport:
    book = changes.book
    reader = ownership.Reader(book)
    found = ownership.read_record(book, reader)
    report = ClearReport()
    if found is None:
        return report
    report.had_marks = True
    if isinstance(found, str):
        report.record_problem = found
        report.messages.append(found)
        return report
    report.messages += found.problems
    info = ownership.package_info(found)
    results = ownership.owns_results(book, reader, found)
    if info is not None and results and not found.problems and _exact(changes, found, info):
        report.exact = True
        report.restored = len(found.cells)
        return report
    _cell_by_cell(changes, styles, found, info, report)
    _remove_sheets(changes, found, results, report)
    return report


# -- exact ----------------------------------------------------------------------------------
def _exact(changes: Changes, record: rec.Record, info: dict[str, Any]) -> bool:
    """Plan the exact restore when everything is as marked; False (nothing planned) if not."""
    book = changes.book
    record_sheet = book.sheet(rec.MARK_SHEET)
    results = book.sheet(record.results_sheet)
    if record_sheet is None or record_sheet.part is None or results is None:
        return False
    if results.part not in info["added"]:
        return False
    for part, expected in {**info["added"], **info["sheets"]}.items():
        if part not in info["edited"] and not _same(changes, part, expected):
            return False
    plans: dict[str, Any] = {}
    for part, entry in info["edited"].items():
        planned = _undo(changes, part, entry)
        if planned is None:
            return False
        plans[part] = planned
    if not _keeps_user_sheets(changes, plans, {results.name, rec.MARK_SHEET}):
        return False
    changes.replaced.update(plans)
    changes.removed |= {name for name in info["added"]} | {record_sheet.part}
    return True


def _keeps_user_sheets(changes: Changes, plans: dict[str, Any], ours: set[str]) -> bool:
    """The restored workbook.xml lists every sheet but ours: an undo that would drop (or
    add) any other sheet is not ours to apply."""
    book = changes.book
    restored = plans.get(book.workbook_part)
    if not isinstance(restored, bytes):
        return False
    try:
        names = [s.name for s in WorkbookXml(restored).sheets]
    except ValueError:
        return False
    return names == [s.name for s in book.sheets if s.name not in ours]


def _same(changes: Changes, part: str, expected: object) -> bool:
    if not isinstance(expected, str) or not changes.book.package.has(part):
        return False
    return ownership.part_hash(changes.book, part) == expected


def _undo(changes: Changes, part: str, entry: object):
    if not isinstance(entry, dict) or not changes.book.package.has(part):
        return None
    undo = undo_from_json(entry.get("undo"))
    if undo is None or ownership.part_hash(changes.book, part) != entry.get("marked"):
        return None
    package = changes.book.package
    if package.size(part) > _VERIFY_UNDER:
        return lambda: undo_pieces(package.pieces(part), undo)
    try:
        original = undo_bytes(package.read(part), undo)
    except ValueError:
        return None
    return original if sha(original) == entry.get("orig") else None


# -- cell by cell ------------------------------------------------------------------------------
def _styles_same(changes: Changes, info: dict[str, Any] | None) -> bool:
    part = changes.book.styles_part
    if info is None or part is None:
        return False
    entry = info["edited"].get(part)
    return isinstance(entry, dict) and ownership.part_hash(changes.book, part) == entry.get(
        "marked"
    )


def _cell_by_cell(
    changes: Changes, styles: Styles, record: rec.Record, info: dict | None, report: ClearReport
) -> None:
    same = _styles_same(changes, info)
    by_sheet: dict[str, list[rec.RecordCell]] = {}
    for cell in record.cells:
        by_sheet.setdefault(cell.sheet, []).append(cell)
    for name, cells in by_sheet.items():
        sheet = changes.book.sheet(name)
        if sheet is None or sheet.part is None:
            report.messages.append(f"工作表「{name}」已不存在，其上的 {len(cells)} 处标注无需恢复")
            continue
        outcome = SheetRestorer(changes, styles, sheet, same).run(cells)
        report.restored += outcome.restored
        report.kept_cells += outcome.kept or []
    if report.kept_cells:
        shown = "、".join(report.kept_cells[:10]) + ("等" if len(report.kept_cells) > 10 else "")
        report.messages.append(
            f"{len(report.kept_cells)} 个单元格在标注后被修改过（底色、字体或批注），"
            f"保留了现在的样子，未恢复：{shown}"
        )


def _remove_sheets(
    changes: Changes, record: rec.Record, results: bool, report: ClearReport
) -> None:
    """Remove the record and, when proven ours, 校验结果 (generic edits)."""
    names = {rec.MARK_SHEET}
    if results:
        names.add(record.results_sheet)
    elif record.results_sheet and changes.book.sheet(record.results_sheet) is not None:
        report.messages.append(
            f"工作表「{record.results_sheet}」与标注时写入的校验结果不一致（可能已被修改，"
            "或不是本工具生成的），已保留；如不需要请自行删除"
        )
    book = changes.book
    sheets = [s for s in book.sheets if s.name in names]
    changes.edit(book.workbook_part, book.workbook.remove(names, record.active))
    types = changes.read(CONTENT_TYPES)
    overrides = opc.overrides(types)
    by_id = {r.id: r for r in book.rels}
    for sheet in sheets:
        rel = by_id.get(sheet.rid)
        if rel is not None:
            changes.edit(book.rels_part, [Edit(rel.start, rel.end, b"")])
        if sheet.part is None:
            continue
        changes.removed.add(sheet.part)
        if book.package.has(opc.rels_part(sheet.part)):
            changes.removed.add(book.package.name(opc.rels_part(sheet.part)) or "")
        span = overrides.get(sheet.part.casefold())
        if span is not None:
            changes.edit(CONTENT_TYPES, [Edit(span[0], span[1], b"")])
