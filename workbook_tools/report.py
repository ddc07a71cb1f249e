"""Check results as a Chinese text report or as JSON: the diagnosis first (the cells most
likely typed wrong and what they should hold), then every finding by table, then what
could not be checked."""

from __future__ import annotations

from typing import Any

from workbook_tools.diagnosis.words import cause_note, headline
from workbook_tools.explain import count_explained, finding_key
from workbook_tools.rules import CheckResult
from workbook_tools.rules.findings import SEVERITY_NAMES, Finding, summary_line


def to_json(result: CheckResult) -> dict[str, Any]:
    data = result.data
    out = {
        "file": data.file,
        "set": data.set_id,
        "unit": data.unit,
        "year": data.year,
        "diagnosis": [s.to_json() for s in result.diagnosis],
        "findings": [_finding_json(f, result) for f in result.findings],
        "summary": result.summary,
        "not_checked": [n.to_json() for n in result.not_checked],
        "absent_tables": result.absent,
    }
    if result.explanations:  # only a workbook whose 校验结果 has explanations
        explained, unexplained = count_explained(result.findings, result.explanations)
        out["explained"] = {"explained": explained, "unexplained": unexplained}
    return out


def _finding_json(finding: Finding, result: CheckResult) -> dict[str, Any]:
    out = finding.to_json()
    found = result.explanations.get(finding_key(finding))
    if found is not None:
        out["explanation"] = {"text": found.text, "status": found.status}
    return out


def explanation_line(finding: Finding, result: CheckResult) -> str | None:
    """``单位说明（已说明）：尾差，系统导出`` for a finding the unit explained."""
    found = result.explanations.get(finding_key(finding))
    if found is None:
        return None
    return f"单位说明（{found.status}）：{found.text or '（未写明原因）'}"


def not_checked_line(result: CheckResult) -> str | None:
    """One line on what was not checked and why, or None when everything was."""
    parts = []
    if result.not_checked:
        cells = list(dict.fromkeys(n.reason for n in result.not_checked))
        shown = "；".join(cells[:3]) + ("等" if len(cells) > 3 else "")
        parts.append(f"{len(result.not_checked)} 处关系未能校验（{shown}），改正这些单元格后再校验")
    absent = [result.spec.table(t) for t in result.absent]
    if absent:
        names = "、".join(t.label for t in absent)
        parts.append(f"工作簿中没有{names}，与其有关的关系未校验")
    return "未能校验：" + "；".join(parts) + "。" if parts else None


def to_text(result: CheckResult) -> str:
    data, spec = result.data, result.spec
    lines = [
        f"校验文件：{data.file}",
        f"表套：{spec.name}（{spec.id}）　单位：{data.unit or '（未注明）'}　年度：{data.year or '（未注明）'}",
        "",
    ]
    lines += _diagnosis_lines(result)
    causes = {s.ref: s for s in result.diagnosis}
    by_table: dict[str, list] = {}
    for finding in result.findings:
        by_table.setdefault(finding.table, []).append(finding)
    for table_spec in spec.tables:
        findings = by_table.get(table_spec.id)
        if not findings:
            continue
        table = data.tables[table_spec.id]
        lines.append(f"{table_spec.label} {table_spec.title}（工作表「{table.sheet}」）")
        for f in findings:
            where = f.cell if f.sheet == table.sheet else f"{f.sheet}!{f.cell}"
            lines.append(f"  【{SEVERITY_NAMES[f.severity]}】{where}　{f.message}")
            others = [str(c) for c in f.cells if (c.sheet, c.cell) != (f.sheet, f.cell)]
            if others:
                shown = "、".join(others[:8]) + (f" 等 {len(others)} 处" if len(others) > 8 else "")
                lines.append(f"      涉及单元格：{shown}")
            cause = causes.get(f.cause) if f.cause is not None else None
            note = cause_note(f, cause, spec) if cause is not None else None
            if note:
                lines.append(f"      {note}")
            lines.append(f"      规则 {f.rule}")
            explained = explanation_line(f, result)
            if explained:
                lines.append(f"      {explained}")
        lines.append("")
    if not result.findings:
        lines.append("未发现问题。")
    unchecked = not_checked_line(result)
    if unchecked:
        lines.append(unchecked)
    lines.append(summary_line(result.findings))
    if result.explanations:
        explained, unexplained = count_explained(result.findings, result.explanations)
        lines.append(f"其中已说明 {explained} 条，未说明 {unexplained} 条。")
    return "\n".join(lines)


def _diagnosis_lines(result: CheckResult) -> list[str]:
    if not result.diagnosis:
        return []
    lines = [headline(suspect, result.spec) for suspect in result.diagnosis]
    if len(lines) > 1:
        lines = [f"{i}. {line}" for i, line in enumerate(lines, start=1)]
        lines.insert(
            0, f"诊断：最可能填错的 {len(result.diagnosis)} 处（先改这些，其余不一致多半随之消除）"
        )
    return [*lines, ""]
