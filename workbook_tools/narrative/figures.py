"""Every figure the 情况说明 speaks of, computed from the tables and the supplement sheet.

A ``Figure`` is one subject of the text (an income source, 基本支出, a 类 or 项 of the
一般公共预算, a 三公 item …) with this year's amount, the whole it is a share of, last
year's amount and the reason staff gave. The draft writer and the text checker both work
from the same ``Figures``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from workbook_tools.io.model import Row, Table, WorkbookData
from workbook_tools.narrative import arithmetic
from workbook_tools.rules.findings import CellRef

ZERO = Decimal(0)


@dataclass
class Figure:
    key: str
    subject: str  # how the text names it
    amount: Decimal
    whole: Decimal | None = None  # the total a share is taken of
    last: Decimal | None = None  # last year's budget, when entered
    reason: str | None = None
    section: str = ""  # 一 … 十二: where the text speaks of it
    also_in: tuple[str, ...] = ()  # other sections that name it too
    aliases: tuple[str, ...] = ()
    cells: list[CellRef] = field(default_factory=list)
    unit: str = "万元"

    @property
    def share(self) -> Decimal | None:
        return arithmetic.share(self.amount, self.whole) if self.whole is not None else None

    @property
    def change(self) -> Decimal | None:
        return self.amount - self.last if self.last is not None else None

    @property
    def growth(self) -> Decimal | None:
        return arithmetic.growth(self.amount, self.last) if self.last is not None else None


@dataclass
class Project:
    name: str
    amount: Decimal
    code: str | None


@dataclass
class Figures:
    unit: str
    year: int
    by_key: dict[str, Figure] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)  # share lists, in order
    projects: list[Project] = field(default_factory=list)  # 表7
    carryover_projects: list[Project] = field(default_factory=list)  # 表11
    personnel_items: list[str] = field(default_factory=list)  # 表6 款 names
    public_items: list[str] = field(default_factory=list)
    empty_tables: dict[str, str] = field(default_factory=dict)  # table id → 为空表 sentence
    class_names: dict[str, str] = field(default_factory=dict)  # 表5 code → name

    def add(self, figure: Figure, group: str | None = None) -> Figure:
        self.by_key[figure.key] = figure
        if group is not None:
            self.groups.setdefault(group, []).append(figure.key)
        return figure

    def get(self, key: str) -> Figure | None:
        return self.by_key.get(key)

    def group(self, name: str) -> list[Figure]:
        return [self.by_key[key] for key in self.groups.get(name, [])]


class _Source:
    """Amounts and cells of the workbook data, by table and row."""

    def __init__(self, data: WorkbookData) -> None:
        self.data = data

    def table(self, table_id: str) -> Table | None:
        return self.data.tables.get(table_id)

    def row(
        self, table_id: str, *, key: str | None = None, code: str | None = None, total: bool = False
    ) -> Row | None:
        table = self.table(table_id)
        if table is None:
            return None
        for row in table.rows:
            if total and row.kind == "total":
                return row
            if key is not None and row.key == key:
                return row
            if code is not None and row.code == code and row.kind != "project":
                return row
        return None

    def amount(self, row: Row | None, column: str) -> tuple[Decimal, list[CellRef]]:
        if row is None:
            return ZERO, []
        cell = row.cell(column)
        return row.amount(column), [CellRef(row.sheet, cell)] if cell else []

    def supplement(self, key: str) -> tuple[Decimal | None, str | None, Decimal | None]:
        """(last year, reason, this year) of a 补充资料 line."""
        row = self.row("s1", key=key)
        if row is None:
            return None, None, None
        last = row.values.get("last_year")
        this = row.values.get("this_year")
        return (
            last.value if last is not None else None,
            row.texts.get("reason"),
            this.value if this is not None else None,
        )

    def supplement_code(self, code: str) -> tuple[Decimal | None, str | None]:
        row = self.row("s2", code=code)
        if row is None:
            return None, None
        last = row.values.get("last_year")
        return (last.value if last is not None else None), row.texts.get("reason")


INCOME = [
    # key, subject, 表1 line, aliases
    ("inc_gp", "一般公共预算", "gp_own", ("一般公共预算收入", "一般公共预算拨款")),
    (
        "inc_gp_transfer",
        "上级一般公共预算安排的转移支付",
        "gp_transfer",
        ("上级一般公共预算安排的转移支付资金",),
    ),
    ("inc_gf", "政府性基金预算", "gf_own", ("政府性基金预算拨款",)),
    (
        "inc_gf_transfer",
        "上级政府性基金安排的转移支付",
        "gf_transfer",
        ("上级政府性基金安排的转移支付资金",),
    ),
    ("inc_soe", "国有资本经营预算", "soe_own", ("国有资本经营预算拨款",)),
    (
        "inc_soe_transfer",
        "上级国有资本经营预算安排的转移支付",
        "soe_transfer",
        ("上级国有资本经营预算安排的转移支付资金",),
    ),
    ("inc_special", "财政专户管理资金", "special_account", ("财政专户", "财政专户核拨")),
    ("inc_unit", "单位资金", "unit_funds", ()),
    ("inc_fiscal_carryover", "财政拨款结转", "fiscal_carryover", ("财政拨款结转结余",)),
    ("inc_nonfiscal_carryover", "非财政拨款结转结余", "nonfiscal_carryover", ("非财政拨款结余",)),
]

SANGONG = [
    ("sg_abroad", "因公出国（境）费", "abroad", ("因公出国（境）", "因公出国费")),
    ("sg_vehicle_purchase", "公务用车购置费", "vehicle_purchase", ()),
    ("sg_vehicle_operation", "公务用车运行费", "vehicle_operation", ("公务用车运行维护费",)),
    ("sg_reception", "公务接待费", "reception", ()),
]


def compute_figures(data: WorkbookData) -> Figures:
    source = _Source(data)
    figures = Figures(data.unit, data.year or 0)
    _income(source, figures)
    _expenditure(source, figures)
    _general_budget(source, figures)
    _basic_items(source, figures)
    _projects(source, figures)
    _sangong(source, figures)
    _other(source, figures)
    return figures


def _with_supplement(source: _Source, figure: Figure) -> Figure:
    last, reason, _ = source.supplement(figure.key)
    figure.last, figure.reason = last, reason
    return figure


def _income(source: _Source, figures: Figures) -> None:
    total_row = source.row("t1", key="income_total")
    total, cells = source.amount(total_row, "income")
    figures.add(
        Figure(
            "income_total",
            "收支总预算",
            total,
            section="一",
            also_in=("二",),
            cells=cells,
            aliases=("收入预算", "收支预算", "部门收入预算", "收入总计"),
        )
    )
    for key, subject, line, aliases in INCOME:
        amount, cells = source.amount(source.row("t1", key=line), "income")
        figure = Figure(
            key, subject, amount, whole=total, section="二", aliases=aliases, cells=cells
        )
        figures.add(_with_supplement(source, figure), "income")


def _expenditure(source: _Source, figures: Figures) -> None:
    total_row = source.row("t3", total=True)
    total, cells = source.amount(total_row, "total")
    figures.add(Figure("expenditure_total", "支出预算", total, section="三", cells=cells))
    for key, subject, column in (
        ("exp_basic", "基本支出", "basic"),
        ("exp_project", "项目支出", "project"),
    ):
        amount, cells = source.amount(total_row, column)
        figure = Figure(key, subject, amount, whole=total, section="三", cells=cells)
        figures.add(_with_supplement(source, figure), "expenditure")


def _general_budget(source: _Source, figures: Figures) -> None:
    t5_total = source.row("t5", total=True)
    total, cells = source.amount(t5_total, "total")
    figures.add(
        Figure(
            "gp_total",
            "一般公共预算拨款",
            total,
            section="五",
            cells=cells,
            aliases=("一般公共预算拨款合计", "一般公共预算当年拨款"),
        )
    )
    for key, subject, column in (
        ("gp_basic", "基本支出", "basic"),
        ("gp_project", "项目支出", "project"),
    ):
        amount, cells = source.amount(t5_total, column)
        figures.add(
            _with_supplement(source, Figure(key, subject, amount, section="五", cells=cells))
        )
    gp_income, gp_cells = source.amount(source.row("t4", key="gp_income"), "income")
    figures.add(
        Figure(
            "fiscal_gp",
            "一般公共预算拨款",
            gp_income,
            section="四",
            cells=gp_cells,
            aliases=("一般公共预算",),
        )
    )
    fiscal, cells = source.amount(source.row("t4", key="income_total"), "income")
    figures.add(
        Figure(
            "fiscal_total",
            "财政拨款收支总预算",
            fiscal,
            section="四",
            cells=cells,
            aliases=("财政拨款收支预算", "财政拨款收入"),
        )
    )
    table = source.table("t5")
    rows = [r for r in table.rows if r.code and r.kind in ("lei", "kuan", "xiang")] if table else []
    figures.class_names = {r.code: r.name for r in rows if r.code}
    for row in rows:
        amount, cells = source.amount(row, "total")
        if row.kind == "lei":
            _, uses = source.supplement_code(row.code or "")
            figure = Figure(
                f"gp.class.{row.code}",
                f"{row.name}（类）",
                amount,
                whole=total,
                section="五",
                also_in=("一", "四"),
                cells=cells,
                reason=uses,
                aliases=(row.name,),
            )
            figures.add(figure, "gp_classes")
        elif row.kind == "xiang":
            code = row.code or ""
            names = [
                figures.class_names.get(code[:3], ""),
                figures.class_names.get(code[:5], ""),
                row.name,
            ]
            subject = f"{names[0]}（类）{names[1]}（款）{names[2]}（项）"
            last, reason = source.supplement_code(code)
            figure = Figure(
                f"gp.item.{code}",
                subject,
                amount,
                last=last,
                reason=reason,
                section="五",
                cells=cells,
                aliases=(f"{row.name}（项）",),
            )
            figures.add(figure, "gp_items")


def _basic_items(source: _Source, figures: Figures) -> None:
    total_row = source.row("t6", total=True)
    total, cells = source.amount(total_row, "total")
    figures.add(Figure("basic_total", "一般公共预算基本支出", total, section="六", cells=cells))
    for key, subject, column in (
        ("personnel", "人员经费", "personnel"),
        ("public", "公用经费", "public"),
    ):
        amount, cells = source.amount(total_row, column)
        figures.add(Figure(key, subject, amount, section="六", cells=cells))
    table = source.table("t6")
    for row in table.rows if table else []:
        if row.kind == "kuan" and row.amount("personnel"):
            figures.personnel_items.append(row.name)
        if row.kind == "kuan" and row.amount("public"):
            figures.public_items.append(row.name)


def _projects(source: _Source, figures: Figures) -> None:
    for table_id, target, section in (
        ("t7", figures.projects, "七"),
        ("t11", figures.carryover_projects, "十一"),
    ):
        table = source.table(table_id)
        for row in table.rows if table else []:
            if row.kind == "project" and row.project:
                target.append(Project(row.project, row.amount("total"), row.code))
                amount, cells = source.amount(row, "total")
                figures.add(
                    Figure(
                        f"{table_id}.project.{len(target)}",
                        row.project,
                        amount,
                        section=section,
                        cells=cells,
                    ),
                    f"{table_id}_projects",
                )
    t11_total = source.row("t11", total=True)
    for key, subject, column in (
        ("carryover", "上年结转结余", "total"),
        ("carryover_fiscal", "财政拨款", "fin_total"),
        ("carryover_other", "非财政拨款", "non_total"),
    ):
        amount, cells = source.amount(t11_total, column)
        figures.add(Figure(key, subject, amount, section="十一", cells=cells))
    for table_id, fund in (("t8", "政府性基金预算"), ("t9", "国有资本经营预算")):
        table = source.table(table_id)
        total, cells = source.amount(source.row(table_id, total=True), "total")
        figures.add(
            Figure(
                f"{table_id}_total",
                f"{fund}拨款",
                total,
                section="八" if table_id == "t8" else "九",
                cells=cells,
                aliases=(f"{fund}支出", fund),
            )
        )
        if table is not None and table.is_empty():
            figures.empty_tables[table_id] = (
                f"{figures.unit}{figures.year}年没有使用{fund}拨款安排的支出，"
                f"{fund}支出情况表为空表。"
            )


def _sangong(source: _Source, figures: Figures) -> None:
    total, cells = source.amount(source.row("t10", key="total"), "total")
    figures.add(
        _with_supplement(
            source,
            Figure(
                "sg_total",
                "“三公”经费",
                total,
                section="十",
                cells=cells,
                aliases=("三公经费", "“三公”经费预算"),
            ),
        )
    )
    for key, subject, line, aliases in SANGONG:
        amount, cells = source.amount(source.row("t10", key=line), "total")
        figures.add(
            _with_supplement(
                source, Figure(key, subject, amount, section="十", cells=cells, aliases=aliases)
            ),
            "sangong",
        )


def _other(source: _Source, figures: Figures) -> None:
    amount, cells = source.amount(source.row("t6", total=True), "public")
    figures.add(
        _with_supplement(
            source,
            Figure(
                "running_cost",
                "机关运行经费",
                amount,
                section="十二",
                cells=cells,
                aliases=("单位运行经费", "事业单位运行经费"),
            ),
        )
    )
    total = figures.by_key["income_total"]
    figures.add(
        Figure(
            "perf_overall_amount",
            "整体预算绩效目标",
            total.amount,
            section="十二",
            cells=total.cells,
            aliases=("整体绩效目标",),
        )
    )
    for key, subject, unit, aliases in OTHER:
        _, reason, this = source.supplement(key)
        if this is None:
            continue  # not entered: the text's figure cannot be checked
        row = source.row("s1", key=key)
        _, cells = source.amount(row, "this_year")
        figures.add(
            Figure(
                key,
                subject,
                this,
                section="十二",
                cells=cells,
                unit=unit,
                aliases=aliases,
                reason=reason,
            )
        )


OTHER = [
    ("proc_total", "政府采购预算", "万元", ()),
    ("proc_goods", "政府采购货物预算", "万元", ()),
    ("proc_works", "政府采购工程预算", "万元", ()),
    ("proc_services", "政府采购服务预算", "万元", ()),
    (
        "proc_sme",
        "面向中小企业预留政府采购项目预算金额",
        "万元",
        ("中小企业预留政府采购项目预算金额",),
    ),
    ("proc_micro", "小微企业预留政府采购项目预算金额", "万元", ()),
    ("asset_house_area", "房屋", "平方米", ()),
    ("asset_house_value", "房屋价值", "万元", ("房屋",)),
    ("asset_vehicles", "车辆", "辆", ()),
    ("asset_vehicles_value", "车辆价值", "万元", ("车辆",)),
    ("asset_car_general", "一般公务用车", "辆", ()),
    ("asset_car_general_value", "一般公务用车价值", "万元", ("一般公务用车",)),
    ("asset_car_enforcement", "执法执勤用车", "辆", ()),
    ("asset_car_enforcement_value", "执法执勤用车价值", "万元", ("执法执勤用车",)),
    ("asset_car_other", "其他车辆", "辆", ()),
    ("asset_car_other_value", "其他车辆价值", "万元", ("其他车辆",)),
    ("asset_furniture_value", "办公家具价值", "万元", ()),
    ("asset_other_value", "其他资产价值", "万元", ()),
    ("asset_equipment_50", "单位价值 50 万元以上大型设备", "台", ("50万元以上大型设备",)),
    ("asset_equipment_100", "单位价值 100 万元以上大型设备", "台", ("100万元以上大型设备",)),
    ("perf_overall", "整体预算绩效目标", "个", ("整体绩效目标",)),
    ("perf_fin_projects", "财政拨款项目", "个", ()),
    ("perf_fin_amount", "财政拨款项目预算金额", "万元", ("财政拨款项目",)),
    ("perf_other_projects", "非财政拨款项目", "个", ()),
    ("perf_other_amount", "非财政拨款项目预算金额", "万元", ("非财政拨款项目",)),
]
