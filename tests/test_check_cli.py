from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from workbook_tools.cli import main
from workbook_tools.rules.catalogue import render_markdown, rules_of
from workbook_tools.rules.registry import all_kinds
from workbook_tools.rules.structure import STRUCTURE_RULES
from workbook_tools.spec import available_sets, load_spec

ROOT = EXAMPLES.parent


def test_clean_workbook_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    # kashgar's tables are clean; its 绩效目标表 carry 5 hints ("≥95%" below last year's 100%)
    assert main(["check", str(EXAMPLES / "kashgar-2024.xlsx")]) == 0
    assert "共 5 条：错误 0 条，警告 0 条，提示 5 条。" in capsys.readouterr().out


def test_warnings_exit_0_unless_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLES / "changji-2024.xlsx")]) == 0
    assert main(["check", str(EXAMPLES / "changji-2024.xlsx"), "--strict"]) == 1


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLES / "changji-2024.xlsx"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # the tables' 29 tails, and the 绩效目标表's 7 warnings and 13 hints (tests/test_forms.py)
    assert report["summary"] == {"error": 0, "warning": 36, "hint": 13}
    assert report["unit"] == "昌吉回族自治州政务服务和公共资源交易中心"
    finding = report["findings"][0]
    assert finding["rule"] == "t1.expenditure_total"
    assert (finding["sheet"], finding["cell"], finding["actual"], finding["expected"]) == (
        "表1",
        "D36",
        "1418.72",
        "1418.73",
    )


def test_error_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "kashgar-2024.xlsx")
    book["表3"]["F12"] = 178.72  # 事业运行 基本支出 177.72 → 178.72
    path = tmp_path / "wrong.xlsx"
    book.save(path)
    assert main(["check", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert {"rule": "t3.total", "cell": "E12"}.items() <= errors[0].items() or any(
        f["rule"] == "t3.total" and f["cell"] == "E12" for f in errors
    )


def test_unusable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "not.xlsx"
    path.write_text("hello", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "不是有效的 Excel 工作簿" in err


def test_set_override(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "check",
                str(EXAMPLES / "kashgar-2024.xlsx"),
                "--set",
                "budget-2025",
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["set"] == "budget-2025"


def test_rule_catalogue_is_complete_and_committed() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run: wbt rules > docs/rules.md"
    for set_id in available_sets():
        spec = load_spec(set_id)
        ids = [rule.id for rule in rules_of(spec)]
        assert len(ids) == len(set(ids))
        assert {r.kind for r in spec.relations} <= set(all_kinds())
        for rule_id in ids:
            assert f"`{rule_id}`" in committed
    assert all(rule.check is not None for rule in STRUCTURE_RULES)


def test_every_fired_rule_is_in_the_catalogue() -> None:
    for expected in EXAMPLES.glob("*.expected.json"):
        report = json.loads(expected.read_text("utf-8"))
        fired = {f["rule"] for f in report["findings"]}
        known = {rule.id for rule in rules_of(load_spec(report["set"]))}  # each example's set
        assert fired <= known, expected.name


def test_usage_errors_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", str(EXAMPLES / "kashgar-2024.xlsx"), "--format", "xml"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "错误：参数 --format：无效的取值 'xml'" in err and "用法：" in err
    with pytest.raises(SystemExit):
        main(["template"])
    assert "缺少必需的参数：--unit, --year, -o/--output" in capsys.readouterr().err
