"""Writing output files safely: to a temporary file beside the target, then an atomic replace."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from workbook_tools.errors import OutputError


def atomic_write(
    target: str | Path, write: Callable[[Path], object], *, overwrite: bool = False
) -> Path:
    """Call ``write(tmp_path)`` and move the result onto ``target`` in one step.

    Nothing is left behind when ``write`` fails; an existing ``target`` is replaced only
    with ``overwrite``.
    """
    target = Path(target)
    if target.exists() and not overwrite:
        raise OutputError("输出文件已存在；如需覆盖，请加 --force", file=target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("输出文件夹不存在", file=target)
    try:
        handle, name = tempfile.mkstemp(prefix=".wbt-", suffix=target.suffix, dir=folder)
    except OSError as exc:
        raise OutputError(f"无法在输出文件夹中写入（{exc.strerror}）", file=target) from None
    os.close(handle)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, target)
    except PermissionError:
        raise OutputError(
            "无法写入：文件可能正被 Excel/WPS 打开，或没有写入权限", file=target
        ) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
