"""Writing the draft: Word (python-docx) in the format of 党政机关公文 (GB/T 9704), or Markdown.

The Word file is A4 with the standard's margins (上 37 mm, 下 35 mm, 左 28 mm, 右 26 mm),
body text 3号仿宋_GB2312 on a fixed line pitch (``page_lines`` lines of ``line_chars``
characters a page: 22 × 28 in the standard), headings by level — 一、 黑体, （一） 楷体_GB2312 —
and the title 2号方正小标宋简体. Every font name carries the usual substitute in the font
table (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体) for Word, and the PDF
converter maps them to free faces for LibreOffice (``workbook_tools.writers.export.pdf``).
Page numbers are "— 1 —" in 4号宋体, odd pages at the right and even at the left. First comes a
目录 of the sections (一 … 十二) as in the seeds, as a Word TOC field whose
entries are already filled in (Word can update it with F9), on a page of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from workbook_tools.narrative.draft import Paragraph

BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
PAGE_NUMBER_FONT = "宋体"
FONT_SUBSTITUTES = {
    BODY_FONT: ("仿宋", "modern", "fixed"),
    SUBHEADING_FONT: ("楷体", "modern", "fixed"),
    TITLE_FONT: ("宋体", "script", "variable"),
    HEADING_FONT: ("SimHei", "modern", "fixed"),
    PAGE_NUMBER_FONT: ("SimSun", "auto", "variable"),
}
SIZES = {"title": 22, "heading": 16, "subheading": 16, "text": 16}  # 2号 22 pt, 3号 16 pt
PAGE_NUMBER_SIZE = 14  # 4号
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
A4_MM = (210, 297)
STYLE_NAMES = {
    "title": "Title",
    "heading": "Heading 1",
    "subheading": "Heading 2",
    "text": "Normal",
}
TOC_TITLE = "目  录"
TOC_FIELD = 'TOC \\o "1-1" \\n \\h \\z \\u'


@dataclass(frozen=True)
class PageGrid:
    """The text block of a page: lines a page and characters a line (GB/T 9704: 22 × 28)."""

    lines: int = 22
    chars: int = 28

    @property
    def line_pitch(self) -> float:
        """Points from one line to the next."""
        height = A4_MM[1] - MARGINS_MM["top"] - MARGINS_MM["bottom"]
        return round(height / 25.4 * 72 / self.lines, 2)

    @property
    def char_pitch(self) -> float:
        width = A4_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
        return width / 25.4 * 72 / self.chars


def _fonts(element: object, name: str) -> None:
    """Every script of a run or style in ``name`` (no theme fonts)."""
    properties = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):
            del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), name)


def _font(run: Run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    _fonts(run._element, name)


def _style(document: DocumentObject, name: str, font: str, size: float, grid: PageGrid) -> None:
    style = document.styles[name]
    assert isinstance(style, ParagraphStyle)
    style.font.name = font
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = None
    _fonts(style.element, font)
    layout = style.paragraph_format
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(grid.line_pitch * (2 if name == "Title" else 1))
    layout.keep_with_next = name.startswith("Heading")
    layout.widow_control = True
    if name == "Normal" or name.startswith("Heading"):
        layout.first_line_indent = Pt(SIZES["text"] * 2)
    else:
        layout.first_line_indent = Pt(0)
        layout.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    if name == "Normal":  # ``chars`` characters fill a line: condensed by the difference
        _spacing(style.element, grid.char_pitch - size)
    _strip(style.element.rPr, "w:color")
    _strip(style.element.pPr, "w:pBdr")  # the template's Title has a rule under it


def _spacing(element: object, points: float) -> None:
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(round(points * 20)))
    element.get_or_add_rPr().append(spacing)  # type: ignore[attr-defined]


def _strip(parent: object | None, tag: str) -> None:
    found = parent.find(qn(tag)) if parent is not None else None  # type: ignore[attr-defined]
    if found is not None:
        parent.remove(found)  # type: ignore[union-attr]


def _page(document: DocumentObject, grid: PageGrid) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(28 - 7)
    grid_element = section._sectPr.find(qn("w:docGrid"))
    if grid_element is None:
        grid_element = OxmlElement("w:docGrid")
        section._sectPr.append(grid_element)
    grid_element.set(qn("w:type"), "lines")  # characters: by spacing, see _style
    grid_element.set(qn("w:linePitch"), str(round(grid.line_pitch * 20)))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_PARAGRAPH_ALIGNMENT.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_PARAGRAPH_ALIGNMENT.LEFT)


def _page_number(paragraph: DocxParagraph, alignment: WD_PARAGRAPH_ALIGNMENT) -> None:
    """ "— 7 —" one character in from the outer edge (GB/T 9704 7.5)."""
    paragraph.alignment = alignment
    layout = paragraph.paragraph_format
    layout.first_line_indent = Pt(0)
    if alignment == WD_PARAGRAPH_ALIGNMENT.RIGHT:
        layout.right_indent = Pt(PAGE_NUMBER_SIZE)
    else:
        layout.left_indent = Pt(PAGE_NUMBER_SIZE)
    _font(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _field(paragraph, "PAGE", "1")
    _font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _field_char(paragraph: DocxParagraph, kind: str) -> None:
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        char.set(qn("w:dirty"), "true")
    run._element.append(char)


def _instruction(paragraph: DocxParagraph, text: str) -> None:
    run = paragraph.add_run()
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {text} "
    run._element.append(instruction)


def _field(paragraph: DocxParagraph, instruction: str, shown: str) -> None:
    _field_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _field_char(paragraph, "separate")
    _font(paragraph.add_run(shown), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _field_char(paragraph, "end")


def toc_entries(paragraphs: list[Paragraph]) -> list[str]:
    """The 目录: the section headings, as the seeds list them."""
    return [p.text for p in paragraphs if p.kind == "heading"]


def _contents(document: DocumentObject, entries: list[str]) -> None:
    """目  录 and a TOC field filled with the section headings; then a new page."""
    heading = document.add_paragraph(style="Title")
    _font(heading.add_run(TOC_TITLE), HEADING_FONT, SIZES["heading"])
    for i, entry in enumerate(entries or [""]):
        paragraph = document.add_paragraph(style="Normal")
        paragraph.paragraph_format.first_line_indent = Pt(0)
        if i == 0:
            _field_char(paragraph, "begin")
            _instruction(paragraph, TOC_FIELD)
            _field_char(paragraph, "separate")
        _font(paragraph.add_run(entry), BODY_FONT, SIZES["text"])
        if i == len(entries or [""]) - 1:
            _field_char(paragraph, "end")
            paragraph.add_run().add_break(WD_BREAK.PAGE)


def _font_table(document: DocumentObject) -> None:
    """Substitutes for the fonts Windows may lack (Word reads ``w:altName``)."""
    part = next(
        p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"
    )
    xml = part.blob.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        for name, (alt, family, pitch) in FONT_SUBSTITUTES.items()
        if f'w:name="{name}"' not in xml
    )
    xml = re.sub(r"</w:fonts>\s*$", entries + "</w:fonts>", xml)
    part._blob = xml.encode("utf-8")  # a plain Part keeps its bytes here


def render_docx(
    paragraphs: list[Paragraph],
    path: Path,
    title: str,
    grid: PageGrid | None = None,
    after: Callable[[DocumentObject], None] | None = None,
) -> Path:
    """``after``: appends to the document after the text (the 绩效目标表)."""
    grid = grid or PageGrid()
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = ""
    document.core_properties.last_modified_by = ""
    _style(document, "Normal", BODY_FONT, SIZES["text"], grid)
    _style(document, "Title", TITLE_FONT, SIZES["title"], grid)
    _style(document, "Heading 1", HEADING_FONT, SIZES["heading"], grid)
    _style(document, "Heading 2", SUBHEADING_FONT, SIZES["subheading"], grid)
    _page(document, grid)
    _font_table(document)
    _contents(document, toc_entries(paragraphs))
    fonts = {"title": TITLE_FONT, "heading": HEADING_FONT, "subheading": SUBHEADING_FONT}
    for paragraph in paragraphs:
        block = document.add_paragraph(style=STYLE_NAMES[paragraph.kind])
        for text, highlighted in paragraph.runs:
            run = block.add_run(text)
            _font(run, fonts.get(paragraph.kind, BODY_FONT), SIZES[paragraph.kind])
            if highlighted:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    if after is not None:
        after(document)
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
