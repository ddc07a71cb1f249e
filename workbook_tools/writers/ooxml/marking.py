"""Marking a package: the cells' new formats, the notes, 校验结果 and the record.

Every marked cell gets a copy of its own format with the mark's fill (and, for errors,
its font bold in the mark's colour), so number formats, borders and alignment stay; its
note is ours with the user's note kept under it. What each cell was before goes into the
record, with the undo of every changed part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbook_tools.errors import OutputError
from workbook_tools.io.grid import Pos, cell_name
from workbook_tools.writers.marks import record as rec
from workbook_tools.writers.marks.kinds import mark_style
from workbook_tools.writers.marks.present import AUTHOR, CellMarkView, MarkView, note_text
from workbook_tools.writers.marks.results_layout import CellFormat, free_name
from workbook_tools.writers.ooxml import opc, style_json
from workbook_tools.writers.ooxml.book import SheetInfo
from workbook_tools.writers.ooxml.changes import Changes
from workbook_tools.writers.ooxml.comments import Comment, CommentsXml, new_comments
from workbook_tools.writers.ooxml.new_sheets import (
    defined_names,
    format_xf,
    record_sheet_xml,
    results_sheet_xml,
)
from workbook_tools.writers.ooxml.sheet_edit import CellChange
from workbook_tools.writers.ooxml.sheet_rows import split_ref
from workbook_tools.writers.ooxml.sheet_scan import CellState, SheetScan, scan_sheet
from workbook_tools.writers.ooxml.styles_xml import Styles, solid_fill
from workbook_tools.writers.ooxml.vml import NoteBox, new_vml, used_blocks, vml_edits
from workbook_tools.writers.ooxml.workbook_xml import NewSheet


@dataclass
class Marked:
    """What marking did, for the record and the summary."""

    cells: list[rec.RecordCell] = field(default_factory=list)
    results_sheet: str = ""


def targets(changes: Changes, view: MarkView) -> dict[str, dict[Pos, CellMarkView]]:
    """Per sheet part, the cells to mark (valid addresses on worksheets only)."""
    found: dict[str, dict[Pos, CellMarkView]] = {}
    for mark in view.cells:
        sheet = changes.book.sheet(mark.sheet)
        pos = split_ref(mark.cell)
        if sheet is not None and sheet.part is not None and pos is not None:
            found.setdefault(sheet.part, {}).setdefault(pos, mark)
    return found


def scan_with_anchors(
    changes: Changes, part: str, marks: dict[Pos, CellMarkView]
) -> tuple[SheetScan, dict[Pos, CellMarkView]]:
    """The sheet's scan and the marks moved to their merged areas' top-left cells (the
    first mark of a cell wins)."""
    package = changes.book.package
    scan = scan_sheet(lambda: package.pieces(part), {row for row, _ in marks})
    anchored: dict[Pos, CellMarkView] = {}
    for pos, mark in marks.items():
        anchored.setdefault(scan.anchor(pos), mark)
    missing = {row for row, _ in anchored} - {row for row, _ in marks}
    if missing:
        more = scan_sheet(lambda: package.pieces(part), missing)
        scan.cells.update(more.cells)
        scan.row_styles.update(more.row_styles)
    return scan, anchored


def mark_cells(
    changes: Changes, styles: Styles, sheet: SheetInfo, marks: dict[Pos, CellMarkView]
) -> list[rec.RecordCell]:
    """Each cell's format gets the mark; returns the record entries."""
    assert sheet.part is not None
    scan, anchored = scan_with_anchors(changes, sheet.part, marks)
    plan = changes.plan(sheet.part)
    comments = changes.book.related(sheet.part, opc.COMMENTS)
    user_notes = CommentsXml(changes.read(comments)).comments if comments else {}
    cells: list[rec.RecordCell] = []
    notes: dict[str, str] = {}
    for pos, mark in sorted(anchored.items()):
        state = scan.state(pos)
        style = mark_style(mark.kind)
        font = {"bold": True, "color": "FF" + style.font_rgb} if style.font_rgb else None
        xf = styles.derive_xf(state.style, solid_fill(style.fill_rgb, styles.prefix), font)
        plan.changes[pos] = CellChange(xf, plan.changes.get(pos, CellChange()).value)
        ref = cell_name(*pos)
        user = user_notes.get(ref)
        notes[ref] = note_text(mark.note, None if user is None else user.text)
        entry = _original(styles, state, user)
        entry["mark"] = rec.mark_state(style, notes[ref])
        entry["file"] = {
            "s": state.raw_style,
            "shown": state.style,
            "xf": xf,
            "exists": state.exists,
        }
        cells.append(rec.RecordCell(sheet.name, ref, entry))
    if notes:
        _write_notes(changes, sheet.part, scan, comments, notes)
    return cells


def _original(styles: Styles, state: CellState, user: Comment | None) -> dict[str, Any]:
    """A cell before marking, in the record's route-neutral JSON."""
    return {
        "fill": style_json.fill_json(styles.fill_of(state.style)),
        "font": style_json.font_json(styles.font_of(state.style)),
        "comment": None if user is None else {"text": user.text, "author": user.author},
    }


def _boxes(notes: dict[str, str]) -> list[NoteBox]:
    boxes = []
    for ref, text in notes.items():
        pos = split_ref(ref)
        assert pos is not None
        boxes.append(NoteBox(pos[0], pos[1], text.count("\n") + len(text) // 24 + 2))
    return boxes


def _write_notes(
    changes: Changes, part: str, scan: SheetScan, comments: str | None, notes: dict[str, str]
) -> None:
    if comments is not None:
        changes.edit(comments, CommentsXml(changes.read(comments)).set_edits(notes, AUTHOR))
    else:
        name = opc.unused_name(changes.taken(), "xl/comments{}.xml")
        changes.add_part(name, new_comments(notes, AUTHOR), opc.CT_COMMENTS)
        changes.add_rel(part, opc.COMMENTS, name)
    vml = changes.book.related(part, rid=scan.legacy_rid) if scan.legacy_rid else None
    if vml is not None:
        edits = vml_edits(changes.read(vml), _boxes(notes), set())
        if edits is None:
            raise OutputError(f"工作表中批注所用的绘图部件 {vml} 格式无法识别，无法添加批注")
        changes.edit(vml, edits)
        return
    name = opc.unused_name(changes.taken(), "xl/drawings/vmlDrawing{}.vml")
    changes.add_part(name, new_vml(_free_block(changes), _boxes(notes)), opc.CT_VML)
    changes.plan(part).legacy_rid = changes.add_rel(part, opc.VML, name)


def _free_block(changes: Changes) -> int:
    used: set[int] = set()
    for name in changes.book.names():
        if name.lower().endswith(".vml"):
            used |= used_blocks(changes.read(name))
    for _, data in changes.added:
        if isinstance(data, bytes) and data.startswith(b"<xml"):
            used |= used_blocks(data)
    block = 1
    while block in used:
        block += 1
    return block


def unselect_sheets(changes: Changes) -> None:
    """The sheets selected now lose their selection: 校验结果 will be the selected one."""
    for sheet in changes.book.sheets:
        if sheet.part is not None and changes.book.head(sheet.part).tab_selected:
            changes.plan(sheet.part).unselect = True


def add_sheets(changes: Changes, styles: Styles, view: MarkView) -> tuple[str, str]:
    """Add 校验结果 (first) and the record (last); returns the results sheet's name and
    the record's part name."""
    book = changes.book
    if book.sheet(rec.MARK_SHEET) is not None:
        raise OutputError(
            "工作簿中已有名为 _wbt_marks 的工作表，但它不是可识别的标注记录；请将其改名或删除后再标注"
        )
    name = free_name({s.name for s in book.sheets})
    memo: dict[CellFormat | None, int] = {}

    def style(fmt: CellFormat | None) -> int:
        if fmt not in memo:
            memo[fmt] = format_xf(styles, fmt)
        return memo[fmt]

    results_part = opc.unused_name(changes.taken(), "xl/worksheets/sheet{}.xml")
    changes.add_part(results_part, results_sheet_xml(view.results, style), opc.CT_WORKSHEET)
    record_part = opc.unused_name(changes.taken() | {results_part}, "xl/worksheets/sheet{}.xml")
    changes.edit(
        "[Content_Types].xml",
        [
            opc.append_child(
                changes.read("[Content_Types].xml"),
                b"Types",
                opc.override_xml(record_part, opc.CT_WORKSHEET),
            )
        ],
    )
    first = NewSheet(name, changes.add_rel(book.workbook_part, opc.WORKSHEET, results_part))
    last = NewSheet(
        rec.MARK_SHEET,
        changes.add_rel(book.workbook_part, opc.WORKSHEET, record_part),
        "veryHidden",
    )
    names = defined_names(book.workbook.p, name, view.results)
    changes.edit(book.workbook_part, book.workbook.insert(first, last, names))
    return name, record_part


def record_bytes(changes: Changes, view: MarkView, marked: Marked, active: int) -> bytes:
    from workbook_tools.writers.marks.results_layout import values

    record = rec.Record(
        2,
        marked.results_sheet,
        active,
        view.token,
        *rec.fingerprints(values(view.results)),
        marked.cells,
        changes.package_info(),
    )
    return record_sheet_xml(rec.record_rows(record))


RecordPart = tuple[str, Callable[[], bytes]]


def mark(changes: Changes, styles: Styles, view: MarkView) -> tuple[Marked, RecordPart]:
    """Plan every change of marking ``view``; returns what was marked and the record part
    (name, and the function giving its bytes once everything else is written)."""
    marked = Marked()
    for part, marks in targets(changes, view).items():
        sheet = next(s for s in changes.book.sheets if s.part == part)
        marked.cells += mark_cells(changes, styles, sheet, marks)
    unselect_sheets(changes)
    active = changes.book.workbook.active()
    marked.results_sheet, record_part = add_sheets(changes, styles, view)
    return marked, (record_part, lambda: record_bytes(changes, view, marked, active))
