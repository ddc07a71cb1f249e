"""清除标记 in the open workbook: put back what either route's record says — for each
cell only what still carries our mark — then remove the record and, when the record
proves it is ours, the findings sheet.

Fills and fonts go back per group of cells with the same original state; notes per cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbook_tools.addin.colors import Paint, fill_paint, font_paint, hex_rgb
from workbook_tools.addin.paint import fill_cells, font_cells
from workbook_tools.addin.record import read_record
from workbook_tools.addin.xl import XlBook, XlSheet, delete_sheet, sheet_map
from workbook_tools.io.grid import Pos, cell_name, cell_position
from workbook_tools.writers.marks import record as rec
from workbook_tools.writers.marks.kinds import ERROR_FONT_RGB, MARK_STYLES

_LABELS = tuple(f"【{style.label}】" for style in MARK_STYLES.values())


@dataclass
class Cleared:
    restored: int = 0
    kept: list[str] = field(default_factory=list)  # cells changed since marking
    messages: list[str] = field(default_factory=list)


def clear_book(
    book: XlBook, record: rec.Record | str | None = None, sheets: dict[str, XlSheet] | None = None
) -> Cleared:
    """Undo a marking. ``sheets`` (``sheet_map(book)``, when the caller has it) loses the
    deleted sheets. A record that cannot be read changes nothing."""
    sheets = sheets if sheets is not None else sheet_map(book)
    record = record if record is not None else read_record(sheets)
    cleared = Cleared()
    if record is None:
        return cleared
    if isinstance(record, str):
        cleared.messages.append(record)
        return cleared
    cleared.messages += record.problems
    by_sheet: dict[str, dict[Pos, rec.RecordCell]] = {}
    for cell in record.cells:
        by_sheet.setdefault(cell.sheet, {})[cell_position(cell.cell)] = cell
    for sheet_name, cells in by_sheet.items():
        sheet = sheets.get(sheet_name)
        if sheet is not None:
            restore_cells(sheet, cells, cleared)
    if cleared.kept:
        cleared.messages.append(
            f"{len(cleared.kept)} 个单元格在标注后被修改过，保留了现在的样子，未恢复："
            + "、".join(cleared.kept[:10])
        )
    _remove_sheets(sheets, record, cleared)
    return cleared


def _mark(cell: rec.RecordCell) -> dict[str, Any]:
    return cell.mark or {"fill": None, "font": ERROR_FONT_RGB, "bold": True, "note": None}


def _ours(cell: Any, mark: dict[str, Any], note: Any) -> tuple[bool, bool, bool]:
    """Whether the cell's fill, font and note are still what marking painted."""
    fills = [mark["fill"]] if mark.get("fill") else [s.fill_rgb for s in MARK_STYLES.values()]
    fill = cell.color in [hex_rgb(rgb) for rgb in fills]
    font = True
    if mark.get("font"):
        style = cell.font
        font = bool(style.bold) and tuple(style.color or ()) == hex_rgb(mark["font"])
    if note is None:
        return fill, font, False
    text = note.text
    ours = rec.note_hash(text) == mark["note"] if mark.get("note") else text.startswith(_LABELS)
    return fill, font, ours


def restore_cells(sheet: XlSheet, cells: dict[Pos, rec.RecordCell], cleared: Cleared) -> None:
    fills: dict[Paint, list[Pos]] = {}
    fonts: dict[tuple[bool, Paint], list[Pos]] = {}
    for pos, cell in cells.items():
        if pos == (0, 0):
            continue
        target = sheet.range(cell_name(*pos))
        note = target.note
        mark = _mark(cell)
        fill_ok, font_ok, note_ok = _ours(target, mark, note)
        original = cell.state
        if fill_ok:
            fills.setdefault(fill_paint(_dict(original.get("fill"))), []).append(pos)
        if mark.get("font") and font_ok and fill_ok:
            font = _dict(original.get("font"))
            fonts.setdefault((bool(font.get("bold")), font_paint(font)), []).append(pos)
        if note_ok:
            restore_note(target, note, original.get("comment"))
        if fill_ok and font_ok and note_ok:
            cleared.restored += 1
        else:
            cleared.kept.append(f"{cell.sheet}!{cell.cell}")
    fill_cells(sheet, fills)
    font_cells(sheet, fonts)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def restore_note(cell: Any, note: Any, comment: object) -> None:
    """The cell's note as before marking: the user's note back, or none at all."""
    if not isinstance(comment, dict) or not isinstance(comment.get("text"), str):
        note.delete()
        return
    if note.author == comment.get("author"):
        note.text = comment["text"]
        return
    note.delete()
    cell.add_note(comment["text"] or " ")  # a new note gets the current user as author


def _remove_sheets(sheets: dict[str, XlSheet], record: rec.Record, cleared: Cleared) -> None:
    """Delete the record and, when proven ours, the findings sheet; activate the sheet
    active before marking."""
    names = [rec.MARK_SHEET]
    results = sheets.get(record.results_sheet) if record.results_sheet else None
    if results is not None and record.results_sheet != rec.MARK_SHEET:
        values = results.used_range.options(ndim=2).value or []
        if rec.owns_results(record, values):
            names.insert(0, record.results_sheet)
        else:
            cleared.messages.append(
                f"工作表「{record.results_sheet}」与标注时写入的校验结果不一致（可能已被修改，"
                "或不是本工具生成的），已保留；如不需要请自行删除"
            )
    for name in names:
        sheet = sheets.pop(name, None)
        if sheet is not None:
            delete_sheet(sheet)
    remaining = list(sheets.values())
    if remaining:
        remaining[min(record.active, len(remaining) - 1)].activate()
