"""Sentence templates of the draft: ``{figure.attribute:format}`` filled from ``Figures``.

``{inc_gp}`` is the figure's amount with its unit; attributes: ``subject``, ``name``,
``share``, ``change`` (``:bare`` without the 比上年预算 prefix), ``reason`` (``主要原因是….``;
``:text`` the reason alone, ``:uses`` the reason as 主要用于…), ``names``; with a budget
(决算 sets) ``budget``, ``execution`` (完成预算的 %), ``variance`` (预决算差异率) and
``compare`` (决算数大于/小于预算数, 持平). In a group's item
template ``f`` is the item and ``i`` its number (``{i:cn}`` in Chinese numerals). ``unit``,
``year``, ``prev_year`` and ``who`` are always there; ``items`` is a joined list. A figure
that is not stated, or a reason not entered, becomes a 【请填写…】 placeholder.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from workbook_tools.money import money
from workbook_tools.narrative.arithmetic import CENT
from workbook_tools.narrative.figures import Figure, Figures

PLACEHOLDER = "【请填写】"
PLACEHOLDER_REASON = "【请填写原因】"
PLACEHOLDER_LAST = "【请填写】（请在「上年数及说明」表填写上年预算数）"
PLACEHOLDER_BUDGET = "【请填写】（请在补充资料表填写预算数）"
_FIELD = re.compile(r"\{([^{}:]+)(?::([a-z]+))?\}")
ATTRIBUTES = (
    "amount",
    "subject",
    "name",
    "share",
    "change",
    "reason",
    "names",
    "budget",
    "execution",
    "variance",
    "compare",
    "budget_reason",
)
NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """``12`` → ``十二``, ``21`` → ``二十一`` (1 … 99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens] + "十")
    return head + (NUMERALS[ones] if ones else "") if n else NUMERALS[0]


def pct(value: Decimal | None) -> str:
    return f"{value:.2f}%" if value is not None else PLACEHOLDER


def amount_text(figure: Figure) -> str:
    if figure.unit == "万元":
        return f"{money(figure.amount)} 万元"
    value = figure.amount
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return f"{value:f} {figure.unit}"


def change_clause(
    figure: Figure, prefix: str, bare: bool = False, missing: str = PLACEHOLDER_LAST
) -> str:
    """``比上年预算增加 61.16 万元，增长 6.23%``, or a placeholder when last year is missing."""
    lead = "" if bare else prefix
    if figure.change is None:
        return lead + missing
    direction = "增加" if figure.change >= 0 else "减少"
    change = abs(figure.change).quantize(CENT, rounding=ROUND_HALF_UP)  # two decimals
    clause = f"{lead}{direction} {money(change)} 万元"
    growth = figure.growth
    if growth is None:
        return clause + "（上年为零）"
    trend = "增长" if figure.change >= 0 else "下降"
    return f"{clause}，{trend} {abs(growth):.2f}%"


def budget_text(figure: Figure) -> str:
    """The budget a figure is compared with, with its unit (a placeholder when not given)."""
    if figure.budget is None:
        return PLACEHOLDER_BUDGET
    return amount_text(replace(figure, amount=figure.budget))


def compare_text(figure: Figure) -> str:
    """``决算数大于预算数`` / ``决算数小于预算数`` / ``决算数与预算数持平`` (持平 only when equal)."""
    if figure.budget is None:
        return "决算数与预算数" + PLACEHOLDER
    if figure.amount == figure.budget:
        return "决算数与预算数持平"
    return "决算数大于预算数" if figure.amount > figure.budget else "决算数小于预算数"


def _reason(figure: Figure, form: str | None) -> str:
    reason = figure.reason.rstrip("。；;") if figure.reason else None
    if form == "text":
        return reason or PLACEHOLDER_REASON
    if form == "uses":
        return reason or PLACEHOLDER
    return f"主要原因是{reason or PLACEHOLDER_REASON}。"


class Context:
    """What templates can name: the figures, and the unit and year."""

    def __init__(self, figures: Figures, change_prefix: str) -> None:
        self.figures, self.prefix = figures, change_prefix
        year = figures.year
        self.names: dict[str, object] = {
            "unit": figures.unit,
            "year": year,
            "prev_year": year - 1,
            "who": f"{figures.unit}{year}年",
        }

    def figure_field(self, figure: Figure, attribute: str, form: str | None) -> str:
        if attribute == "amount":
            return amount_text(figure)
        if attribute == "share":
            return pct(figure.share)
        if attribute == "change":
            missing = self.figures.narrative.missing_last
            return change_clause(figure, self.prefix, bare=form == "bare", missing=missing)
        if attribute == "budget":
            return budget_text(figure)
        if attribute in ("execution", "variance"):
            return pct(getattr(figure, attribute))
        if attribute == "compare":
            return compare_text(figure)
        if attribute == "reason":
            return _reason(figure, form)
        if attribute == "budget_reason":
            return _reason(replace(figure, reason=figure.budget_reason), form)
        if attribute == "names":
            return "、".join(figure.names) if figure.names else "无"
        return str(getattr(figure, attribute))

    def lookup(self, name: str, form: str | None, local: dict[str, object]) -> str:
        if name == "i" and form == "cn":
            return chinese_number(int(str(local["i"])))
        scope = {**self.names, **local}
        head, _, attribute = name.partition(".")
        if head in scope and not isinstance(scope[head], Figure):
            return str(scope[head])
        figure = scope.get(head) if isinstance(scope.get(head), Figure) else None
        if figure is None:
            key, attribute = _split(name)
            figure = self.figures.get(key)
        if figure is None:
            return PLACEHOLDER
        return self.figure_field(figure, attribute or "amount", form)  # type: ignore[arg-type]


def _split(name: str) -> tuple[str, str]:
    """``gp_basic.change`` → ``("gp_basic", "change")``; a key may contain dots itself."""
    key, _, attribute = name.rpartition(".")
    if key and attribute in ATTRIBUTES:
        return key, attribute
    return name, "amount"


def render(template: str, context: Context, **local: object) -> str:
    return _FIELD.sub(lambda m: context.lookup(m.group(1), m.group(2), local), template)


def fields(template: str) -> list[tuple[str, str | None]]:
    """The ``(name, format)`` of every field in ``template`` (for checking a spec)."""
    return [(m.group(1), m.group(2)) for m in _FIELD.finditer(template)]
