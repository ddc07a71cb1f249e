"""The narrative engines: figures from references, templates, conditions and groups."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import EXAMPLES
from workbook_tools.io.reader import read_workbook
from workbook_tools.narrative import arithmetic
from workbook_tools.narrative.draft import holds
from workbook_tools.narrative.figures import Figure, compute_figures
from workbook_tools.narrative.template import (
    PLACEHOLDER,
    PLACEHOLDER_REASON,
    Context,
    change_clause,
    chinese_number,
    render,
)
from workbook_tools.spec.narrative import Condition, numeral_value


@pytest.fixture(scope="module")
def changji():
    return compute_figures(read_workbook(EXAMPLES / "changji-2024.xlsx"))


def test_value_figures_come_from_their_references(changji) -> None:
    inc = changji.get("inc_gp")
    assert (inc.amount, inc.whole, inc.last, inc.share) == (
        Decimal("1043.02"),
        Decimal("1418.72"),
        Decimal("981.86"),
        Decimal("73.52"),
    )
    assert [str(c) for c in inc.cells] == ["表1!B8"]  # 其中：一般财力


def test_rows_figures_take_keys_subjects_and_supplement_rows_from_templates(changji) -> None:
    item = changji.get("gp.item.2010301")
    assert (
        item.subject == "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）"
    )
    assert item.aliases == ("行政运行（项）",)
    assert (item.amount, item.last) == (Decimal("275.78"), Decimal("229.12"))
    assert [f.key for f in changji.group("gp_classes")] == [
        "gp.class.201",
        "gp.class.208",
        "gp.class.210",
        "gp.class.221",
    ]
    assert changji.get("personnel_items").names[:2] == ["基本工资", "津贴补贴"]


def test_a_figure_of_an_absent_table_is_not_stated() -> None:
    data = read_workbook(EXAMPLES / "changji-2024.xlsx")
    data.tables.pop("t6")
    figures = compute_figures(data)
    assert figures.get("running_cost") is None and figures.get("personnel") is None
    assert figures.get("inc_gp") is not None


def test_a_blank_supplement_cell_is_not_given(changji) -> None:
    assert changji.get("proc_total") is not None
    assert changji.get("inc_gp_transfer").last == Decimal("0.00")
    data = read_workbook(EXAMPLES / "changji-2024.xlsx")
    row = data.tables["s1"].line_row("proc_total")
    row.values.pop("this_year")
    assert compute_figures(data).get("proc_total") is None


def test_templates_render_figures_attributes_and_placeholders(changji) -> None:
    context = Context(changji, "比上年预算")
    assert render("{inc_gp}，占 {inc_gp.share}", context) == "1,043.02 万元，占 73.52%"
    assert render("{inc_gp.change}", context) == "比上年预算增加 61.16 万元，增长 6.23%"
    assert render("{exp_basic.change:bare}", context) == "减少 12.81 万元，下降 1.99%"
    assert render("{no_such_figure}", context) == PLACEHOLDER
    assert render("{asset_house_area}", context).endswith(" 平方米")
    f = changji.get("sg_total")
    assert render("{f.reason}", context, f=f) == f"主要原因是{PLACEHOLDER_REASON}。"
    assert render("（{i:cn}）{f.subject}", context, f=f, i=12) == "（十二）“三公”经费"
    assert render("{who}", context) == "昌吉回族自治州政务服务和公共资源交易中心2024年"


def test_conditions(changji) -> None:
    assert holds(Condition(zero=["t8_total", "t9_total"]), changji)
    assert not holds(Condition(nonzero=["t8_total"]), changji)
    assert holds(Condition(empty=["t8"], not_empty=["t7"]), changji)
    assert holds(Condition(items=["t7_projects"], no_items=["no_such_group"]), changji)


def test_growth_from_zero_follows_the_convention() -> None:
    assert arithmetic.growth(Decimal(5), Decimal(0)) == Decimal("100.00")
    assert arithmetic.growth(Decimal(5), Decimal(0), "none") is None
    assert arithmetic.growth(Decimal(0), Decimal(0), "none") == Decimal("0.00")
    figure = Figure("x", "某项", Decimal(5), last=Decimal(0), from_zero="none")
    assert change_clause(figure, "比上年预算") == "比上年预算增加 5.00 万元（上年为零）"


def test_numerals() -> None:
    assert [chinese_number(n) for n in (1, 10, 11, 20, 21)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
    ]
    assert [numeral_value(n) for n in ("一", "九", "十", "十二", "二十")] == [1, 9, 10, 12, 20]


def test_a_rate_from_zero_is_an_error_where_the_region_forbids_it() -> None:
    from workbook_tools.narrative.textcheck import check_text

    figures = compute_figures(read_workbook(EXAMPLES / "kashgar-2024.xlsx"))
    text = (EXAMPLES / "data" / "kashgar-2024" / "part3.txt").read_text(encoding="utf-8")
    assert check_text(text, figures).findings == []
    for figure in figures.by_key.values():
        figure.from_zero = "none"
    rules = {f.rule for f in check_text(text, figures).findings}
    assert rules == {"n.growth_from_zero"}
