"""The 2022 9-table budget set (bazhou seed) end to end: a spec file and generated files only."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, TEMPLATES
from workbook_tools.cli import main
from workbook_tools.errors import InputError
from workbook_tools.io.reader import read_workbook
from workbook_tools.narrative.draft import build_draft
from workbook_tools.narrative.figures import compute_figures
from workbook_tools.narrative.render import render_markdown
from workbook_tools.narrative.textcheck import check_text
from workbook_tools.spec import load_spec

BAZHOU = EXAMPLES / "bazhou-2022.xlsx"
DATA = EXAMPLES / "data" / "bazhou-2022"


def _part3() -> str:
    return (DATA / "part3.txt").read_text(encoding="utf-8")


def test_the_set_declares_nine_tables_with_2022_numbers() -> None:
    spec = load_spec("budget-2022")
    published = [(t.number, t.id, t.layout) for t in spec.published_tables]
    assert published == [
        (1, "t1", "two_panel"),
        (2, "t2", "code"),
        (3, "t3", "code"),
        (4, "t4", "two_panel"),
        (5, "t5", "code"),
        (6, "t6", "code"),
        (7, "t7", "project"),
        (8, "t10", "one_row"),
        (9, "t8", "code"),
        # the 项目支出绩效目标表 printed after the text (no 部门整体 table in 2022), optional
        (15, "perf_proj", "form"),
    ]
    optional = ["t2", "t3", "t5", "t6", "s1", "s2", "perf_proj"]
    assert [t.id for t in spec.tables if not t.required] == optional
    assert [s.number for s in spec.narrative.sections] == list("一二三四五六七八九十")


def test_example_reads_as_the_2022_set() -> None:
    data = read_workbook(BAZHOU)
    assert (data.set_id, data.unit, data.year) == ("budget-2022", "新疆巴州人民政府办公室", 2022)
    assert list(data.tables) == ["t1", "t4", "t7", "t10", "t8", "s1", "s2", "perf_proj"]
    (sangong,) = data.tables["t10"].rows
    assert sangong.kind == "total"
    assert {k: str(a.value) for k, a in sangong.values.items()} == {
        "total": "98.0",
        "vehicle": "97.0",
        "vehicle_operation": "97.0",
        "reception": "1.0",
    }
    lines = [r.key for r in data.tables["t1"].rows if r.panel == "left"]
    assert lines == [line.key for line in load_spec("budget-2022").table("t1").lines]


def test_template_of_the_set_reads_back_empty() -> None:
    data = read_workbook(TEMPLATES / "budget-2022.xlsx")
    assert data.set_id == "budget-2022"
    assert all(table.is_empty() for table in data.tables.values())
    assert [r.kind for r in data.tables["t10"].rows] == []  # one_row: no row until filled


def test_a_workbook_of_one_set_checked_as_another_is_told_which_it_is() -> None:
    with pytest.raises(InputError, match="这是 2022 年口径的部门预算公开表（9 张表）"):
        read_workbook(BAZHOU, set_id="budget-2024")
    with pytest.raises(InputError, match="这是 2024 年口径的部门预算公开表（11 张表）"):
        read_workbook(EXAMPLES / "changji-2024.xlsx", set_id="budget-2022")


def test_check_mark_clear_fill_export_narrative(tmp_path: Path, capsys) -> None:
    work = tmp_path / "巴州.xlsx"
    work.write_bytes(BAZHOU.read_bytes())
    assert main(["check", str(work), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["set"] == "budget-2022" and report["findings"] == []
    # a typo in 表8 (t10) is caught in its row
    import openpyxl

    book = openpyxl.load_workbook(work)
    book["表8"]["A6"] = 99.0  # 合计 98.00 → 99.00
    book.save(work)
    assert main(["check", str(work), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {(f["rule"], f["sheet"], f["cell"]) for f in report["findings"]} == {
        ("t10.total", "表8", "A6"),
        ("s1.sg_total", "上年数及说明", "B19"),
    }
    assert main(["check", str(work), "--mark"]) == 1
    marked = tmp_path / "巴州.已校验.xlsx"
    assert main(["clear", str(marked)]) == 0
    assert main(["export", str(BAZHOU), "-o", str(tmp_path / "公开.xlsx")]) == 0
    exported = read_workbook(tmp_path / "公开.xlsx")
    # the 项目支出绩效目标表 follow the tables (one page per project)
    assert list(exported.tables) == ["t1", "t4", "t7", "t10", "t8", "perf_proj"]
    assert main(["narrative", str(BAZHOU), "-o", str(tmp_path / "说明.md")]) == 0
    capsys.readouterr()


def test_bazhou_text_checks_with_only_its_real_inconsistencies() -> None:
    result = check_text(_part3(), compute_figures(read_workbook(BAZHOU)))
    assert [(f.rule, f.severity, f.actual) for f in result.findings] == [
        ("n.project_name", "warning", "巴州人民政府办公室政务服务保障费"),
        ("n.project_name", "warning", "电子政务网络监测维护费"),
    ]
    assert (result.checked, result.unrecognised) == (141, 4)
    assert result.checked / (result.checked + result.unrecognised) >= 0.8
    # the four not checked: rates that cannot be added up (2000 元/人/月, 每场 4000 元)
    assert {text for _, text in result.unmatched} == {"15万元", "2000元", "12万元", "4000元"}


def _printed_rates() -> set[tuple[str, str]]:
    """(kind, value) of every share, change and growth rate the seed's 第三部分 prints."""
    with (DATA / "figures.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    rates = ("share", "change", "growth")
    return {
        (kind, value) for section, _, kind, value, *_ in rows if kind in rates and section != "概况"
    }


def test_draft_states_the_seeds_figures() -> None:
    figures = compute_figures(read_workbook(BAZHOU))
    paragraphs, _ = build_draft(figures)
    draft = check_text(render_markdown(paragraphs), figures)
    assert [f for f in draft.findings if f.rule != "n.placeholder"] == []  # only 【请填写】
    stated = {(kind, value) for _, kind, value in draft.recognised}
    printed = {
        (kind, _two_decimals(value) if kind == "share" else _signed(value))
        for kind, value in _printed_rates()
    }
    assert printed <= stated, sorted(printed - stated)


def _signed(value: str) -> str:
    sign = "-" if value.startswith("-") else "+"
    return sign + _two_decimals(value.lstrip("+-"))


def _two_decimals(value: str) -> str:
    return f"{Decimal(value):.2f}"
