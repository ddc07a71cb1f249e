"""The parts of the two sheets marking adds: 校验结果 (from ``ResultsSheet``) and the
very hidden record ``_wbt_marks`` (text only). Cells hold inline strings, so the shared
strings part is never touched."""

from __future__ import annotations

from collections.abc import Callable

from workbook_tools.io.grid import cell_name, column_letter
from workbook_tools.writers.marks.results_layout import CellFormat, Link, OutCell, ResultsSheet
from workbook_tools.writers.ooxml import xmlscan
from workbook_tools.writers.ooxml.font_xml import rewrite_font
from workbook_tools.writers.ooxml.opc import MAIN_NS, XML_DECLARATION
from workbook_tools.writers.ooxml.styles_xml import Styles, solid_fill, thin_border

NUMBER_FORMATS = {None: 0, "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "@": 49}
_HEAD = XML_DECLARATION + f'<worksheet xmlns="{MAIN_NS}">'.encode()


def format_xf(styles: Styles, fmt: CellFormat | None) -> int:
    """The cell format index for ``fmt`` (appended to styles.xml when new)."""
    if fmt is None:
        return 0
    p = styles.prefix
    font = {
        "bold": fmt.bold,
        "size": None if fmt.size is None else f"{fmt.size:g}",
        "name": fmt.font_name,
        "color": None if fmt.font_rgb is None else "FF" + fmt.font_rgb,
        "underline": "single" if fmt.underline else None,
    }
    font_id = styles.add(b"fonts", rewrite_font(styles.item(b"fonts", 0), font))
    fill_id = styles.add(b"fills", solid_fill(fmt.fill_rgb, p)) if fmt.fill_rgb else 0
    border_id = styles.add(b"borders", thin_border(fmt.border_rgb, p)) if fmt.border_rgb else 0
    number = NUMBER_FORMATS.get(fmt.number_format, 0)
    attrs = {
        "numFmtId": str(number),
        "fontId": str(font_id),
        "fillId": str(fill_id),
        "borderId": str(border_id),
        "xfId": "0",
        "applyNumberFormat": "1" if number else None,
        "applyFont": "1",
        "applyFill": "1" if fill_id else None,
        "applyBorder": "1" if border_id else None,
    }
    alignment = _alignment(fmt, p)
    if alignment:
        attrs["applyAlignment"] = "1"
    tag = b"<" + p + b"xf " + b" ".join(xmlscan.attr(k, v) for k, v in attrs.items() if v)
    body = b">" + alignment + b"</" + p + b"xf>" if alignment else b"/>"
    return styles.add(b"cellXfs", tag + body)


def _alignment(fmt: CellFormat, prefix: bytes) -> bytes:
    attrs = {"horizontal": fmt.horizontal, "vertical": fmt.vertical}
    if fmt.wrap:
        attrs["wrapText"] = "1"
    parts = [xmlscan.attr(k, v) for k, v in attrs.items() if v]
    return b"<" + prefix + b"alignment " + b" ".join(parts) + b"/>" if parts else b""


def text_cell(ref: str, text: str, style: int = 0) -> bytes:
    s = f' s="{style}"'.encode() if style else b""
    space = b' xml:space="preserve"' if text != text.strip() or "\n" in text else b""
    body = xmlscan.escape(text).replace("\r", "&#13;").encode("utf-8")
    return (
        b'<c r="'
        + ref.encode()
        + b'"'
        + s
        + b' t="inlineStr"><is><t'
        + space
        + b">"
        + body
        + b"</t></is></c>"
    )


def _cell(ref: str, cell: OutCell, style: int) -> bytes:
    value = cell.value
    s = f' s="{style}"'.encode() if style else b""
    if value is None or value == "":  # a blank cell, formatted (a column to fill in)
        return b'<c r="' + ref.encode() + b'"' + s + b"/>"
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        return b'<c r="' + ref.encode() + b'"' + s + b"><v>" + repr(value).encode() + b"</v></c>"
    return text_cell(ref, value, style)


def _rows(sheet: ResultsSheet, style: Callable[[CellFormat | None], int]) -> tuple[bytes, bytes]:
    """The sheet data and the hyperlinks of the findings sheet."""
    rows: list[bytes] = []
    links: list[bytes] = []
    for number, row in enumerate(sheet.rows, start=1):
        height = sheet.heights.get(number)
        attrs = f' ht="{height:g}" customHeight="1"' if height else ""
        cells = b""
        for col, cell in enumerate(row, start=1):
            if cell is None:
                continue
            ref = cell_name(number, col)
            cells += _cell(ref, cell, style(cell.fmt))
            if cell.link is not None:
                links.append(_hyperlink(ref, cell.link))
        rows.append(f'<row r="{number}"{attrs}>'.encode() + cells + b"</row>")
    return b"".join(rows), b"".join(links)


def _hyperlink(ref: str, link: Link) -> bytes:
    """A link to a cell of the workbook: ``location``, no relationship."""
    parts = [("ref", ref), ("location", link.location), ("display", link.label)]
    return b"<hyperlink " + b" ".join(xmlscan.attr(k, v) for k, v in parts) + b"/>"


def results_sheet_xml(sheet: ResultsSheet, style: Callable[[CellFormat | None], int]) -> bytes:
    header = sheet.header_row
    top = f"A{header + 1}"
    rows, links = _rows(sheet, style)
    cols = b"".join(
        f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'.encode()
        for i, w in enumerate(sheet.widths, start=1)
    )
    last = f"{column_letter(sheet.width)}{max(len(sheet.rows), 1)}"
    return (
        _HEAD
        + b'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        + f'<dimension ref="A1:{last}"/>'.encode()
        + b'<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        + f'<pane ySplit="{header}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'.encode()
        + f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'.encode()
        + b'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        + b"<cols>" + cols + b"</cols><sheetData>" + rows + b"</sheetData>"
        + f'<autoFilter ref="{sheet.filter_ref}"/>'.encode()
        + _validations(sheet)
        + (b"<hyperlinks>" + links + b"</hyperlinks>" if links else b"")
        + b'<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        + b'<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        + b"<headerFooter><oddFooter>&amp;C" + xmlscan.escape(sheet.footer).encode("utf-8")
        + b"</oddFooter></headerFooter></worksheet>"
    )  # fmt: skip


def _validations(sheet: ResultsSheet) -> bytes:
    """The lists to pick a cell's value from (the 状态 column)."""
    if not sheet.choices:
        return b""
    items = b"".join(
        b'<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1"'
        + b" " + xmlscan.attr("sqref", choice.ref) + b"><formula1>"
        + xmlscan.escape(choice.formula).encode("utf-8") + b"</formula1></dataValidation>"
        for choice in sheet.choices
    )  # fmt: skip
    head = f'<dataValidations count="{len(sheet.choices)}">'.encode()
    return head + items + b"</dataValidations>"


def defined_names(prefix: bytes, name: str, sheet: ResultsSheet) -> list[bytes]:
    """Print titles and the autofilter's hidden name for the findings sheet (index 0)."""
    quoted = "'" + name.replace("'", "''") + "'"
    top, _, bottom = sheet.filter_ref.partition(":")
    area = f"{quoted}!${top[0]}${top[1:]}:${bottom[0]}${bottom[1:]}"
    rows = f"{quoted}!${sheet.header_row}:${sheet.header_row}"
    p = prefix
    return [
        b"<" + p + b'definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        + xmlscan.escape(area).encode("utf-8") + b"</" + p + b"definedName>",
        b"<" + p + b'definedName name="_xlnm.Print_Titles" localSheetId="0">'
        + xmlscan.escape(rows).encode("utf-8") + b"</" + p + b"definedName>",
    ]  # fmt: skip


def record_sheet_xml(rows: list[list[str]]) -> bytes:
    body = b""
    for number, row in enumerate(rows, start=1):
        cells = b"".join(
            text_cell(cell_name(number, col), text) for col, text in enumerate(row, start=1) if text
        )
        body += f'<row r="{number}">'.encode() + cells + b"</row>"
    return _HEAD + b"<sheetData>" + body + b"</sheetData></worksheet>"
