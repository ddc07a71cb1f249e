"""Which cells get which mark and note, from the check findings and the diagnosis.

A diagnosed cell gets the error mark and a note saying what to type. A finding that a
diagnosed typo explains marks its own cells as 受影响 (affected), with a note pointing to the
diagnosed cell: those cells need not change. Every other finding marks its cell by severity;
a cross-table finding also marks its cells on the other sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbook_tools.diagnosis import Suspect
from workbook_tools.diagnosis.words import affected_note, cell_note
from workbook_tools.explain import finding_key
from workbook_tools.rules import CheckResult
from workbook_tools.rules.findings import SEVERITY_NAMES, CellRef, Finding
from workbook_tools.spec import TableSetSpec
from workbook_tools.writers.marks.kinds import worst

MAX_NOTES_PER_CELL = 6


@dataclass
class CellMark:
    kind: str  # a key of MARK_STYLES
    notes: list[str] = field(default_factory=list)
    hidden_notes: int = 0

    def add(self, kind: str, note: str) -> None:
        self.kind = worst(self.kind, kind)
        if len(self.notes) < MAX_NOTES_PER_CELL:
            self.notes.append(note)
        else:
            self.hidden_notes += 1

    def text(self) -> str:
        body = "\n\n".join(self.notes)
        if self.hidden_notes:
            body += f"\n\n……另有 {self.hidden_notes} 条，见「校验结果」表"
        return body


def _anchor_note(finding: Finding, explanation: str = "") -> str:
    others = [str(c) for c in finding.cells if (c.sheet, c.cell) != (finding.sheet, finding.cell)]
    lines = [f"【{SEVERITY_NAMES[finding.severity]}】{finding.message}"]
    other_sheets = [str(c) for c in finding.cells if c.sheet != finding.sheet]
    if other_sheets:
        lines.append(
            "对应单元格：" + "、".join(other_sheets[:6]) + ("等" if len(other_sheets) > 6 else "")
        )
    elif others:
        lines.append(
            "涉及单元格："
            + "、".join(c.split("!")[-1] for c in others[:10])
            + ("等" if len(others) > 10 else "")
        )
    lines.append(f"规则 {finding.rule}")
    if explanation:
        lines.append(f"单位说明（已说明）：{explanation}")
    return "\n".join(lines)


def _counterpart_note(finding: Finding) -> str:
    anchor = CellRef(finding.sheet, finding.cell)
    return (
        f"【{SEVERITY_NAMES[finding.severity]}】本单元格与 {anchor} 不一致：{finding.message}\n"
        f"请对照 {anchor} 的批注。规则 {finding.rule}"
    )


def plan_marks(result: CheckResult) -> dict[tuple[str, str], CellMark]:
    """The mark of every cell: diagnosed cells first, then each finding's cells."""
    plan: dict[tuple[str, str], CellMark] = {}
    causes = {s.ref: s for s in result.diagnosis}
    explanations = result.explanations
    for suspect in result.diagnosis:
        plan.setdefault((suspect.sheet, suspect.cell), CellMark("error")).add(
            "error", cell_note(suspect, result.spec)
        )
    for finding in result.findings:
        cause = causes.get(finding.cause) if finding.cause is not None else None
        if cause is not None:
            _mark_affected(plan, finding, cause, result.spec)
        else:
            found = explanations.get(finding_key(finding))
            _mark_finding(plan, finding, found.text if found and found.explained else "")
    return plan


def _mark_finding(
    plan: dict[tuple[str, str], CellMark], finding: Finding, explanation: str = ""
) -> None:
    key = (finding.sheet, finding.cell)
    note = _anchor_note(finding, explanation or "")
    plan.setdefault(key, CellMark(finding.severity)).add(finding.severity, note)
    for ref in finding.cells:
        if ref.sheet == finding.sheet:
            continue
        other = (ref.sheet, ref.cell)
        plan.setdefault(other, CellMark(finding.severity)).add(
            finding.severity, _counterpart_note(finding)
        )


def _mark_affected(
    plan: dict[tuple[str, str], CellMark], finding: Finding, cause: Suspect, spec: TableSetSpec
) -> None:
    """The cells of a finding the diagnosed ``cause`` explains: affected, not to change."""
    text = f"【受影响】{affected_note(cause, spec)}\n（{finding.message}）\n规则 {finding.rule}"
    anchor = CellRef(finding.sheet, finding.cell)
    for ref in [anchor, *(c for c in finding.cells if c.sheet != finding.sheet)]:
        if (ref.sheet, ref.cell) == (cause.sheet, cause.cell):
            continue
        mark = plan.setdefault((ref.sheet, ref.cell), CellMark("affected"))
        if text not in mark.notes:
            mark.add("affected", text)
