"""Which cells get which mark and note, from the check findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from workbook_tools.rules.findings import SEVERITY_NAMES, CellRef, Finding
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


def _anchor_note(finding: Finding) -> str:
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
    return "\n".join(lines)


def _counterpart_note(finding: Finding) -> str:
    anchor = CellRef(finding.sheet, finding.cell)
    return (
        f"【{SEVERITY_NAMES[finding.severity]}】本单元格与 {anchor} 不一致：{finding.message}\n"
        f"请对照 {anchor} 的批注。规则 {finding.rule}"
    )


def plan_marks(findings: list[Finding]) -> dict[tuple[str, str], CellMark]:
    """Each finding marks its cell; a cross-table finding also marks its cells on other sheets."""
    plan: dict[tuple[str, str], CellMark] = {}
    for finding in findings:
        key = (finding.sheet, finding.cell)
        plan.setdefault(key, CellMark(finding.severity)).add(
            finding.severity, _anchor_note(finding)
        )
        for ref in finding.cells:
            if ref.sheet == finding.sheet:
                continue
            other = (ref.sheet, ref.cell)
            plan.setdefault(other, CellMark(finding.severity)).add(
                finding.severity, _counterpart_note(finding)
            )
    return plan
