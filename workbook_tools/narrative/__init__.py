"""情况说明: compute the figures the text speaks of, write a draft, check a written text."""

from __future__ import annotations

from pathlib import Path

from workbook_tools.io.model import WorkbookData


def write_draft(data: WorkbookData, output: Path, fmt: str = "docx", forms: bool = False) -> Path:
    """Write the 第三部分 draft for ``data`` to ``output`` (Word, or Markdown with ``md``);
    ``forms``: append the workbook's 绩效目标表 after the text (``narrative.forms``)."""
    from workbook_tools.narrative import forms as form_tables
    from workbook_tools.narrative.draft import build_draft
    from workbook_tools.narrative.figures import compute_figures
    from workbook_tools.narrative.render import PageGrid, render_docx, render_markdown
    from workbook_tools.spec import load_spec
    from workbook_tools.writers.atomic import atomic_write

    spec = load_spec(data.set_id)
    paragraphs, _ = build_draft(compute_figures(data, spec))
    title = f"{data.year}年{data.unit}{spec.words.report}"
    grids = form_tables.form_grids(data, spec) if forms else []
    if fmt == "md":
        text = render_markdown(paragraphs) + (form_tables.markdown(grids) if grids else "")
        return atomic_write(
            output, lambda tmp: tmp.write_text(text, encoding="utf-8"), overwrite=True
        )
    grid = PageGrid(spec.conventions.page_lines, spec.conventions.line_chars)
    return atomic_write(
        output,
        lambda tmp: render_docx(
            paragraphs, tmp, title, grid, lambda doc: form_tables.add_docx(doc, grids)
        ),
        overwrite=True,
    )


__all__ = ["write_draft"]
