"""Clearing cell by cell, for a sheet changed since it was marked (saved again by Excel,
LibreOffice or another tool): each part of a mark — fill, font, note — is put back only
while the cell still shows exactly what marking put there; a cell the user has changed
since keeps the user's change and is reported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbook_tools.io.grid import Pos
from workbook_tools.writers.marks import record as rec
from workbook_tools.writers.marks.kinds import ERROR_FONT_RGB, MARK_STYLES
from workbook_tools.writers.ooxml import opc, style_json
from workbook_tools.writers.ooxml.book import SheetInfo
from workbook_tools.writers.ooxml.changes import Changes
from workbook_tools.writers.ooxml.comments import Comment, CommentsXml
from workbook_tools.writers.ooxml.sheet_edit import CellChange
from workbook_tools.writers.ooxml.sheet_rows import split_ref
from workbook_tools.writers.ooxml.sheet_scan import CellState, scan_sheet
from workbook_tools.writers.ooxml.styles_xml import Styles
from workbook_tools.writers.ooxml.vml import vml_edits

_LABELS = tuple(f"【{style.label}】" for style in MARK_STYLES.values())


@dataclass
class Outcome:
    restored: int = 0
    kept: list[str] | None = None


def _rgb(color: dict[str, Any] | None) -> str:
    value = (color or {}).get("rgb")
    return value[-6:].upper() if isinstance(value, str) else ""


def _mark(cell: rec.RecordCell) -> dict[str, Any]:
    """What marking painted (v1 records do not say: any of our fills, the error font)."""
    return cell.mark or {"fill": None, "font": ERROR_FONT_RGB, "bold": True, "note": None}


def fill_is_ours(styles: Styles, xf: int, mark: dict[str, Any]) -> bool:
    fill = style_json.fill_json(styles.fill_of(xf))
    rgb = _rgb(fill.get("fg"))
    wanted = [mark["fill"]] if mark.get("fill") else [s.fill_rgb for s in MARK_STYLES.values()]
    return fill.get("pattern") == "solid" and rgb in [w.upper() for w in wanted]


def font_is_ours(styles: Styles, xf: int, mark: dict[str, Any]) -> bool:
    font = style_json.font_json(styles.font_of(xf))
    return bool(font["bold"]) and _rgb(font.get("color")) == str(mark.get("font") or "").upper()


def note_is_ours(comment: Comment | None, mark: dict[str, Any]) -> bool:
    if comment is None:
        return False
    if mark.get("note"):
        return rec.note_hash(comment.text) == mark["note"]
    return comment.text.startswith(_LABELS)


def _font_changes(original: dict[str, Any], prefix: bytes) -> dict[str, Any]:
    color = original.get("color")
    return {
        "bold": bool(original.get("bold")),
        "color": style_json.color_xml("color", color if isinstance(color, dict) else None, prefix),
    }


class SheetRestorer:
    def __init__(self, changes: Changes, styles: Styles, sheet: SheetInfo, styles_same: bool):
        assert sheet.part is not None
        self.changes, self.styles, self.sheet = changes, styles, sheet
        self.part = sheet.part
        self.styles_same = styles_same  # styles.xml is as marking wrote it
        comments = changes.book.related(self.part, opc.COMMENTS)
        self.comments_part = comments
        self.comments = CommentsXml(changes.read(comments)) if comments else None
        self.notes: dict[str, tuple[str, str] | None] = {}

    def run(self, cells: list[rec.RecordCell]) -> Outcome:
        positions = {c.cell: split_ref(c.cell) for c in cells}
        rows = {p[0] for p in positions.values() if p is not None}
        scan = scan_sheet(lambda: self.changes.book.package.pieces(self.part), rows)
        outcome = Outcome(kept=[])
        for cell in cells:
            pos = positions[cell.cell]
            if pos is not None and self._cell(cell, pos, scan.state(pos)):
                outcome.restored += 1
            else:
                outcome.kept.append(f"{cell.sheet}!{cell.cell}")
        self._write_notes(scan.legacy_rid)
        return outcome

    def _cell(self, cell: rec.RecordCell, pos: Pos, state: CellState) -> bool:
        mark = _mark(cell)
        style_done = self._style(cell, pos, state, mark)
        note_done = self._note(cell, mark)
        return style_done and note_done

    def _style(
        self, cell: rec.RecordCell, pos: Pos, state: CellState, mark: dict[str, Any]
    ) -> bool:
        info = cell.file
        if self.styles_same and isinstance(info.get("xf"), int):
            if not (state.exists and state.style == info["xf"]):
                return False
            original = info.get("s") if info.get("exists") else info.get("shown")
            style = int(original) if str(original or "0").isdigit() else 0
            self.changes.plan(self.part).changes[pos] = CellChange(style)
            return True
        fill_ours = fill_is_ours(self.styles, state.style, mark)
        marks_font = bool(mark.get("bold") or mark.get("font"))
        font_ours = marks_font and font_is_ours(self.styles, state.style, mark)
        if not (fill_ours or font_ours):
            return False
        original_fill = cell.state.get("fill") if isinstance(cell.state.get("fill"), dict) else {}
        original_font = cell.state.get("font") if isinstance(cell.state.get("font"), dict) else {}
        fill = style_json.fill_xml(original_fill, self.styles.prefix) if fill_ours else None
        font = _font_changes(original_font, self.styles.prefix) if font_ours else None
        xf = self.styles.derive_xf(state.style, fill, font)
        self.changes.plan(self.part).changes[pos] = CellChange(xf)
        return fill_ours and (font_ours or not marks_font or not cell.mark)

    def _note(self, cell: rec.RecordCell, mark: dict[str, Any]) -> bool:
        current = None if self.comments is None else self.comments.comments.get(cell.cell)
        if not note_is_ours(current, mark):
            return False
        original = cell.state.get("comment")
        if isinstance(original, dict) and isinstance(original.get("text"), str):
            self.notes[cell.cell] = (original["text"], str(original.get("author") or ""))
        else:
            self.notes[cell.cell] = None
        return True

    def _write_notes(self, legacy_rid: str | None) -> None:
        if self.comments is None or self.comments_part is None or not self.notes:
            return
        self.changes.edit(self.comments_part, self.comments.replace_edits(self.notes))
        vml = self.changes.book.related(self.part, rid=legacy_rid) if legacy_rid else None
        removed = {split_ref(ref) for ref, value in self.notes.items() if value is None}
        if vml is not None and removed:
            edits = vml_edits(self.changes.read(vml), [], {p for p in removed if p is not None})
            if edits:
                self.changes.edit(vml, edits)
