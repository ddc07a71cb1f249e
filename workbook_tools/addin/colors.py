"""Colours between Excel's object model and the JSON of the mark record (``writers.marks.record``).

Marking in Excel records what xlwings reports — an RGB colour, or no fill — in the same
JSON shape the file route writes (``{"rgb": "FFRRGGBB", "tint": 0.0}``), so ``wbt clear``
restores it. Clearing in Excel reads either route's JSON: RGB and indexed colours are set
as RGB; theme colours (what the file route records for most fonts) are set as theme colour
and tint, so the cell is exactly as before.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles.colors import COLOR_INDEX

RGB = tuple[int, int, int]
# A colour to paint: ("none",) no fill / automatic font colour, ("rgb", (r, g, b)),
# or ("theme", XlThemeColor, tint). Hashable, so cells with equal paint share one call.
Paint = tuple[Any, ...]
NO_PAINT: Paint = ("none",)
BLACK: Paint = ("rgb", (0, 0, 0))
_EMPTY_COLOR = {"rgb": "00000000", "tint": 0.0}  # what openpyxl reports for "no colour"
# SpreadsheetML theme index → Excel's XlThemeColor (the first two pairs are swapped:
# index 0 is Background 1 = xlThemeColorLight1, index 1 is Text 1 = xlThemeColorDark1).
_THEME_TO_XL = {0: 2, 1: 1, 2: 4, 3: 3}


def rgb_hex(rgb: RGB) -> str:
    """``(248, 203, 173)`` → ``"FFF8CBAD"``."""
    return "FF" + "".join(f"{part:02X}" for part in rgb)


def hex_rgb(text: str) -> RGB:
    """``"FFF8CBAD"`` or ``"F8CBAD"`` → ``(248, 203, 173)``."""
    digits = text[-6:]
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def fill_record(color: RGB | None) -> dict[str, Any]:
    """The fill JSON for what Excel reports: ``None`` is no fill, else a solid colour."""
    if color is None:
        return {"pattern": None, "fg": dict(_EMPTY_COLOR), "bg": dict(_EMPTY_COLOR)}
    return {
        "pattern": "solid",
        "fg": {"rgb": rgb_hex(color), "tint": 0.0},
        "bg": dict(_EMPTY_COLOR),
    }


def font_record(bold: bool, color: RGB | None) -> dict[str, Any]:
    return {
        "bold": bool(bold),
        "color": None if color is None else {"rgb": rgb_hex(color), "tint": 0.0},
    }


def color_paint(data: dict[str, Any] | None, default: Paint) -> Paint:
    """The paint for one colour JSON of either route; ``default`` when it names none."""
    if not data:
        return default
    tint = float(data.get("tint") or 0.0)
    if "theme" in data and data["theme"] is not None:
        index = int(data["theme"])
        return ("theme", _THEME_TO_XL.get(index, index + 1), tint)
    if "rgb" in data and isinstance(data["rgb"], str) and len(data["rgb"]) >= 6:
        return ("rgb", hex_rgb(data["rgb"]))
    if "indexed" in data and data["indexed"] is not None:
        index = int(data["indexed"])
        if 0 <= index < len(COLOR_INDEX):
            return ("rgb", hex_rgb(COLOR_INDEX[index]))
    return default


def fill_paint(data: dict[str, Any]) -> Paint:
    """The paint that puts back a recorded fill (no pattern → no fill)."""
    if "xml" in data:  # a gradient: Excel's object model cannot set one through xlwings
        return NO_PAINT
    if data.get("pattern") in (None, "none"):
        return NO_PAINT
    return color_paint(data.get("fg"), NO_PAINT)


def font_paint(data: dict[str, Any]) -> Paint:
    """The paint that puts back a recorded font colour (none recorded → automatic black)."""
    return color_paint(data.get("color"), BLACK)
