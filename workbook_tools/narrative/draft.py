"""The 情况说明 draft: the set's declared sections and paragraph templates, filled from
``Figures``. A reason or figure staff have not entered is a highlighted 【请填写…】
placeholder. ``render_docx`` and ``render_markdown`` write the paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from workbook_tools.narrative import arithmetic
from workbook_tools.narrative.figures import Figure, Figures
from workbook_tools.narrative.template import Context, render
from workbook_tools.spec.narrative import Condition, ParagraphSpec, SectionSpec

_PLACEHOLDER_PATTERN = re.compile(r"(【请填写[^】]*】)")


@dataclass
class Paragraph:
    kind: Literal["title", "heading", "subheading", "text"]
    runs: list[tuple[str, bool]] = field(default_factory=list)  # (text, highlighted)

    def add(self, text: str, highlight: bool = False) -> Paragraph:
        """Add ``text``; 【请填写…】 placeholders in it are highlighted."""
        for part in _PLACEHOLDER_PATTERN.split(text):
            if part:
                self.runs.append((part, highlight or bool(_PLACEHOLDER_PATTERN.fullmatch(part))))
        return self

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


@dataclass
class ShareNotice:
    """A share list whose rounded shares do not add up to 100.00 %."""

    group: str
    shares: list[tuple[str, Decimal]]
    corrected: list[Decimal]

    def message(self) -> str:
        total = sum((s for _, s in self.shares), Decimal(0))
        pairs = "、".join(  # two decimals, as the text writes them: 1.40%, not 1.4%
            f"{name} {value:.2f}%"
            for (name, _), value in zip(self.shares, self.corrected, strict=True)
        )
        return (
            f"{self.group}各项占比四舍五入后合计 {total:.2f}%（不是 100.00%）；"
            f"如需合计为 100.00%，可按最大余数法调整为：{pairs}"
        )


def share_notice(name: str, figures: list[Figure]) -> ShareNotice | None:
    listed = [f for f in figures if f.share is not None and f.whole]
    if not listed or not any(f.amount for f in listed):
        return None
    shares = [(f.subject, f.share or Decimal(0)) for f in listed]
    if sum(s for _, s in shares) == Decimal("100.00"):
        return None
    corrected = arithmetic.largest_remainder(
        [f.amount for f in listed], listed[0].whole or Decimal(0)
    )
    return ShareNotice(name, shares, [value.quantize(arithmetic.CENT) for value in corrected])


def holds(condition: Condition, figures: Figures) -> bool:
    def amount(key: str) -> Decimal:
        figure = figures.get(key)
        return figure.amount if figure is not None else Decimal(0)

    return (
        all(not amount(key) for key in condition.zero)
        and (not condition.nonzero or any(amount(key) for key in condition.nonzero))
        and all(t in figures.empty for t in condition.empty)
        and all(t in figures.present and t not in figures.empty for t in condition.not_empty)
        and all(figures.groups.get(g) for g in condition.items)
        and all(not figures.groups.get(g) for g in condition.no_items)
    )


class DraftWriter:
    def __init__(self, figures: Figures) -> None:
        self.figures = figures
        self.narrative = figures.narrative
        self.context = Context(figures, self.narrative.change_prefix)
        self.paragraphs: list[Paragraph] = []
        self.notices: list[ShareNotice] = []

    def write(self) -> list[Paragraph]:
        self._add("title", self.narrative.title)
        for section in self.narrative.sections:
            self._section(section)
        return self.paragraphs

    def _add(self, kind: str, template: str, **names: object) -> None:
        text = render(template, self.context, **names)
        self.paragraphs.append(Paragraph(kind).add(text))  # type: ignore[arg-type]

    def _section(self, section: SectionSpec) -> None:
        self._add("heading", f"{section.number}、{section.heading}")
        for paragraph in section.paragraphs:
            if paragraph.when is not None and not holds(paragraph.when, self.figures):
                continue
            if paragraph.unless is not None and holds(paragraph.unless, self.figures):
                continue
            if paragraph.kind == "each":
                self._each(paragraph)
            else:
                self._add(paragraph.kind, paragraph.text)

    def _passes(self, paragraph: ParagraphSpec, figure: Figure) -> bool:
        if paragraph.filter == "all" or figure.key in paragraph.keep:
            return True
        if paragraph.filter == "nonzero":
            return bool(figure.amount)
        return bool(figure.amount or figure.last)

    def _each(self, paragraph: ParagraphSpec) -> None:
        assert paragraph.group is not None
        figures = self.figures.group(paragraph.group)
        listed = [f for f in figures if self._passes(paragraph, f)]
        if paragraph.join is not None:
            items = [
                render(paragraph.item[0].text, self.context, f=f, i=i) for i, f in _numbered(listed)
            ]
            self._add("text", paragraph.text, items=paragraph.join.join(items))
        else:
            for figure in figures:
                if figure in listed:
                    i = listed.index(figure) + 1
                    for item in paragraph.item:
                        self._add(item.kind, item.text, f=figure, i=i)
                elif paragraph.otherwise:
                    self._add("text", paragraph.otherwise, f=figure)
        if paragraph.check_shares:
            notice = share_notice(paragraph.check_shares, listed)
            if notice is not None:
                self.notices.append(notice)


def _numbered(figures: list[Figure]) -> list[tuple[int, Figure]]:
    return list(enumerate(figures, start=1))


def build_draft(figures: Figures) -> tuple[list[Paragraph], list[ShareNotice]]:
    writer = DraftWriter(figures)
    return writer.write(), writer.notices
