"""PDF through LibreOffice (``soffice --headless --convert-to pdf``).

The tables and the 情况说明 name the fonts a finance office has (宋体, 黑体, 仿宋_GB2312,
楷体_GB2312 …). Where those are missing — LibreOffice on Linux, CI — fontconfig would fall
back to whatever CJK face sorts first (Noto Sans CJK **JP**, a sans face). So LibreOffice is
run with a fontconfig file of its own (``FONTCONFIG_FILE``) that keeps the system's setup and
adds, for each of those names, the free Simplified-Chinese faces of the same design after it:
a Song/FangSong name accepts Noto Serif CJK SC (Debian ``fonts-noto-cjk``) or Source Han
Serif SC, a Hei name Noto Sans CJK SC, a Kai name AR PL UKai (``fonts-arphic-ukai``) before
the serif. An installed SimSun still wins: the aliases only come after the named font.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from workbook_tools.errors import OutputError, WbtError

INSTALL_HINT = (
    "未找到 LibreOffice（soffice），无法生成 PDF。请安装 LibreOffice："
    "Windows 从 https://zh-cn.libreoffice.org 下载安装；"
    "Debian/Ubuntu 运行 sudo apt-get install libreoffice-calc fonts-noto-cjk；"
    "安装后确保 soffice 在 PATH 中，再加 --pdf 重试"
)

SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing CN")
SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei")
KAI = ("AR PL UKai CN", "AR PL KaitiM GB", *SERIF)
FONT_FALLBACKS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("宋体", "SimSun", "新宋体", "NSimSun", "华文中宋", "STZhongsong"), SERIF),
    **dict.fromkeys(("方正小标宋简体", "方正小标宋_GBK", "小标宋"), SERIF),
    **dict.fromkeys(("仿宋", "仿宋_GB2312", "FangSong", "FangSong_GB2312"), SERIF),
    **dict.fromkeys(("楷体", "楷体_GB2312", "KaiTi", "KaiTi_GB2312"), KAI),
    **dict.fromkeys(("黑体", "SimHei", "微软雅黑", "Microsoft YaHei"), SANS),
}
SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"


class SofficeMissing(WbtError):
    exit_code = 2


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    found = soffice()
    if found is None:
        raise SofficeMissing(INSTALL_HINT)
    return found


def fontconfig_text(base: str) -> str:
    """A fontconfig file: ``base`` (the system's), then the fallbacks of the Chinese names."""
    aliases = [
        '  <alias binding="same"><family>{}</family><accept>{}</accept></alias>'.format(
            escape(name), "".join(f"<family>{escape(f)}</family>" for f in faces)
        )
        for name, faces in FONT_FALLBACKS.items()
    ]
    return "\n".join(
        [
            '<?xml version="1.0"?>',
            '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
            "<fontconfig>",
            f'  <include ignore_missing="yes">{escape(base)}</include>',
            *aliases,
            "</fontconfig>",
            "",
        ]
    )


def font_environment(folder: Path) -> dict[str, str]:
    """The environment for soffice: on systems whose LibreOffice uses fontconfig, a
    ``FONTCONFIG_FILE`` with the fallbacks written into ``folder``."""
    env = dict(os.environ)
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return env  # Windows and macOS LibreOffice do not use fontconfig
    base = env.get("FONTCONFIG_FILE") or SYSTEM_FONTCONFIG
    config = folder / "wbt-fonts.conf"
    config.write_text(fontconfig_text(base), encoding="utf-8")
    env["FONTCONFIG_FILE"] = str(config)
    return env


def convert_to_pdf(source: Path, timeout: int = 300, target: Path | None = None) -> Path:
    """Write ``<source>.pdf`` (or ``target``) from a workbook or document; a private profile
    avoids lock clashes with a running LibreOffice."""
    program = require_soffice()
    target = target or source.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="wbt-lo-") as tmp:
        profile = Path(tmp) / "profile"
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(source),
        ]
        env = font_environment(Path(tmp))
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=timeout, check=False, env=env
            )
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice 转换 PDF 超时（{timeout} 秒）", file=source) from None
        produced = Path(tmp) / f"{source.stem}.pdf"
        if done.returncode != 0 or not produced.exists():
            detail = done.stderr.decode("utf-8", "replace").strip()[-300:]
            raise OutputError(f"LibreOffice 转换 PDF 失败：{detail}", file=source)
        shutil.move(str(produced), target)
    return target
