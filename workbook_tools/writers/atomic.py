"""Writing output files safely: to a temporary file beside the target, then an atomic replace.

* The target is either the old file or the new one, complete: the new content is written
  to a temporary file in the same folder, flushed to disk, then renamed over the target in
  one step (a crash or ``kill -9`` at any point leaves no truncated target).
* New files follow the umask (``0o666 & ~umask``) like any program's output; a replaced
  file can keep its mode (``mode=``, used for in-place writes).
* A target that is a symbolic link is written through to the file it points to, and the
  link stays a link.
* Every operating-system failure (disk full, file too large, name too long, read-only
  folder …) becomes a Chinese ``OutputError``; no temporary file is ever left behind.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from workbook_tools.errors import OutputError

_TEMP_PREFIX = ".wbt-"

_ERRNO_TEXT = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EFBIG: "文件过大，超出了文件系统允许的大小",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EROFS: "所在的磁盘或文件夹是只读的",
    errno.EACCES: "没有写入权限（或文件正被 Excel/WPS 打开）",
    errno.EPERM: "没有写入权限（或文件正被 Excel/WPS 打开）",
    errno.ENOENT: "输出文件夹不存在",
    errno.ENOTDIR: "输出路径中的某一级不是文件夹",
    errno.EISDIR: "输出路径是一个文件夹",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.ELOOP: "输出路径的快捷方式（符号链接）循环指向自身",
    errno.EIO: "磁盘读写出错",
    errno.EXDEV: "不能跨磁盘替换文件",
    errno.EMLINK: "文件夹中的文件过多",
}


def os_error_text(exc: BaseException) -> str:
    """A Chinese description of an operating-system error (never the English strerror)."""
    code = getattr(find_os_error(exc), "errno", None)
    if code in _ERRNO_TEXT:
        return _ERRNO_TEXT[code]
    return f"系统错误（错误码 {code}）" if code else "系统错误"


def find_os_error(exc: BaseException | None) -> OSError | None:
    """The ``OSError`` behind ``exc`` (libraries wrap it: xlsxwriter's FileCreateError …)."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, OSError) and exc.errno:
            return exc
        wrapped = next((a for a in getattr(exc, "args", ()) if isinstance(a, OSError)), None)
        exc = wrapped or exc.__cause__ or exc.__context__
        seen += 1
    return None


def write_failed(target: Path, exc: BaseException) -> OutputError:
    return OutputError(f"无法写入：{os_error_text(exc)}；未写入任何文件", file=target)


def real_target(target: Path) -> Path:
    """The file a write to ``target`` must replace: the file a symlink points to."""
    if not os.path.islink(target):
        return target
    try:
        return Path(os.path.realpath(target, strict=True))
    except FileNotFoundError:
        raise OutputError(
            "输出路径是一个失效的快捷方式（符号链接指向的文件不存在）", file=target
        ) from None
    except OSError as exc:
        raise write_failed(target, exc) from None


class PendingFile:
    """New content for ``target`` in a temporary file beside it, not yet in place.

    ``commit()`` renames it over the target (atomic); ``discard()`` removes it. Both are
    safe to call more than once. Used to write a backup and a workbook, then put both in
    place only when both are complete. ``follow_link=False`` replaces a symlink at
    ``target`` itself instead of the file it points to (backups never write through links).
    """

    def __init__(
        self,
        target: Path,
        write: Callable[[Path], object],
        mode: int | None = None,
        *,
        follow_link: bool = True,
    ) -> None:
        self.target = target
        self.real = real_target(target) if follow_link else target
        folder = self.real.parent if str(self.real.parent) else Path(".")
        if not os.path.isdir(folder):
            raise OutputError("输出文件夹不存在", file=target)
        self.tmp: Path | None = None
        try:
            self.tmp = _create_temp(folder, self.real.suffix)
            write(self.tmp)
            _flush(self.tmp)
            if mode is not None:
                os.chmod(self.tmp, stat.S_IMODE(mode))
        except OutputError:
            self.discard()
            raise
        except Exception as exc:
            self.discard()
            if find_os_error(exc) is not None:
                raise write_failed(target, exc) from None
            raise

    def commit(self) -> Path:
        if self.tmp is None:
            return self.target
        try:
            os.replace(self.tmp, self.real)
        except OSError as exc:
            self.discard()
            raise write_failed(self.target, exc) from None
        self.tmp = None
        _flush_folder(self.real.parent)
        return self.target

    def discard(self) -> None:
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except FileNotFoundError:
                pass
            except OSError:
                pass  # nothing more can be done; the name starts with a dot
            self.tmp = None


def atomic_write(
    target: str | Path,
    write: Callable[[Path], object],
    *,
    overwrite: bool = False,
    mode: int | None = None,
) -> Path:
    """Call ``write(tmp_path)`` and move the result onto ``target`` in one step.

    Nothing is left behind when ``write`` fails; an existing ``target`` is replaced only
    with ``overwrite`` (a symlink's target is replaced, the link kept). ``mode`` sets the
    permission bits of the result (default: new-file permissions under the umask).
    """
    target = Path(target)
    check_target(target, overwrite=overwrite)
    return PendingFile(target, write, mode).commit()


def check_target(target: Path, *, overwrite: bool) -> None:
    """Refuse what can never be written: an existing file without ``overwrite``, a folder,
    a FIFO or device, a missing folder."""
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise write_failed(target, exc) from None
    if os.path.lexists(target) and not overwrite:
        raise OutputError("输出文件已存在；如需覆盖，请加 --force", file=target)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError("输出路径是一个文件夹，不能写入文件", file=target)
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError("输出路径不是普通文件（可能是管道或设备），不能写入", file=target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder_ok = stat.S_ISDIR(os.stat(folder).st_mode)
    except OSError:
        folder_ok = False
    if not folder_ok:
        raise OutputError("输出文件夹不存在", file=target)


def _create_temp(folder: Path, suffix: str) -> Path:
    """An empty new file beside the target, created with the umask's permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        path = folder / f"{_TEMP_PREFIX}{secrets.token_hex(6)}{suffix[:16]}"
        try:
            fd = os.open(path, flags, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise OutputError("无法在输出文件夹中创建临时文件", file=folder)


def _flush(path: Path) -> None:
    """Make the content durable before the rename (so a crash cannot leave an empty file)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flush_folder(folder: Path) -> None:
    try:
        fd = os.open(folder if str(folder) else ".", os.O_RDONLY)
    except OSError:
        return  # Windows cannot open folders; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
