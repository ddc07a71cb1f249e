"""The 第三部分 情况说明 draft, in the seeds' structure (一 … 十二), as paragraphs.

Every amount, share and change comes from ``Figures``; a reason staff have not entered is
a highlighted 【请填写原因】 placeholder. ``render_docx`` and ``render_markdown`` write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from workbook_tools.narrative import arithmetic
from workbook_tools.narrative.figures import Figure, Figures
from workbook_tools.rules.context import money

PLACEHOLDER_REASON = "【请填写原因】"
PLACEHOLDER = "【请填写】"
_PLACEHOLDER_PATTERN = re.compile(r"(【请填写[^】]*】)")
MAIN_FUNDS = ("inc_gp", "inc_gf", "inc_soe")  # always stated with figures, as the seeds do
NUMERALS = "一二三四五六七八九十"


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
        pairs = "、".join(
            f"{name} {value}%" for (name, _), value in zip(self.shares, self.corrected, strict=True)
        )
        return (
            f"{self.group}各项占比四舍五入后合计 {total}%（不是 100.00%）；"
            f"如需合计为 100.00%，可按最大余数法调整为：{pairs}"
        )


def pct(value: Decimal | None) -> str:
    return f"{value:.2f}%" if value is not None else ""


def amount_text(figure: Figure) -> str:
    if figure.unit == "万元":
        return f"{money(figure.amount)} 万元"
    value = (
        figure.amount.normalize() if figure.amount == figure.amount.to_integral() else figure.amount
    )
    return f"{value:f} {figure.unit}"


def change_clause(figure: Figure) -> tuple[str, bool]:
    """``比上年预算增加 61.16 万元，增长 6.23%`` (or a placeholder when last year is missing)."""
    if figure.change is None or figure.growth is None:
        return "比上年预算" + PLACEHOLDER + "（请在「上年数及说明」表填写上年预算数）", True
    direction = "增加" if figure.change >= 0 else "减少"
    trend = "增长" if figure.change >= 0 else "下降"
    return (
        f"比上年预算{direction} {money(abs(figure.change))} 万元，{trend} {abs(figure.growth):.2f}%",
        False,
    )


def reason_runs(paragraph: Paragraph, figure: Figure, lead: str = "主要原因是") -> None:
    if figure.reason:
        paragraph.add(f"{lead}{figure.reason.rstrip('。；;')}。")
    else:
        paragraph.add(lead).add(PLACEHOLDER_REASON, True).add("。")


class DraftWriter:
    def __init__(self, figures: Figures) -> None:
        self.f = figures
        self.paragraphs: list[Paragraph] = []
        self.notices: list[ShareNotice] = []
        self.who = f"{figures.unit}{figures.year}年"

    # -- helpers -------------------------------------------------------------------------
    def heading(self, number: int, text: str) -> None:
        self.paragraphs.append(Paragraph("heading").add(f"{NUMERALS_LIST[number]}、{text}"))

    def sub(self, text: str) -> None:
        self.paragraphs.append(Paragraph("subheading").add(text))

    def text(self, *runs: str | tuple[str, bool]) -> Paragraph:
        paragraph = Paragraph("text")
        for run in runs:
            if isinstance(run, tuple):
                paragraph.add(*run)
            else:
                paragraph.add(run)
        self.paragraphs.append(paragraph)
        return paragraph

    def check_shares(self, group: str, figures: list[Figure]) -> None:
        listed = [f for f in figures if f.share is not None and f.whole]
        if not listed:
            return
        shares = [(f.subject, f.share or Decimal(0)) for f in listed]
        if sum(s for _, s in shares) == Decimal("100.00") or not any(f.amount for f in listed):
            return
        whole = listed[0].whole or Decimal(0)
        corrected = arithmetic.largest_remainder([f.amount for f in listed], whole)
        self.notices.append(ShareNotice(group, shares, corrected))

    def change_sentence(self, figure: Figure, *, with_share: bool) -> None:
        paragraph = self.text(f"{figure.subject} {amount_text(figure)}")
        if with_share and figure.share is not None:
            paragraph.add(f"，占 {pct(figure.share)}")
        clause, placeholder = change_clause(figure)
        paragraph.add("，").add(clause, placeholder).add("，")
        reason_runs(paragraph, figure)

    # -- sections ------------------------------------------------------------------------
    def write(self) -> list[Paragraph]:
        self.paragraphs.append(Paragraph("title").add(f"{self.f.year}年部门预算情况说明"))
        for section in (
            self.overview,
            self.income,
            self.expenditure,
            self.fiscal,
            self.general_budget,
            self.basic,
            self.projects,
            self.fund,
            self.state_capital,
            self.sangong,
            self.carryover,
            self.other,
        ):
            section()
        return self.paragraphs

    def overview(self) -> None:
        self.heading(1, f"关于{self.who}收支预算情况的总体说明")
        total = self.f.by_key["income_total"]
        self.text(
            f"按照全口径预算的原则，{self.who}所有收入和支出均纳入部门预算管理。收支总预算 {amount_text(total)}。"
        )
        sources = [f.subject for f in self.f.group("income") if f.amount]
        self.text("收入预算包括：" + "、".join(sources) + "。")
        classes = [f.subject.removesuffix("（类）") for f in self.f.group("gp_classes") if f.amount]
        self.text("支出预算包括：" + "、".join(classes) + "。")

    def income(self) -> None:
        self.heading(2, f"关于{self.who}收入预算情况说明")
        total = self.f.by_key["income_total"]
        self.text(f"{self.f.unit}部门收入预算 {amount_text(total)}，其中：")
        for figure in self.f.group("income"):
            if figure.key not in MAIN_FUNDS and not figure.amount and not (figure.last or 0):
                self.text(f"{figure.subject}未安排。")
            else:
                self.change_sentence(figure, with_share=True)
        self.check_shares("收入预算", self.f.group("income"))

    def expenditure(self) -> None:
        self.heading(3, f"关于{self.who}支出预算情况说明")
        self.text(f"{self.who}支出预算 {amount_text(self.f.by_key['expenditure_total'])}，其中：")
        for figure in self.f.group("expenditure"):
            self.change_sentence(figure, with_share=True)
        self.check_shares("支出预算", self.f.group("expenditure"))

    def fiscal(self) -> None:
        self.heading(4, f"关于{self.who}财政拨款收支预算情况的总体说明")
        self.text(f"{self.who}财政拨款收支总预算 {amount_text(self.f.by_key['fiscal_total'])}。")
        gp = self.f.by_key["gp_total"]
        funds = [self.f.by_key["t8_total"], self.f.by_key["t9_total"]]
        if not any(f.amount for f in funds):
            self.text("收入全部为一般公共预算拨款，无政府性基金预算拨款和国有资本经营预算拨款。")
        self.text(f"收入预算包括：一般公共预算拨款 {amount_text(gp)}。")
        parts = []
        for figure in self.f.group("gp_classes"):
            if figure.amount:
                uses = f"，主要用于{figure.reason}" if figure.reason else f"，主要用于{PLACEHOLDER}"
                parts.append(f"{figure.subject.removesuffix('（类）')} {amount_text(figure)}{uses}")
        self.text("一般公共预算支出包括：" + "；".join(parts) + "。")

    def general_budget(self) -> None:
        self.heading(5, f"关于{self.who}一般公共预算当年拨款情况说明")
        self.sub("（一）一般公共预算当年拨款规模变化情况")
        self.text(
            f"{self.who}一般公共预算拨款合计 {amount_text(self.f.by_key['gp_total'])}，其中："
        )
        for key in ("gp_basic", "gp_project"):
            figure = self.f.by_key[key]
            paragraph = self.text(f"{figure.subject} {amount_text(figure)}，")
            clause, placeholder = change_clause(figure)
            paragraph.add(clause, placeholder).add("。")
            reason_runs(paragraph, figure)
        self.sub("（二）一般公共预算当年拨款结构情况")
        classes = [f for f in self.f.group("gp_classes") if f.amount]
        for i, figure in enumerate(classes, start=1):
            self.text(f"{i}、{figure.subject} {amount_text(figure)}，占 {pct(figure.share)}。")
        self.check_shares("一般公共预算当年拨款结构", classes)
        self.sub("（三）一般公共预算当年拨款具体使用情况")
        for i, figure in enumerate([f for f in self.f.group("gp_items") if f.amount], start=1):
            paragraph = self.text(
                f"{i}、{figure.subject}：{self.f.year}年预算数为 {amount_text(figure)}，"
            )
            clause, placeholder = change_clause(figure)
            paragraph.add(clause, placeholder).add("。")
            reason_runs(paragraph, figure)

    def basic(self) -> None:
        self.heading(6, f"关于{self.who}一般公共预算基本支出情况说明")
        self.text(
            f"{self.who}一般公共预算基本支出 {amount_text(self.f.by_key['basic_total'])}，其中："
        )
        for key, items in (("personnel", self.f.personnel_items), ("public", self.f.public_items)):
            figure = self.f.by_key[key]
            listed = "、".join(items) if items else "无"
            self.text(f"{figure.subject} {amount_text(figure)}，主要包括：{listed}。")

    def projects(self) -> None:
        self.heading(7, f"关于{self.who}一般公共预算项目支出情况说明")
        if not self.f.projects:
            self.text(f"{self.who}没有安排一般公共预算项目支出。")
        for i, project in enumerate(self.f.projects, start=1):
            self.sub(f"（{NUMERALS_LIST[i]}）项目名称：{project.name}")
            self.text("设立的政策依据：", (PLACEHOLDER, True))
            self.text(f"预算安排规模：{money(project.amount)} 万元")
            self.text(f"项目承担单位：{self.f.unit}")
            self.text("资金分配情况：", (PLACEHOLDER, True))
            self.text("资金执行时间：", (PLACEHOLDER, True))

    def fund(self) -> None:
        self.heading(8, f"关于{self.who}政府性基金预算拨款情况说明")
        self._fund_text("t8")

    def state_capital(self) -> None:
        self.heading(9, f"关于{self.who}国有资本经营预算拨款情况说明")
        self._fund_text("t9")

    def _fund_text(self, table_id: str) -> None:
        if table_id in self.f.empty_tables:
            self.text(self.f.empty_tables[table_id])
        else:
            figure = self.f.by_key[f"{table_id}_total"]
            self.text(
                f"{self.who}{figure.subject} {amount_text(figure)}，主要用于",
                (PLACEHOLDER, True),
                "。",
            )

    def sangong(self) -> None:
        self.heading(10, f"关于{self.who}财政拨款“三公”经费预算情况说明")
        total = self.f.by_key["sg_total"]
        items = self.f.group("sangong")
        listed = "，".join(f"{f.subject} {amount_text(f)}" for f in items)
        self.text(f"{self.who}财政拨款“三公”经费预算数为 {amount_text(total)}，其中：{listed}。")
        paragraph = self.text(f"{self.f.year}年财政拨款“三公”经费预算")
        clause, placeholder = change_clause(total)
        paragraph.add(clause, placeholder).add("，其中：")
        for i, figure in enumerate(items):
            clause, placeholder = change_clause(figure)
            clause = clause.removeprefix("比上年预算")
            paragraph.add(f"{figure.subject}").add(clause, placeholder).add("，")
            if figure.reason:
                paragraph.add(f"主要原因是{figure.reason.rstrip('。；;')}")
            else:
                paragraph.add("主要原因是").add(PLACEHOLDER_REASON, True)
            paragraph.add("。" if i == len(items) - 1 else "；")

    def carryover(self) -> None:
        self.heading(11, f"关于{self.who}上年结转结余预算情况说明")
        total = self.f.by_key["carryover"]
        if not total.amount and not self.f.carryover_projects:
            self.text(f"{self.who}无上年结转结余预算的支出，上年结转结余情况明细表为空表。")
            return
        fiscal, other = self.f.by_key["carryover_fiscal"], self.f.by_key["carryover_other"]
        self.text(
            f"{self.who}上年结转结余 {amount_text(total)}，包括：财政拨款 {amount_text(fiscal)}，"
            f"非财政拨款 {amount_text(other)}，其中："
        )
        for i, project in enumerate(self.f.carryover_projects, start=1):
            self.text(
                f"{i}. {project.name} {money(project.amount)} 万元，主要用于",
                (PLACEHOLDER, True),
                "。",
            )

    def other(self) -> None:
        self.heading(12, "其他重要事项的情况说明")
        self.sub("（一）机关运行经费情况")
        running = self.f.by_key["running_cost"]
        paragraph = self.text(f"{self.who}的机关运行经费财政拨款预算 {amount_text(running)}，")
        clause, placeholder = change_clause(running)
        paragraph.add(clause, placeholder).add("。")
        reason_runs(paragraph, running)
        k = _Amounts(self.f)
        self.sub("（二）政府采购情况")
        self.text(
            f"{self.f.year}年，{self.f.unit}政府采购预算 {k['proc_total']}，其中："
            f"政府采购货物预算 {k['proc_goods']}，政府采购工程预算 {k['proc_works']}，"
            f"政府采购服务预算 {k['proc_services']}。"
        )
        self.text(
            f"{self.f.year}年，{self.f.unit}面向中小企业预留政府采购项目预算金额 {k['proc_sme']}，"
            f"其中：小微企业预留政府采购项目预算金额 {k['proc_micro']}。"
        )
        self.sub("（三）国有资产占用使用情况")
        self.text(f"截至{self.f.year - 1}年底，{self.f.unit}占用使用国有资产总体情况为：")
        self.text(f"1. 房屋 {k['asset_house_area']}，价值 {k['asset_house_value']}。")
        self.text(
            f"2. 车辆 {k['asset_vehicles']}，价值 {k['asset_vehicles_value']}；其中："
            f"一般公务用车 {k['asset_car_general']}，价值 {k['asset_car_general_value']}；"
            f"执法执勤用车 {k['asset_car_enforcement']}，价值 {k['asset_car_enforcement_value']}；"
            f"其他车辆 {k['asset_car_other']}，价值 {k['asset_car_other_value']}。"
        )
        self.text(f"3. 办公家具价值 {k['asset_furniture_value']}。")
        self.text(f"4. 其他资产价值 {k['asset_other_value']}。")
        self.text(
            f"单位价值 50 万元以上大型设备 {k['asset_equipment_50']}，"
            f"单位价值 100 万元以上大型设备 {k['asset_equipment_100']}。"
        )
        self.sub("（四）预算绩效情况")
        self.text(
            f"{self.f.year}年，本部门预算绩效管理整体预算绩效目标 {k['perf_overall']}。"
            f"{self.f.year}年，本年度实行绩效管理的财政拨款项目 {k['perf_fin_projects']}，"
            f"涉及预算金额 {k['perf_fin_amount']}；非财政拨款项目 {k['perf_other_projects']}，"
            f"涉及预算金额 {k['perf_other_amount']}。"
        )


class _Amounts:
    """``k["proc_total"]`` → ``"396.18 万元"``, or a placeholder when the figure was not entered."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def __getitem__(self, key: str) -> str:
        figure = self.figures.get(key)
        return amount_text(figure) if figure is not None else PLACEHOLDER


NUMERALS_LIST = [
    "",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
    "十九",
    "二十",
]


def build_draft(figures: Figures) -> tuple[list[Paragraph], list[ShareNotice]]:
    writer = DraftWriter(figures)
    return writer.write(), writer.notices
