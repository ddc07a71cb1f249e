"""The projects of a form table against the table that lists them (项目支出绩效目标表 ↔ 表7).

A block is matched to a listed project (a ``project`` row of ``right.table``) by name: the
same name once spaces, quotes, punctuation, full-width forms, a year prefix (2024年) and a
trailing 项目 are ignored, or else the most alike of the names left (one contains the
other, or they share ``LIKENESS`` of their characters). Kinds:

- ``form_project`` (instances and findings): each matched block's ``params.amount`` field
  (财政拨款) = the listed project's ``right.columns``; a block with that amount whose project
  is not listed is an error. A block without it (单位资金 project) needs no listing.
- ``form_project_name`` (findings): a block matched only by likeness: names to unify.
- ``form_coverage`` (findings): each listed project has a block; a missing one is only a
  hint when a note or remark says why (``params.reasons``: 未公开绩效目标表的原因 …).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from workbook_tools.io.model import Row
from workbook_tools.money import money
from workbook_tools.rules.context import Context
from workbook_tools.rules.findings import CellRef, Finding
from workbook_tools.rules.kinds.forms import (
    Block,
    block_label,
    blocks,
    field_name,
    field_term,
    form_table,
)
from workbook_tools.rules.registry import RuleKind, params, register
from workbook_tools.rules.relations import Instance
from workbook_tools.spec.models import RelationSpec, Side, TableSpec

LIKENESS = 0.8  # names this alike are the same project
AGREEING = 0.3  # … and names this much less alike, when their amounts agree
AGREEING_LIKENESS = 0.5
_DROP = re.compile(r"[\s“”\"‘’'「」『』《》、，,。.：:；;·]+")
_YEAR = re.compile(r"^(?:\d{4}年度?)+")


@functools.lru_cache(maxsize=1 << 16)
def project_key(name: str) -> str:
    """A project name as compared: ``2024年“吉速办”运维项目`` → ``吉速办运维``."""
    text = _YEAR.sub("", _DROP.sub("", unicodedata.normalize("NFKC", name)))
    return text[:-2] if text.endswith("项目") and len(text) > 2 else text


def likeness(a: str, b: str, floor: float = 0.0) -> float:
    """How alike two project keys are (0 … 1); a pair whose cheap upper bound is below
    ``floor`` is not measured exactly (it could not match anyway)."""
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def _score(alike: float, agree: bool) -> float:
    """How well a block and a listed project go together: their names' likeness, raised by
    ``AGREEING`` when the amounts agree (a name half alike with the same money matches)."""
    return alike + AGREEING if agree and alike >= AGREEING_LIKENESS else alike


@dataclass
class Match:
    block: Block
    listed: Row | None
    exact: bool


def _side(rel: RelationSpec) -> Side:
    assert isinstance(rel.right, Side), rel.id
    return rel.right


def matches(ctx: Context, rel: RelationSpec) -> list[Match]:
    """Every named block with its listed project (exact names first, then the most alike)."""
    assert rel.table is not None
    table, side, name, amount = rel.table, _side(rel), params(rel, "name"), params(rel, "amount")
    cache: dict[tuple[str, ...], list[Match]] = ctx.__dict__.setdefault("_form_matches", {})
    key = (table, side.table, str(name), str(amount))
    if key not in cache:
        named = [b for b in blocks(ctx, table) if b.text(name)]
        listed = [r for r in ctx.table(side.table).rows if r.kind == "project" and r.project]

        def agree(block: Block, row: Row) -> bool:
            mine = field_term(ctx, table, block, str(amount)).value if amount else None
            theirs = sum(ctx.term(side.table, row, c).value for c in side.columns)
            return mine is not None and mine != 0 and mine == theirs

        cache[key] = _pair(named, listed, name, agree)
    return cache[key]


def _pair(
    named: list[Block], listed: list[Row], name: str, agree: Callable[[Block, Row], bool]
) -> list[Match]:
    by_key: dict[str, list[Row]] = {}
    for row in listed:
        by_key.setdefault(project_key(row.project or ""), []).append(row)
    taken: set[int] = set()
    found: dict[int, Match] = {}
    for block in named:
        rows = by_key.get(project_key(block.text(name)))
        if rows:
            hit = rows.pop(0)
            taken.add(id(hit))
            found[block.number] = Match(block, hit, True)
    free = [r for r in listed if id(r) not in taken]
    floor = min(LIKENESS, AGREEING_LIKENESS)
    pairs = sorted(
        (
            (
                _score(
                    likeness(project_key(b.text(name)), project_key(r.project or ""), floor),
                    agree(b, r),
                ),
                -i,
                -j,
                b,
                r,
            )
            for i, b in enumerate(named)
            if b.number not in found
            for j, r in enumerate(free)
        ),
        key=lambda p: p[:3],
        reverse=True,
    )
    for score, _, _, block, row in pairs:
        if score >= LIKENESS and block.number not in found and row in free:
            free.remove(row)
            found[block.number] = Match(block, row, False)
    return [found.get(b.number, Match(b, None, False)) for b in named]


def _name_cell(ctx: Context, rel: RelationSpec, block: Block) -> CellRef | None:
    row = block.fields.get(str(params(rel, "name")))
    cell = row.cell("value") if row is not None else None
    return CellRef(row.sheet, cell) if row is not None and cell else None


def _finding(ctx: Context, rel: RelationSpec, cells: list[CellRef], message: str) -> Finding:
    first = cells[0]
    table = rel.table or ""
    return Finding(rel.id, rel.severity, table, first.sheet, first.cell, message, cells)


# -- form_project ------------------------------------------------------------------------
def form_project(ctx: Context, rel: RelationSpec) -> Iterator[Instance]:
    assert rel.table is not None
    side, amount = _side(rel), str(params(rel, "amount"))
    for match in matches(ctx, rel):
        if match.listed is None:
            continue
        left = [field_term(ctx, rel.table, match.block, amount)]
        right = [ctx.term(side.table, match.listed, c) for c in side.columns]
        words = (
            block_label(ctx, rel.table, match.block) + field_name(ctx, rel.table, amount),
            "+".join(ctx.where(side.table, match.listed, c) for c in side.columns),
        )
        yield Instance(left, right, lambda w=words: w)


def unlisted(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    """A block with money of ``params.amount`` whose project the listing table lacks."""
    assert rel.table is not None
    side, amount = _side(rel), str(params(rel, "amount"))
    listing = ctx.table_spec(side.table).label
    for match in matches(ctx, rel):
        term = field_term(ctx, rel.table, match.block, amount)
        if match.listed is not None or not term.value:
            continue
        cells = [c for c in (_name_cell(ctx, rel, match.block), term.ref) if c is not None]
        message = (
            f"{rel.title}：{block_label(ctx, rel.table, match.block)}"
            f"{field_name(ctx, rel.table, amount)}为 {money(term.value)}，"
            f"但{listing}中没有这个项目（名称对不上任何一个项目）"
        )
        yield _finding(ctx, rel, cells, message)


# -- form_project_name -------------------------------------------------------------------
def name_differs(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    assert rel.table is not None
    side, name = _side(rel), str(params(rel, "name"))
    listing = ctx.table_spec(side.table).label
    for match in matches(ctx, rel):
        if match.exact or match.listed is None:
            continue
        listed = match.listed
        cells = [c for c in (_name_cell(ctx, rel, match.block),) if c is not None]
        cells.append(CellRef(listed.sheet, listed.label_cell))
        message = (
            f"{rel.title}：{ctx.table_spec(rel.table).label}的项目名称"
            f"「{match.block.text(name)}」与{listing}的「{listed.project}」不完全相同，"
            "按同一项目核对；请统一名称"
        )
        finding = _finding(ctx, rel, cells, message)
        finding.expected, finding.actual = listed.project, match.block.text(name)
        yield finding


# -- form_coverage -----------------------------------------------------------------------
REASONS = ["未公开绩效目标表的原因", "未编制绩效目标表的原因", "未填报绩效目标表的原因"]


def _notes(ctx: Context, rel: RelationSpec) -> list[str]:
    """The notes of the form table and the remarks of it and of the listing table."""
    assert rel.table is not None
    texts = [r.name for r in ctx.table(rel.table).rows if r.kind == "note"]
    for table_id in (rel.table, _side(rel).table):
        texts += [r.text for r in ctx.table(table_id).remarks]
    return texts


def uncovered(ctx: Context, rel: RelationSpec) -> Iterator[Finding]:
    assert rel.table is not None
    side = _side(rel)
    covered = {id(m.listed) for m in matches(ctx, rel) if m.listed is not None}
    marks = list(params(rel, "reasons", REASONS))
    notes = [t for t in _notes(ctx, rel) if any(m in t for m in marks)]
    listed = [r for r in ctx.table(side.table).rows if r.kind == "project" and r.project]
    form = ctx.table_spec(rel.table).label
    keys = [project_key(r.project or "") for r in listed]
    general = _general_note(notes, keys)
    for row in listed:
        if id(row) in covered:
            continue
        why = _why(row, notes, general)
        cells = [CellRef(row.sheet, row.label_cell)]
        label = ctx.table_spec(side.table).label
        if why is None:
            message = f"{rel.title}：{label}项目「{row.project}」没有{form}"
            yield _finding(ctx, rel, cells, message)
            continue
        message = f"{rel.title}：{label}项目「{row.project}」没有{form}，已说明原因：{why}"
        finding = _finding(ctx, rel, cells, message)
        finding.severity = "hint"
        yield finding


def _general_note(notes: list[str], keys: list[str]) -> str | None:
    """The first note naming none of the listed projects (``keys``): it explains them all."""
    for note in notes:
        text = project_key(note)
        if not any(k and k in text for k in keys):
            return note
    return None


def _why(row: Row, notes: list[str], general: str | None) -> str | None:
    """The note that explains a missing form: one naming the project, or else one naming
    none of the listed projects."""
    key = project_key(row.project or "")
    for note in notes:
        if key and key in project_key(note):
            return note
    return general


# -- validation --------------------------------------------------------------------------
def _shape(rel: RelationSpec, tables: dict[str, TableSpec]) -> list[str]:
    table, problems = form_table(rel, tables)
    if table is None:
        return problems
    if not isinstance(rel.right, Side):
        return [f"{rel.kind} 类关系的 right 应是 {{table, columns}}（列出项目的表）"]
    form = table.form
    found = []
    name = params(rel, "name")
    if form.find(str(name)) is None:
        found.append(f"params.name 应是表 {table.id} 的字段（项目名称）")
    amount = params(rel, "amount")
    if rel.kind == "form_project" and (amount is None or form.find(str(amount)) is None):
        found.append(f"params.amount 应是表 {table.id} 的金额字段（财政拨款）")
    return found


for _kind in (
    RuleKind(
        "form_project",
        "表单项目与项目表",
        instances=form_project,
        findings=unlisted,
        validate=_shape,
    ),
    RuleKind("form_project_name", "表单项目名称", findings=name_differs, validate=_shape),
    RuleKind("form_coverage", "项目表的项目均有表单", findings=uncovered, validate=_shape),
):
    register(_kind)
