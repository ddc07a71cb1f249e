"""Which cells, typed wrong, explain every failing relation.

A cell typed ``δ`` off shifts every relation instance it is in by ``a·δ`` (``a`` = +1 on the
left side, −1 on the right). So a cell explains the failures when (1) every failing
instance of a group is one it is in, and (2) one ``δ`` makes every instance it is in hold
again, failing and passing alike, within the rounding tolerance. Groups are the connected
failing instances; a group no single cell explains is tried with two cells, then greedily.
Among cells that explain the same failures, the evidence cannot tell them apart: the one
whose correction looks like a typing slip, then the one in more relations, comes first,
and the others are alternatives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from workbook_tools.diagnosis.typo import slip_score
from workbook_tools.rules.evaluate import Outcome, Values
from workbook_tools.rules.findings import CellRef
from workbook_tools.rules.tolerance import tolerance

ZERO = Decimal(0)
MAX_GREEDY_STEPS = 12
MAX_GROUP = 400  # failing instances of one group beyond which no pair is tried


@dataclass
class Candidate:
    ref: CellRef
    table: str
    actual: Decimal
    published: bool
    delta: Decimal
    explains: frozenset[int]  # failing outcome indexes
    exact: int  # instances that hold exactly after the correction
    evidence: int  # instances the cell is in

    @property
    def expected(self) -> Decimal:
        return self.actual - self.delta

    def key(self) -> tuple[int, ...]:
        plausible = 1 if self.expected >= 0 else 0
        return (
            len(self.explains),
            plausible,
            slip_score(self.actual, self.expected),
            self.exact,
            self.evidence,
        )


@dataclass
class Explanation:
    """One or more cells that together explain a group of failing instances."""

    cells: list[Candidate]
    alternatives: list[Candidate] = field(default_factory=list)
    ambiguous: bool = False
    greedy: bool = False

    @property
    def explains(self) -> frozenset[int]:
        return frozenset().union(*(c.explains for c in self.cells))


@dataclass(frozen=True)
class _Instance:
    residual: Decimal
    tol: Decimal
    op: str
    fails: bool

    def holds(self, shift: Decimal) -> bool:
        rest = self.residual - shift
        if self.op == "le":
            return rest <= self.tol
        if self.op == "ge":
            return rest >= -self.tol
        return abs(rest) <= self.tol


class Solver:
    def __init__(self, outcomes: list[Outcome], values: Values) -> None:
        self.values = values
        self.instances: list[_Instance] = []
        self.incidence: dict[CellRef, dict[int, int]] = {}
        self.cells: dict[CellRef, tuple[str, Decimal, bool]] = {}
        for outcome in outcomes:
            if outcome.relation.severity != "error":
                continue
            index = len(self.instances)
            self.instances.append(
                _Instance(
                    outcome.difference, tolerance(outcome.terms), outcome.relation.op, outcome.fails
                )
            )
            for sign, terms in ((1, outcome.instance.left), (-1, outcome.instance.right)):
                for term in terms:
                    if term.ref is None or term.ref in values.overlay:
                        continue
                    row = self.incidence.setdefault(term.ref, {})
                    row[index] = row.get(index, 0) + sign
                    self.cells[term.ref] = (term.table, values.value(term), term.published)
        self.failing = [i for i, inst in enumerate(self.instances) if inst.fails]

    # -- one cell ------------------------------------------------------------------------
    def candidate(self, ref: CellRef, shifts: dict[int, Decimal] | None = None) -> Candidate | None:
        """The best correction of ``ref`` (given other cells' corrections in ``shifts``)."""
        shifts = shifts or {}
        incident = {i: a for i, a in self.incidence[ref].items() if a}
        failing = [i for i in incident if self._still_fails(i, shifts)]
        best: Candidate | None = None
        for delta in _deltas(self._residual(i, shifts) / incident[i] for i in failing):
            if not all(
                self.instances[i].holds(shifts.get(i, ZERO) + a * delta)
                for i, a in incident.items()
            ):
                continue
            exact = sum(1 for i, a in incident.items() if self._residual(i, shifts) == a * delta)
            table, actual, published = self.cells[ref]
            found = Candidate(
                ref, table, actual, published, delta, frozenset(failing), exact, len(incident)
            )
            if best is None or _delta_rank(found) > _delta_rank(best):
                best = found
        return best

    def _residual(self, index: int, shifts: dict[int, Decimal]) -> Decimal:
        return self.instances[index].residual - shifts.get(index, ZERO)

    def _still_fails(self, index: int, shifts: dict[int, Decimal]) -> bool:
        return self.instances[index].fails and not self.instances[index].holds(
            shifts.get(index, ZERO)
        )

    # -- groups --------------------------------------------------------------------------
    def groups(self) -> list[set[int]]:
        """Failing instances joined by a shared cell."""
        parent = {i: i for i in self.failing}

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for row in self.incidence.values():
            failing = [i for i in row if i in parent]
            for other in failing[1:]:
                parent[root(other)] = root(failing[0])
        found: dict[int, set[int]] = {}
        for i in self.failing:
            found.setdefault(root(i), set()).add(i)
        return sorted(found.values(), key=lambda g: (-len(g), min(g)))

    def cells_of(self, group: Iterable[int]) -> list[CellRef]:
        wanted = set(group)
        return [ref for ref, row in self.incidence.items() if wanted & row.keys()]

    def explain(self, group: set[int]) -> Explanation | None:
        singles = [
            c for ref in self.cells_of(group) if (c := self.candidate(ref)) and c.explains >= group
        ]
        if singles:
            return _ranked(singles)
        if len(group) <= MAX_GROUP:
            pair = self._pair(group)
            if pair is not None:
                return pair
        return self._greedy(group)

    def _pair(self, group: set[int]) -> Explanation | None:
        best: tuple[tuple[int, ...], list[Candidate]] | None = None
        cells = self.cells_of(group)
        for first_ref in cells:
            first = self.candidate(first_ref)
            if first is None or not first.explains & group:
                continue
            rest = group - first.explains
            if not rest:
                continue
            anchor = min(rest)
            shifts = {i: a * first.delta for i, a in self.incidence[first_ref].items()}
            for second_ref in [r for r in cells if anchor in self.incidence[r] and r != first_ref]:
                second = self.candidate(second_ref, shifts)
                if second is None or not (first.explains | second.explains) >= group:
                    continue
                if not self._pair_holds(first, second):
                    continue
                key = tuple(a + b for a, b in zip(first.key(), second.key(), strict=True))
                if best is None or key > best[0]:
                    best = (key, [first, second])
        return Explanation(best[1]) if best is not None else None

    def _pair_holds(self, first: Candidate, second: Candidate) -> bool:
        shifts: dict[int, Decimal] = {}
        for candidate in (first, second):
            for i, a in self.incidence[candidate.ref].items():
                shifts[i] = shifts.get(i, ZERO) + a * candidate.delta
        return all(self.instances[i].holds(shift) for i, shift in shifts.items())

    def _greedy(self, group: set[int]) -> Explanation | None:
        shifts: dict[int, Decimal] = {}
        chosen: list[Candidate] = []
        remaining = set(group)
        for _ in range(MAX_GREEDY_STEPS):
            options = [c for ref in self.cells_of(remaining) if (c := self.candidate(ref, shifts))]
            options = [c for c in options if c.explains & remaining]
            if not options:
                break
            pick = max(options, key=lambda c: (len(c.explains & remaining), c.key()))
            chosen.append(pick)
            for i, a in self.incidence[pick.ref].items():
                shifts[i] = shifts.get(i, ZERO) + a * pick.delta
            remaining = {i for i in remaining if not self.instances[i].holds(shifts.get(i, ZERO))}
            if not remaining:
                break
        return Explanation(chosen, greedy=True) if chosen else None


CENT = Decimal("0.01")


def _deltas(bases: Iterable[Decimal]) -> set[Decimal]:
    """The corrections to try: each failure's own shift, and the shifts a rounding tail of
    the others away (the typo itself is usually a whole slip such as 1.00, not 0.99)."""
    return {base + k * CENT for base in bases for k in (-2, -1, 0, 1, 2)}


def _delta_rank(candidate: Candidate) -> tuple[int, int, int, Decimal]:
    """Among the corrections of one cell that hold (they differ by rounding tails): one that
    leaves no negative amount (never "应为 -0.01" for a 0 typed as -1), then the one that
    undoes a typing slip, then the one that makes more relations exact."""
    plausible = 1 if candidate.expected >= 0 else 0
    slip = slip_score(candidate.actual, candidate.expected)
    return (plausible, slip, candidate.exact, -abs(candidate.delta))


def _ranked(singles: list[Candidate]) -> Explanation:
    singles.sort(key=lambda c: (c.key(), -abs(c.delta)), reverse=True)
    best, others = singles[0], singles[1:]
    tied = [c for c in others if c.key() == best.key()]
    return Explanation([best], alternatives=others, ambiguous=bool(tied))


def explanations(outcomes: list[Outcome], values: Values) -> list[Explanation]:
    if not any(o.fails for o in outcomes):
        return []
    solver = Solver(outcomes, values)
    found = []
    for group in solver.groups():
        explanation = solver.explain(group)
        if explanation is not None:
            found.append(explanation)
    return found
