"""情况说明: compute the figures the text speaks of, write a draft, check a written text."""

from __future__ import annotations

from pathlib import Path

from workbook_tools.io.model import WorkbookData


def write_draft(data: WorkbookData, output: Path, fmt: str = "docx") -> Path:
    """Write the 第三部分 draft for ``data`` to ``output`` (Word, or Markdown with ``md``)."""
    from workbook_tools.narrative.draft import build_draft
    from workbook_tools.narrative.figures import compute_figures
    from workbook_tools.narrative.render import PageGrid, render_docx, render_markdown
    from workbook_tools.spec import load_spec
    from workbook_tools.writers.atomic import atomic_write

    spec = load_spec(data.set_id)
    paragraphs, _ = build_draft(compute_figures(data, spec))
    title = f"{data.year}年{data.unit}{spec.words.report}"
    if fmt == "md":
        text = render_markdown(paragraphs)
        return atomic_write(
            output, lambda tmp: tmp.write_text(text, encoding="utf-8"), overwrite=True
        )
    grid = PageGrid(spec.conventions.page_lines, spec.conventions.line_chars)
    return atomic_write(
        output, lambda tmp: render_docx(paragraphs, tmp, title, grid), overwrite=True
    )


__all__ = ["write_draft"]
