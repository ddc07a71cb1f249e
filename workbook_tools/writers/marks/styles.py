"""Fill and font states as plain JSON, so marking can restore exactly what it changed.

The same JSON is written by the file route (openpyxl) and the Excel route (xlwings), so a
workbook marked in either can be cleared by the other.
"""

from __future__ import annotations

import copy
from typing import Any
from xml.etree.ElementTree import fromstring, tostring

from openpyxl.cell.cell import Cell
from openpyxl.styles import Color, Font, GradientFill, PatternFill

# Colour-blind-safe: orange / yellow / blue differ in hue and lightness; errors also get a
# bold dark-red font, so they stand out without colour.
FILL_RGB = {"error": "F8CBAD", "warning": "FFE699", "hint": "BDD7EE"}
ERROR_FONT_RGB = "C00000"


def color_json(color: Color | None) -> dict[str, Any] | None:
    if color is None:
        return None
    tint = float(color.tint or 0)
    if color.type == "rgb":
        return {"rgb": color.rgb, "tint": tint}
    if color.type == "theme":
        return {"theme": color.theme, "tint": tint}
    if color.type == "indexed":
        return {"indexed": color.indexed, "tint": tint}
    return {"auto": True, "tint": tint}


def color_from(data: dict[str, Any] | None) -> Color | None:
    if data is None:
        return None
    tint = data.get("tint", 0.0)
    if "rgb" in data:
        return Color(rgb=data["rgb"], tint=tint)
    if "theme" in data:
        return Color(theme=data["theme"], tint=tint)
    if "indexed" in data:
        return Color(indexed=data["indexed"], tint=tint)
    return Color(auto=True, tint=tint)


def fill_json(cell: Cell) -> dict[str, Any]:
    fill = copy.copy(cell.fill)  # the fill itself, not openpyxl's StyleProxy around it
    if isinstance(fill, GradientFill):
        return {"xml": tostring(fill.to_tree(), encoding="unicode")}
    return {
        "pattern": fill.fill_type,
        "fg": color_json(fill.fgColor),
        "bg": color_json(fill.bgColor),
    }


def restore_fill(cell: Cell, data: dict[str, Any]) -> None:
    if "xml" in data:
        cell.fill = GradientFill.from_tree(fromstring(data["xml"]))
        return
    fg, bg = color_from(data.get("fg")), color_from(data.get("bg"))
    cell.fill = PatternFill(
        fill_type=data.get("pattern"),
        fgColor=fg if fg is not None else Color(),
        bgColor=bg if bg is not None else Color(),
    )


def font_json(cell: Cell) -> dict[str, Any]:
    return {"bold": bool(cell.font.b), "color": color_json(cell.font.color)}


def restore_font(cell: Cell, data: dict[str, Any]) -> None:
    font: Font = copy.copy(cell.font)
    font.b = data.get("bold", False)
    font.color = color_from(data.get("color"))
    cell.font = font


def apply_severity(cell: Cell, severity: str) -> None:
    cell.fill = PatternFill(fill_type="solid", fgColor=Color(rgb="FF" + FILL_RGB[severity]))
    if severity == "error":
        font: Font = copy.copy(cell.font)
        font.b = True
        font.color = Color(rgb="FF" + ERROR_FONT_RGB)
        cell.font = font
