"""``wbt addin build`` and ``wbt addin config``.

build: ``macros/workbook_tools.xlam`` from xlwings' own ribbon add-in template
(``quickstart_addin_ribbon.xlam``: the xlwings VBA module with ``RunPython`` and a config
sheet), with the template's demo ribbon replaced by ``macros/customUI14.xml`` — the part
``customUI/customUI14.xml``, its package relationship and its content type. This works on
any OS. The VBA module ``macros/WbtRibbon.bas`` that the ribbon calls must then be
imported on Windows with Excel (``xlwings vba import``, see ``macros/README.md``).

config: writes the interpreter the add-in's ``RunPython`` uses into the add-in's user
config file (``%USERPROFILE%\\.myaddin\\myaddin.conf``; ``myaddin`` is the template's
``PROJECT_NAME``), in the form xlwings' VBA reads (``"KEY","value"`` lines).
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from workbook_tools.errors import InputError
from workbook_tools.writers.atomic import atomic_write

TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
ADDIN_NAME = "workbook_tools.xlam"
RIBBON_FILE = "customUI14.xml"
CUSTOM_UI_PART = "customUI/customUI14.xml"
CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
UI_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
OLD_UI_REL_TYPES = {
    UI_REL_TYPE,
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
}
UI_REL_ID = "wbtCustomUI"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_CONTENT_TYPE = "application/xml"
ADDIN_PROJECT = "myaddin"  # PROJECT_NAME in the template's xlwings VBA module


def macros_folder() -> Path:
    """``macros/`` of the source tree this package runs from."""
    return Path(__file__).resolve().parents[2] / "macros"


def xlwings_template() -> Path:
    """The ribbon add-in template inside the installed xlwings package."""
    try:
        import xlwings
    except ImportError:
        raise InputError("没有安装 xlwings，请先运行 pip install xlwings") from None
    path = Path(xlwings.__file__).parent / TEMPLATE_NAME
    if not path.is_file():
        raise InputError(f"已安装的 xlwings {xlwings.__version__} 中没有加载项模板 {TEMPLATE_NAME}")
    return path


def xlwings_version() -> str:
    import xlwings

    return str(xlwings.__version__)


def check_ribbon(ribbon: bytes, path: Path) -> None:
    """Refuse ribbon XML that is not well-formed or not in the 2009/07 customUI namespace."""
    try:
        root = ElementTree.fromstring(ribbon)
    except ElementTree.ParseError as error:
        raise InputError(f"功能区 XML 格式错误：{error}", file=path) from None
    if root.tag != f"{{{CUSTOM_UI_NS}}}customUI":
        raise InputError(f"功能区 XML 的根元素应为 {CUSTOM_UI_NS} 命名空间的 customUI", file=path)


def _xml(root: ElementTree.Element, namespace: str) -> bytes:
    ElementTree.register_namespace("", namespace)
    body = ElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


def package_rels(data: bytes) -> bytes:
    """``_rels/.rels`` with the one customUI relationship, pointing at our part."""
    root = ElementTree.fromstring(data)
    for rel in list(root):
        if rel.get("Type") in OLD_UI_REL_TYPES:
            root.remove(rel)
    ElementTree.SubElement(
        root,
        f"{{{PKG_REL_NS}}}Relationship",
        {"Id": UI_REL_ID, "Type": UI_REL_TYPE, "Target": CUSTOM_UI_PART},
    )
    return _xml(root, PKG_REL_NS)


def content_types(data: bytes, dropped: set[str]) -> bytes:
    """``[Content_Types].xml`` that types our part (application/xml) and not the dropped."""
    root = ElementTree.fromstring(data)
    for item in list(root):
        if item.get("PartName", "").lstrip("/") in dropped | {CUSTOM_UI_PART}:
            root.remove(item)
    ElementTree.SubElement(
        root,
        f"{{{CT_NS}}}Override",
        {"PartName": "/" + CUSTOM_UI_PART, "ContentType": XML_CONTENT_TYPE},
    )
    return _xml(root, CT_NS)


def _customui_parts(package: zipfile.ZipFile) -> set[str]:
    return {name for name in package.namelist() if name.lower().startswith("customui/")}


def write_addin(template: Path, ribbon: bytes, target: Path) -> None:
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w") as out:
        dropped = _customui_parts(source)
        for info in source.infolist():
            if info.filename in dropped:
                continue
            data = source.read(info.filename)
            if info.filename == "_rels/.rels":
                data = package_rels(data)
            elif info.filename == "[Content_Types].xml":
                data = content_types(data, dropped)
            out.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
        out.writestr(CUSTOM_UI_PART, ribbon, compress_type=zipfile.ZIP_DEFLATED)


def build_addin(
    output: str | Path | None = None,
    *,
    macros: str | Path | None = None,
    template: str | Path | None = None,
    force: bool = False,
) -> Path:
    """Write the add-in (default ``macros/workbook_tools.xlam``); returns its path."""
    folder = Path(macros) if macros is not None else macros_folder()
    ribbon_path = folder / RIBBON_FILE
    if not ribbon_path.is_file():
        raise InputError(
            "找不到功能区定义文件，请在 workbook_tools 源码目录中运行", file=ribbon_path
        )
    ribbon = ribbon_path.read_bytes()
    check_ribbon(ribbon, ribbon_path)
    source = Path(template) if template is not None else xlwings_template()
    target = Path(output) if output is not None else folder / ADDIN_NAME
    return atomic_write(target, lambda tmp: write_addin(source, ribbon, tmp), overwrite=force)


# -- wbt addin config ---------------------------------------------------------------------
def user_config_path(home: Path | None = None) -> Path:
    return (home or Path.home()) / f".{ADDIN_PROJECT}" / f"{ADDIN_PROJECT}.conf"


def write_user_config(interpreter: str | None = None, home: Path | None = None) -> Path:
    """Point the add-in at ``interpreter`` (default: this Python); other settings kept."""
    path = user_config_path(home)
    key = "INTERPRETER_WIN"
    encoding = "mbcs" if sys.platform == "win32" else "utf-8"  # VBA reads the ANSI code page
    kept = []
    if path.is_file():
        kept = [
            line
            for line in path.read_text(encoding=encoding).splitlines()
            if line.strip() and not line.upper().startswith(f'"{key}"')
        ]
    lines = [f'"{key}","{interpreter or sys.executable}"', *kept]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def run_command(action: str, output: str | None = None, force: bool = False) -> int:
    """``wbt addin build|config``: prints what was written; returns the exit code."""
    if action == "config":
        path = write_user_config()
        print(f"已设置加载项使用的 Python：{sys.executable}\n配置文件：{path}")
        return 0
    path = build_addin(output, force=force)
    print(f"已生成加载项：{path}（模板来自 xlwings {xlwings_version()}）")
    print(
        "注意：其中还没有按钮调用的 VBA 模块。请在装有 Excel 的 Windows 电脑上按 "
        "macros/README.md「开发人员：生成加载项」一节导入 WbtRibbon.bas 后再分发。"
    )
    return 0
