"""PDF through LibreOffice (``soffice --headless --convert-to pdf``)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from workbook_tools.errors import OutputError, WbtError

INSTALL_HINT = (
    "未找到 LibreOffice（soffice），无法生成 PDF。请安装 LibreOffice："
    "Windows 从 https://zh-cn.libreoffice.org 下载安装；"
    "Debian/Ubuntu 运行 sudo apt-get install libreoffice-calc；"
    "安装后确保 soffice 在 PATH 中，再加 --pdf 重试"
)


class SofficeMissing(WbtError):
    exit_code = 2


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    found = soffice()
    if found is None:
        raise SofficeMissing(INSTALL_HINT)
    return found


def convert_to_pdf(workbook: Path, timeout: int = 300) -> Path:
    """Write ``<workbook>.pdf`` beside the workbook; a private profile avoids lock clashes."""
    program = require_soffice()
    target = workbook.with_suffix(".pdf")
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
            str(workbook),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice 转换 PDF 超时（{timeout} 秒）", file=workbook) from None
        produced = Path(tmp) / f"{workbook.stem}.pdf"
        if done.returncode != 0 or not produced.exists():
            detail = done.stderr.decode("utf-8", "replace").strip()[-300:]
            raise OutputError(f"LibreOffice 转换 PDF 失败：{detail}", file=workbook)
        shutil.move(str(produced), target)
    return target
