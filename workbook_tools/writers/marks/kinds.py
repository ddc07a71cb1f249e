"""The look of each kind of mark, one row per kind: what both routes paint.

Colour-blind-safe: orange / yellow / blue differ in hue and lightness; errors also get a
bold dark-red font, so they stand out without colour. 受影响 (a pale lavender, no bold) marks
the cells of relations that a diagnosed typo elsewhere explains: they need not change. The
order is the precedence: a cell with marks of several kinds shows the first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MarkStyle:
    kind: str
    label: str  # Chinese, as shown in notes and in 校验结果
    fill_rgb: str  # RRGGBB
    font_rgb: str | None = None  # RRGGBB: the font becomes bold in this colour
    bold: bool = False


MARK_STYLES: dict[str, MarkStyle] = {
    style.kind: style
    for style in (
        MarkStyle("error", "错误", "F8CBAD", "C00000", True),
        MarkStyle("warning", "警告", "FFE699"),
        MarkStyle("affected", "受影响", "E4DFEC"),
        MarkStyle("hint", "提示", "BDD7EE"),
    )
}
FILL_RGB = {kind: style.fill_rgb for kind, style in MARK_STYLES.items()}
ERROR_FONT_RGB = MARK_STYLES["error"].font_rgb


def mark_style(kind: str) -> MarkStyle:
    return MARK_STYLES.get(kind, MARK_STYLES["hint"])


def precedence(kind: str) -> int:
    kinds = list(MARK_STYLES)
    return kinds.index(kind) if kind in kinds else len(kinds)


def worst(a: str, b: str) -> str:
    return min(a, b, key=precedence)
