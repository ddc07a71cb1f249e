"""Writing the draft: Word (python-docx) or Markdown."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_COLOR_INDEX, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.run import Run

from workbook_tools.narrative.draft import Paragraph

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
SIZES = {"title": 18, "heading": 16, "subheading": 16, "text": 16}  # 三号 = 16 pt


def _font(run: Run, name: str, size: int, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def render_docx(paragraphs: list[Paragraph], path: Path, title: str) -> Path:
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = ""
    for paragraph in paragraphs:
        block = document.add_paragraph()
        size = SIZES[paragraph.kind]
        if paragraph.kind == "title":
            block.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
        elif paragraph.kind == "text":
            block.paragraph_format.first_line_indent = Pt(size * 2)
        for text, highlighted in paragraph.runs:
            run = block.add_run(text)
            heading = paragraph.kind in ("title", "heading")
            _font(
                run,
                HEADING_FONT if heading else BODY_FONT,
                size,
                bold=paragraph.kind == "subheading",
            )
            if highlighted:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    document.save(str(path))
    return path


def render_markdown(paragraphs: list[Paragraph]) -> str:
    lines = []
    for paragraph in paragraphs:
        text = "".join(f"**{t}**" if highlighted else t for t, highlighted in paragraph.runs)
        prefix = {"title": "# ", "heading": "## ", "subheading": "### ", "text": ""}[paragraph.kind]
        lines.append(prefix + text)
        lines.append("")
    return "\n".join(lines)
