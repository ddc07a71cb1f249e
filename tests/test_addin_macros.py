"""Static checks of macros/ (ribbon XML, VBA module, drag-and-drop .cmd, README) and of
``wbt addin build`` / ``wbt addin config``. Nothing here needs Excel."""

from __future__ import annotations

import importlib
import inspect
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import ROOT
from workbook_tools.addin import ACTIONS
from workbook_tools.addin.build import (
    ADDIN_NAME,
    CUSTOM_UI_NS,
    CUSTOM_UI_PART,
    UI_REL_TYPE,
    build_addin,
    user_config_path,
    write_user_config,
    xlwings_template,
)
from workbook_tools.cli import main
from workbook_tools.errors import InputError

MACROS = ROOT / "macros"
RIBBON = MACROS / "customUI14.xml"
BAS = MACROS / "WbtRibbon.bas"
CMD = MACROS / "check-and-mark.cmd"
NS = {"ui": CUSTOM_UI_NS}
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_SUB = re.compile(
    r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)", re.M | re.I
)
_CONST = re.compile(r'^\s*Private Const (\w+) As String = "([^"]*)"', re.M)


def _bas() -> str:
    return BAS.read_bytes().decode("ascii")


def _ribbon() -> ElementTree.Element:
    return ElementTree.parse(RIBBON).getroot()


def _buttons() -> list[ElementTree.Element]:
    return _ribbon().findall(".//ui:button", NS)


# -- ribbon XML ----------------------------------------------------------------------------
def test_ribbon_is_customui14() -> None:
    root = _ribbon()  # well-formed, or this raises
    assert root.tag == f"{{{CUSTOM_UI_NS}}}customUI"
    (tab,) = root.findall("./ui:ribbon/ui:tabs/ui:tab", NS)
    assert tab.get("label") == "预算公开"
    labels = [b.get("label") for b in _buttons()]
    assert labels == [
        "校验",
        "重算合计",
        "清除标记",
        "导出公开表",
        "导出到…",
        "生成说明",
        "汇总校验",
    ]
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert all(b.get("imageMso") for b in _buttons())


def test_every_on_action_is_a_callback_of_the_module() -> None:
    module = re.search(r'^Attribute VB_Name = "(\w+)"', _bas(), re.M)
    assert module is not None
    subs = set(_SUB.findall(_bas()))
    actions = [b.get("onAction", "") for b in _buttons()]
    assert len(actions) == len(_buttons())
    for action in actions:
        name, _, sub = action.rpartition(".")
        assert name == module.group(1), action
        assert sub in subs, action
    assert subs == {a.rpartition(".")[2] for a in actions}  # one callback per button


# -- VBA module ----------------------------------------------------------------------------
def test_bas_is_ascii_with_crlf_line_ends() -> None:
    raw = BAS.read_bytes()
    raw.decode("ascii")  # Excel imports .bas files in the ANSI code page
    assert b"\n" not in raw.replace(b"\r\n", b"")


# VBA statements and functions that cannot be used as variable or parameter names
_VBA_RESERVED = {
    "open", "close", "print", "name", "get", "put", "input", "line", "type", "date",
    "time", "len", "string", "error", "end", "exit", "next", "step", "to", "with",
    "me", "new", "set", "let", "call", "dim", "on", "resume", "stop", "lock", "seek",
}  # fmt: skip


def test_bas_names_are_not_vba_keywords() -> None:
    text = _bas()
    declared = re.findall(r"\bDim\s+(\w+)", text) + re.findall(r",\s*(\w+)\s+As\b", text)
    declared += re.findall(r"\(\s*(\w+)\s+As\b", text)
    assert declared
    assert not {name.lower() for name in declared} & _VBA_RESERVED


def test_every_python_call_in_the_bas_exists() -> None:
    text = _bas()
    consts = dict(_CONST.findall(text))
    calls = [consts.get(name, "") for name in re.findall(r"^\s*RunPython\s+(\w+)", text, re.M)]
    calls += re.findall(r'^\s*RunPython\s+"([^"]+)"', text, re.M)
    assert calls, "no RunPython call"
    for code in calls:
        imported = re.findall(r"import ([\w.]+)", code)
        assert imported
        for module_name in imported:
            importlib.import_module(module_name)
        for dotted in re.findall(r"([\w.]+)\s*(?:\(|$)", code.split(";")[-1].strip()):
            module_name, _, attribute = dotted.rpartition(".")
            function = getattr(importlib.import_module(module_name), attribute)
            inspect.signature(function).bind("wbt_check", "")  # (button, folder) as VBA passes
    buttons = re.findall(r'^\s*RunAction\s+"(\w+)"', text, re.M)
    assert set(buttons) == set(ACTIONS)
    xml_ids = {b.get("id") for b in _buttons()}
    assert set(buttons) <= xml_ids


def test_chinese_texts_of_the_bas() -> None:
    consts = dict(_CONST.findall(_bas()))

    def zh(codes: str) -> str:
        return "".join(chr(int(code)) for code in codes.split())

    assert zh(consts["TXT_TITLE"]) == "预算公开"
    assert zh(consts["TXT_NO_WORKBOOK"]) == (
        "请先打开要处理的预算公开表工作簿（在“受保护的视图”中请先点“启用编辑”）。"
    )
    assert zh(consts["TXT_PICK_FOLDER"]) == "选择导出公开表的文件夹"
    assert zh(consts["TXT_PICK_BATCH"]) == "选择存放各单位工作簿的文件夹（汇总校验）"


def test_folder_is_passed_as_a_python_string() -> None:
    text = _bas()
    assert 'Replace(Replace(value, "\\", "\\\\"), "\'", "\\\'")' in text
    assert "Application.FileDialog(4)" in text  # msoFileDialogFolderPicker


# -- drag and drop -------------------------------------------------------------------------
def test_cmd_runs_wbt_check_mark() -> None:
    raw = CMD.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # a BOM would break the first line
    assert b"\n" not in raw.replace(b"\r\n", b"")  # labels and goto need CRLF
    text = raw.decode("utf-8")
    lines = text.splitlines()
    assert lines[:2] == ["@echo off", "chcp 65001 >nul"]
    assert '%WBT% check --mark "%~1"' in text
    assert "wbt" in text and "-m workbook_tools" in text
    assert "pause" in lines
    labels = set(re.findall(r"^:(\w+)", text, re.M))
    assert set(re.findall(r"goto (\w+)", text)) <= labels


def test_readme_covers_the_installation() -> None:
    text = (MACROS / "README.md").read_text(encoding="utf-8")
    for needle in [
        "xlwings addin install --file workbook_tools.xlam",
        "wbt addin config",
        "myaddin.conf",
        "INTERPRETER_WIN",
        "解除锁定",
        "Unblock-File",
        "xlwings vba import",
        "信任对 VBA 工程对象模型的访问",
        "check-and-mark.cmd",
        "wbt check",
        "--mark",
        "wbt addin build",
        "Add python.exe to PATH",
    ]:
        assert needle in text, needle


# -- wbt addin build -----------------------------------------------------------------------
def test_build_inserts_the_ribbon(tmp_path: Path) -> None:
    target = build_addin(tmp_path / ADDIN_NAME)
    template = zipfile.ZipFile(xlwings_template())
    with zipfile.ZipFile(target) as package:
        assert package.testzip() is None
        names = package.namelist()
        assert package.read(CUSTOM_UI_PART) == RIBBON.read_bytes()
        assert not [n for n in names if n.startswith("customUI/") and n != CUSTOM_UI_PART]
        for name in template.namelist():  # everything else of the template is kept
            if not name.startswith("customUI/") and name not in (
                "_rels/.rels",
                "[Content_Types].xml",
            ):
                assert package.read(name) == template.read(name), name
        rels = ElementTree.fromstring(package.read("_rels/.rels"))
        ui = [r for r in rels if "ui/extensibility" in (r.get("Type") or "")]
        assert [(r.get("Type"), r.get("Target")) for r in ui] == [(UI_REL_TYPE, CUSTOM_UI_PART)]
        assert len({r.get("Id") for r in rels}) == len(list(rels))
        types = ElementTree.fromstring(package.read("[Content_Types].xml"))
        overrides = {
            t.get("PartName"): t.get("ContentType") for t in types.iter(f"{CONTENT_TYPES}Override")
        }
        assert overrides["/" + CUSTOM_UI_PART] == "application/xml"
        assert (
            overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        )
        assert "xl/vbaProject.bin" in names
        ElementTree.fromstring(package.read(CUSTOM_UI_PART))


def test_build_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "加载项.xlam"
    assert main(["addin", "build", "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"已生成加载项：{target}" in out and "WbtRibbon.bas" in out
    assert main(["addin", "build", "-o", str(target)]) == 2  # exists: needs --force
    assert "已存在" in capsys.readouterr().err
    assert main(["addin", "build", "-o", str(target), "--force"]) == 0


def test_build_refuses_a_wrong_ribbon(tmp_path: Path) -> None:
    (tmp_path / "customUI14.xml").write_text(
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"/>', encoding="utf-8"
    )
    with pytest.raises(InputError, match="2009/07"):
        build_addin(tmp_path / "x.xlam", macros=tmp_path)
    (tmp_path / "customUI14.xml").write_text("<customUI>", encoding="utf-8")
    with pytest.raises(InputError, match="格式错误"):
        build_addin(tmp_path / "x.xlam", macros=tmp_path)
    assert not (tmp_path / "x.xlam").exists()


def test_built_addin_in_macros_is_valid_where_built() -> None:
    built = MACROS / ADDIN_NAME
    if not built.exists():
        pytest.skip("macros/workbook_tools.xlam not built here (wbt addin build)")
    with zipfile.ZipFile(built) as package:
        assert package.testzip() is None
        assert CUSTOM_UI_PART in package.namelist()
        rels = ElementTree.fromstring(package.read("_rels/.rels"))
        assert any(
            r.get("Type") == UI_REL_TYPE and r.get("Target") == CUSTOM_UI_PART
            for r in rels.iter(f"{PKG_REL}Relationship")
        )


# -- wbt addin config ----------------------------------------------------------------------
def test_config_points_the_addin_at_this_python(tmp_path: Path) -> None:
    path = user_config_path(tmp_path)
    assert path == tmp_path / ".myaddin" / "myaddin.conf"
    path.parent.mkdir()
    path.write_text(
        '"INTERPRETER_WIN","C:\\旧\\python.exe"\n"SHOW CONSOLE","False"\n', encoding="utf-8"
    )
    assert write_user_config("C:\\Python312\\python.exe", tmp_path) == path
    assert path.read_text(encoding="utf-8").splitlines() == [
        '"INTERPRETER_WIN","C:\\Python312\\python.exe"',
        '"SHOW CONSOLE","False"',
    ]


def test_config_from_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    assert main(["addin", "config"]) == 0
    import sys

    text = (tmp_path / ".myaddin" / "myaddin.conf").read_text(encoding="utf-8")
    assert text == f'"INTERPRETER_WIN","{sys.executable}"\n'
    assert "已设置加载项使用的 Python" in capsys.readouterr().out
