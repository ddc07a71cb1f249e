"""Reports of a 情况说明 check, in the formats and exit codes of ``wbt check``.

Each finding is located by the section heading, subsection and paragraph it stands in (and
the page, for a text taken from a PDF); every figure the checker could not match to the
tables is listed with its sentence, so that nothing is left unchecked silently.
"""

from __future__ import annotations

from typing import Any

from workbook_tools.io.model import WorkbookData
from workbook_tools.narrative.textcheck import TextCheck, quote
from workbook_tools.rules.findings import SEVERITY_NAMES, summarise, summary_line


def unmatched_json(check: TextCheck) -> list[dict[str, Any]]:
    return [
        {"figure": figure, "sentence": sentence.text, "location": sentence.location.to_json()}
        for sentence, figure in check.unmatched
    ]


def to_json(check: TextCheck, data: WorkbookData, text_file: str) -> dict[str, Any]:
    findings = []
    for finding, location in zip(check.findings, check.locations, strict=True):
        findings.append({**finding.to_json(), "location": location.to_json()})
    return {
        "file": text_file,
        "workbook": data.file,
        "set": data.set_id,
        "unit": data.unit,
        "year": data.year,
        "checked": check.checked,
        "unrecognised": check.unrecognised,
        "unrecognised_figures": unmatched_json(check),
        "findings": findings,
        "summary": summarise(check.findings),
    }


def to_text(check: TextCheck, data: WorkbookData, text_file: str) -> str:
    lines = [
        f"核对情况说明：{text_file}",
        f"依据工作簿：{data.file}　单位：{data.unit or '（未注明）'}　年度：{data.year or '（未注明）'}",
        f"识别并核对了 {check.checked} 个数字（另有 {check.unrecognised} 个数字未能对应到表中的项目，未核对）。",
        "",
    ]
    for finding, location in zip(check.findings, check.locations, strict=True):
        lines.append(f"【{SEVERITY_NAMES[finding.severity]}】{finding.cell}　{finding.message}")
        lines.append(f"      位置：{location.describe()}")
        refs = "、".join(str(c) for c in finding.cells if c.sheet != "情况说明")
        if refs:
            lines.append(f"      对应表中单元格：{refs}")
        lines.append(f"      规则 {finding.rule}")
    if not check.findings:
        lines.append("文中数字与表格一致，也没有未填写的内容。")
    if check.unmatched:
        lines += ["", f"未能对应到表中项目的数字（{len(check.unmatched)} 个，未核对）："]
        for sentence, figure in check.unmatched:
            lines.append(
                f"  “{figure}”　{sentence.location.label()}　原句：“{quote(sentence.text)}”"
            )
    lines.append(summary_line(check.findings))
    return "\n".join(lines)
