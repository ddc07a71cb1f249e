"""Evaluating the relation instances of a workbook: what holds, what fails, what cannot be told.

Three kinds of cells change how an instance is judged:

- a cell that cannot be read as a number (a formula without a cached value, ``12O.00``) is
  *unknown*: every instance through it is "未能校验", never evaluated with 0;
- a blank derived cell that its details determine is taken to hold that value (one finding
  at the cell says it is blank and what ``wbt fill`` would write), so the relations through
  it do not blame the cells around it;
- a blank derived cell its details cannot determine is unknown too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from workbook_tools.layouts import layout_of, parent_codes
from workbook_tools.money import money
from workbook_tools.rules.context import Context, Term, verdict_text
from workbook_tools.rules.derive import Derivation
from workbook_tools.rules.findings import CellRef, Finding
from workbook_tools.rules.registry import all_kinds
from workbook_tools.rules.relations import Instance
from workbook_tools.rules.tolerance import Verdict, judge, judge_at_least, judge_at_most
from workbook_tools.spec.models import RelationSpec

BLANK_RULE = "s.blank_derived"
BLANK_TITLE = "计算单元格为空（其明细不为零；可运行 wbt fill 自动计算）"
BLANK_TITLE_EN = "blank derived cell whose details are not zero"
ZERO = Decimal(0)
_VALUE, _PUBLISHED = itemgetter(0), itemgetter(3)  # of a Term (a tuple)
_PROBLEMS = {"formula_without_value": "是没有计算结果的公式", "not_a_number": "不是数字"}
_RELATION_WORDS = {"eq": "应为", "le": "不应超过", "ge": "不应低于"}


@dataclass
class Values:
    """What each cell counts as: its own amount, unless blank-derived or unknown."""

    overlay: dict[CellRef, Decimal] = field(default_factory=dict)
    unknown: dict[CellRef, str] = field(default_factory=dict)

    def value(self, term: Term) -> Decimal:
        if term.ref is not None and term.ref in self.overlay:
            return self.overlay[term.ref]
        return term.value

    def published(self, term: Term) -> bool:
        return term.published or (term.ref is not None and term.ref in self.overlay)

    def unknown_in(self, terms: Iterable[Term]) -> CellRef | None:
        return next((t.ref for t in terms if t.ref is not None and t.ref in self.unknown), None)


@dataclass
class Outcome:
    """One evaluated instance: Σ left (op) Σ right and its verdict."""

    relation: RelationSpec
    instance: Instance
    actual: Decimal
    expected: Decimal
    terms: int
    verdict: Verdict
    finding: Finding | None = None

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected

    @property
    def fails(self) -> bool:
        """A real mismatch of an error relation (what a diagnosis must explain)."""
        return self.verdict == "mismatch" and self.relation.severity == "error"


@dataclass
class NotChecked:
    """A relation instance that could not be evaluated, and why."""

    rule: str
    title: str
    cells: list[CellRef]
    reason: str

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "title": self.title,
            "cells": [c.to_json() for c in self.cells],
            "reason": self.reason,
        }


Equations = list[tuple[RelationSpec, Instance]]


def equations(ctx: Context, relations: list[RelationSpec]) -> Equations:
    kinds = all_kinds()
    found = []
    for relation in relations:
        generate = kinds[relation.kind].instances
        if generate is not None:
            found += [(relation, instance) for instance in generate(ctx, relation)]
    return found


def unknown_cells(ctx: Context) -> dict[CellRef, str]:
    """Amount cells that are not numbers, with what they are."""
    found = {}
    for table in ctx.data.tables.values():
        for row in table.rows:
            for amount in row.values.values():
                if amount.problem is not None:
                    found[CellRef(row.sheet or table.sheet, amount.cell)] = _PROBLEMS[
                        amount.problem
                    ]
    return found


def derivation(ctx: Context, found: Equations, unknown: dict[CellRef, str]) -> Derivation:
    parents = {tid: parent_codes(table.rows) for tid, table in ctx.data.tables.items()}

    def is_derived(term: Term) -> bool:
        if term.row is None:
            return False
        table = ctx.table_spec(term.table)
        return layout_of(table).derived(table, term.row, term.column, parents[term.table])

    return Derivation(((r, i.left, i.right) for r, i in found), is_derived, unknown)


def blank_derived(ctx: Context, derived: Derivation, values: Values) -> list[Finding]:
    """Blank derived cells: the value their details give (one finding each) or unknown."""
    findings = []
    for ref, definitions in derived.definitions.items():
        target = definitions[0].target
        if target.published or ref in values.unknown:
            continue
        value, why = derived.fill_value(ref)
        if value is None:
            if any(s.published for d in definitions for s in d.sources):
                values.unknown[ref] = f"为空，且无法由明细算出（{why}）"
            continue
        if value == 0:
            continue
        values.overlay[ref] = value
        findings.append(_blank_finding(ctx, target, definitions[0].relation, value))
    return findings


def _blank_finding(ctx: Context, target: Term, relation: RelationSpec, value: Decimal) -> Finding:
    assert target.ref is not None
    where = ctx.where(target.table, target.row, target.column)
    return Finding(
        rule=BLANK_RULE,
        severity="error",
        table=target.table,
        sheet=target.ref.sheet,
        cell=target.ref.cell,
        message=(
            f"计算单元格为空：{where}为空（可运行 wbt fill 自动计算），"
            f"按「{relation.title}」应为 {money(value)}"
        ),
        cells=[target.ref],
        expected=value,
        actual="（空）",
    )


def evaluate(
    ctx: Context, found: Equations, values: Values
) -> tuple[list[Outcome], list[NotChecked]]:
    outcomes, not_checked = [], []
    for relation, instance in found:
        if values.unknown:
            terms = [*instance.left, *instance.right]
            bad = values.unknown_in(terms)
            if bad is not None:
                cells = list(dict.fromkeys(t.ref for t in terms if t.ref is not None))
                reason = f"{bad} {values.unknown[bad]}"
                not_checked.append(NotChecked(relation.id, relation.title, cells, reason))
                continue
        outcome = judge_instance(relation, instance, values)
        if outcome is not None:
            if outcome.verdict != "ok":
                outcome.finding = describe(ctx, outcome, values)
            outcomes.append(outcome)
    return outcomes, not_checked


def _side(terms: list[Term], overlay: dict[CellRef, Decimal]) -> tuple[Decimal, int, bool]:
    """Σ of one side, its published figures, and whether any is published."""
    if not overlay or overlay.keys().isdisjoint([t.ref for t in terms]):
        published = sum(map(_PUBLISHED, terms))  # at C speed: a side may have 10,000 terms
        return sum(map(_VALUE, terms), ZERO), published, published > 0
    total, published = ZERO, 0
    for term in terms:
        ref = term.ref
        if overlay and ref is not None and ref in overlay:
            total += overlay[ref]
            published += 1
        else:
            total += term.value
            published += term.published
    return total, published, published > 0


def judge_instance(relation: RelationSpec, instance: Instance, values: Values) -> Outcome | None:
    actual, left_terms, any_left = _side(instance.left, values.overlay)
    if relation.optional_left and not any_left:
        return None
    expected, right_terms, _ = _side(instance.right, values.overlay)
    terms = left_terms + right_terms
    if relation.op == "le":
        verdict = judge_at_most(actual, expected, terms)
    elif relation.op == "ge":
        verdict = judge_at_least(actual, expected, terms)
    else:
        verdict = judge(actual - expected, terms)
    return Outcome(relation, instance, actual, expected, terms, verdict)


def describe(ctx: Context, outcome: Outcome, values: Values) -> Finding | None:
    """The finding of a failing instance (its words are built only here)."""
    relation, verdict = outcome.relation, outcome.verdict
    if verdict == "ok" or (verdict == "tail" and relation.severity == "hint"):
        return None
    severity = "warning" if verdict == "tail" else relation.severity
    left_desc, right_desc = outcome.instance.words()
    message = (
        f"{relation.title}：{left_desc}为 {money(outcome.actual)}，{_RELATION_WORDS[relation.op]}"
        f"{right_desc} {money(outcome.expected)}，"
        f"{verdict_text(verdict, outcome.difference, outcome.terms)}"
    )
    return ctx.finding(
        relation.id,
        severity,
        message,
        outcome.instance.left,
        outcome.instance.right,
        expected=outcome.expected,
        actual=outcome.actual,
        difference=outcome.difference,
    )
