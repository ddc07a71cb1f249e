"""Helpers for the package-engine tests: building unusual packages, comparing members."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

LAST_ROW = 1_048_576


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        return package.namelist()


def _formatted_rows(first: int, style: int, cells: str) -> Iterator[bytes]:
    """Rows ``first``…1,048,576: formatted rows, or rows of formatted empty cells."""
    block: list[bytes] = []
    for row in range(first, LAST_ROW + 1):
        if cells:
            body = "".join(f'<c r="{col}{row}" s="{style}"/>' for col in cells)
            block.append(f'<row r="{row}">{body}</row>'.encode())
        else:
            block.append(f'<row r="{row}" s="{style}" customFormat="1"/>'.encode())
        if len(block) == 4096:
            yield b"".join(block)
            block = []
    yield b"".join(block)


def formatted_to_the_last_row(source: Path, target: Path, part: str, cells: str = "") -> None:
    """``source`` with sheet ``part`` formatted down to row 1,048,576: rows with a style
    (``cells=""``) or, in columns ``cells`` (e.g. "QR"), empty cells with a style."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename != part:
                new.writestr(info.filename, data)
                continue
            head, _, tail = data.partition(b"</sheetData>")
            last = int(head.rsplit(b'<row r="', 1)[1].split(b'"', 1)[0])
            with new.open(info.filename, "w", force_zip64=True) as handle:
                handle.write(head)
                for piece in _formatted_rows(last + 1, 5, cells):
                    handle.write(piece)
                handle.write(b"</sheetData>" + tail)


# -- workbooks with parts an openpyxl round trip would lose --------------------------------
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PIVOT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml."
PNG = (  # a 1×1 red PNG
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def xlsxwriter_book(path: Path, image: Path) -> Path:
    """A workbook by XlsxWriter: data, a chart, an image, a user note, names, a hidden
    sheet, the second sheet active and a merged area."""
    import xlsxwriter

    image.write_bytes(PNG)
    book = xlsxwriter.Workbook(str(path))
    data = book.add_worksheet("Data")
    other = book.add_worksheet("其他")
    book.add_worksheet("Hidden").hide()
    money = book.add_format({"num_format": "#,##0.00", "bold": True, "font_color": "#1F4E79"})
    data.write_row("A1", ["名称", "金额", "备注"])
    for row in range(1, 8):
        data.write_row(row, 0, [f"项目{row}", row * 1.5, None], money)
    data.merge_range("D2:E3", "合并", money)
    data.write_comment("B3", "用户自己的批注", {"author": "张三"})
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Data!$B$2:$B$8", "categories": "=Data!$A$2:$A$8"})
    data.insert_chart("G2", chart)
    data.insert_image("G20", str(image))
    data.set_row(30, None, money)  # a formatted row without cells
    data.set_column("J:J", 12, money)  # a formatted column
    other.write("A1", "第二张表")
    other.activate()
    book.define_name("合计", "=Data!$B$9")
    book.define_name("Data!本表", "=Data!$A$1:$C$8")
    data.repeat_rows(0)
    data.autofilter("A1:C8")
    book.close()
    return path


def add_pivot(source: Path, target: Path, sheet_part: str = "xl/worksheets/sheet1.xml") -> Path:
    """``source`` with a minimal pivot table (cache definition, records, table) on a sheet."""
    cache = (
        f'<pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{REL}" r:id="rId1" recordCount="2">'
        '<cacheSource type="worksheet"><worksheetSource ref="A1:B3" sheet="Data"/></cacheSource>'
        '<cacheFields count="2"><cacheField name="名称" numFmtId="0"><sharedItems count="2">'
        '<s v="a"/><s v="b"/></sharedItems></cacheField><cacheField name="金额" numFmtId="0">'
        '<sharedItems containsSemiMixedTypes="0" containsString="0" containsNumber="1" '
        'minValue="1" maxValue="2"/></cacheField></cacheFields></pivotCacheDefinition>'
    )
    records = (
        f'<pivotCacheRecords xmlns="{MAIN}" count="2"><r><x v="0"/><n v="1"/></r>'
        '<r><x v="1"/><n v="2"/></r></pivotCacheRecords>'
    )
    table = (
        f'<pivotTableDefinition xmlns="{MAIN}" name="透视表1" cacheId="7" dataCaption="值">'
        '<location ref="L1:M4" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/>'
        '<pivotFields count="2"><pivotField axis="axisRow" showAll="0"><items count="3">'
        '<item x="0"/><item x="1"/><item t="default"/></items></pivotField>'
        '<pivotField dataField="1" showAll="0"/></pivotFields><rowFields count="1"><field x="0"/>'
        '</rowFields><dataFields count="1"><dataField name="求和" fld="1"/></dataFields>'
        "</pivotTableDefinition>"
    )
    rel = REL + "/"
    parts = {
        "xl/pivotCache/pivotCacheDefinition1.xml": cache,
        "xl/pivotCache/pivotCacheRecords1.xml": records,
        "xl/pivotTables/pivotTable1.xml": table,
        "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": _rels(
            [("rId1", rel + "pivotCacheRecords", "pivotCacheRecords1.xml")]
        ),
        "xl/pivotTables/_rels/pivotTable1.xml.rels": _rels(
            [("rId1", rel + "pivotCacheDefinition", "../pivotCache/pivotCacheDefinition1.xml")]
        ),
    }
    types = {
        "/xl/pivotCache/pivotCacheDefinition1.xml": "pivotCacheDefinition+xml",
        "/xl/pivotCache/pivotCacheRecords1.xml": "pivotCacheRecords+xml",
        "/xl/pivotTables/pivotTable1.xml": "pivotTable+xml",
    }
    sheet_rels = sheet_part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        present = set(old.namelist())
        for name in old.namelist():
            raw = old.read(name)
            if not name.endswith((".xml", ".rels")):
                new.writestr(name, raw)
                continue
            data = raw.decode("utf-8")
            if name == "[Content_Types].xml":
                overrides = "".join(
                    f'<Override PartName="{p}" ContentType="{_PIVOT_TYPE}{t}"/>'
                    for p, t in types.items()
                )
                data = data.replace("</Types>", overrides + "</Types>")
            elif name == "xl/workbook.xml":
                caches = '<pivotCaches><pivotCache cacheId="7" r:id="rIdPivot"/></pivotCaches>'
                data = data.replace("</workbook>", caches + "</workbook>")
            elif name == "xl/_rels/workbook.xml.rels":
                link = f'<Relationship Id="rIdPivot" Type="{rel}pivotCacheDefinition" Target="pivotCache/pivotCacheDefinition1.xml"/>'
                data = data.replace("</Relationships>", link + "</Relationships>")
            elif name == sheet_rels:
                link = f'<Relationship Id="rIdPivotTable" Type="{rel}pivotTable" Target="../pivotTables/pivotTable1.xml"/>'
                data = data.replace("</Relationships>", link + "</Relationships>")
            new.writestr(name, data)
        if sheet_rels not in present:
            new.writestr(
                sheet_rels,
                _rels([("rIdPivotTable", rel + "pivotTable", "../pivotTables/pivotTable1.xml")]),
            )
        for name, data in parts.items():
            new.writestr(name, data)
    return target


def _rels(items: list[tuple[str, str, str]]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in items)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + body
        + "</Relationships>"
    )
