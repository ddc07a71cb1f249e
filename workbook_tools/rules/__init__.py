"""Checks: recompute every relation of a table set and report what does not hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbook_tools.gcpause import without_cyclic_gc
from workbook_tools.io.grid import cell_position
from workbook_tools.io.model import WorkbookData
from workbook_tools.rules.context import Context
from workbook_tools.rules.evaluate import (
    NotChecked,
    Outcome,
    Values,
    blank_derived,
    derivation,
    equations,
    evaluate,
    unknown_cells,
)
from workbook_tools.rules.findings import SEVERITIES, Finding, summarise
from workbook_tools.rules.registry import all_kinds
from workbook_tools.rules.structure import STRUCTURE_RULES
from workbook_tools.spec import TableSetSpec, load_spec

if TYPE_CHECKING:
    from workbook_tools.diagnosis import Suspect
    from workbook_tools.explain import Explanation, FindingKey

__all__ = ["CheckResult", "Finding", "NotChecked", "check_workbook", "evaluate_workbook"]


@dataclass
class CheckResult:
    data: WorkbookData
    spec: TableSetSpec
    findings: list[Finding]
    not_checked: list[NotChecked] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # ids of the set's tables not in the workbook
    outcomes: list[Outcome] = field(default_factory=list, repr=False)
    values: Values = field(default_factory=Values, repr=False)
    diagnosis: list[Suspect] = field(default_factory=list)  # the likeliest wrong cells, best first
    # what the unit typed next to findings in the workbook's 校验结果 sheet (workbook_tools.explain)
    explanations: dict[FindingKey, Explanation] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        return summarise(self.findings)

    def exit_code(self, strict: bool = False) -> int:
        """1 with an error (explained or not); ``strict``: also with an unexplained warning."""
        from workbook_tools.explain import is_explained

        if any(f.severity == "error" for f in self.findings):
            return 1
        warnings = [f for f in self.findings if f.severity == "warning"]
        return int(strict and any(not is_explained(f, self.explanations) for f in warnings))


@without_cyclic_gc
def check_workbook(data: WorkbookData, spec: TableSetSpec | None = None) -> CheckResult:
    """The whole check: every rule (``evaluate_workbook``), then the diagnosis of the cells
    that explain the failures (``workbook_tools.diagnosis``)."""
    from workbook_tools.diagnosis import diagnose

    result = evaluate_workbook(data, spec)
    result.diagnosis = diagnose(result)
    return result


@without_cyclic_gc
def evaluate_workbook(data: WorkbookData, spec: TableSetSpec | None = None) -> CheckResult:
    """Evaluate every structural rule and every relation of the set on ``data``."""
    spec = spec or load_spec(data.set_id)
    ctx = Context(data, spec)
    relations = spec.relations_for(data.tables)
    findings: list[Finding] = []
    for rule in STRUCTURE_RULES:
        findings.extend(rule.check(ctx))
    found = equations(ctx, relations)
    values = Values(unknown=unknown_cells(ctx))
    findings += blank_derived(ctx, derivation(ctx, found, values.unknown), values)
    outcomes, not_checked = evaluate(ctx, found, values)
    findings += [o.finding for o in outcomes if o.finding is not None]
    kinds = all_kinds()
    for relation in relations:
        direct = kinds[relation.kind].findings
        if direct is not None:
            findings.extend(direct(ctx, relation))
    order = {t.id: i for i, t in enumerate(spec.tables)}
    findings.sort(
        key=lambda f: (
            order.get(f.table, 99),
            f.sheet,
            *cell_position(f.cell),
            SEVERITIES.index(f.severity),
            f.rule,
        )
    )
    absent = [t.id for t in spec.tables if t.id not in data.tables]
    return CheckResult(data, spec, findings, not_checked, absent, outcomes, values)
