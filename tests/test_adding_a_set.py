"""docs/adding-a-set.md, executed: its files make a working toy set, its commands run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT
from workbook_tools.cli import main
from workbook_tools.io.reader import read_workbook

DOC = ROOT / "docs" / "adding-a-set.md"
_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)
_FILE = re.compile(r"^# 文件：(\S+)\n")


def _blocks() -> list[tuple[str, str]]:
    return _BLOCK.findall(DOC.read_text(encoding="utf-8"))


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The doc's files in a folder named by WBT_SETS; the working folder is ``tmp_path``."""
    sets = tmp_path / "我的表套"
    sets.mkdir()
    for _, body in _blocks():
        match = _FILE.match(body)
        if match:
            (sets / match.group(1)).write_text(body, encoding="utf-8")
    assert sorted(p.name for p in sets.iterdir()) == [
        "toy-2026.narrative.yaml",
        "toy-2026.relations.yaml",
        "toy-2026.yaml",
    ]
    monkeypatch.setenv("WBT_SETS", str(sets))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _commands() -> list[list[str]]:
    lines = [line for lang, body in _blocks() if lang == "bash" for line in body.splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("wbt ")]


def _fill_details(path: Path) -> None:
    """What the doc asks staff to do: type the details into the template."""
    data = read_workbook(path)
    t1, t2 = data.tables["t1"], data.tables["t2"]
    book = openpyxl.load_workbook(path)
    fiscal = t1.line_row("fiscal")
    assert fiscal is not None
    book[t1.sheet][fiscal.cell("amount")] = 150
    total = t2.total_row()
    assert total is not None
    cols = t2.column_cells
    sheet = book[t2.sheet]
    details = [
        ("201", "", "", "一般公共服务支出", 100, 50),
        ("201", "03", "", "政府办公厅（室）及相关机构事务", 100, 50),
        ("201", "03", "01", "行政运行", 100, 0),
        ("201", "03", "02", "一般行政管理事务", 0, 50),
    ]
    for offset, (lei, kuan, xiang, name, basic, project) in enumerate(details, start=1):
        row = total.sheet_row + offset
        for key, value in zip(
            ("lei", "kuan", "xiang", "name", "basic", "project"),
            (lei, kuan, xiang, name, basic, project),
            strict=True,
        ):
            sheet[f"{cols[key]}{row}"] = value or None
    book.save(path)


def test_the_doc_walks_through_a_working_set(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in _commands():
        assert main(argv) == 0, argv
    out = capsys.readouterr().out
    assert "toy-2026\t示例表套（2 张表，2026 年口径）" in out
    assert "`x.t1_t2.total`" in out  # the catalogue lists the new set's rules
    template = toy / "示例模板.xlsx"
    _fill_details(template)
    assert main(["fill", str(template), "--in-place"]) == 0
    assert main(["check", str(template)]) == 0
    assert "未发现问题" in capsys.readouterr().out
    assert main(["narrative", str(template), "-o", str(toy / "说明.md")]) == 0
    draft = (toy / "说明.md").read_text(encoding="utf-8")
    assert "示例单位2026年收入预算 150.00 万元，其中：" in draft
    assert "基本支出 100.00 万元，占 66.67%。" in draft


def test_a_typo_in_the_toy_set_is_caught(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in _commands():
        main(argv)
    template = toy / "示例模板.xlsx"
    _fill_details(template)
    assert main(["fill", str(template), "--in-place"]) == 0
    data = read_workbook(template)
    row = next(r for r in data.tables["t2"].rows if r.code == "2010301")
    book = openpyxl.load_workbook(template)
    book[data.tables["t2"].sheet][row.cell("basic")] = 110
    book.save(template)
    capsys.readouterr()
    assert main(["check", str(template)]) == 1
    assert row.cell("basic") in capsys.readouterr().out


def test_the_2025_example_of_the_doc_is_the_bundled_file() -> None:
    bundled = (ROOT / "workbook_tools/spec/sets/budget-2025.yaml").read_text(encoding="utf-8")
    (example,) = [body for lang, body in _blocks() if "extends: budget-2024" in body]
    assert example.strip() in bundled
