"""重算合计, 导出公开表, 生成说明 and the error handling of the ribbon entry point, on a
fake xlwings book: results, message boxes and the number of calls."""

from __future__ import annotations

import shutil
import sys
import types
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from tests.fake_xlwings import FakeApp, FakeBook
from tests.test_fill import _blank_derived
from workbook_tools.addin import ACTIONS, on_ribbon
from workbook_tools.addin import actions as addin_actions
from workbook_tools.addin.actions import narrative_name
from workbook_tools.addin.addresses import column_runs
from workbook_tools.addin.entry import LOG_NAME
from workbook_tools.addin.values import value_blocks
from workbook_tools.io.model import WorkbookData
from workbook_tools.io.reader import read_workbook
from workbook_tools.money import parse_amount
from workbook_tools.writers.export.publish import default_name, export_file
from workbook_tools.writers.fill import fill_file


def _copy(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(EXAMPLES / name, target)
    return target


def _last(book: FakeBook) -> str:
    return book.app.alerts[-1].prompt


# -- 重算合计 ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["kashgar-2024.xlsx", "changji-2024-system.xlsx"])
def test_fill_writes_what_wbt_fill_writes(name: str, tmp_path: Path) -> None:
    blank = tmp_path / name
    removed = _blank_derived(EXAMPLES / name, blank)
    book = FakeBook.open(blank)
    on_ribbon("wbt_fill", book=book)
    report = fill_file(blank, output=tmp_path / "by-file.xlsx")
    expected = {(c.sheet, c.cell): c.new for c in report.changes if c.kind == "filled"}
    assert set(expected) == set(removed)
    written = {key: parse_amount(book.wb[key[0]][key[1]].value) for key in expected}
    assert written == expected
    assert _last(book).startswith(f"已填充 {len(expected)} 个空白的计算单元格")
    # values only: one write per rectangle of derived cells, nothing else written
    by_sheet: dict[str, list[tuple[int, int]]] = {}
    for sheet, cell in expected:
        by_sheet.setdefault(sheet, []).append(openpyxl.utils.cell.coordinate_to_tuple(cell))
    blocks = sum(len(column_runs(cells)) for cells in by_sheet.values())
    ops = Counter(c.op for c in book.calls)
    assert ops["set value"] == blocks < len(expected) / 3
    writes = [op for op in ops if op.startswith(("set", "add", "delete"))]
    assert sorted(writes) == ["set screen_updating", "set status_bar", "set value"]


def test_fill_reports_conflicts_and_keeps_them(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    book["表3"]["E12"] = 250
    path = tmp_path / "k.xlsx"
    book.save(path)
    fake = FakeBook.open(path)
    on_ribbon("wbt_fill", book=fake)
    message = _last(fake)
    assert "个计算单元格已有数值，与重算结果不一致，未改动，请核对：\n" in message
    assert "表3!E12：现为 250.00，按「合计 = 基本支出 + 项目支出」重算应为 242.00" in message
    assert fake.wb["表3"]["E12"].value == 250
    assert fake.app.alerts[-1].mode == "info"


def test_fill_on_a_complete_workbook(changji: Path) -> None:
    book = FakeBook.open(changji)
    on_ribbon("wbt_fill", book=book)
    assert _last(book).startswith("没有需要填充的单元格")
    assert book.count("set value") == 0


def test_value_blocks() -> None:
    cells = {(3, 5): 1.0, (4, 5): 2.0, (3, 6): 3.0, (4, 6): 4.0, (3, 8): 5.0, (9, 5): 6.0}
    assert value_blocks(cells) == [
        ((3, 5, 4, 6), [[1.0, 3.0], [2.0, 4.0]]),
        ((3, 8, 3, 8), [[5.0]]),
        ((9, 5, 9, 5), [[6.0]]),
    ]


# -- 导出公开表 ----------------------------------------------------------------------------
def _values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_export_next_to_the_workbook(tmp_path: Path) -> None:
    source = _copy("changji-2024-system.xlsx", tmp_path)
    book = FakeBook.open(source)
    on_ribbon("wbt_export", book=book)
    data = read_workbook(source)
    target = tmp_path / default_name(data)
    assert target.is_file()
    message = _last(book)
    assert message.startswith("已导出公开表") and str(target) in message
    reference = export_file(source, output=tmp_path / "reference.xlsx")
    assert _values(target) == _values(reference.path)
    assert book.count("get value") == len(book.wb.worksheets)  # read in bulk, nothing written
    assert not [c for c in book.calls if c.op.startswith(("add", "delete", "set value"))]


def test_export_to_a_chosen_folder(tmp_path: Path) -> None:
    source = _copy("kashgar-2024.xlsx", tmp_path)
    t8 = read_workbook(source).tables["t8"]
    book = openpyxl.load_workbook(source)
    for remark in t8.remarks:  # an empty 表8 without its 为空表 remark
        book[t8.sheet][remark.cell] = None
    book.save(source)
    chosen = tmp_path / "公开"
    chosen.mkdir()
    book = FakeBook.open(source)
    on_ribbon("wbt_export", str(chosen), book=book)
    target = chosen / default_name(read_workbook(source))
    assert target.is_file() and str(target) in _last(book)
    assert book.app.alerts[0].buttons == "yes_no"  # missing remark: an error, asked first
    reference = export_file(source, output=tmp_path / "reference.xlsx", force=True)
    assert _values(target) == _values(reference.path)
    assert reference.generated_remarks
    for remark in reference.generated_remarks:  # the remark the empty table needs
        assert remark in _last(book)


def test_export_with_errors_asks_first(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    book["表3"]["F12"] = 178.72
    source = tmp_path / "k.xlsx"
    book.save(source)
    target = tmp_path / default_name(read_workbook(source))
    refused = FakeBook.open(source, app=FakeApp(answers=["no"]))
    on_ribbon("wbt_export", book=refused)
    question = refused.app.alerts[0]
    assert question.buttons == "yes_no" and question.prompt.startswith("校验发现 2 处错误")
    assert _last(refused) == "未导出。" and not target.exists()
    forced = FakeBook.open(source, app=FakeApp(answers=["yes"]))
    on_ribbon("wbt_export", book=forced)
    assert target.is_file()
    assert "已按您的选择仍然导出" in _last(forced)


def test_export_asks_before_replacing(tmp_path: Path) -> None:
    source = _copy("kashgar-2024.xlsx", tmp_path)
    target = tmp_path / default_name(read_workbook(source))
    target.write_bytes(b"old")
    book = FakeBook.open(source, app=FakeApp(answers=["no"]))
    on_ribbon("wbt_export", book=book)
    assert book.app.alerts[0].prompt.startswith("文件已存在")
    assert target.read_bytes() == b"old"
    replacing = FakeBook.open(source, app=FakeApp(answers=["yes"]))
    on_ribbon("wbt_export", book=replacing)
    assert target.read_bytes() != b"old"


@pytest.mark.parametrize("fullname", ["工作簿1", "https://d.docs.live.net/abc/预算.xlsx"])
def test_export_of_an_unsaved_workbook_says_what_to_do(fullname: str, tmp_path: Path) -> None:
    book = FakeBook.open(EXAMPLES / "kashgar-2024.xlsx", fullname=fullname)
    on_ribbon("wbt_export", book=book)
    alert = book.app.alerts[-1]
    assert alert.mode == "critical"
    assert "请先保存到本机，或点「导出到…」选择文件夹" in alert.prompt
    assert list(tmp_path.iterdir()) == []


def test_export_to_a_missing_folder(tmp_path: Path) -> None:
    book = FakeBook.open(_copy("kashgar-2024.xlsx", tmp_path))
    on_ribbon("wbt_export", str(tmp_path / "没有"), book=book)
    assert "所选文件夹不存在或无法访问" in _last(book)


# -- 生成说明 ------------------------------------------------------------------------------
@pytest.fixture
def draft_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[WorkbookData, Path]]:
    """A stand-in for workbook_tools.narrative (written by another engineer)."""
    calls: list[tuple[WorkbookData, Path]] = []

    def write_draft(data: WorkbookData, output_path: Path) -> Path:
        calls.append((data, output_path))
        output_path.write_text("草稿", encoding="utf-8")
        return output_path

    module = types.ModuleType("workbook_tools.narrative")
    module.write_draft = write_draft  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "workbook_tools.narrative", module)
    return calls


def test_narrative_draft_next_to_the_workbook(
    tmp_path: Path, draft_calls: list[tuple[WorkbookData, Path]]
) -> None:
    source = _copy("changji-2024.xlsx", tmp_path)
    book = FakeBook.open(source)
    on_ribbon("wbt_narrative", book=book)
    ((data, path),) = draft_calls
    assert data.to_json() == read_workbook(source).to_json() | {"file": str(source)}
    assert path == tmp_path / narrative_name(data)
    assert (
        path.name == "2024年昌吉回族自治州社会福利中心部门预算公开说明（草稿）.docx"
        or path.parent == tmp_path
    )
    alert = book.app.alerts[-1]
    assert alert.mode == "info" and alert.title == "预算公开"
    assert alert.prompt == f"已生成情况说明草稿，请核对后再用：\n{path}"


def test_narrative_asks_before_replacing(
    tmp_path: Path, draft_calls: list[tuple[WorkbookData, Path]]
) -> None:
    source = _copy("kashgar-2024.xlsx", tmp_path)
    target = tmp_path / narrative_name(read_workbook(source))
    target.write_text("已改好的说明", encoding="utf-8")
    book = FakeBook.open(source, app=FakeApp(answers=["no"]))
    on_ribbon("wbt_narrative", book=book)
    assert draft_calls == []
    assert _last(book) == "未生成，原有文件未改动。"
    assert target.read_text(encoding="utf-8") == "已改好的说明"


# -- errors --------------------------------------------------------------------------------
def test_not_a_budget_workbook_is_a_chinese_message() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "工资表"
    book = FakeBook(wb, "C:\\账务\\工资.xlsx")
    on_ribbon("wbt_check", book=book)
    alert = book.app.alerts[-1]
    assert alert.mode == "critical" and alert.title == "预算公开"
    assert "没有找到任何部门预算或决算公开表" in alert.prompt
    assert book.app._screen_updating is True  # restored
    assert book.app.status_texts[-1] is False


def test_unexpected_errors_become_a_message_and_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    def broken(book: object) -> None:
        raise RuntimeError("Excel 拒绝了调用")

    monkeypatch.setattr(addin_actions, "read_open", broken)
    book = FakeBook.open(EXAMPLES / "kashgar-2024.xlsx")
    assert on_ribbon("wbt_check", book=book) is None  # returns normally: no traceback window
    alert = book.app.alerts[-1]
    assert alert.mode == "critical"
    assert alert.prompt.startswith("处理时出现意外错误：RuntimeError：Excel 拒绝了调用")
    log = tmp_path / LOG_NAME
    assert str(log) in alert.prompt
    assert "Traceback" in log.read_text(encoding="utf-8")
    assert book.app._screen_updating is True


def test_unknown_button() -> None:
    book = FakeBook.open(EXAMPLES / "kashgar-2024.xlsx")
    on_ribbon("wbt_print", book=book)
    assert "wbt_print" in _last(book) and "重新安装" in _last(book)


def test_every_action_is_wired() -> None:
    assert set(ACTIONS) == {
        "wbt_check", "wbt_fill", "wbt_clear", "wbt_export", "wbt_narrative", "wbt_batch",
    }  # fmt: skip


def test_caller_book_is_used_without_a_book(monkeypatch: pytest.MonkeyPatch) -> None:
    book = FakeBook.open(EXAMPLES / "kashgar-2024.xlsx")
    monkeypatch.setattr("workbook_tools.addin.entry.caller_book", lambda: book)
    on_ribbon("wbt_clear")
    assert _last(book) == "该工作簿没有本工具的校验标注。"
