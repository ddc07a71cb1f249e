"""The reader on the workbooks users really send: broken files, formulas, odd spellings.

Every input is built here (``write_workbook`` plus small openpyxl edits) and every case
asserts exact outcomes: the error message, the amount and its cell, or data identical to
the template layout of the same example.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from examples.build import load_example
from tests.conftest import EXAMPLES
from workbook_tools.cli import main
from workbook_tools.errors import InputError
from workbook_tools.io.model import Amount, Row, WorkbookData
from workbook_tools.io.reader import read_workbook
from workbook_tools.writers.template import TEMPLATE_STYLE, LayoutStyle, write_workbook

ENGINES = ("calamine", "openpyxl")
CHANGJI = "changji-2024"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
CJK = re.compile(r"[\u4e00-\u9fff]")


# -- helpers ------------------------------------------------------------------------------
@cache
def _example(name: str = CHANGJI) -> tuple[Any, ...]:
    return load_example(name)


@cache
def _template_data(name: str = CHANGJI) -> dict[str, Any]:
    """The plain data of the example in the official template layout."""
    return read_workbook(EXAMPLES / f"{name}.xlsx").plain()


@cache
def _template_sheets(name: str = CHANGJI) -> dict[str, str]:
    """Table id → sheet name in the template layout."""
    return {tid: t.sheet for tid, t in read_workbook(EXAMPLES / f"{name}.xlsx").tables.items()}


def _write(path: Path, style: LayoutStyle = TEMPLATE_STYLE, name: str = CHANGJI) -> Path:
    spec, unit, year, content = _example(name)
    return write_workbook(path, spec, unit, year, content, style)


def _edit(path: Path, edit: Callable[[Workbook], object], out: Path | None = None) -> Path:
    """Change a workbook with openpyxl (formulas kept as formulas) and save it."""
    book = openpyxl.load_workbook(path)
    edit(book)
    target = out or path
    book.save(target)
    return target


def _read(path: Path) -> WorkbookData:
    """Read with both engines; they must agree on everything, cells included."""
    first, second = (read_workbook(path, engine=engine) for engine in ENGINES)
    assert first.to_json() == second.to_json()
    return first


def _row(data: WorkbookData, table_id: str, code: str) -> Row:
    return next(r for r in data.tables[table_id].rows if r.code == code)


def _amounts(data: WorkbookData) -> dict[tuple[str, str], Amount]:
    return {
        (tid, amount.cell): amount
        for tid, table in data.tables.items()
        for row in table.rows
        for amount in row.values.values()
    }


# -- files that cannot be used ------------------------------------------------------------
def _missing(folder: Path) -> Path:
    return folder / "不存在的公开表.xlsx"


def _folder(folder: Path) -> Path:
    path = folder / "文件夹.xlsx"
    path.mkdir()
    return path


def _empty(folder: Path) -> Path:
    path = folder / "空文件.xlsx"
    path.write_bytes(b"")
    return path


def _text_renamed(folder: Path) -> Path:
    path = folder / "说明.xlsx"
    path.write_text("这不是工作簿，只是改了扩展名的文本文件。\n", encoding="utf-8")
    return path


def _plain_zip(folder: Path) -> Path:
    path = folder / "压缩包.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("readme.txt", "hello")
    return path


def _truncated(folder: Path) -> Path:
    data = (EXAMPLES / "changji-2024.xlsx").read_bytes()
    path = folder / "截断.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def _repackaged(folder: Path, name: str, change: Callable[[str, bytes], bytes | None]) -> Path:
    """The changji workbook re-zipped with some parts changed (None: part left out)."""
    path = folder / name
    with (
        zipfile.ZipFile(EXAMPLES / "changji-2024.xlsx") as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = change(info.filename, source.read(info))
            if data is not None:
                target.writestr(info, data)
    return path


def _broken_sheet_xml(folder: Path) -> Path:
    return _repackaged(
        folder,
        "表二损坏.xlsx",
        lambda part, data: b"<worksheet" if part == "xl/worksheets/sheet2.xml" else data,
    )


def _no_shared_strings(folder: Path) -> Path:
    return _repackaged(
        folder,
        "缺共享字符串.xlsx",
        lambda part, data: None if part == "xl/sharedStrings.xml" else data,
    )


def _corrupt_bytes(folder: Path) -> Path:
    data = bytearray((EXAMPLES / "changji-2024.xlsx").read_bytes())
    for i in range(2000, 2200):  # inside the first compressed sheet
        data[i] ^= 0xFF
    path = folder / "字节损坏.xlsx"
    path.write_bytes(bytes(data))
    return path


def _ole(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(OLE_MAGIC + b"\x00junk" * 200)
    return path


def _et_zip(folder: Path) -> Path:
    path = folder / "公开表.et"
    shutil.copy(EXAMPLES / "changji-2024.xlsx", path)
    return path


def test_a_workbook_is_known_by_its_content_not_its_suffix(tmp_path: Path) -> None:
    """An .xlsx saved with the WPS suffix .et is read as what it is."""
    renamed = read_workbook(_et_zip(tmp_path))
    assert renamed.plain() == read_workbook(EXAMPLES / "changji-2024.xlsx").plain()


def _no_known_table(folder: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "工资条"
    sheet["B3"] = "随便写的文字"
    sheet["C5"] = 1234.5
    book.create_sheet("Sheet2")["D4"] = "部门收支情况说明：本年度收支平衡。"
    path = folder / "无关工作簿.xlsx"
    book.save(path)
    return path


def _without_table_8(folder: Path) -> Path:
    path = _write(folder / "完整.xlsx")
    return _edit(path, lambda book: book.remove(book["表8"]), folder / "缺表8.xlsx")


def _without_name_label(folder: Path) -> Path:
    def edit(book: Workbook) -> None:
        assert book["表3"]["D5"].value == "功能分类科目名称"
        book["表3"]["D5"] = None

    return _edit(_write(folder / "完整.xlsx"), edit, folder / "缺名称栏.xlsx")


def _without_amount_label(folder: Path) -> Path:
    """Without ※ row the 合计 column can only be found by its header text."""

    def edit(book: Workbook) -> None:
        assert book["表3"]["E5"].value == "合计"
        book["表3"]["E5"] = None

    path = _write(folder / "无栏次.xlsx", LayoutStyle(star_row=False))
    return _edit(path, edit, folder / "缺合计栏.xlsx")


BAD_FILES = [
    pytest.param(_missing, ("文件不存在",), id="missing"),
    pytest.param(_folder, ("文件夹",), id="folder"),
    pytest.param(_empty, ("不是有效的 Excel 工作簿",), id="empty"),
    pytest.param(_text_renamed, ("不是有效的 Excel 工作簿",), id="text-renamed"),
    pytest.param(_plain_zip, ("不是 Excel 工作簿", "没有工作簿内容"), id="zip"),
    pytest.param(_truncated, ("工作簿已损坏",), id="truncated"),
    pytest.param(_broken_sheet_xml, ("工作簿已损坏",), id="broken-sheet-xml"),
    pytest.param(_no_shared_strings, ("工作簿已损坏",), id="no-shared-strings"),
    pytest.param(_corrupt_bytes, ("工作簿已损坏",), id="corrupt-bytes"),
    pytest.param(lambda d: _ole(d, "旧格式.xls"), ("不支持 .xls 格式", "另存为 .xlsx"), id="xls"),
    pytest.param(lambda d: _ole(d, "加密.xlsx"), ("打开密码", "已加密"), id="encrypted"),
    pytest.param(lambda d: _ole(d, "金山.et"), ("不支持 .et 格式", "另存为 .xlsx"), id="et"),
    pytest.param(_no_known_table, ("没有找到任何部门预算或决算公开表",), id="no-table"),
    pytest.param(
        _without_table_8, ("缺少以下表：表8「政府性基金预算支出情况表」",), id="no-table-8"
    ),
    pytest.param(
        _without_name_label,
        (
            "工作表「表3」",
            "单元格 A4",
            "表3「部门支出总体情况表」的表头中找不到",
            "「功能分类科目名称」",
        ),
        id="no-name-column",
    ),
    pytest.param(
        _without_amount_label, ("工作表「表3」", "找不到以下栏目：「合计」"), id="no-amount-column"
    ),
]


@pytest.mark.parametrize(("build", "fragments"), BAD_FILES)
def test_unusable_file_is_rejected_in_chinese(
    build: Callable[[Path], Path],
    fragments: tuple[str, ...],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "公开表 2024"  # a path with CJK and a space, as users have them
    folder.mkdir()
    path = build(folder)
    messages = []
    for engine in ENGINES:
        with pytest.raises(InputError) as raised:
            read_workbook(path, engine=engine)
        error = raised.value
        assert error.exit_code == 2
        assert error.file == str(path)
        assert CJK.search(error.message), error.message
        messages.append(str(error))
    message = messages[0]
    assert f"文件「{path}」" in message
    for fragment in fragments:
        assert fragment in message
    assert messages[1].split("（")[0] == message.split("（")[0]  # all but the library's detail

    out = tmp_path / "out" / "data.json"
    out.parent.mkdir()
    assert main(["extract", str(path), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"错误：{message}\n"
    assert captured.out == ""
    assert list(out.parent.iterdir()) == []  # no output and no temporary file left


# -- formulas -----------------------------------------------------------------------------
def test_formula_without_cached_value_is_reported_not_read_as_zero(tmp_path: Path) -> None:
    original = _read(EXAMPLES / "changji-2024.xlsx")
    assert _row(original, "t2", "2010301").values["total"] == Amount(Decimal("275.78"), "E10")

    def edit(book: Workbook) -> None:
        book["表2"]["E10"] = "=E11+E12"  # openpyxl writes no cached value

    path = _edit(EXAMPLES / "changji-2024.xlsx", edit, tmp_path / "公式.xlsx")
    data = _read(path)
    amount = _row(data, "t2", "2010301").values["total"]
    assert amount == Amount(None, "E10", formula="=E11+E12", problem="formula_without_value")
    expected = _amounts(original)
    expected[("t2", "E10")] = amount
    assert _amounts(data) == expected

    out = tmp_path / "data.json"
    assert main(["extract", str(path), "-o", str(out)]) == 0
    t2 = json.loads(out.read_text(encoding="utf-8"))["tables"][1]
    row = next(r for r in t2["rows"] if r["code"] == "2010301")
    assert row["values"]["total"] == {
        "cell": "E10",
        "value": None,
        "problem": "formula_without_value",
        "formula": "=E11+E12",
    }


def _formula_writer(
    monkeypatch: pytest.MonkeyPatch, formula: Callable[[str, int, int, float], tuple[str, Any]]
) -> None:
    """Make the layout writer put ``formula(sheet, row, col, number)`` (formula text and
    cached value, or ``("", None)`` for the plain number) where it writes numbers."""
    write_number = Worksheet.write_number

    def write(self: Worksheet, row: int, col: int, number: float, fmt: Any = None) -> int:
        text, cached = formula(self.name, row, col, number)
        if not text:
            return write_number(self, row, col, number, fmt)
        return self.write_formula(row, col, text, fmt, cached)

    monkeypatch.setattr(Worksheet, "write_number", write)


@pytest.mark.parametrize(
    ("formula", "cached", "expected"),
    [
        ("=1+1", 2, Amount(Decimal(2), "E10")),
        ("=E11+E12", 972.78, Amount(Decimal("972.78"), "E10")),
        ('=IF(E11>0,"-",0)', "-", Amount(Decimal(0), "E10")),
        ("=1/0", "#DIV/0!", Amount(None, "E10", text="#DIV/0!", problem="not_a_number")),
        ("=NA()", "#N/A", Amount(None, "E10", text="#N/A", problem="not_a_number")),
    ],
)
def test_formula_with_cached_value_is_read_as_that_value(
    formula: str, cached: Any, expected: Amount, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _formula_writer(
        monkeypatch,
        lambda sheet, row, col, _n: (
            (formula, cached) if (sheet, row, col) == ("表2", 9, 4) else ("", None)
        ),
    )
    data = _read(_write(tmp_path / "缓存值.xlsx"))
    assert _row(data, "t2", "2010301").values["total"] == expected
    others = _amounts(data)
    del others[("t2", "E10")]
    original = _amounts(_read(EXAMPLES / "changji-2024.xlsx"))
    del original[("t2", "E10")]
    assert others == original


def test_workbook_of_formulas_with_cached_values_reads_like_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _formula_writer(monkeypatch, lambda _s, _r, _c, number: (f"=0+{number!r}", number))
    path = _write(tmp_path / "全是公式.xlsx")
    with zipfile.ZipFile(path) as package:
        assert b"<f>0+275.78</f><v>275.78</v>" in package.read("xl/worksheets/sheet2.xml")
    assert _read(path).plain() == _template_data()


# -- amounts as text ----------------------------------------------------------------------
AMOUNT_SPELLINGS: list[tuple[object, Amount | None]] = [
    ("1,043.02", Amount(Decimal("1043.02"))),
    ("１０４３．０２", Amount(Decimal("1043.02"))),
    ("１，０４３．０２", Amount(Decimal("1043.02"))),
    ("1 043.02", Amount(Decimal("1043.02"))),
    (" 15.70 ", Amount(Decimal("15.70"))),
    ("\u00a015.70\u3000", Amount(Decimal("15.70"))),
    ("275.78", Amount(Decimal("275.78"))),
    ("360", Amount(Decimal(360))),
    ("0", Amount(Decimal(0))),
    ("-", Amount(Decimal(0))),
    ("—", Amount(Decimal(0))),
    ("——", Amount(Decimal(0))),
    ("－", Amount(Decimal(0))),
    ("(12.50)", Amount(Decimal("-12.50"))),
    ("-12.5", Amount(Decimal("-12.5"))),
    ("12.5万元", Amount(Decimal("12.5"))),
    (0.1 + 0.2, Amount(Decimal("0.3"))),
    (1418.7200000000003, Amount(Decimal("1418.72"))),
    ("   ", None),
    (None, None),
    ("abc", Amount(None, text="abc", problem="not_a_number")),
    ("1.2.3", Amount(None, text="1.2.3", problem="not_a_number")),
    ("NaN", Amount(None, text="NaN", problem="not_a_number")),
    ("见附表", Amount(None, text="见附表", problem="not_a_number")),
]
# rows 10-12 of 表2 (codes 2010301, 2010302, 2010350), columns E..P: 36 amount cells
AMOUNT_CELLS = [f"{col}{row}" for row in (10, 11, 12) for col in "EFGHIJKLMNOP"]
T2_KEYS = [
    "total",
    "fin_subtotal",
    "gp",
    "gp_transfer",
    "gf",
    "gf_transfer",
    "soe",
    "soe_transfer",
    "special_account",
    "unit_funds",
    "fiscal_carryover",
    "nonfiscal_carryover",
]


@pytest.fixture(scope="module")
def spelled_amounts(tmp_path_factory: pytest.TempPathFactory) -> WorkbookData:
    def edit(book: Workbook) -> None:
        for cell, (value, _) in zip(AMOUNT_CELLS, AMOUNT_SPELLINGS, strict=False):
            book["表2"][cell] = value

    path = tmp_path_factory.mktemp("amounts") / "文本金额.xlsx"
    return _read(_edit(_write(path), edit))


@pytest.mark.parametrize(
    ("index", "spelling"),
    [pytest.param(i, s, id=repr(s[0])) for i, s in enumerate(AMOUNT_SPELLINGS)],
)
def test_amount_spelling(
    index: int, spelling: tuple[object, Amount | None], spelled_amounts: WorkbookData
) -> None:
    _, expected = spelling
    cell = AMOUNT_CELLS[index]
    row = next(r for r in spelled_amounts.tables["t2"].rows if r.sheet_row == int(cell[1:]))
    key = T2_KEYS["EFGHIJKLMNOP".index(cell[0])]
    if expected is None:
        assert key not in row.values
    else:
        assert row.values[key] == Amount(
            expected.value, cell, expected.text, None, expected.problem
        )


def test_amounts_stored_as_text_everywhere(tmp_path: Path) -> None:
    path = _write(tmp_path / "文本.xlsx", LayoutStyle(amounts_as_text=True))
    assert openpyxl.load_workbook(path)["表2"]["E7"].value == "1,418.72"
    assert _read(path).plain() == _template_data()


# -- codes --------------------------------------------------------------------------------
def test_code_parts_typed_as_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path / "数字编码.xlsx", LayoutStyle(code_parts_as_numbers=True))
    sheet = openpyxl.load_workbook(path)["表2"]
    assert [sheet[c].value for c in ("A10", "B10", "C10")] == [201, 3, 1]
    data = _read(path)
    assert data.plain() == _template_data()
    assert (_row(data, "t2", "2010301").sheet_row, _row(data, "t2", "20103").sheet_row) == (10, 9)


def test_code_parts_mixed_text_int_and_float(tmp_path: Path) -> None:
    def edit(book: Workbook) -> None:
        sheet = book["表2"]
        sheet["A10"], sheet["B10"], sheet["C10"] = 201, 3, 1
        sheet["A11"], sheet["B11"], sheet["C11"] = "201", 3.0, "２"
        sheet["A12"], sheet["B12"], sheet["C12"] = " 201 ", "3", 50

    data = _read(_edit(_write(tmp_path / "编码.xlsx"), edit))
    assert data.plain() == _template_data()
    rows = {r.sheet_row: (r.kind, r.code, r.name) for r in data.tables["t2"].rows}
    assert rows[10] == ("xiang", "2010301", "行政运行")
    assert rows[11] == ("xiang", "2010302", "一般行政管理事务")
    assert rows[12] == ("xiang", "2010350", "事业运行")


def test_joined_codes_as_text_and_as_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path / "一栏编码.xlsx", LayoutStyle(code_style="joined"))
    assert _read(path).plain() == _template_data()

    def edit(book: Workbook) -> None:
        sheet = book["表2"]
        assert (sheet["A4"].value, sheet["A10"].value) == ("功能分类科目编码", "2010301")
        sheet["A8"] = 201
        sheet["A9"] = 20103.0
        sheet["A10"] = 2010301
        sheet["A11"] = "201 03 02"
        sheet["A12"] = "201.03.50"

    data = _read(_edit(path, edit, tmp_path / "数字.xlsx"))
    assert data.plain() == _template_data()
    codes = {r.sheet_row: r.code for r in data.tables["t2"].rows}
    assert [codes[r] for r in range(8, 13)] == ["201", "20103", "2010301", "2010302", "2010350"]


def test_codes_in_the_name_cell(tmp_path: Path) -> None:
    path = _write(tmp_path / "名称含编码.xlsx", LayoutStyle(code_style="in_name"))
    sheet = openpyxl.load_workbook(path)["表2"]
    assert (sheet["A8"].value, sheet["A10"].value) == ("201 一般公共服务支出", "2010301 行政运行")
    assert _read(path).plain() == _template_data()

    def edit(book: Workbook) -> None:
        book["表2"]["A10"] = "2010301行政运行"
        book["表2"]["A11"] = "2010302\u3000一般行政管理事务"
        book["表2"]["A12"] = "201 03 50 事业运行"

    data = _read(_edit(path, edit, tmp_path / "改.xlsx"))
    assert data.plain() == _template_data()


def test_kuan_and_xiang_rows_inherit_blank_lei_and_kuan(tmp_path: Path) -> None:
    """Many workbooks print 类 only on the 类 row and 款 only on the 款 row."""
    original = _read(EXAMPLES / "changji-2024.xlsx")
    blanked = 0

    def edit(book: Workbook) -> None:
        nonlocal blanked
        for table in original.tables.values():
            lei = table.column_cells.get("lei")
            if lei is None:
                continue
            sheet = book[table.sheet]
            for row in table.rows:
                if row.code is not None and len(row.code) > 3:
                    sheet[f"{lei}{row.sheet_row}"] = None
                    blanked += 1
                if row.code is not None and len(row.code) > 5:
                    sheet[f"{table.column_cells['kuan']}{row.sheet_row}"] = None

    path = _edit(EXAMPLES / "changji-2024.xlsx", edit, tmp_path / "省略类款.xlsx")
    assert blanked > 20
    assert _read(path).plain() == _template_data()


# -- labels, positions, sheets ------------------------------------------------------------
def test_letter_spaced_labels(tmp_path: Path) -> None:
    path = _write(tmp_path / "字间空格.xlsx", LayoutStyle(letter_spaced=True))
    book = openpyxl.load_workbook(path)
    texts = {c.value for row in book["表1"].iter_rows() for c in row}
    assert {"收 入 总 计", "支 出 总 计", "预 算 数"} <= texts
    data = _read(path)
    assert data.plain() == _template_data()
    income_total = next(r for r in data.tables["t1"].rows if r.key == "income_total")
    assert (income_total.kind, income_total.name, income_total.panel) == (
        "line",
        "收入总计",
        "left",
    )


def _header_labels(book: Workbook, edit: Callable[[str], str]) -> int:
    """Apply ``edit`` to every header label (rows 4-6, above the data) of every sheet."""
    spec = _example()[0]
    labels = {"功能分类科目编码", "经济分类科目编码", "科目编码", "类", "款", "项"}
    for table in spec.tables:
        for column in table.columns:
            labels.update(column.header)
    count = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=4, max_row=6):
            for cell in row:
                if isinstance(cell.value, str) and cell.value in labels:
                    cell.value = edit(cell.value)
                    count += 1
    return count


def test_header_labels_with_line_breaks_and_spaces(tmp_path: Path) -> None:
    path = _write(tmp_path / "无栏次.xlsx", LayoutStyle(star_row=False))
    columns = {tid: t.column_cells for tid, t in _read(path).tables.items()}

    def broken(text: str) -> str:
        half = len(text) // 2
        return f"  {text[:half]}\n{text[half:]}\u3000"

    edits: list[int] = []
    edited = _edit(
        path, lambda book: edits.append(_header_labels(book, broken)), tmp_path / "换行.xlsx"
    )
    assert edits[0] > 60
    assert openpyxl.load_workbook(edited)["表2"]["D4"].value == "  功能分类\n科目名称\u3000"
    data = _read(edited)
    assert data.plain() == _template_data()
    assert {tid: t.column_cells for tid, t in data.tables.items()} == columns


def test_line_labels_with_spaces_and_breaks(tmp_path: Path) -> None:
    def edit(book: Workbook) -> None:
        book["表1"]["A6"] = " 一、 本年收入 "
        book["表1"]["A7"] = "1、一般公共\n预算拨款"
        book["表10"]["A9"] = "公务\u3000接待费"
        book["表10"]["A7"] = "合 计"

    data = _read(_edit(EXAMPLES / "changji-2024.xlsx", edit, tmp_path / "行名.xlsx"))
    t1 = {r.key: r for r in data.tables["t1"].rows if r.key}
    assert (t1["income_this_year"].name, t1["income_this_year"].values["income"].cell) == (
        "一、本年收入",
        "B6",
    )
    assert t1["gp_appropriation"].values["income"] == Amount(Decimal("1043.02"), "B7")
    t10 = {r.key: r for r in data.tables["t10"].rows}
    assert (t10["total"].kind, t10["total"].name) == ("total", "合计")
    assert t10["reception"].values["gp"] == Amount(Decimal("0.2"), "C9")
    assert data.plain() == _template_data()


T11_COLUMNS = {
    "project_name": "A",
    "total": "B",
    "fin_total": "C",
    "fin_personnel": "D",
    "fin_public": "E",
    "fin_project": "F",
    "non_total": "G",
    "non_personnel": "H",
    "non_public": "I",
    "non_project": "J",
}
T8_COLUMNS = {
    "lei": "A",
    "kuan": "B",
    "xiang": "C",
    "name": "D",
    "total": "E",
    "personnel": "F",
    "public": "G",
    "project": "H",
}


def _unmerge_headers(book: Workbook) -> None:
    for sheet in book.worksheets:
        for rng in list(sheet.merged_cells.ranges):
            if rng.min_row >= 4 and rng.max_row <= 7:
                sheet.unmerge_cells(str(rng))


@pytest.mark.parametrize("unmerge", [False, True], ids=["merged", "unmerged"])
def test_repeated_labels_under_merged_group_headers(unmerge: bool, tmp_path: Path) -> None:
    """表11 has 合计/人员经费/公用经费/项目支出 under both 财政拨款 and 非财政拨款; without a
    ※ row only the group header above tells them apart."""
    path = _write(tmp_path / "无栏次.xlsx", LayoutStyle(star_row=False))
    if unmerge:
        path = _edit(path, _unmerge_headers, tmp_path / "未合并.xlsx")
        merged = openpyxl.load_workbook(path)["表11"].merged_cells.ranges
        assert merged and all(r.max_row < 4 for r in merged)  # title and unit lines only
    data = _read(path)
    assert data.tables["t11"].column_cells == T11_COLUMNS
    assert data.tables["t8"].column_cells == T8_COLUMNS
    assert data.plain() == _template_data()


def test_tables_at_any_origin(tmp_path: Path) -> None:
    data = _read(_write(tmp_path / "偏移.xlsx", LayoutStyle(origin=(5, 3))))
    assert data.plain() == _template_data()
    t2 = data.tables["t2"]
    assert (t2.title_cell, t2.money_unit_cell) == ("D7", "S8")
    assert _row(data, "t2", "2010301").values["total"] == Amount(Decimal("275.78"), "H15")


def test_any_sheet_names(tmp_path: Path) -> None:
    renamed = {
        "表1": "Sheet1",
        "表2": "收入 (2)",
        "表3": "表4",
        "表4": "表3",
        "表5": "一般公共预算支出情况表",
        "表6": "基本支出",
        "表7": "项目-明细",
        "表8": "Sheet8",
        "表9": "空表",
        "表10": "三公",
        "表11": "结转结余",
    }
    sheets = _template_sheets()
    others = sorted(set(sheets.values()) - set(renamed))  # supplementary sheets, if any
    renamed |= {sheet: f"补充{i}" for i, sheet in enumerate(others, start=1)}
    names = {tid: renamed[sheet] for tid, sheet in sheets.items()}
    data = _read(_write(tmp_path / "表名.xlsx", LayoutStyle(sheet_names=names)))
    assert {tid: t.sheet for tid, t in data.tables.items()} == names
    assert data.plain() == _template_data()


def _stack(book: Workbook, sheets: list[str], target: str, gap: int = 2) -> dict[str, int]:
    """Copy ``sheets`` one below the other onto a new sheet; return each one's first row."""
    out = book.create_sheet(target)
    offset, starts = 0, {}
    for name in sheets:
        source = book[name]
        starts[name] = offset + 1
        for row in source.iter_rows():
            for cell in row:
                if cell.value is not None:
                    copy = out.cell(cell.row + offset, cell.column, cell.value)
                    copy.data_type = cell.data_type  # a text "=365 天" (指标值) stays text
        for rng in source.merged_cells.ranges:
            out.merge_cells(
                start_row=rng.min_row + offset,
                start_column=rng.min_col,
                end_row=rng.max_row + offset,
                end_column=rng.max_col,
            )
        offset += source.max_row + gap
        book.remove(source)
    return starts


def test_two_tables_on_one_sheet(tmp_path: Path) -> None:
    starts: dict[str, int] = {}

    def edit(book: Workbook) -> None:
        starts.update(_stack(book, ["表2", "表3"], "收支"))

    data = _read(_edit(EXAMPLES / "changji-2024.xlsx", edit, tmp_path / "同表.xlsx"))
    assert data.plain() == _template_data()
    t2, t3 = data.tables["t2"], data.tables["t3"]
    assert (t2.sheet, t3.sheet) == ("收支", "收支")
    assert (t2.title_cell, t3.title_cell) == ("A2", f"A{starts['表3'] + 1}")
    assert t3.money_unit == "万元"
    assert _row(data, "t3", "2010301").values["total"].cell == f"E{starts['表3'] + 10}"


def test_all_tables_on_one_sheet(tmp_path: Path) -> None:
    def edit(book: Workbook) -> None:
        _stack(book, list(book.sheetnames), "全部", gap=1)

    data = _read(_edit(EXAMPLES / "changji-2024.xlsx", edit, tmp_path / "一张.xlsx"))
    assert {t.sheet for t in data.tables.values()} == {"全部"}
    assert data.plain() == _template_data()


@pytest.mark.xfail(
    strict=True,
    raises=InputError,
    reason="tables side by side on one sheet: a table's region is bounded by rows only",
)
def test_two_tables_side_by_side(tmp_path: Path) -> None:
    def edit(book: Workbook) -> None:
        source, target = book["表3"], book["表2"]
        for row in source.iter_rows():
            for cell in row:
                if cell.value is not None:
                    target.cell(cell.row, cell.column + 20, cell.value)
        book.remove(source)

    data = _read(_edit(EXAMPLES / "changji-2024.xlsx", edit, tmp_path / "并排.xlsx"))
    assert data.plain() == _template_data()


@pytest.mark.parametrize("split_after", [3, 5, 9])
def test_table_continued_after_repeated_header(split_after: int, tmp_path: Path) -> None:
    path = _write(tmp_path / "分页.xlsx", LayoutStyle(split_after=split_after))
    sheet = openpyxl.load_workbook(path)["表6"]
    headers = [
        r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value == "经济分类科目名称"
    ]
    assert len(headers) == 2
    data = _read(path)
    assert data.plain() == _template_data()
    assert all(r.kind != "unknown" for r in data.tables["t6"].rows)


def test_empty_table_total_row_right_under_header(tmp_path: Path) -> None:
    """Without ※ row, the blank 合计 row of an empty table directly follows the header."""
    data = _read(_write(tmp_path / "喀什.xlsx", LayoutStyle(star_row=False), "kashgar-2024"))
    for table_id in ("t8", "t9", "t11"):
        rows = data.tables[table_id].rows
        assert [(r.kind, r.name, r.values) for r in rows] == [("total", "合计", {})], table_id
    t10 = data.tables["t10"]
    assert [r.key for r in t10.rows] == [
        "total",
        "abroad",
        "reception",
        "vehicle",
        "vehicle_purchase",
        "vehicle_operation",
    ]
    assert (t10.rows[0].kind, t10.rows[0].sheet_row, t10.column_cells["total"]) == ("total", 6, "B")
    assert data.plain() == _template_data("kashgar-2024")


def test_template_variants_combined(tmp_path: Path) -> None:
    """The budget system's export style, all variants at once, on both examples."""
    style = LayoutStyle(
        code_style="joined",
        star_row=False,
        total_first=False,
        origin=(1, 1),
        split_after=4,
        amounts_as_text=True,
        letter_spaced=True,
        title_with_year=False,
    )
    for name in (CHANGJI, "kashgar-2024"):
        data = _read(_write(tmp_path / f"{name}.xlsx", style, name))
        assert data.plain() == _template_data(name), name


# -- money unit ---------------------------------------------------------------------------
def test_money_unit_as_printed(tmp_path: Path) -> None:
    def edit(book: Workbook) -> None:
        assert book["表2"]["P3"].value == "单位：万元"
        book["表2"]["P3"] = "单位：元"
        book["表3"]["G3"] = " 单 位 : 元 "
        book["表5"]["G3"] = "单位：千元"
        sheet = book["表4"]
        sheet["A3"] = f"{sheet['A3'].value}　　单位：元"
        sheet["G3"] = None

    data = _read(_edit(EXAMPLES / "changji-2024.xlsx", edit, tmp_path / "元.xlsx"))
    units = {tid: (t.money_unit, t.money_unit_cell) for tid, t in data.tables.items()}
    assert units["t2"] == ("元", "P3")
    assert units["t3"] == ("元", "G3")
    assert units["t5"] == ("千元", "G3")
    assert units["t4"] == ("元", "A3")
    assert units["t1"] == ("万元", "D3")
    assert {units[f"t{n}"][0] for n in range(6, 12)} == {"万元"}
    assert data.unit == "昌吉回族自治州政务服务和公共资源交易中心"
    # amounts are converted into the set's unit (万元): 元 ÷ 10000, 千元 ÷ 10
    factors = {"t2": Decimal("0.0001"), "t3": Decimal("0.0001"), "t4": Decimal("0.0001")}
    factors["t5"] = Decimal("0.1")
    expected = _template_data()
    for table_id, table in expected["tables"].items():
        factor = factors.get(table_id, Decimal(1))
        table["rows"] = [_scaled(row, factor) for row in table["rows"]]
    assert data.plain() == expected


def _scaled(row: tuple, factor: Decimal) -> tuple:
    amounts = tuple((key, value * factor) for key, value in row[6])
    return (*row[:6], amounts, *row[7:])


def test_money_unit_not_printed(tmp_path: Path) -> None:
    def edit(book: Workbook) -> None:
        book["表2"]["P3"] = None

    data = _read(_edit(EXAMPLES / "changji-2024.xlsx", edit, tmp_path / "无单位.xlsx"))
    assert (data.tables["t2"].money_unit, data.tables["t2"].money_unit_cell) == (None, "")
    assert data.tables["t3"].money_unit == "万元"
