"""The publishable workbook: one sheet per table in the official layout, values only.

Written fresh with xlsxwriter from the typed tables, so it carries no formulas, marks,
findings sheet, hidden sheets or rows, or comments. Empty 表8–表11 get the standard
为空表 remark generated from the unit, year and table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbook_tools.errors import CheckFailed
from workbook_tools.explain import finding_key, read_with_explanations
from workbook_tools.io.model import WorkbookData, canonical_order
from workbook_tools.rules import CheckResult, check_workbook
from workbook_tools.rules.findings import SEVERITY_NAMES
from workbook_tools.spec import TableSetSpec, TableSpec, load_spec
from workbook_tools.writers.atomic import atomic_write
from workbook_tools.writers.template import LayoutStyle, TableContent, write_workbook

PUBLISH_STYLE = LayoutStyle(shade_derived=False, zero_blank=True)
EMPTY_MARK = "为空表"


@dataclass
class ExportReport:
    path: Path
    result: CheckResult
    forced: bool
    pdf: Path | None = None
    generated_remarks: list[str] = field(default_factory=list)


def default_name(data: WorkbookData, spec: TableSetSpec | None = None) -> str:
    """``<年度>年<单位>部门预算公开表.xlsx`` (部门决算公开表 for a final-accounts set)."""
    words = (spec or load_spec(data.set_id)).words
    return f"{data.year or ''}年{data.unit or '未注明单位'}{words.disclosure}.xlsx"


def publish_content(
    data: WorkbookData, spec: TableSetSpec
) -> tuple[dict[str, TableContent], list[str]]:
    """Table contents for publishing, and the 为空表 remarks that had to be generated."""
    content: dict[str, TableContent] = {}
    generated: list[str] = []
    for table_spec in published_tables(spec, data):
        table = data.tables[table_spec.id]
        rows = [r for r in canonical_order(table.rows) if r.kind != "unknown" or r.has_amounts()]
        remarks = [r.text for r in table.remarks]
        if table.is_empty() and table_spec.empty_remark:
            if not any(EMPTY_MARK in text for text in remarks):
                text = table_spec.empty_remark.format(unit=data.unit, year=data.year or "")
                remarks.insert(0, text)
                generated.append(text)
        elif not table.is_empty():
            remarks = [text for text in remarks if EMPTY_MARK not in text]
        if not remarks and table_spec.remark:
            remarks = [table_spec.remark]
        content[table_spec.id] = TableContent(rows, remarks)
    return content, generated


def write_publishable(
    data: WorkbookData, spec: TableSetSpec, target: Path, *, overwrite: bool
) -> list[str]:
    """Write the publishable workbook to ``target`` (atomically); returns the generated remarks."""
    content, generated = publish_content(data, spec)
    year = data.year or spec.year
    atomic_write(
        target,
        lambda tmp: write_workbook(
            tmp, spec, data.unit, year, content, PUBLISH_STYLE, published_tables(spec, data)
        ),
        overwrite=overwrite,
    )
    return generated


def published_tables(spec: TableSetSpec, data: WorkbookData) -> list[TableSpec]:
    """The published tables the workbook has (a set's optional tables may be absent)."""
    return [t for t in spec.published_tables if t.id in data.tables]


def blocking_errors(result: CheckResult) -> list[str]:
    """Every error, explained or not (an explained error still blocks; its 说明 is shown)."""
    lines = []
    for f in result.findings:
        if f.severity != "error":
            continue
        found = result.explanations.get(finding_key(f))
        said = f"（已说明：{found.text or '未写明原因'}）" if found and found.explained else ""
        lines.append(f"【{SEVERITY_NAMES[f.severity]}】{f.sheet}!{f.cell}　{f.message}{said}")
    return lines


def export_file(
    source: str | Path,
    *,
    output: str | Path | None = None,
    force: bool = False,
    overwrite: bool = False,
    pdf: bool = False,
    set_id: str | None = None,
) -> ExportReport:
    """Check ``source`` and write its publishable tables; errors block unless ``force``."""
    source = Path(source)
    data, explanations = read_with_explanations(source, set_id=set_id)
    spec = load_spec(data.set_id)
    result = check_workbook(data, spec)
    result.explanations = explanations
    errors = blocking_errors(result)
    if errors and not force:
        raise CheckFailed(
            f"校验发现 {len(errors)} 处错误，未导出。请先改正（或加 --force 强制导出）：\n"
            + "\n".join(errors),
            file=source,
        )
    if pdf:
        from workbook_tools.writers.export.pdf import require_soffice

        require_soffice()
    target = Path(output) if output is not None else source.with_name(default_name(data, spec))
    generated = write_publishable(data, spec, target, overwrite=overwrite)
    report = ExportReport(target, result, forced=bool(errors), generated_remarks=generated)
    if pdf:
        from workbook_tools.writers.export.pdf import convert_to_pdf

        report.pdf = convert_to_pdf(target)
    return report
