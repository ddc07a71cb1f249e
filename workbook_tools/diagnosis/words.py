"""How the diagnosis is said, once for every route (report, JSON, notes, message boxes)."""

from __future__ import annotations

from workbook_tools.diagnosis import Suspect
from workbook_tools.money import money
from workbook_tools.rules.findings import Finding
from workbook_tools.spec import TableSetSpec


def place(suspect: Suspect, spec: TableSetSpec) -> str:
    """``表6 D17`` (with the sheet when it is not named after the table)."""
    label = spec.table(suspect.table).label if spec.has_table(suspect.table) else ""
    if not label or label == suspect.sheet:
        return f"{suspect.sheet} {suspect.cell}"
    return f"{label}（工作表「{suspect.sheet}」）{suspect.cell}"


def _explains(suspect: Suspect) -> str:
    count = len(suspect.findings)
    return f"可解释 {count} 条不一致" if count != 1 else "可解释 1 条不一致"


def headline(suspect: Suspect, spec: TableSetSpec) -> str:
    """最可能填错：表6 D17（填的是 X，应为 Y；可解释 3 条不一致）."""
    where = place(suspect, spec)
    should = f"填的是 {suspect.typed()}，应为 {money(suspect.expected)}"
    if suspect.ambiguous and suspect.alternatives:
        others = "、".join(
            f"{place(a, spec)}（应为 {money(a.expected)}）" for a in suspect.alternatives
        )
        return (
            f"无法确定是哪一格填错：{where}（{should}）或 {others}——它们出现在相同的关系中，"
            f"改正其中一格都能消除这些不一致（{_explains(suspect)}），请核对"
        )
    lead = "最可能填错" if suspect.certain else "可能填错"
    also = ""
    if suspect.alternatives:
        also = "；也可能是 " + "、".join(place(a, spec) for a in suspect.alternatives)
    return f"{lead}：{where}（{should}；{_explains(suspect)}{also}）"


def cell_note(suspect: Suspect, spec: TableSetSpec) -> str:
    """The note on the diagnosed cell: what to type."""
    rules = "、".join(dict.fromkeys(suspect.explains))
    text = f"【最可能填错】本单元格填的是 {suspect.typed()}，应为 {money(suspect.expected)}"
    text += f"（{_explains(suspect)}：{rules}）。"
    if suspect.ambiguous and suspect.alternatives:
        others = "、".join(place(a, spec) for a in suspect.alternatives)
        text += f"也可能是 {others} 填错，请一并核对。"
    return text


def cause_note(finding: Finding, suspect: Suspect, spec: TableSetSpec) -> str | None:
    """Under a finding the suspect explains, at another cell: that cell may well be right."""
    if (finding.sheet, finding.cell) == (suspect.sheet, suspect.cell):
        return None
    return affected_note(suspect, spec)


def affected_note(suspect: Suspect, spec: TableSetSpec) -> str:
    """On a cell of a relation the suspect's typo breaks."""
    return (
        f"最可能是 {place(suspect, spec)} 填错所致（该格应为 {money(suspect.expected)}），"
        "改正后本条即可消除；本单元格不一定需要修改"
    )
