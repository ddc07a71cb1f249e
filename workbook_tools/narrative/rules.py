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
    TextRule(
        "n.placeholder",
        "error",
        "文中留有未填写的占位内容（【请填写…】、XX、××、待填写、{单位} 等）",
        "placeholder left in the text",
    ),
    TextRule(
        "n.template_words",
        "error",
        "文中留有“增加（减少）”“增长（下降）”等模板用语",
        "template words such as 增加（减少） left in",
    ),
    TextRule("n.percent_sign", "error", "占比缺少百分号（如“占76.23”）", "share without %"),
    TextRule(
        "n.decimals",
        "warning",
        "金额或百分比超过两位小数",
        "amount or percentage with more than two decimals",
    ),
    TextRule(
        "n.repeated",
        "error",
        "同一数字在文中前后写得不一致",
        "the same figure stated twice with different values",
    ),
    TextRule(
        "n.reason",
        "error",
        "增减变化没有说明原因（按表套的 change_reason：任何增减、增减 10% 以上或上年为零）",
        "change without a reason where the set requires one",
    ),
    TextRule(
        "n.wording",
        "warning",
        "部门/单位、预算/决算的用语与表套不一致（如预算表套写了“部门决算公开表”）",
        "部门/单位 or 预算/决算 wording differs from the set's",
    ),
    TextRule(
        "n.unit_name",
        "warning",
        "文中的单位名称与表中编制部门的写法不一致",
        "the unit's name written differently from the tables",
    ),
    TextRule(
        "n.budget",
        "error",
        "文中预算数（年初预算数、全年预算数）与补充资料或表中不一致",
        "budget figure differs from the one entered",
    ),
    TextRule(
        "n.variance",
        "error",
        "预决算差异率与决算数、预算数算出的不一致（四舍五入差异为警告）",
        "budget variance rate differs (rounding: warning)",
    ),
    TextRule(
        "n.execution",
        "error",
        "完成预算的比例与决算数 ÷ 预算数不一致（四舍五入差异为警告）",
        "execution rate differs (rounding: warning)",
    ),
    TextRule(
        "n.budget_compare",
        "error",
        "文中的预算数、决算数、完成比例、差异率和“大于/小于/等于（持平）”彼此不符",
        "budget, actual, rates and 大于/小于/等于 disagree within the text",
    ),
    TextRule(
        "n.report_year",
        "error",
        "标题或“截至…年12月31日”的年度与本说明的年度不符",
        "a heading or an as-of date with another year than the report's",
    ),
    TextRule(
        "n.title_year",
        "error",
        "文中表名或说明标题的年度与本说明的年度不一致",
        "a table or report title with another year than the report's",
    ),
]
TEXT_RULE_IDS = {rule.id for rule in TEXT_RULES}
