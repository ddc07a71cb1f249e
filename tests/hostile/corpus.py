"""The hostile corpus: one small generator per bad, broken or malicious input.

Every case is built on demand in a test's folder, from the changji example or from bytes
written here (no committed binaries). ``Case.outcome`` says what the tool must do:

* ``refused`` — every command exits 2 with a Chinese message naming the file (and the
  sheet when ``sheet`` is set), writes nothing and leaves the input as it was;
* ``read`` — a legitimate workbook (a stray cell at XFD1048576, an .xls, a lying
  ``<dimension>`` …): it reads exactly like the changji example (or ``expect_same``);
* ``cell_error`` — a readable workbook with one unusable amount (NaN, INF, 1e999): the
  check reports one 非数字金额 error at ``cell`` of ``sheet``.

``subprocess=True`` marks the cases that could crash (python-calamine aborts the process)
or hang (a FIFO) the interpreter: the corpus test runs those in a child process.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[2]
CHANGJI = ROOT / "examples" / "changji-2024.xlsx"
Outcome = Literal["refused", "read", "cell_error"]
Build = Callable[[Path], Path]

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET2 = "xl/worksheets/sheet2.xml"  # 表2 of the changji example


@dataclass(frozen=True)
class Case:
    id: str
    build: Build
    expect: tuple[str, ...] = ()  # fragments of the message (refused cases)
    outcome: Outcome = "refused"
    subprocess: bool = False
    sheet: str | None = None  # the sheet the message (or the finding) must name
    cell: str | None = None  # the cell a cell_error is reported at
    write_commands: bool = True  # also run --mark/--in-place/clear/fill (read cases)


CASES: list[Case] = []


def case(
    expect: tuple[str, ...] | str = (),
    *,
    outcome: Outcome = "refused",
    subprocess: bool = False,
    sheet: str | None = None,
    cell: str | None = None,
    write_commands: bool = True,
    name: str | None = None,
) -> Callable[[Build], Build]:
    def register(build: Build) -> Build:
        fragments = (expect,) if isinstance(expect, str) else expect
        case_id = name or build.__name__.removeprefix("c_").replace("_", "-")
        CASES.append(
            Case(case_id, build, fragments, outcome, subprocess, sheet, cell, write_commands)
        )
        return build

    return register


def by_id(case_id: str) -> Case:
    return next(c for c in CASES if c.id == case_id)


# -- building blocks ----------------------------------------------------------------------
@functools.cache
def changji_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(CHANGJI) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


def write_zip(path: Path, parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def repack(folder: Path, name: str, changes: dict[str, bytes | None]) -> Path:
    """The changji workbook with some parts replaced (``None``: left out) or added."""
    parts = dict(changji_parts())
    for part, data in changes.items():
        if data is None:
            parts.pop(part, None)
        else:
            parts[part] = data
    return write_zip(folder / name, parts)


def with_extra_sheet(folder: Path, name: str, sheet_data: str, title: str = "附注") -> Path:
    """The changji workbook with one more sheet (holding ``sheet_data``) at the end."""
    parts = dict(changji_parts())
    part = "xl/worksheets/sheet99.xml"
    parts[part] = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS_MAIN}">'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    ).encode()
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    rels = (
        parts["xl/_rels/workbook.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            f'<Relationship Id="rId99" Type="{rel_type}" Target="worksheets/sheet99.xml"/>'
            "</Relationships>",
        )
    )
    book = (
        parts["xl/workbook.xml"]
        .decode()
        .replace("</sheets>", f'<sheet name="{title}" sheetId="99" r:id="rId99"/></sheets>')
    )
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    types = (
        parts["[Content_Types].xml"]
        .decode()
        .replace("</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
    )
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    parts["xl/workbook.xml"] = book.encode()
    parts["[Content_Types].xml"] = types.encode()
    return write_zip(folder / name, parts)


def sheet_xml(part: str = SHEET2) -> str:
    return changji_parts()[part].decode("utf-8")


def set_cell(xml: str, ref: str, cell: str) -> str:
    """Replace the ``<c r="ref">`` element (or append it to its row) with ``cell``."""
    pattern = re.compile(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
    if pattern.search(xml):
        return pattern.sub(cell, xml, count=1)
    row = re.sub(r"[A-Z]+", "", ref)
    row_pattern = re.compile(rf'(<row r="{row}"[^>]*>.*?)(</row>)', re.S)
    if row_pattern.search(xml):
        return row_pattern.sub(lambda m: m.group(1) + cell + m.group(2), xml, count=1)
    return xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>')


def with_sheet2(folder: Path, name: str, edit: Callable[[str], str]) -> Path:
    return repack(folder, name, {SHEET2: edit(sheet_xml()).encode("utf-8")})


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal, valid OLE compound file (version 3, 512-byte sectors) holding ``streams``.

    Streams are padded to 4096 bytes so that none lives in the mini stream.
    """
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    data = {n: streams[n] + b"\x00" * max(0, 4096 - len(streams[n])) for n in names}
    dir_sectors = (len(names) + 1 + 3) // 4
    sector = 1 + dir_sectors  # sector 0: the FAT
    fat = [fat_sector] + [i + 2 if i + 1 < dir_sectors else end for i in range(dir_sectors)]
    starts, body = {}, b""
    for n in names:
        count = (len(data[n]) + 511) // 512
        starts[n] = sector
        fat += [sector + i + 1 for i in range(count - 1)] + [end]
        body += data[n].ljust(count * 512, b"\x00")
        sector += count
    assert len(fat) <= 128, "one FAT sector is enough for the corpus"
    fat_bytes = struct.pack("<128I", *(fat + [free] * (128 - len(fat))))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1 if names else free, free, end, 0)]
    for i, n in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        entries.append(entry(n, 2, free, right, starts[n], len(streams[n])))
    directory = b"".join(entries).ljust(dir_sectors * 512, b"\x00")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    assert len(header) == 512
    return header + fat_bytes + directory + body


def zip_with_stream(
    path: Path, parts: dict[str, bytes], name: str, head: bytes, filler: bytes, size: int
) -> Path:
    """A zip holding ``parts`` and a member ``name``: ``head`` then ``size`` bytes of
    ``filler``, compressed as it is written (memory stays small)."""
    write_zip(path, parts)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with package.open(info, "w", force_zip64=True) as stream:
            stream.write(head)
            block = filler * ((1 << 20) // len(filler))
            for _ in range(size // len(block)):
                stream.write(block)
    return path


def patch_declared_size(path: Path, name: str, size: int) -> Path:
    """Make the central directory claim ``size`` bytes for member ``name``."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for match in re.finditer(rb"PK\x01\x02", data):
        start = match.start()
        length = struct.unpack_from("<H", data, start + 28)[0]
        if bytes(data[start + 46 : start + 46 + length]) == encoded:
            struct.pack_into("<I", data, start + 24, size)
    path.write_bytes(bytes(data))
    return path


def soffice_copy(folder: Path, name: str, fmt: str, source: Path = CHANGJI) -> Path:
    """``source`` converted by LibreOffice (cached per content; skipped without soffice)."""
    import pytest

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / "wbt-hostile-cache"
    cache.mkdir(exist_ok=True)
    cached = cache / f"{digest}.{fmt}"
    if not cached.exists():
        work = Path(tempfile.mkdtemp(prefix="wbt-soffice-"))
        try:
            shutil.copy(source, work / f"in{source.suffix}")
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation=file://{work}/profile",
                    "--convert-to",
                    fmt,
                    "--outdir",
                    str(work),
                    str(work / f"in{source.suffix}"),
                ],
                check=True,
                capture_output=True,
                timeout=180,
            )
            shutil.move(work / f"in.{fmt}", cached)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    target = folder / name
    shutil.copy(cached, target)
    return target


# == 1. the file system ===================================================================
@case("文件不存在")
def c_missing(folder: Path) -> Path:
    return folder / "不存在的公开表.xlsx"


@case("文件夹")
def c_folder(folder: Path) -> Path:
    path = folder / "文件夹.xlsx"
    path.mkdir()
    return path


@case(("不是普通文件", "管道"), subprocess=True)
def c_fifo(folder: Path) -> Path:
    path = folder / "管道.xlsx"
    os.mkfifo(path)
    return path


@case(("不是普通文件",), subprocess=True)
def c_symlink_to_device(folder: Path) -> Path:
    path = folder / "设备.xlsx"
    os.symlink("/dev/zero", path)
    return path


@case("循环")
def c_symlink_loop(folder: Path) -> Path:
    path = folder / "循环.xlsx"
    os.symlink(path.name, path)
    return path


@case("失效的快捷方式")
def c_dangling_symlink(folder: Path) -> Path:
    path = folder / "失效.xlsx"
    os.symlink("已删除的文件.xlsx", path)
    return path


@case("路径中的某一级不是文件夹")
def c_path_through_file(folder: Path) -> Path:
    (folder / "公开表.xlsx").write_bytes(CHANGJI.read_bytes())
    return folder / "公开表.xlsx" / "表.xlsx"


@case("路径过长")
def c_name_too_long(folder: Path) -> Path:
    return folder / ("长" * 200 + ".xlsx")


@case("没有读取")
def c_no_read_permission(folder: Path) -> Path:
    """Real when not root; the corpus test also fakes ``os.access`` for this file."""
    path = folder / "无权限.xlsx"
    shutil.copy(CHANGJI, path)
    path.chmod(0o000)
    return path


@case(("不是有效的 Excel 工作簿", "0 字节"))
def c_empty(folder: Path) -> Path:
    return write(folder, "空文件.xlsx", b"")


@case("不是有效的 Excel 工作簿")
def c_one_byte(folder: Path) -> Path:
    return write(folder, "一个字节.xlsx", b"P")


@case("工作簿已损坏")
def c_zip_magic_only(folder: Path) -> Path:
    return write(folder, "只有文件头.xlsx", b"PK\x03\x04")


# == 2. not a workbook at all =============================================================
@case(("不是有效的 Excel 工作簿", "文本文件"))
def c_text_renamed(folder: Path) -> Path:
    return write(folder, "说明.xlsx", "这不是工作簿，只是改了扩展名的文本文件。\n".encode())


@case(("不是有效的 Excel 工作簿", "CSV"))
def c_csv_renamed(folder: Path) -> Path:
    text = "科目编码,科目名称,合计\n2010301,行政运行,275.78\n"
    return write(folder, "导出.xlsx", text.encode("gb18030"))


@case(("不是有效的 Excel 工作簿", "CSV"))
def c_csv_named_csv(folder: Path) -> Path:
    return write(folder, "公开表.csv", "科目编码,合计\n201,1248.57\n".encode())


@case("不是有效的 Excel 工作簿")
def c_utf16_text(folder: Path) -> Path:
    return write(folder, "宽字符.xlsx", "\ufeff科目,金额\n".encode("utf-16-le"))


@case(("不是有效的 Excel 工作簿", "PDF"))
def c_pdf_renamed(folder: Path) -> Path:
    return write(
        folder, "公开表.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    )


@case(("不是有效的 Excel 工作簿", "图片"))
def c_png_renamed(folder: Path) -> Path:
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + b"\x00" * 17
    return write(folder, "截图.xlsx", png)


@case(("不是有效的 Excel 工作簿", "图片"))
def c_jpeg_renamed(folder: Path) -> Path:
    return write(folder, "照片.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64)


@case(("不是有效的 Excel 工作簿", "图片"))
def c_gif_renamed(folder: Path) -> Path:
    return write(folder, "动图.xlsx", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")


@case(("不是有效的 Excel 工作簿", "RTF"))
def c_rtf_renamed(folder: Path) -> Path:
    return write(folder, "文档.xlsx", b"{\\rtf1\\ansi hello}")


@case(("不是有效的 Excel 工作簿", "网页"))
def c_html_as_xls(folder: Path) -> Path:
    """What many systems export as "xls": an HTML table."""
    html = "<html><body><table><tr><td>科目</td><td>1.00</td></tr></table></body></html>"
    return write(folder, "系统导出.xls", html.encode())


@case(("不是有效的 Excel 工作簿", "2003 XML"))
def c_spreadsheetml_2003(folder: Path) -> Path:
    xml = (
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="表1"/></Workbook>'
    )
    return write(folder, "表格2003.xml.xls", xml.encode())


@case("不是有效的 Excel 工作簿")
def c_random_bytes(folder: Path) -> Path:
    return write(folder, "乱码.xlsx", hashlib.sha512(b"wbt").digest() * 64)


@case("不是有效的 Excel 工作簿")
def c_gzip_renamed(folder: Path) -> Path:
    return write(folder, "压缩.xlsx", gzip.compress(CHANGJI.read_bytes()))


@case("不是有效的 Excel 工作簿")
def c_7z_renamed(folder: Path) -> Path:
    return write(folder, "归档.xlsx", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 64)


@case(("不是 Excel 工作簿", "没有工作簿内容"))
def c_plain_zip(folder: Path) -> Path:
    return write_zip(folder / "压缩包.xlsx", {"readme.txt": b"hello"})


@case(("不是 Excel 工作簿", "没有工作簿内容"))
def c_empty_zip(folder: Path) -> Path:
    return write_zip(folder / "空压缩包.xlsx", {})


@case(("不是 Excel 工作簿", "Word"))
def c_docx_renamed(folder: Path) -> Path:
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        "word/document.xml": b'<?xml version="1.0"?><document/>',
    }
    return write_zip(folder / "说明.xlsx", parts)


@case(("不是 Excel 工作簿", "PowerPoint"))
def c_pptx_renamed(folder: Path) -> Path:
    parts = {"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<presentation/>"}
    return write_zip(folder / "汇报.xlsx", parts)


@case(("不是 Excel 工作簿", "OpenDocument"))
def c_odt_renamed(folder: Path) -> Path:
    parts = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<a/>"}
    return write_zip(folder / "文稿.ods", parts, zipfile.ZIP_STORED)


@case(("工作簿已损坏",))
def c_password_zip_member(folder: Path) -> Path:
    path = repack(folder, "加密成员.xlsx", {})
    data = bytearray(path.read_bytes())
    for offset in [m.start() for m in re.finditer(rb"PK\x03\x04", data)]:
        data[offset + 6] |= 0x1  # general purpose flag: encrypted
    for offset in [m.start() for m in re.finditer(rb"PK\x01\x02", data)]:
        data[offset + 8] |= 0x1
    return write(folder, "加密成员.xlsx", bytes(data))


# == 3. OLE containers ====================================================================
@case(("打开密码", "已加密"))
def c_encrypted_ooxml(folder: Path) -> Path:
    streams = {
        "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\x00" * 200,
        "EncryptedPackage": struct.pack("<Q", 30000) + os.urandom(4096),
    }
    return write(folder, "加密.xlsx", ole_file(streams))


@case(("打开密码", "已加密"))
def c_encrypted_ooxml_named_xls(folder: Path) -> Path:
    streams = {"EncryptionInfo": b"\x04\x00" * 20, "EncryptedPackage": b"\x00" * 5000}
    return write(folder, "加密.xls", ole_file(streams))


@case(("打开密码", "已加密"))
def c_junk_ole_named_xlsx(folder: Path) -> Path:
    return write(folder, "加密或损坏.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00junk" * 200)


@case(("不支持 .xls 格式", "另存为 .xlsx"))
def c_junk_ole_named_xls(folder: Path) -> Path:
    return write(folder, "旧格式.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00junk" * 200)


@case(("不支持 .et 格式", "另存为 .xlsx"))
def c_junk_ole_named_et(folder: Path) -> Path:
    return write(folder, "金山.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00junk" * 200)


@case(("不是 Excel 工作簿", "Word"))
def c_word_doc_renamed(folder: Path) -> Path:
    return write(folder, "文档.xls", ole_file({"WordDocument": b"\xec\xa5" + b"\x00" * 600}))


@case(("工作簿已损坏", "旧版 .xls"))
def c_xls_garbage_workbook_stream(folder: Path) -> Path:
    return write(folder, "坏的旧格式.xls", ole_file({"Workbook": b"\xff" * 5000}))


@case(("已损坏",))
def c_xls_truncated(folder: Path) -> Path:
    data = soffice_copy(folder, "完整.xls", "xls").read_bytes()
    (folder / "完整.xls").unlink()
    return write(folder, "截断.xls", data[: len(data) // 3])


# == 4. damaged zip packages ==============================================================
@case("工作簿已损坏")
def c_truncated_half(folder: Path) -> Path:
    data = CHANGJI.read_bytes()
    return write(folder, "截断.xlsx", data[: len(data) // 2])


@case("工作簿已损坏")
def c_truncated_central_directory(folder: Path) -> Path:
    return write(folder, "缺目录尾.xlsx", CHANGJI.read_bytes()[:-10])


@case("工作簿已损坏")
def c_truncated_to_header(folder: Path) -> Path:
    return write(folder, "只剩开头.xlsx", CHANGJI.read_bytes()[:200])


@case("工作簿已损坏")
def c_corrupt_compressed_bytes(folder: Path) -> Path:
    data = bytearray(CHANGJI.read_bytes())
    for i in range(2000, 2200):
        data[i] ^= 0xFF
    return write(folder, "字节损坏.xlsx", bytes(data))


@case("工作簿已损坏")
def c_bad_crc(folder: Path) -> Path:
    path = write_zip(folder / "校验错.xlsx", dict(changji_parts()), zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    index = data.index(b"<sheetData>") + 20
    data[index] = ord("Z") if data[index] != ord("Z") else ord("Y")
    return write(folder, "校验错.xlsx", bytes(data))


@case("工作簿过大或已损坏", subprocess=True, write_commands=False)
def c_zip_bomb_sheet(folder: Path) -> Path:
    """A 300 MB sheet part (an XML start, then spaces) that compresses to well under 1 MB."""
    parts = dict(changji_parts())
    parts.pop(SHEET2)
    head = sheet_xml().split("<sheetData>")[0].encode() + b"<sheetData>"
    return zip_with_stream(folder / "压缩炸弹.xlsx", parts, SHEET2, head, b" ", 300 << 20)


@case("工作簿已损坏")
def c_zip_header_lies_small(folder: Path) -> Path:
    """The directory says 100 bytes, the stream inflates to 20 MB: sizes are not trusted."""
    parts = dict(changji_parts())
    parts.pop(SHEET2)
    head = sheet_xml().split("<sheetData>")[0].encode() + b"<sheetData>"
    path = zip_with_stream(folder / "尺寸作假.xlsx", parts, SHEET2, head, b" ", 20 << 20)
    return patch_declared_size(path, SHEET2, 100)


@case("工作簿过大或已损坏")
def c_too_many_parts(folder: Path) -> Path:
    parts = dict(changji_parts())
    parts.update({f"customXml/item{i}.xml": b"" for i in range(20_001)})
    return write_zip(folder / "成员过多.xlsx", parts, zipfile.ZIP_STORED)


@case("工作簿已损坏")
def c_unsupported_compression(folder: Path) -> Path:
    path = write_zip(folder / "压缩方法.xlsx", dict(changji_parts()), zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    for offset in [m.start() for m in re.finditer(rb"PK\x03\x04", data)]:
        data[offset + 8 : offset + 10] = struct.pack("<H", 99)  # AES / unknown
    for offset in [m.start() for m in re.finditer(rb"PK\x01\x02", data)]:
        data[offset + 10 : offset + 12] = struct.pack("<H", 99)
    return write(folder, "压缩方法.xlsx", bytes(data))


# == 5. package structure =================================================================
@case(("工作簿已损坏", "[Content_Types].xml"))
def c_no_content_types(folder: Path) -> Path:
    return repack(folder, "缺内容类型.xlsx", {"[Content_Types].xml": None})


@case(("工作簿已损坏", "关系文件"))
def c_no_workbook_rels(folder: Path) -> Path:
    return repack(folder, "缺关系.xlsx", {"xl/_rels/workbook.xml.rels": None})


@case(("不是 Excel 工作簿", "没有工作簿内容"))
def c_no_workbook_part(folder: Path) -> Path:
    return repack(folder, "缺工作簿.xlsx", {"xl/workbook.xml": None})


@case(("工作表的内容不在文件中",), sheet="表3")
def c_sheet_part_missing(folder: Path) -> Path:
    return repack(folder, "缺表三.xlsx", {"xl/worksheets/sheet3.xml": None})


@case(("工作表的内容不在文件中",), sheet="表5")
def c_sheet_relationship_missing(folder: Path) -> Path:
    rels = changji_parts()["xl/_rels/workbook.xml.rels"].decode()
    rels = re.sub(r'<Relationship Id="rId5"[^>]*/>', "", rels)
    return repack(folder, "缺关系条目.xlsx", {"xl/_rels/workbook.xml.rels": rels.encode()})


@case(("工作表的内容不在文件中",), sheet="表2")
def c_sheet_target_outside_package(folder: Path) -> Path:
    rels = changji_parts()["xl/_rels/workbook.xml.rels"].decode()
    rels = rels.replace('Target="worksheets/sheet2.xml"', 'Target="../../../etc/passwd"')
    return repack(folder, "越界路径.xlsx", {"xl/_rels/workbook.xml.rels": rels.encode()})


@case("没有任何工作表")
def c_zero_sheets(folder: Path) -> Path:
    book = changji_parts()["xl/workbook.xml"].decode()
    book = re.sub(r"<sheets>.*</sheets>", "<sheets/>", book, flags=re.S)
    book = re.sub(r"<definedNames>.*</definedNames>", "", book, flags=re.S)
    return repack(folder, "无工作表.xlsx", {"xl/workbook.xml": book.encode()})


@case("都被隐藏")
def c_all_sheets_hidden(folder: Path) -> Path:
    book = (
        changji_parts()["xl/workbook.xml"]
        .decode()
        .replace(' sheetId="', ' state="hidden" sheetId="')
    )
    return repack(folder, "全部隐藏.xlsx", {"xl/workbook.xml": book.encode()})


@case("都被隐藏")
def c_all_sheets_very_hidden(folder: Path) -> Path:
    book = changji_parts()["xl/workbook.xml"].decode()
    book = book.replace(' sheetId="', ' state="veryHidden" sheetId="')
    return repack(folder, "深度隐藏.xlsx", {"xl/workbook.xml": book.encode()})


@case(("工作簿已损坏", "共享字符串"))
def c_no_shared_strings(folder: Path) -> Path:
    return repack(folder, "缺共享字符串.xlsx", {"xl/sharedStrings.xml": None})


@case(("工作簿已损坏", "样式"))
def c_no_styles(folder: Path) -> Path:
    return repack(folder, "缺样式.xlsx", {"xl/styles.xml": None})


@case(("工作簿已损坏", "workbook.xml"))
def c_broken_workbook_xml(folder: Path) -> Path:
    return repack(folder, "目录损坏.xlsx", {"xl/workbook.xml": b"<workbook><sheets><sheet"})


@case("工作簿已损坏", sheet="表2")
def c_broken_sheet_xml(folder: Path) -> Path:
    return repack(folder, "表二损坏.xlsx", {SHEET2: b"<worksheet"})


@case("工作簿已损坏", sheet="表2")
def c_sheet_xml_cut_in_half(folder: Path) -> Path:
    data = changji_parts()[SHEET2]
    return repack(folder, "表二截断.xlsx", {SHEET2: data[: len(data) // 2]})


@case("工作簿已损坏", sheet="表2")
def c_sheet_xml_mismatched_tags(folder: Path) -> Path:
    return with_sheet2(folder, "标签错乱.xlsx", lambda x: x.replace("</row>", "</rov>", 1))


@case("工作簿已损坏", sheet="表2")
def c_sheet_xml_invalid_utf8(folder: Path) -> Path:
    data = changji_parts()[SHEET2].replace(b"<sheetData>", b"<sheetData>\xff\xfe\xfa", 1)
    return repack(folder, "编码错误.xlsx", {SHEET2: data})


@case("工作簿已损坏", sheet="表2")
def c_sheet_is_not_xml(folder: Path) -> Path:
    return repack(folder, "表二非XML.xlsx", {SHEET2: b"\x00\x01\x02 not xml at all"})


@case("工作簿已损坏", sheet="表2")
def c_sheet_empty_part(folder: Path) -> Path:
    return repack(folder, "表二为空.xlsx", {SHEET2: b""})


@case(("工作簿已损坏", "共享字符串"))
def c_broken_shared_strings(folder: Path) -> Path:
    return repack(folder, "字符串损坏.xlsx", {"xl/sharedStrings.xml": b"<sst><si><t>abc"})


@case("工作簿已损坏")
def c_broken_styles(folder: Path) -> Path:
    return repack(folder, "样式损坏.xlsx", {"xl/styles.xml": b"<styleSheet><cellXfs"})


@case("工作簿已损坏")
def c_broken_content_types(folder: Path) -> Path:
    return repack(folder, "类型损坏.xlsx", {"[Content_Types].xml": b"<Types"})


# == 6. XML attacks =======================================================================
_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


@case("DOCTYPE")
def c_billion_laughs_sheet(folder: Path) -> Path:
    xml = sheet_xml().split("?>", 1)[1]
    xml = set_cell(xml, "D10", '<c r="D10" t="inlineStr"><is><t>&lol9;</t></is></c>')
    return repack(folder, "实体炸弹.xlsx", {SHEET2: (_LAUGHS + xml).encode()})


@case("DOCTYPE")
def c_billion_laughs_shared_strings(folder: Path) -> Path:
    sst = changji_parts()["xl/sharedStrings.xml"].decode().split("?>", 1)[1]
    sst = sst.replace("<t>", "<t>&lol9;", 1)
    return repack(folder, "字符串实体炸弹.xlsx", {"xl/sharedStrings.xml": (_LAUGHS + sst).encode()})


@case("DOCTYPE")
def c_xxe_shared_strings(folder: Path) -> Path:
    sst = changji_parts()["xl/sharedStrings.xml"].decode().split("?>", 1)[1]
    sst = sst.replace("<t>", "<t>&xxe;", 1)
    dtd = '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return repack(folder, "外部实体.xlsx", {"xl/sharedStrings.xml": (dtd + sst).encode()})


@case("DOCTYPE")
def c_xxe_workbook(folder: Path) -> Path:
    book = changji_parts()["xl/workbook.xml"].decode().split("?>", 1)[1]
    book = book.replace('name="表1"', 'name="&xxe;"')
    dtd = '<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>'
    return repack(folder, "外部实体目录.xlsx", {"xl/workbook.xml": (dtd + book).encode()})


@case("DOCTYPE")
def c_xxe_parameter_entity_content_types(folder: Path) -> Path:
    types = changji_parts()["[Content_Types].xml"].decode().split("?>", 1)[1]
    dtd = '<!DOCTYPE Types [<!ENTITY % ext SYSTEM "file:///etc/hostname"> %ext;]>'
    return repack(folder, "参数实体.xlsx", {"[Content_Types].xml": (dtd + types).encode()})


@case("DOCTYPE")
def c_doctype_in_rels(folder: Path) -> Path:
    rels = changji_parts()["_rels/.rels"].decode().split("?>", 1)[1]
    return repack(folder, "关系DTD.xlsx", {"_rels/.rels": (b"<!DOCTYPE x>" + rels.encode())})


@case("DOCTYPE")
def c_doctype_utf16_sheet(folder: Path) -> Path:
    xml = sheet_xml().split("?>", 1)[1]
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w [<!ENTITY a "b">]>' + xml
    return repack(folder, "宽字符DTD.xlsx", {SHEET2: b"\xff\xfe" + xml.encode("utf-16-le")})


@case("DOCTYPE")
def c_unknown_entity_without_dtd_declared_later(folder: Path) -> Path:
    """``&xxe;`` used and declared in an internal subset of the styles part."""
    styles = changji_parts()["xl/styles.xml"].decode().split("?>", 1)[1]
    dtd = '<!DOCTYPE styleSheet [<!ENTITY xxe "x">]>'
    return repack(folder, "样式DTD.xlsx", {"xl/styles.xml": (dtd + styles).encode()})


@case("工作簿已损坏", sheet="表2")
def c_undefined_entity_in_sheet(folder: Path) -> Path:
    """No DTD at all, just an undefined entity: the parser's English must not show."""
    xml = set_cell(sheet_xml(), "D10", '<c r="D10" t="inlineStr"><is><t>&xxe;</t></is></c>')
    return repack(folder, "未定义实体.xlsx", {SHEET2: xml.encode()})


# == 7. odd cell content ==================================================================
@case(outcome="cell_error", sheet="表2", cell="E10")
def c_nan_number(folder: Path) -> Path:
    return with_sheet2(
        folder, "非数.xlsx", lambda x: set_cell(x, "E10", '<c r="E10"><v>NaN</v></c>')
    )


@case(outcome="cell_error", sheet="表2", cell="E10")
def c_inf_number(folder: Path) -> Path:
    return with_sheet2(
        folder, "无穷.xlsx", lambda x: set_cell(x, "E10", '<c r="E10"><v>INF</v></c>')
    )


@case(outcome="cell_error", sheet="表2", cell="E10")
def c_minus_inf_number(folder: Path) -> Path:
    return with_sheet2(
        folder, "负无穷.xlsx", lambda x: set_cell(x, "E10", '<c r="E10"><v>-inf</v></c>')
    )


@case(outcome="cell_error", sheet="表2", cell="E10")
def c_overflowing_number(folder: Path) -> Path:
    return with_sheet2(
        folder, "溢出.xlsx", lambda x: set_cell(x, "E10", '<c r="E10"><v>1e999</v></c>')
    )


@case(outcome="cell_error", sheet="表2", cell="E10")
def c_huge_text_exponent(folder: Path) -> Path:
    """Text ``1e999999999`` would print a billion digits if taken as an amount."""
    cell = '<c r="E10" t="inlineStr"><is><t>1e999999999</t></is></c>'
    return with_sheet2(folder, "巨大指数.xlsx", lambda x: set_cell(x, "E10", cell))


@case(outcome="cell_error", sheet="表2", cell="E10")
def c_tiny_text_exponent(folder: Path) -> Path:
    cell = '<c r="E10" t="inlineStr"><is><t>1e-999999999</t></is></c>'
    return with_sheet2(folder, "微小指数.xlsx", lambda x: set_cell(x, "E10", cell))


@case(outcome="cell_error", sheet="表2", cell="E10")
def c_number_cell_holding_text(folder: Path) -> Path:
    return with_sheet2(
        folder, "数值为文字.xlsx", lambda x: set_cell(x, "E10", '<c r="E10"><v>abc</v></c>')
    )


@case(outcome="cell_error", sheet="表2", cell="E10", write_commands=False)
def c_nan_code_and_amount(folder: Path) -> Path:
    """NaN in a code cell (A10) and in the amount: the code is text, the amount an error."""

    def edit(xml: str) -> str:
        xml = set_cell(xml, "E10", '<c r="E10"><v>nan</v></c>')
        return xml

    return with_sheet2(folder, "编码非数.xlsx", edit)


@case(outcome="cell_error", sheet="表2", cell="E10")
def c_error_value_cell(folder: Path) -> Path:
    cell = '<c r="E10" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    return with_sheet2(folder, "错误值.xlsx", lambda x: set_cell(x, "E10", cell))


@case(outcome="cell_error", sheet="表2", cell="E10")
def c_formula_without_value(folder: Path) -> Path:
    cell = '<c r="E10"><f>E11+E12</f></c>'
    return with_sheet2(folder, "无缓存公式.xlsx", lambda x: set_cell(x, "E10", cell))


@case("工作簿已损坏")
def c_shared_string_index_out_of_range(folder: Path) -> Path:
    cell = '<c r="D10" t="s"><v>999999</v></c>'
    return with_sheet2(folder, "字符串越界.xlsx", lambda x: set_cell(x, "D10", cell))


# == 8. legitimate but unusual workbooks ==================================================
def _stray(ref: str, name: str) -> Build:
    def build(folder: Path) -> Path:
        row = re.sub(r"[A-Z]+", "", ref)
        cell = f'<row r="{row}"><c r="{ref}"><v>0</v></c></row>'
        return with_sheet2(folder, name, lambda x: x.replace("</sheetData>", cell + "</sheetData>"))

    return build


case(outcome="read", subprocess=True, name="stray-cell-XFD1048576")(
    _stray("XFD1048576", "角落.xlsx")
)
case(outcome="read", subprocess=True, name="stray-cell-Z1048576", write_commands=False)(
    _stray("Z1048576", "末行.xlsx")
)
case(outcome="read", subprocess=True, name="stray-cell-XFD1", write_commands=False)(
    _stray("XFD1", "末列.xlsx")
)


@case(outcome="read", subprocess=True, write_commands=False)
def c_stray_cell_on_extra_sheet(folder: Path) -> Path:
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>备注</t></is></c></row>'
    cells += '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return with_extra_sheet(folder, "附注角落.xlsx", cells)


@case(outcome="read", subprocess=True, write_commands=False)
def c_stray_cells_without_reference(folder: Path) -> Path:
    """A row at 1048576 whose cells carry no ``r``: placed by order, bound not known."""
    cells = "".join("<c><v>0</v></c>" for _ in range(300))
    return with_extra_sheet(folder, "无引用.xlsx", f'<row r="1048576">{cells}</row>')


@case(outcome="read")
def c_dimension_lies(folder: Path) -> Path:
    return with_sheet2(
        folder,
        "尺寸不实.xlsx",
        lambda x: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', x),
    )


@case(outcome="read", write_commands=False)
def c_million_formatted_rows(folder: Path) -> Path:
    """1,048,576 formatted but empty rows after the data of 表11."""
    part = "xl/worksheets/sheet11.xml"
    xml = sheet_xml(part)
    last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
    rows = "".join(
        f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/></row>'
        for r in range(last + 1, 1_048_577)
    )
    return repack(
        folder, "百万空行.xlsx", {part: xml.replace("</sheetData>", rows + "</sheetData>").encode()}
    )


@case(outcome="read", write_commands=False)
def c_very_many_columns(folder: Path) -> Path:
    """An extra sheet whose rows fill all 16,384 columns."""
    from workbook_tools.io.grid import column_letter

    rows = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{column_letter(c)}{r}"><v>{c}</v></c>' for c in range(1, 16385))
        + "</row>"
        for r in range(1, 4)
    )
    return with_extra_sheet(folder, "很多列.xlsx", rows)


@case(outcome="read")
def c_hidden_values_under_merge(folder: Path) -> Path:
    """A value inside a merged range (not its top-left): invisible, so not read."""
    xml = sheet_xml()
    merge = re.search(r'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"/>', xml)
    assert merge is not None
    hidden = f"{merge.group(3)}{merge.group(4)}"
    cell = f'<c r="{hidden}" t="inlineStr"><is><t>看不见的值</t></is></c>'
    return with_sheet2(folder, "合并下的值.xlsx", lambda x: set_cell(x, hidden, cell))


@case(("工作簿已损坏", "_rels/.rels"))
def c_no_root_relationships(folder: Path) -> Path:
    return repack(folder, "缺根关系.xlsx", {"_rels/.rels": None})


@case(outcome="read")
def c_unknown_extra_parts(folder: Path) -> Path:
    return repack(folder, "多余部件.xlsx", {"customXml/item1.xml": b"<x/>", "说明.txt": b"hi"})


@case(outcome="read")
def c_stored_not_deflated(folder: Path) -> Path:
    return write_zip(folder / "未压缩.xlsx", dict(changji_parts()), zipfile.ZIP_STORED)


@case(outcome="read")
def c_xlsx_renamed_et(folder: Path) -> Path:
    path = folder / "公开表.et"
    shutil.copy(CHANGJI, path)
    return path


@case(outcome="read")
def c_xlsx_renamed_xls(folder: Path) -> Path:
    path = folder / "公开表.xls"
    shutil.copy(CHANGJI, path)
    return path


@case(outcome="read")
def c_xlsx_without_suffix(folder: Path) -> Path:
    path = folder / "公开表"
    shutil.copy(CHANGJI, path)
    return path


@case(outcome="read")
def c_real_xls(folder: Path) -> Path:
    return soffice_copy(folder, "公开表.xls", "xls")


@case(outcome="read")
def c_xls_renamed_xlsx(folder: Path) -> Path:
    return soffice_copy(folder, "其实是旧格式.xlsx", "xls")


@case(outcome="read")
def c_xls_named_et(folder: Path) -> Path:
    return soffice_copy(folder, "金山表格.et", "xls")


@case(outcome="read")
def c_real_ods(folder: Path) -> Path:
    return soffice_copy(folder, "公开表.ods", "ods")


@case(outcome="read")
def c_ods_renamed_xlsx(folder: Path) -> Path:
    return soffice_copy(folder, "其实是ods.xlsx", "ods")


def build_in(folder: Path, case_id: str) -> Path:
    """Build one case in ``folder`` (used by the child process of subprocess cases)."""
    return by_id(case_id).build(folder)
