"""Checking a staff-written 情况说明 against the tables.

The text is cut into sentences (PDF line breaks inside a sentence are joined), each sentence
into clauses. In a clause, every figure — ``X 万元``, ``占 Y%``, ``增加/减少 W 万元``,
``增长/下降 Z%`` — belongs to the last subject named before it (``一般公共预算``,
``一般公共服务支出（类）``, ``基本支出`` …), resolved within the section (一 … 十二) it stands
in (the set declares which figures each section names). Each figure is recomputed from
``Figures`` and reported when it disagrees: an error when no rounding can explain it, a
warning when it is only a rounding question.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from difflib import SequenceMatcher
from pathlib import Path

from workbook_tools.errors import InputError
from workbook_tools.money import money
from workbook_tools.narrative import arithmetic
from workbook_tools.narrative.arithmetic import CENT
from workbook_tools.narrative.figures import Figure, Figures
from workbook_tools.narrative.rules import TEXT_RULE_IDS
from workbook_tools.narrative.template import amount_text
from workbook_tools.rules.findings import CellRef, Finding, Severity
from workbook_tools.rules.tolerance import judge
from workbook_tools.spec.narrative import ProjectIntro

SHEET = "情况说明"
PROJECT_LIKENESS = 0.8  # how alike a project name in the text must be to a table's
_RATE_MARKS = ("/", "每")
_TOTAL_WORDS = ("合计", "共计", "总计")
_NUMERAL = r"(?:[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_HEADING = re.compile(rf"^#*\s*(?:\*\*)?\s*({_NUMERAL})\s*[、.．]")
_SUBHEADING = re.compile(r"^#*\s*(?:\*\*)?\s*[（(]\s*([一二三四五六七八九十]+)\s*[)）]")
_TAGS = re.compile(r"<[^>]+>|\*\*|^#+\s*|^[-*+]\s+")  # markup, headings, list bullets
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_TOKEN = re.compile(
    rf"(?P<dir>增加|减少)\s*(?P<delta>{_NUMBER})\s*万元"
    rf"|(?P<trend>增长|下降)\s*(?P<rate>-?\d+(?:\.\d+)?)\s*%"
    rf"|(?:预决算)?差异率(?:为)?\s*(?P<variance>-?\d+(?:\.\d+)?)\s*%"
    rf"|完成(?:年初|全年)?预算(?:数)?的?\s*(?P<execution>\d+(?:\.\d+)?)\s*%"
    rf"|占(?:[^\d%，。；,;:：]{{1,20}}?的)?\s*(?P<share>\d+(?:\.\d+)?)\s*%"
    rf"|(?P<value>{_NUMBER})\s*(?P<unit>万元|元|平方米|辆|台|套|个|人次|批次)"
    r"(?!(?:[(（]含[)）])?以上)"
)
# the words before an amount that make it the budget a 决算 figure is compared with
_BUDGET_LEAD = re.compile(r"预算(?:数|为|数为|是)?[:：]?$")
_ENUMERATION = re.compile(r"^(?:\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）])")
_ITEM = re.compile(
    r"^(?:\d+[、.．](?!\d)|[（(](?:[一二三四五六七八九十]+|\d+)[)）]|[^，。：:,]{2,12}[：:])"
)


_PAGE_MARK = re.compile(
    r"^\s*(?:第\s*(\d+)\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|[-—–]+\s*(\d+)\s*[-—–]+)\s*$"
)
_ENDS_PARAGRAPH = ("。", "！", "？", "：", ":", "；")


@dataclass(frozen=True)
class Location:
    """Where a sentence stands: its section (heading as written), subsection, paragraph
    within the section and, for a text from a PDF (form feeds, 第 N 页 marks), its page."""

    section: str = ""  # the heading numeral
    heading: str = ""
    subheading: str = ""
    paragraph: int = 0
    page: int | None = None

    def label(self) -> str:
        """``第3页 五、（一）第2段``: short, for the report's first column."""
        parts = [f"第{self.page}页"] if self.page is not None else []
        where = f"{self.section}、" if self.section else ""
        sub = re.match(r"^[（(]\s*[一二三四五六七八九十\d]+\s*[)）]", self.subheading)
        where = (where.rstrip("、") + sub.group(0)) if sub else where
        parts.append(f"{where}第{self.paragraph}段" if self.paragraph else where or "标题")
        return " ".join(parts)

    def describe(self) -> str:
        """The full location: the heading text, subsection, paragraph and page."""
        parts = [self.heading or "（第一个标题之前）"]
        if self.subheading:
            parts.append(self.subheading)
        if self.paragraph:
            parts.append(f"第 {self.paragraph} 段")
        text = " › ".join(parts)
        return text + (f"（第 {self.page} 页）" if self.page is not None else "")

    def to_json(self) -> dict[str, object]:
        return {
            "section": self.section,
            "heading": self.heading,
            "subheading": self.subheading,
            "paragraph": self.paragraph,
            "page": self.page,
        }


@dataclass
class Sentence:
    text: str  # exactly as written (PDF line breaks joined, Markdown marks removed)
    section: str  # the heading numeral of the section it stands in
    number: int
    location: Location = field(default_factory=Location)  # where it starts
    end: Location = field(default_factory=Location)  # where it ends (a PDF line later)

    @property
    def compact(self) -> str:
        return norm(self.text)


@dataclass
class Line:
    """A line of the text as written, with its location (for the line-level rules)."""

    text: str
    location: Location
    heading: bool = False


@dataclass
class Statement:
    """One figure the text states: its kind (amount, share, change, growth …) and value."""

    figure: Figure
    kind: str
    value: Decimal
    sentence: Sentence
    reported: bool  # a finding was made of it already


@dataclass
class _ClauseState:
    """What a clause has said so far: the change, the figures by kind, where it is."""

    change: Decimal | None = None
    said: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    end: int = 0


def _paragraph(sentence: Sentence) -> tuple[str, str, str, int]:
    where = sentence.location
    return (where.section, where.heading, where.subheading, where.paragraph)


@dataclass
class TextCheck:
    findings: list[Finding] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)  # of each finding, in order
    checked: int = 0
    unrecognised: int = 0
    unmatched: list[tuple[Sentence, str]] = field(default_factory=list)  # (sentence, figure)
    # every share, change and rate read, as (figure key, "share"|"change"|"growth", text)
    recognised: list[tuple[str, str, str]] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)


def read_text(path: Path) -> str:
    """The text of a .docx or .txt/.md file."""
    if not path.exists():
        raise InputError("文件不存在", file=path)
    if path.suffix.lower() == ".docx":
        from docx import Document

        try:
            return "\n".join(p.text for p in Document(str(path)).paragraphs)
        except Exception:  # python-docx raises assorted errors for broken packages
            raise InputError("无法读取该 Word 文件（已损坏或不是 .docx 文件）", file=path) from None
    if path.suffix.lower() == ".doc":
        raise InputError("不支持 .doc 格式，请另存为 .docx 或 .txt 后再试", file=path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return path.read_text(encoding="gb18030")


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _Splitter:
    """Cuts the text into sentences and lines, keeping where each stands."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.paged = "\f" in text or any(_PAGE_MARK.match(raw) for raw in text.splitlines())
        self.page = 1
        self.section = self.heading = self.subheading = ""
        self.paragraph = 0
        self.marked = False
        self.buffer = ""
        self.starts: list[tuple[int, Location]] = []  # buffer offset → location
        self.sentences: list[Sentence] = []
        self.lines: list[Line] = []

    def location(self) -> Location:
        page = self.page if self.paged else None
        return Location(self.section, self.heading, self.subheading, self.paragraph, page)

    def run(self) -> _Splitter:
        for chunk in self.text.split("\f"):
            self.marked = False
            for raw in chunk.splitlines():
                self._line(raw)
            if not self.marked:  # a 第 N 页 mark before the form feed turned the page already
                self.page += 1
        self._flush()
        return self

    def _line(self, raw: str) -> None:
        mark = _PAGE_MARK.match(raw)
        if mark:
            self.page = int(mark.group(1) or mark.group(2)) + 1
            self.marked = True
            return
        self.marked = self.marked and not raw.strip()
        line = _TAGS.sub("", raw.strip()).strip()
        plain = unicodedata.normalize("NFKC", line)
        if not line or "\t" in raw:
            return
        heading = _HEADING.match(unicodedata.normalize("NFKC", raw.strip()).lstrip("#* "))
        heading = heading or _HEADING.match(plain)
        if heading and "。" not in line:
            self._flush()
            self.section, self.heading, self.subheading, self.paragraph = (
                heading.group(1),
                line,
                "",
                0,
            )
            self.lines.append(Line(line, self.location(), heading=True))
            return
        if _SUBHEADING.match(plain) and not any(c in plain for c in "。：:"):
            self._flush()
            self.subheading, self.paragraph = line, 0
            self.lines.append(Line(line, self.location(), heading=True))
            return
        if _ITEM.match(plain):
            self._flush()  # an enumerated item or a "label：" line starts a new sentence
        if not self.buffer or self.buffer.endswith(_ENDS_PARAGRAPH):
            self.paragraph += 1
        self.starts.append((len(self.buffer), self.location()))
        self.lines.append(Line(line, self.location()))
        self.buffer += line

    def _flush(self) -> None:
        offset = 0
        for part in re.split(r"(?<=[。])", self.buffer):
            if part.strip():
                where = self._at(offset + len(part) - len(part.lstrip()))
                end = self._at(offset + len(part.rstrip()) - 1)
                number = len(self.sentences) + 1
                self.sentences.append(Sentence(part.strip(), where.section, number, where, end))
            offset += len(part)
        self.buffer, self.starts = "", []

    def _at(self, offset: int) -> Location:
        found = self.starts[0][1] if self.starts else self.location()
        for start, location in self.starts:
            if start > offset:
                break
            found = location
        return found


def split_text(text: str) -> tuple[list[Sentence], list[Line]]:
    """Sentences with the section they stand in, and the lines as written; tables
    (tab-separated lines) are skipped, form feeds and 第 N 页 marks turn pages."""
    splitter = _Splitter(text).run()
    return splitter.sentences, splitter.lines


def sentences(text: str) -> list[Sentence]:
    return split_text(text)[0]


class _Subjects:
    """The subjects of one section, longest first, each with its figures by unit."""

    def __init__(self, figures: Figures, section: str) -> None:
        table: dict[str, list[Figure]] = {}
        for figure in figures.by_key.values():
            if section not in figure.sections:
                continue
            for name in (figure.subject, *figure.aliases):
                if not name:
                    continue
                table.setdefault(norm(name), []).append(figure)
        self.names = sorted(table, key=len, reverse=True)
        self.table = table
        self.pattern = (
            re.compile("|".join(re.escape(n) for n in self.names)) if self.names else None
        )

    def mentions(self, text: str) -> list[tuple[int, list[Figure]]]:
        if self.pattern is None:
            return []
        return [(m.start(), self.table[m.group(0)]) for m in self.pattern.finditer(text)]


class TextChecker:
    def __init__(self, figures: Figures) -> None:
        self.figures = figures
        self.sections = {section.number: section for section in figures.narrative.sections}
        self.subjects = {
            number: _Subjects(figures, section.id) for number, section in self.sections.items()
        }
        self.result = TextCheck()
        self.project: Figure | None = None
        self.carry: tuple[tuple[str, str, str, int], Figure] | None = None

    def check(self, text: str) -> TextCheck:
        found, lines = split_text(text)
        for sentence in found:
            self._sentence(sentence)
        from workbook_tools.narrative.textrules import check_rules

        check_rules(self, found, lines)
        return self.result

    # -- sentences -----------------------------------------------------------------------
    def _sentence(self, sentence: Sentence) -> None:
        compact = sentence.compact
        section = self.sections.get(sentence.section)
        projects = section.projects if section is not None else None
        if projects is not None and self._project_line(sentence, projects, compact):
            return
        if section is not None and "为空表" in compact:
            for key in section.empty_claims:
                self._empty_claim(sentence, key)
        for clause in _clauses(compact):
            self._clause(sentence, clause)

    def _project_line(self, sentence: Sentence, projects: ProjectIntro, compact: str) -> bool:
        """项目名称：X starts a project; 资金分配情况：… lists its money (checked as a sum)."""
        line = _ENUMERATION.sub("", compact)
        if line.startswith(norm(projects.name_label)):
            self.project = self._project(sentence, projects.group, line.split(":", 1)[-1])
            return True
        if self.project is not None and line.startswith(norm(projects.allocation_label)):
            self._allocation(sentence, self.project, line)
            return True
        return False

    def _clause(self, sentence: Sentence, clause: str) -> None:
        mentions = self._mentions(sentence, clause)
        state = _ClauseState()
        for token in _TOKEN.finditer(clause):
            figure = self._figure(sentence, clause, token, mentions)
            lead, state.end = clause[state.end : token.start()], token.end()
            if figure is None:
                self.result.unrecognised += 1
                self.result.unmatched.append((sentence, token.group(0)))
                continue
            self.result.checked += 1
            kind = _kind(token)
            if kind == "amount" and figure.budgeted and _BUDGET_LEAD.search(lead):
                kind = "budget"
            before = len(self.result.findings)
            self._token(sentence, figure, token, kind, state)
            value = _value(token)
            state.said[(figure.key, kind)] = value
            if token.group("dir"):
                state.change = value
            reported = len(self.result.findings) > before
            self.result.statements.append(Statement(figure, kind, value, sentence, reported))
            self.carry = (_paragraph(sentence), figure)

    def _mentions(self, sentence: Sentence, clause: str) -> list[tuple[int, list[Figure]]]:
        subjects = self.subjects.get(sentence.section)
        mentions = subjects.mentions(clause) if subjects else []
        section = self.sections.get(sentence.section)
        intro = section.projects if section is not None else None
        label = norm(intro.amount_label) if intro is not None else ""
        if self.project is not None and label and label in clause:
            mentions.append((clause.index(label), [self.project]))
        return mentions

    def _figure(
        self,
        sentence: Sentence,
        clause: str,
        token: re.Match[str],
        mentions: list[tuple[int, list[Figure]]],
    ) -> Figure | None:
        """The figure a token speaks of: the last subject named before it, or the subject the
        paragraph spoke of last when the clause opens with one of the set's ``carry_words``."""
        candidates = [figures for at, figures in mentions if at < token.start()]
        unit = token.group("unit") or "万元"
        unit = "万元" if unit == "元" else unit
        if candidates:
            return self._pick(candidates[-1], unit)
        if self.carry is None or self.carry[0] != _paragraph(sentence):
            return None
        words = self.figures.narrative.carry_words
        opens = _ENUMERATION.sub("", clause)
        if any(opens.startswith(norm(word)) for word in words):
            return self._pick([self.carry[1]], unit)
        return None

    def _token(
        self,
        sentence: Sentence,
        figure: Figure,
        token: re.Match[str],
        kind: str,
        state: _ClauseState,
    ) -> None:
        """Check one stated figure against the tables."""
        unit = token.group("unit") or "万元"
        if kind == "budget":
            self._budget(sentence, figure, _decimal(token.group("value")))
        elif token.group("unit"):
            self._amount(sentence, figure, _decimal(token.group("value")), unit)
        elif token.group("share"):
            self._record(figure, "share", token.group("share"))
            self._share(sentence, figure, _decimal(token.group("share")))
        elif token.group("variance") is not None:
            self._record(figure, "variance", token.group("variance"))
            self._versus(sentence, figure, _decimal(token.group("variance")), "variance", state)
        elif token.group("execution") is not None:
            self._record(figure, "execution", token.group("execution"))
            self._versus(sentence, figure, _decimal(token.group("execution")), "execution", state)
        elif token.group("dir"):
            sign = "+" if token.group("dir") == "增加" else "-"
            self._record(figure, "change", sign + token.group("delta"))
            self._change(sentence, figure, _decimal(sign + token.group("delta")))
        else:
            sign = "+" if token.group("trend") == "增长" else "-"
            self._record(figure, "growth", sign + token.group("rate").lstrip("-"))
            rate = _decimal(token.group("rate")) * (1 if sign == "+" else -1)
            self._growth(sentence, figure, rate, state.change)

    def _record(self, figure: Figure, kind: str, text: str) -> None:
        self.result.recognised.append((figure.key, kind, text))

    # -- figures -------------------------------------------------------------------------
    def _pick(self, figures: list[Figure], unit: str = "万元") -> Figure | None:
        return next((figure for figure in figures if figure.unit == unit), None)

    def _amount(self, sentence: Sentence, figure: Figure, value: Decimal, unit: str) -> None:
        if unit == "元" and figure.unit == "万元" and value / 10000 == figure.amount:
            what = f"{figure.subject}的单位写成了“元”，应为 {money(figure.amount)} 万元"
            self._report(sentence, figure, "n.unit", "error", what, figure.amount, value, None)
            return
        if value != figure.amount:
            what = f"{figure.subject}应为 {_show(figure)}，文中写的是 {value} {unit}"
            self._report(
                sentence,
                figure,
                "n.amount",
                "error",
                what,
                figure.amount,
                value,
                value - figure.amount,
            )

    def _share(self, sentence: Sentence, figure: Figure, value: Decimal) -> None:
        if figure.whole is None:
            return
        expected = arithmetic.share(figure.amount, figure.whole)
        if value == expected:
            return
        low, high = arithmetic.share_range(figure.amount, figure.whole)
        severity: Severity = "warning" if low <= value <= high else "error"
        self._report(
            sentence,
            figure,
            "n.share",
            severity,
            f"{figure.subject}占比应为 {expected}%（{money(figure.amount)} ÷ {money(figure.whole)}），"
            f"文中为 {value}%" + ("，属于四舍五入差异" if severity == "warning" else ""),
            expected,
            value,
            value - expected,
        )

    def _budget(self, sentence: Sentence, figure: Figure, value: Decimal) -> None:
        """A stated 年初预算数 / 全年预算数 against the one entered (not checked when none is)."""
        if figure.budget is None or value == figure.budget:
            return
        self._report(
            sentence,
            figure,
            "n.budget",
            "error",
            f"{figure.subject}的预算数应为 {money(figure.budget)} 万元，文中写的是 {money(value)} 万元",
            figure.budget,
            value,
            value - figure.budget,
        )

    def _versus(
        self, sentence: Sentence, figure: Figure, value: Decimal, kind: str, state: _ClauseState
    ) -> None:
        """预决算差异率 (决算 − 预算) ÷ 预算 or 完成预算的 决算 ÷ 预算: from the budget entered,
        or, when none is, from the budget the clause states."""
        budget = figure.budget
        if budget is None:
            budget = state.said.get((figure.key, "budget"))
        if budget is None:
            return
        amount = figure.amount
        if kind == "variance":
            expected = arithmetic.growth(amount, budget, figure.from_zero)
            low, high = arithmetic.growth_range(amount, budget)
            words = f"预决算差异率应为 {expected}%（({money(amount)} − {money(budget)}) ÷ {money(budget)}）"
        else:
            expected = arithmetic.share(amount, budget)
            low, high = arithmetic.share_range(amount, budget)
            words = f"完成预算的比例应为 {expected}%（{money(amount)} ÷ {money(budget)}）"
        if expected is None or value == expected:
            return
        severity: Severity = "warning" if low <= value <= high else "error"
        self._report(
            sentence,
            figure,
            f"n.{kind}",
            severity,
            f"{figure.subject}{words}，文中为 {value}%"
            + ("，属于四舍五入差异" if severity == "warning" else ""),
            expected,
            value,
            value - expected,
        )

    def _change(self, sentence: Sentence, figure: Figure, value: Decimal) -> None:
        if figure.change is None:
            return  # last year not entered: the change is checked against its rate instead
        if value in (figure.change, figure.change.quantize(CENT, rounding=ROUND_HALF_UP)):
            return  # as computed, or rounded to the published two decimals
        if (
            value != 0
            and figure.change != 0
            and (value > 0) != (figure.change > 0)
            and abs(value) == abs(figure.change)
        ):
            self._report(
                sentence,
                figure,
                "n.direction",
                "error",
                f"{figure.subject}比上年应为{'增加' if figure.change > 0 else '减少'} {money(abs(figure.change))} 万元，"
                "文中增减方向写反了",
                figure.change,
                value,
                value - figure.change,
            )
            return
        self._report(
            sentence,
            figure,
            "n.change",
            "error",
            f"{figure.subject}比上年增减额应为 {money(figure.change)} 万元（{money(figure.amount)} − 上年 "
            f"{money(figure.last or Decimal(0))}），文中为 {money(value)} 万元",
            figure.change,
            value,
            value - figure.change,
        )

    def _growth(
        self, sentence: Sentence, figure: Figure, value: Decimal, change: Decimal | None
    ) -> None:
        if figure.last is not None:
            expected = arithmetic.growth(figure.amount, figure.last, figure.from_zero)
            low, high = arithmetic.growth_range(figure.amount, figure.last)
            basis = f"（{money(figure.amount)} 比上年 {money(figure.last)}）"
        elif change is not None:
            last = figure.amount - change
            expected = arithmetic.growth(figure.amount, last, figure.from_zero)
            low, high = arithmetic.growth_range_from_change(figure.amount, change)
            basis = f"（按文中增减额 {money(change)} 万元推算上年为 {money(last)} 万元）"
        else:
            return
        if expected is None:  # a rise from zero: this region writes no rate
            self._report(
                sentence,
                figure,
                "n.growth_from_zero",
                "error",
                f"{figure.subject}上年为零，按本地区要求不写增长率（文中写了增长 {value}%），"
                "请改为说明增加的金额",
                "（不写增长率）",
                value,
                None,
            )
            return
        if value == expected:
            return
        if (value >= 0) != (expected >= 0) and abs(value) == abs(expected):
            self._report(
                sentence,
                figure,
                "n.direction",
                "error",
                f"{figure.subject}应为{'增长' if expected >= 0 else '下降'} {abs(expected)}%{basis}，文中增减方向写反了",
                expected,
                value,
                value - expected,
            )
            return
        severity: Severity = "warning" if low <= value <= high else "error"
        self._report(
            sentence,
            figure,
            "n.growth",
            severity,
            f"{figure.subject}增长率应为 {expected}%{basis}，文中为 {value}%"
            + ("，属于四舍五入差异" if severity == "warning" else ""),
            expected,
            value,
            value - expected,
        )

    def _empty_claim(self, sentence: Sentence, key: str) -> None:
        figure = self.figures.get(key)
        if figure is None:
            return  # the table is not in the workbook: nothing to compare with
        self.result.checked += 1
        if figure.table not in self.figures.empty:
            self._report(
                sentence,
                figure,
                "n.empty_table",
                "error",
                f"文中说{figure.subject}为空表，但表中有 {money(figure.amount)} 万元",
                "（有数据）",
                "为空表",
                None,
            )

    def _project(self, sentence: Sentence, group: str, name: str) -> Figure | None:
        """The project of ``group`` the text names (spaces, brackets and small slips allowed);
        a name that differs from the table's is reported."""
        wanted = norm(name)
        projects = self.figures.group(group)
        for figure in projects:
            if norm(figure.subject) == wanted:
                return figure
        scored = [(_likeness(wanted, norm(f.subject)), f) for f in projects]
        score, best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        if best is None or score < PROJECT_LIKENESS:
            return None
        self._report(
            sentence,
            best,
            "n.project_name",
            "warning",
            f"文中的项目名称“{name}”与表中的“{best.subject}”不一致，请统一",
            best.subject,
            name,
            None,
        )
        return best

    def _allocation(self, sentence: Sentence, project: Figure, line: str) -> None:
        """The amounts of 资金分配情况 add up to the stated 合计 and to the project's amount.

        Amounts in 元 are converted; a sentence with rates (每场、元/人/月) cannot be added up.
        """
        found = list(_TOKEN.finditer(line))
        tokens = [t for t in found if t.group("unit") in ("万元", "元")]
        if not tokens or len(tokens) != len(found) or any(m in line for m in _RATE_MARKS):
            for token in found:
                self.result.unrecognised += 1
                self.result.unmatched.append((sentence, token.group(0)))
            return
        self.result.checked += len(tokens)
        parts, totals, start = [], [], 0
        for token in tokens:
            value = _decimal(token.group("value"))
            value = value / 10000 if token.group("unit") == "元" else value
            before = line[start : token.start()]
            (totals if any(word in before for word in _TOTAL_WORDS) else parts).append(value)
            start = token.end()
        stated = sum(parts, Decimal(0)) if not totals else totals[-1]
        problems = [t for t in totals if parts and sum(parts, Decimal(0)) != t]
        if problems or judge(stated - project.amount, 2) == "mismatch":
            self._report(
                sentence,
                project,
                "n.allocation",
                "warning",
                f"项目“{project.subject}”的资金分配各项合计 {money(sum(parts, Decimal(0)) or stated)} 万元，"
                f"与{'文中的合计或' if totals else ''}预算安排规模 {money(project.amount)} 万元不一致",
                project.amount,
                stated,
                stated - project.amount,
            )

    def _report(
        self,
        sentence: Sentence,
        figure: Figure,
        rule: str,
        severity: Severity,
        what: str,
        expected: Decimal | str,
        actual: Decimal | str,
        difference: Decimal | None,
    ) -> None:
        report(
            self.result,
            sentence.location,
            rule,
            severity,
            f"{what}。原句：“{quote(sentence.text)}”",
            cells=list(figure.cells),
            expected=expected,
            actual=actual,
            difference=difference,
        )


def quote(text: str, limit: int = 120) -> str:
    """The sentence exactly as written (cut when very long)."""
    return text if len(text) <= limit else text[: limit - 3] + "…"


def report(
    result: TextCheck,
    location: Location,
    rule: str,
    severity: Severity,
    message: str,
    cells: list[CellRef] | None = None,
    expected: Decimal | str | None = None,
    actual: Decimal | str | None = None,
    difference: Decimal | None = None,
) -> None:
    """Add a finding of ``rule`` at ``location`` (its cell is the location's short label)."""
    assert rule in TEXT_RULE_IDS, rule
    label = location.label()
    result.findings.append(
        Finding(
            rule=rule,
            severity=severity,
            table="narrative",
            sheet=SHEET,
            cell=label,
            message=message,
            cells=cells or [CellRef(SHEET, label)],
            expected=expected,
            actual=actual,
            difference=difference,
        )
    )
    result.locations.append(location)


def _kind(token: re.Match[str]) -> str:
    if token.group("unit"):
        return "amount" if token.group("unit") in ("万元", "元") else token.group("unit")
    for kind in ("share", "variance", "execution"):
        if token.group(kind) is not None:
            return kind
    return "change" if token.group("dir") else "growth"


def _value(token: re.Match[str]) -> Decimal:
    """The figure a token states, signed for changes and rates, in 万元 for amounts."""
    if token.group("unit"):
        value = _decimal(token.group("value"))
        return value / 10000 if token.group("unit") == "元" else value
    for kind in ("share", "variance", "execution"):
        if token.group(kind) is not None:
            return _decimal(token.group(kind))
    if token.group("dir"):
        return _decimal(token.group("delta")) * (1 if token.group("dir") == "增加" else -1)
    rate = abs(_decimal(token.group("rate")))
    return rate if token.group("trend") == "增长" else -rate


def _clauses(text: str) -> list[str]:
    """Clauses a figure's subject carries over: split at ；。 but keep ，-joined figures."""
    return [part for part in re.split(r"[；;。]", text) if part]


def _likeness(a: str, b: str) -> float:
    """Similarity of two names (0 … 1); one inside the other counts as alike."""
    if a and b and (a in b or b in a):
        return max(len(a), len(b)) and min(len(a), len(b)) / max(len(a), len(b)) + 0.5
    return SequenceMatcher(None, a, b).ratio()


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _show(figure: Figure) -> str:
    return amount_text(figure)


def check_text(text: str, figures: Figures) -> TextCheck:
    return TextChecker(figures).check(text)
