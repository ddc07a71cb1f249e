"""Reports of a 情况说明 check, in the formats and exit codes of ``wbt check``."""

from __future__ import annotations

from typing import Any

from workbook_tools.io.model import WorkbookData
from workbook_tools.narrative.textcheck import TextCheck
from workbook_tools.rules.findings import SEVERITY_NAMES, summarise, summary_line


def to_json(check: TextCheck, data: WorkbookData, text_file: str) -> dict[str, Any]:
    return {
        "file": text_file,
        "workbook": data.file,
        "set": data.set_id,
        "unit": data.unit,
        "year": data.year,
        "checked": check.checked,
        "unrecognised": check.unrecognised,
        "findings": [f.to_json() for f in check.findings],
        "summary": summarise(check.findings),
    }


def to_text(check: TextCheck, data: WorkbookData, text_file: str) -> str:
    lines = [
        f"核对情况说明：{text_file}",
        f"依据工作簿：{data.file}　单位：{data.unit or '（未注明）'}　年度：{data.year or '（未注明）'}",
        f"识别并核对了 {check.checked} 个数字（另有 {check.unrecognised} 个数字未能对应到表中的项目，未核对）。",
        "",
    ]
    for finding in check.findings:
        lines.append(f"【{SEVERITY_NAMES[finding.severity]}】{finding.cell}　{finding.message}")
        refs = "、".join(str(c) for c in finding.cells if c.sheet != "情况说明")
        if refs:
            lines.append(f"      对应表中单元格：{refs}")
        lines.append(f"      规则 {finding.rule}")
    if not check.findings:
        lines.append("文中数字与表格一致。")
    lines.append(summary_line(check.findings))
    return "\n".join(lines)
