"""The rules of the 情况说明 check, for the catalogue (``wbt rules``) and the findings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextRule:
    id: str
    severity: str  # the usual severity; a rounding question lowers an error to a warning
    title: str
    title_en: str


TEXT_RULES = [
    TextRule("n.amount", "error", "文中金额与表中不一致", "amount differs from the tables"),
    TextRule("n.unit", "error", "文中把万元写成了元", "万元 written as 元"),
    TextRule(
        "n.share",
        "error",
        "占比与表中金额算出的不一致（四舍五入差异为警告）",
        "share differs (rounding: warning)",
    ),
    TextRule(
        "n.change",
        "error",
        "增减额与本年数、上年数不一致",
        "change differs from this and last year",
    ),
    TextRule(
        "n.growth",
        "error",
        "增长率与本年数、上年数不一致（四舍五入差异为警告）",
        "growth rate differs (rounding: warning)",
    ),
    TextRule(
        "n.direction",
        "error",
        "增减方向写反（增加/减少、增长/下降）",
        "direction of a change reversed",
    ),
    TextRule(
        "n.growth_from_zero",
        "error",
        "上年为零时写了增长率（本地区不写）",
        "growth rate from a zero base where the region forbids one",
    ),
    TextRule(
        "n.empty_table",
        "error",
        "文中说为空表，但表中有数",
        "text calls a table empty that has data",
    ),
    TextRule(
        "n.project_name",
        "warning",
        "文中项目名称与表中不一致",
        "project named differently from the tables",
    ),
    TextRule(
        "n.allocation",
        "warning",
        "项目资金分配各项之和与预算安排规模不一致",
        "allocation of a project does not add up",
    ),
]
TEXT_RULE_IDS = {rule.id for rule in TEXT_RULES}
