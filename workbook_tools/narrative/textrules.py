"""The text rules of the 情况说明 check that look at the writing rather than one figure:
placeholders and template words left in, a share without %, too many decimals, a figure
stated twice with different values, a change without a reason where the region asks for one,
the wrong 部门/单位 and 预算/决算 wording for the set, the unit's name written differently
from the tables, and a table title with another year than the report's.

Each rule is registered in ``workbook_tools.narrative.rules`` (the catalogue); the findings
are located like the others (section heading, paragraph, page).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from workbook_tools.money import money
from workbook_tools.narrative import arithmetic
from workbook_tools.narrative.arithmetic import CENT
from workbook_tools.narrative.textcheck import Line, Location, Sentence, Statement, quote, report

if TYPE_CHECKING:
    from workbook_tools.narrative.textcheck import TextChecker

PLACEHOLDERS = re.compile(
    r"【[^】]{0,20}(?:填写|填列|补充)[^】]{0,20}】"
    r"|(?<![A-Za-z])(?:[XＸ]{2,}|[×✕]{2,})(?![A-Za-z])"
    r"|待填写|请填写|\{[^{}\s]{1,20}\}|｛[^｛｝\s]{1,20}｝"
)
TEMPLATE_WORDS = re.compile(
    r"(?:增加|减少|增长|下降|上升|增|减)\s*[（(]\s*(?:增加|减少|增长|下降|上升|增|减)\s*[)）]"
    r"|(?:大于|小于|等于|高于|低于)\s*[（(]\s*(?:大于|小于|等于|高于|低于)[^)）]{0,4}[)）]"
)
UNITS = "万元|元|平方米|辆|台|套|个|人|次|天|年|月|日|项|家|名|亩|户|件|座|公里|岁|批|场|期"
SHARE_WITHOUT_PERCENT = re.compile(rf"占(?:比)?(\d+(?:\.\d+)?)(?![\d.%])(?!{UNITS}|个百分点)")
TOO_PRECISE = re.compile(r"(?<![\d.])(\d[\d,]*\.\d{3,})(?=万元|%)")
TITLE_YEAR = re.compile(
    r"(20\d{2})年((?:[^\s，。；、：（）]{2,30}?)(?:情况表|总表|明细表|公开表|决算表|情况说明|公开说明))"
)
REASON_WORDS = ("原因", "由于", "因为", "主要是")
KIND_WORDS = {
    "amount": "金额",
    "share": "占比",
    "change": "增减额",
    "growth": "增减幅度",
    "budget": "预算数",
    "variance": "预决算差异率",
    "execution": "完成预算的比例",
}
TEN = Decimal(10)
UNIT_LIKENESS = 0.8


def check_rules(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    """Run every writing rule over the text; findings go to ``checker.result``."""
    for rule in RULES:
        rule(checker, sentences, lines)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def placeholders(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    for line in lines:
        for match in PLACEHOLDERS.finditer(line.text):
            report(
                checker.result,
                line.location,
                "n.placeholder",
                "error",
                f"文中还有未填写的占位内容“{match.group(0)}”，请改为实际内容。原文：“{quote(line.text)}”",
                actual=match.group(0),
            )


def template_words(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    for line in lines:
        for match in TEMPLATE_WORDS.finditer(line.text):
            report(
                checker.result,
                line.location,
                "n.template_words",
                "error",
                f"文中留有模板用语“{match.group(0)}”，请按实际增减只保留一种写法。"
                f"原文：“{quote(line.text)}”",
                actual=match.group(0),
            )


def share_without_percent(
    checker: TextChecker, sentences: list[Sentence], lines: list[Line]
) -> None:
    for sentence in sentences:
        for match in SHARE_WITHOUT_PERCENT.finditer(sentence.compact):
            report(
                checker.result,
                sentence.location,
                "n.percent_sign",
                "error",
                f"“{match.group(0)}”缺少百分号，应为“{match.group(0)}%”。"
                f"原句：“{quote(sentence.text)}”",
                actual=match.group(0),
            )


def too_many_decimals(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    for sentence in sentences:
        for match in TOO_PRECISE.finditer(sentence.compact):
            value = Decimal(match.group(1).replace(",", ""))
            rounded = money(value.quantize(CENT, rounding=ROUND_HALF_UP))
            report(
                checker.result,
                sentence.location,
                "n.decimals",
                "warning",
                f"“{match.group(1)}”超过两位小数，公开的金额和百分比保留两位小数（应为 {rounded}）。"
                f"原句：“{quote(sentence.text)}”",
                expected=rounded,
                actual=match.group(1),
            )


def _shown(statement: Statement) -> str:
    value = statement.value
    if statement.kind == "amount":
        return f"{money(value)} 万元"
    if statement.kind in ("share", "growth"):
        return f"{value}%"
    return f"{'增加' if value >= 0 else '减少'} {money(abs(value))} 万元"


def repeated(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    """The same figure stated twice with different values (neither already reported)."""
    first: dict[tuple[str, str], Statement] = {}
    for statement in checker.result.statements:
        if statement.kind not in KIND_WORDS:
            continue
        key = (statement.figure.key, statement.kind)
        seen = first.setdefault(key, statement)
        if seen is statement or seen.value == statement.value:
            continue
        if seen.reported or statement.reported:
            continue
        report(
            checker.result,
            statement.sentence.location,
            "n.repeated",
            "error",
            f"{statement.figure.subject}的{KIND_WORDS[statement.kind]}前后不一致："
            f"{seen.sentence.location.describe()}写的是 {_shown(seen)}，"
            f"此处写的是 {_shown(statement)}。原句：“{quote(statement.sentence.text)}”",
            cells=list(statement.figure.cells),
            expected=_shown(seen),
            actual=_shown(statement),
        )


def _needs_reason(statement: Statement, mode: str) -> bool:
    figure = statement.figure
    if statement.kind not in ("change", "growth") or not statement.value or mode == "never":
        return False
    if mode == "any":
        return True
    if mode == "from_zero":
        return figure.last == 0 and figure.amount != 0
    growth = statement.value if statement.kind == "growth" else figure.growth
    return growth is not None and abs(growth) >= TEN


def _paragraphs(sentences: list[Sentence]) -> dict[Location, str]:
    text: dict[Location, str] = {}
    for sentence in sentences:
        for key in {_paragraph_key(sentence.location), _paragraph_key(sentence.end)}:
            text[key] = text.get(key, "") + sentence.compact
    return text


def _paragraph_key(location: Location) -> Location:
    return Location(location.section, location.heading, location.subheading, location.paragraph)


def missing_reason(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    """A change without a reason where the set's ``change_reason`` asks for one."""
    mode = checker.figures.narrative.change_reason
    if mode == "never":
        return
    paragraphs = _paragraphs(sentences)
    told: set[tuple[Location, str]] = set()
    for statement in checker.result.statements:
        key = _paragraph_key(statement.sentence.end)
        if not _needs_reason(statement, mode) or (key, statement.figure.key) in told:
            continue
        told.add((key, statement.figure.key))
        if any(word in paragraphs.get(key, "") for word in REASON_WORDS):
            continue
        report(
            checker.result,
            statement.sentence.location,
            "n.reason",
            "error",
            f"{statement.figure.subject}{_shown(statement)}，本段没有说明原因"
            f"（本地区要求{REASON_MODES[mode]}说明原因）。原句：“{quote(statement.sentence.text)}”",
            cells=list(statement.figure.cells),
        )


REASON_MODES = {"any": "有增减时", "ten_percent": "增减幅度达到 10% 时", "from_zero": "上年为零时"}


def _wrong_words(checker: TextChecker) -> dict[str, str]:
    """Phrases of the other organisation word (部门/单位) or stage (预算/决算) → the set's."""
    spec = checker.figures.spec
    if spec is None:
        return {}
    words = spec.words
    wrong: dict[str, str] = {}
    for right in (words.disclosure, words.report):
        for a, b in (("部门", "单位"), ("单位", "部门"), ("预算", "决算"), ("决算", "预算")):
            if a in right:
                wrong[right.replace(a, b)] = right
    return wrong


def wording(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    """部门/单位 and 预算/决算 in the names of the tables and of the report, as the set's."""
    wrong = _wrong_words(checker)
    for line in lines:
        text = re.sub(r"\s", "", _plain(line.text))
        for phrase, right in wrong.items():
            if phrase in text:
                report(
                    checker.result,
                    line.location,
                    "n.wording",
                    "warning",
                    f"“{phrase}”与本表套的用语不一致，应为“{right}”。原文：“{quote(line.text)}”",
                    expected=right,
                    actual=phrase,
                )


def _near_names(text: str, unit: str) -> Iterator[str]:
    """Substrings of ``text`` that look like ``unit`` written differently."""
    length, end_char = len(unit), unit[-1]
    for end, char in enumerate(text, start=1):
        if char != end_char:
            continue
        best, score = "", 0.0
        for size in range(max(4, length - 3), length + 4):
            candidate = text[max(0, end - size) : end]
            ratio = SequenceMatcher(None, candidate, unit).ratio()
            if ratio > score:
                best, score = candidate, ratio
        if UNIT_LIKENESS <= score < 1 and unit not in text[max(0, end - length - 3) : end + 3]:
            yield best


def _project_sections(checker: TextChecker) -> set[str]:
    return {s.number for s in checker.figures.narrative.sections if s.projects is not None}


def unit_name(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    unit = re.sub(r"\s", "", checker.figures.unit or "")
    if len(unit) < 4:
        return
    told: set[str] = set()
    skipped = _project_sections(checker)
    for sentence in sentences:
        if sentence.section in skipped:
            continue  # projects name their own 承担单位 and names that start like the unit's
        for name in _near_names(sentence.compact, unit):
            if name in told:
                continue
            told.add(name)
            report(
                checker.result,
                sentence.location,
                "n.unit_name",
                "warning",
                f"文中的单位名称“{name}”与表中的“{unit}”不一致，请统一。"
                f"原句：“{quote(sentence.text)}”",
                expected=unit,
                actual=name,
            )


def title_year(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    year = checker.figures.year
    for line in lines:
        text = re.sub(r"\s", "", _plain(line.text))
        for match in TITLE_YEAR.finditer(text):
            if int(match.group(1)) == year:
                continue
            report(
                checker.result,
                line.location,
                "n.title_year",
                "error",
                f"“{match.group(0)}”的年度与本说明的年度 {year} 年不一致。原文：“{quote(line.text)}”",
                expected=f"{year}年{match.group(2)}",
                actual=match.group(0),
            )


_NUM = r"\d[\d,]*(?:\.\d+)?"
BUDGET_STATED = re.compile(rf"(?:年初|全年)?预算(?:数)?(?:为|是)?[:：]?({_NUM})万元")
ACTUAL_STATED = re.compile(rf"决算(?:数)?(?:为|是)?[:：]?({_NUM})万元")
EXECUTION_STATED = re.compile(r"完成(?:年初|全年)?预算(?:数)?的?(-?\d+(?:\.\d+)?)%")
VARIANCE_STATED = re.compile(r"差异率(?:为)?(-?\d+(?:\.\d+)?)%")
COMPARISON = re.compile(
    r"决算数?(?:与(?:年初|全年)?预算数?)?(大于|高于|小于|低于|等于|持平)"
    r"|(预决算|与(?:年初|全年)?预算数?)(?:基本)?持平"
)
SAYS = {"大于": 1, "高于": 1, "小于": -1, "低于": -1, "等于": 0, "持平": 0}
WORDS_FOR = {1: "大于", -1: "小于", 0: "等于（持平）"}


def _units(sentences: list[Sentence]) -> Iterator[list[Sentence]]:
    """Runs of sentences that state one budget and its 决算: a run starts at a sentence that
    states a budget (预算为 A 万元) and goes on within its paragraph."""
    run: list[Sentence] = []
    for sentence in sentences:
        starts = BUDGET_STATED.search(sentence.compact) is not None
        same = bool(run) and _paragraph_key(run[-1].location) == _paragraph_key(sentence.location)
        if starts or (run and not same):
            if run:
                yield run
            run = [sentence] if starts else []
        elif run:
            run.append(sentence)
    if run:
        yield run


def budget_comparison(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    """年初预算为 A 万元，支出决算为 B 万元，完成年初预算的 C%，决算数大于（小于、等于）预算数：
    C = B ÷ A, a 差异率 R = (B − A) ÷ A, 大于/小于/等于 as B against A (持平 only when equal),
    checked within the text (a C or R a figure's own budget checked already is not told twice)."""
    checked = {
        id(s.sentence)
        for s in checker.result.statements
        if s.kind in ("variance", "execution") and s.figure.budget is not None
    }
    for run in _units(sentences):
        text = "".join(s.compact for s in run)
        budget = BUDGET_STATED.search(text)
        actual = ACTUAL_STATED.search(text, budget.end()) if budget else None
        if budget is None or actual is None:
            continue
        a, b = (Decimal(m.group(1).replace(",", "")) for m in (budget, actual))
        told = any(id(s) in checked for s in run)
        if not told:
            _stated_rates(checker, run[0], text, a, b)
        _comparison_words(checker, run, text, a, b)


def _stated_rates(
    checker: TextChecker, sentence: Sentence, text: str, a: Decimal, b: Decimal
) -> None:
    for pattern, kind in ((EXECUTION_STATED, "execution"), (VARIANCE_STATED, "variance")):
        match = pattern.search(text)
        if match is None:
            continue
        value = Decimal(match.group(1))
        if kind == "execution":
            expected, (low, high) = arithmetic.share(b, a), arithmetic.share_range(b, a)
            what = f"完成预算的比例应为 {expected}%（{money(b)} ÷ {money(a)}）"
        else:
            expected = arithmetic.growth(b, a) or Decimal(0)
            low, high = arithmetic.growth_range(b, a)
            what = f"预决算差异率应为 {expected}%（({money(b)} − {money(a)}) ÷ {money(a)}）"
        if value == expected:
            continue
        severity = "warning" if low <= value <= high else "error"
        report(
            checker.result,
            sentence.location,
            "n.budget_compare",
            severity,  # type: ignore[arg-type]
            f"文中预算数 {money(a)} 万元、决算数 {money(b)} 万元，{what}，文中为 {value}%"
            + ("，属于四舍五入差异" if severity == "warning" else "")
            + f"。原句：“{quote(sentence.text)}”",
            expected=expected,
            actual=value,
            difference=value - expected,
        )


def _comparison_words(
    checker: TextChecker, run: list[Sentence], text: str, a: Decimal, b: Decimal
) -> None:
    match = COMPARISON.search(text)
    if match is None:
        return
    said = SAYS.get(match.group(1) or "持平", 0)
    truth = (b > a) - (b < a)
    if said == truth:
        return
    where = next((s for s in run if match.group(0) in s.compact), run[0])
    report(
        checker.result,
        where.location,
        "n.budget_compare",
        "error",
        f"文中预算数 {money(a)} 万元、决算数 {money(b)} 万元，决算数应{WORDS_FOR[truth]}预算数，"
        f"文中写的是“{match.group(0)}”。原句：“{quote(where.text)}”",
        expected=WORDS_FOR[truth],
        actual=match.group(0),
    )


_HEADING_YEAR = re.compile(r"(20\d{2})\s*年")
AS_OF = re.compile(r"截至\s*(20\d{2})\s*年\s*(?:12\s*月\s*31\s*日|年?底|年?末)")


def report_year(checker: TextChecker, sentences: list[Sentence], lines: list[Line]) -> None:
    """A heading naming another year than the report's, and a 截至…年 12 月 31 日 / 年底
    date naming another year than the set's ``as_of`` says (决算: the report's year)."""
    year = checker.figures.year
    as_of = checker.figures.narrative.as_of
    for line in lines:
        text = re.sub(r"\s", "", _plain(line.text))
        if line.heading:
            for match in _HEADING_YEAR.finditer(text):
                if int(match.group(1)) != year:
                    _year_finding(checker, line, match.group(0), f"{year}年", "标题")
        if as_of is None:
            continue
        for match in AS_OF.finditer(text):
            wanted = year + as_of
            if int(match.group(1)) != wanted:
                expected = match.group(0).replace(match.group(1), str(wanted), 1)
                _year_finding(checker, line, match.group(0), expected, "截止日期")


def _year_finding(checker: TextChecker, line: Line, actual: str, expected: str, what: str) -> None:
    report(
        checker.result,
        line.location,
        "n.report_year",
        "error",
        f"{what}中的“{actual}”与本说明的年度 {checker.figures.year} 年不符，应为“{expected}”。"
        f"原文：“{quote(line.text)}”",
        expected=expected,
        actual=actual,
    )


Rule = Callable[["TextChecker", list[Sentence], list[Line]], None]
RULES: list[Rule] = [
    placeholders,
    template_words,
    share_without_percent,
    too_many_decimals,
    repeated,
    missing_reason,
    wording,
    unit_name,
    title_year,
    budget_comparison,
    report_year,
]
