"""The diagnosis: from all failing relations, the cells most likely typed wrong, with the
value each should hold, best first (see ``workbook_tools.diagnosis.solve``).

``diagnose`` also ties each finding to the suspect that explains it, so that reports say
"最可能是 表6 D17 填错所致" under the findings of the cells around it, and marks them as
affected rather than to be changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from workbook_tools.diagnosis.solve import Candidate, Explanation, explanations
from workbook_tools.money import format_amount, money
from workbook_tools.rules import CheckResult
from workbook_tools.rules.evaluate import BLANK_RULE
from workbook_tools.rules.findings import CellRef, Finding


@dataclass
class Suspect:
    table: str
    sheet: str
    cell: str
    actual: Decimal | None  # None: the cell is blank
    expected: Decimal
    explains: list[str] = field(default_factory=list)  # rule ids, one per explained finding
    findings: list[Finding] = field(default_factory=list, repr=False)
    alternatives: list[Suspect] = field(default_factory=list)
    ambiguous: bool = False  # the evidence cannot tell it from its alternatives
    certain: bool = True  # False: part of a greedy (not exhaustive) explanation

    @property
    def ref(self) -> CellRef:
        return CellRef(self.sheet, self.cell)

    def typed(self) -> str:
        return "空白" if self.actual is None else money(self.actual)

    def to_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "table": self.table,
            "actual": None if self.actual is None else format_amount(self.actual),
            "expected": format_amount(self.expected),
            "explains": list(self.explains),
            "ambiguous": self.ambiguous,
            "alternatives": [a.to_json() for a in self.alternatives],
        }


def _suspect(candidate: Candidate, findings: list[Finding]) -> Suspect:
    actual = candidate.actual if candidate.published else None
    return Suspect(
        candidate.table,
        candidate.ref.sheet,
        candidate.ref.cell,
        actual,
        candidate.expected,
        [f.rule for f in findings],
        findings,
    )


def _from_explanation(explanation: Explanation, by_index: dict[int, Finding]) -> list[Suspect]:
    suspects = []
    for candidate in explanation.cells:
        findings = [by_index[i] for i in sorted(candidate.explains) if i in by_index]
        suspect = _suspect(candidate, findings)
        suspect.certain = not explanation.greedy
        if len(explanation.cells) == 1:
            suspect.ambiguous = explanation.ambiguous
            suspect.alternatives = [_suspect(a, []) for a in explanation.alternatives[:4]]
        suspects.append(suspect)
    return suspects


def _blank_suspects(result: CheckResult) -> list[Suspect]:
    """A blank derived cell its details determine: itself the answer."""
    return [
        Suspect(f.table, f.sheet, f.cell, None, f.expected, [f.rule], [f])
        for f in result.findings
        if f.rule == BLANK_RULE and isinstance(f.expected, Decimal)
    ]


def diagnose(result: CheckResult) -> list[Suspect]:
    """The suspects of ``result``, best first; each explained finding learns its cause."""
    constraining = [o for o in result.outcomes if o.relation.severity == "error"]
    by_index = {i: o.finding for i, o in enumerate(constraining) if o.finding is not None}
    suspects = []
    for explanation in explanations(result.outcomes, result.values):
        suspects += _from_explanation(explanation, by_index)
    suspects.sort(key=lambda s: (not s.certain, -len(s.findings)))
    suspects = _blank_suspects(result) + suspects
    for suspect in suspects:
        for finding in suspect.findings:
            finding.cause = suspect.ref
    return suspects
