"""Derived cells computed from the leaf inputs, in dependency order.

The relations of a set are also the definitions of its derived cells: an equation instance
whose left side is a single derived cell (a 合计 column, a subtotal or total row, a 表1/表4
line taken from another table) defines that cell as Σ of its right side. ``Derivation``
computes every defined cell from the cells nothing defines — the details staff type — so
that no typed total, right or wrong, ever feeds another total. A cell with several
definitions (表1 收入总计 = 本年收入 + 结转 = 支出总计) takes the first that can be computed;
when the others disagree beyond a rounding tail the cell cannot be determined (``blocked``).

``fill_value`` is what ``wbt fill`` writes into a blank derived cell (and what ``wbt check``
assumes such a cell holds): Σ of its sources as displayed — a source's typed value when it
agrees with its own definition (rounding tails included), its computed value when it is
blank — and nothing when a typed source disagrees with its own definition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from workbook_tools.rules.context import Term
from workbook_tools.rules.findings import CellRef
from workbook_tools.rules.tolerance import judge
from workbook_tools.spec.models import RelationSpec

ZERO = Decimal(0)
_VALUE, _PUBLISHED = itemgetter(0), itemgetter(3)  # of a Term (a tuple)


@dataclass(frozen=True)
class Definition:
    target: Term
    sources: list[Term]
    relation: RelationSpec

    @property
    def terms(self) -> int:
        """Figures the rounding tolerance counts: the cell and its published sources."""
        return 1 + sum(1 for t in self.sources if t.published)


Equation = tuple[RelationSpec, list[Term], list[Term]]


class Derivation:
    """Computed values of every defined (derived) cell of a workbook."""

    def __init__(
        self,
        equations: Iterable[Equation],
        is_derived: Callable[[Term], bool],
        unknown: dict[CellRef, str],
    ) -> None:
        self.unknown = unknown
        self.definitions: dict[CellRef, list[Definition]] = {}
        for relation, left, right in equations:
            if len(left) != 1 or left[0].ref is None or left[0].ref in unknown:
                continue
            if relation.op != "eq" or relation.severity == "hint" or not is_derived(left[0]):
                continue
            self.definitions.setdefault(left[0].ref, []).append(
                Definition(left[0], right, relation)
            )
        self.values: dict[CellRef, Decimal] = {}
        self.leaves: dict[CellRef, int] = {}  # published leaf figures a value is the sum of
        self.defining: dict[CellRef, Definition] = {}  # the definition each value came from
        self.blocked: dict[CellRef, str] = {}
        self._visiting: set[CellRef] = set()
        self._cycle = False

    def computed(self, ref: CellRef) -> Decimal | None:
        """The value of a defined cell from the leaves (computed on first use); None when it
        cannot be computed."""
        value = self._computed(ref)
        if value is None and ref not in self.blocked and not self._visiting:
            value = self._computed(ref)  # met only inside a cycle: try again from here
            if value is None:
                self.blocked.setdefault(ref, "与其他计算单元格互相依赖，无法确定先算哪一个")
        return value

    # -- computing from the leaves -------------------------------------------------------
    def _computed(self, ref: CellRef) -> Decimal | None:
        if ref in self.values:
            return self.values[ref]
        if ref in self.blocked:
            return None
        if ref in self._visiting:
            self._cycle = True  # met again on its own path: not an answer, try another way
            return None
        self._visiting.add(ref)
        outer, self._cycle = self._cycle, False
        results = []
        for definition in self.definitions[ref]:
            found = self._sum(definition)
            if found is not None:
                results.append((*found, definition))
        in_cycle, self._cycle = self._cycle, outer or self._cycle
        self._visiting.discard(ref)
        if not results:
            if not in_cycle:
                self.blocked[ref] = self._why_not(ref)
            return None
        first, leaves, definition = results[0]
        others = [
            d for v, n, d in results[1:] if judge(v - first, 1 + max(n, leaves)) == "mismatch"
        ]
        if others:
            self.blocked[ref] = (
                f"按「{definition.relation.title}」与按「{others[0].relation.title}」算出的结果不同"
            )
            return None
        self.values[ref], self.leaves[ref] = first, leaves
        self.defining[ref] = definition
        return first

    def _sum(self, definition: Definition) -> tuple[Decimal, int] | None:
        """Σ of a definition's sources from the leaves, and how many leaf figures it adds.

        The leaves are summed at C speed (a total row may have thousands of sources); only
        the sources that are themselves defined are visited one by one."""
        sources = definition.sources
        split = self._split(definition)
        if split is None:
            return None
        total, leaves = sum(map(_VALUE, sources), ZERO), sum(map(_PUBLISHED, sources))
        for term in split:
            value = self._computed(term.ref)  # type: ignore[arg-type]
            if value is None:
                return None
            total += value - term.value
            leaves += self.leaves.get(term.ref, 0) - term.published  # type: ignore[arg-type]
        return total, leaves

    def _split(self, definition: Definition) -> list[Term] | None:
        """The sources of ``definition`` that are defined cells, in order; None when a
        source cannot be read."""
        refs = [t.ref for t in definition.sources]
        if self.unknown and not self.unknown.keys().isdisjoint(refs):
            return None
        defined = self.definitions.keys() & refs
        if not defined:
            return []
        return [t for t in definition.sources if t.ref in defined]  # in order: deterministic

    def tolerance_terms(self, ref: CellRef) -> int:
        """Figures a typed value and its computed value are judged over (rounding tails
        add up through every level down to the leaves)."""
        return 1 + self.leaves.get(ref, 0)

    def leaf_or_computed(self, term: Term) -> Decimal | None:
        ref = term.ref
        if ref is None:
            return ZERO  # a row the table does not have: an exact zero
        if ref in self.unknown:
            return None
        if ref in self.definitions:
            return self._computed(ref)
        return term.value

    def _why_not(self, ref: CellRef) -> str:
        sources = [t for d in self.definitions[ref] for t in d.sources if t.ref is not None]
        bad = next((t.ref for t in sources if t.ref in self.unknown), None)
        if bad is not None:
            return f"所依据的 {bad} {self.unknown[bad]}"
        blocked = next((t.ref for t in sources if t.ref in self.blocked), None)
        if blocked is not None:
            return f"所依据的 {blocked} 无法确定（{self.blocked[blocked]}）"
        return "与其他计算单元格互相依赖，无法确定先算哪一个"

    # -- what a blank derived cell is filled with ----------------------------------------
    def consistent(self, term: Term) -> bool:
        """A typed derived cell agrees with its own definition (a tail is agreement)."""
        ref = term.ref
        if ref is None or ref not in self.definitions or not term.published:
            return True
        value = self.computed(ref)
        if value is None:
            return False
        return judge(term.value - value, self.tolerance_terms(ref)) != "mismatch"

    def fill_value(self, ref: CellRef) -> tuple[Decimal | None, str]:
        """The value for a blank derived cell and, when there is none, why."""
        if self.computed(ref) is None:
            return None, self.blocked.get(ref, "无法由明细算出")
        definition = self.defining[ref]
        total = sum(map(_VALUE, definition.sources), ZERO)  # unreadable cells hold zero
        for source in self._split(definition) or []:
            if source.published:
                if not self.consistent(source):
                    return None, f"所依据的 {source.ref} 与其自身的合计关系不一致，请先改正该单元格"
            else:
                total += self.leaf_or_computed(source) or ZERO
        return total, ""

    def overwrite_value(self, ref: CellRef) -> Decimal | None:
        """The value a derived cell must hold, computed from the leaves alone."""
        return self.computed(ref)
