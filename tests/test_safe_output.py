"""Safe output: atomic writes, modes, symlinks, backups, OS errors, locks, crashes."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.hostile.corpus import CHANGJI, ROOT
from tests.hostile.driver import run_cli
from workbook_tools.errors import InputError, OutputError
from workbook_tools.writers import atomic, package
from workbook_tools.writers.atomic import atomic_write
from workbook_tools.writers.package import (
    Target,
    backup_path,
    ensure_editable,
    open_for_edit,
    resolve_target,
    save_workbook,
)


@pytest.fixture
def book_file(tmp_path: Path) -> Path:
    path = tmp_path / "公开表.xlsx"
    path.write_bytes(CHANGJI.read_bytes())
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _in_place(path: Path) -> Path:
    """Change one cell and save in place (the openpyxl path of fill)."""
    book = open_for_edit(path)
    book["表2"]["P3"] = "已改"
    return save_workbook(book, path, Target(path, in_place=True), overwrite=True)


def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".wbt-")]


# -- modes --------------------------------------------------------------------------------
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_new_outputs_follow_the_umask(umask: int, tmp_path: Path) -> None:
    old = os.umask(umask)
    try:
        target = atomic_write(tmp_path / "out.json", lambda tmp: tmp.write_text("{}"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_in_place_keeps_the_mode_and_backs_up_atomically(book_file: Path) -> None:
    book_file.chmod(0o640)
    original = book_file.read_bytes()
    _in_place(book_file)
    assert stat.S_IMODE(book_file.stat().st_mode) == 0o640
    backup = backup_path(book_file)
    assert backup.read_bytes() == original
    assert stat.S_IMODE(backup.stat().st_mode) == 0o640
    assert _temps(book_file.parent) == []
    second = book_file.read_bytes()
    _in_place(book_file)  # the backup is the state before this run
    assert backup.read_bytes() == second


def test_in_place_on_a_symlink_writes_its_target(tmp_path: Path) -> None:
    real_folder = tmp_path / "真实"
    real_folder.mkdir()
    real = real_folder / "公开表.xlsx"
    real.write_bytes(CHANGJI.read_bytes())
    link = tmp_path / "快捷方式.xlsx"
    link.symlink_to(real)
    _in_place(link)
    assert link.is_symlink() and link.resolve() == real
    assert real.read_bytes() != CHANGJI.read_bytes()
    backup = backup_path(link)
    assert backup.is_file() and not backup.is_symlink()
    assert backup.read_bytes() == CHANGJI.read_bytes()


def test_backup_never_writes_through_a_symlink(book_file: Path, tmp_path: Path) -> None:
    victim = tmp_path / "别人的文件.txt"
    victim.write_text("不能被覆盖")
    backup_path(book_file).symlink_to(victim)
    _in_place(book_file)
    assert victim.read_text() == "不能被覆盖"
    assert not backup_path(book_file).is_symlink()
    assert backup_path(book_file).read_bytes() == CHANGJI.read_bytes()


def test_backup_name_taken_by_a_folder(book_file: Path) -> None:
    backup_path(book_file).mkdir()
    before = book_file.read_bytes()
    with pytest.raises(OutputError, match="文件夹占用"):
        _in_place(book_file)
    assert book_file.read_bytes() == before
    assert _temps(book_file.parent) == []


# -- operating-system errors --------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "text"),
    [
        (errno.ENOSPC, "磁盘空间不足"),
        (errno.EFBIG, "文件过大"),
        (errno.ENAMETOOLONG, "文件名或路径过长"),
        (errno.EROFS, "只读"),
        (errno.EDQUOT, "配额"),
    ],
)
def test_write_errors_are_chinese_and_leave_nothing(
    code: int, text: str, book_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError(code, os.strerror(code))

    with pytest.raises(OutputError) as raised:
        atomic_write(book_file.parent / "out.xlsx", failing)
    assert text in str(raised.value) and os.strerror(code) not in str(raised.value)
    assert _temps(book_file.parent) == [] and not (book_file.parent / "out.xlsx").exists()

    before = _digest(book_file)
    real_flush = atomic._flush

    def failing_flush(path: Path) -> None:
        if path.parent == book_file.parent and "bak" not in path.name:
            real_flush(path)
            raise OSError(code, os.strerror(code))
        real_flush(path)

    monkeypatch.setattr(atomic, "_flush", failing_flush)  # the new workbook fails, not the .bak
    with pytest.raises(OutputError, match=text):
        _in_place(book_file)
    assert _digest(book_file) == before
    assert _temps(book_file.parent) == []
    assert not backup_path(book_file).exists()  # both or neither are put in place


def test_cli_disk_full_on_extract(book_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    out = book_file.parent / "data.json"
    code, stdout, err = run_cli(["extract", str(book_file), "-o", str(out)])
    assert code == 2 and err.startswith("错误：") and "磁盘空间不足" in err
    assert "No space" not in err and stdout == ""
    assert sorted(p.name for p in book_file.parent.iterdir()) == [book_file.name]


def test_real_name_too_long(book_file: Path) -> None:
    out = book_file.parent / ("长" * 100 + ".json")
    code, _, err = run_cli(["extract", str(book_file), "-o", str(out)])
    assert code == 2 and "过长" in err and "File name" not in err
    assert sorted(p.name for p in book_file.parent.iterdir()) == [book_file.name]


def test_backup_folder_not_writable_faked(book_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_create = atomic._create_temp

    def create(folder: Path, suffix: str) -> Path:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic, "_create_temp", create)
    before = _digest(book_file)
    with pytest.raises(OutputError, match="没有写入权限"):
        _in_place(book_file)
    assert _digest(book_file) == before and _temps(book_file.parent) == []
    monkeypatch.setattr(atomic, "_create_temp", real_create)
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: Path(p) != book_file.parent)
    with pytest.raises(InputError, match="文件夹不可写"):
        ensure_editable(book_file)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_backup_folder_not_writable_for_real(book_file: Path) -> None:
    book_file.parent.chmod(0o555)
    try:
        code, _, err = run_cli(["check", str(book_file), "--mark", "--in-place"])
    finally:
        book_file.parent.chmod(0o755)
    assert code == 2 and "不可写" in err
    assert book_file.read_bytes() == CHANGJI.read_bytes()


# -- lock files and concurrent runs -------------------------------------------------------
@pytest.mark.parametrize(
    "lock",
    ["~${name}", ".~lock.{name}#", ".~{name}", "~${short}"],
    ids=["excel-wps-windows", "libreoffice", "wps-linux", "excel-long-name"],
)
def test_lock_files_of_other_programs_block_in_place(lock: str, book_file: Path) -> None:
    name = book_file.name
    (book_file.parent / lock.format(name=name, short=name[2:])).write_text("x")
    for args in (
        ["check", str(book_file), "--mark", "--in-place"],
        ["fill", str(book_file), "--in-place"],
    ):
        code, _, err = run_cli(args)
        assert code == 2 and "正被" in err, err
    assert book_file.read_bytes() == CHANGJI.read_bytes()


_CHILD = """
import sys, time, zipfile
from pathlib import Path
from workbook_tools.writers import package
from workbook_tools.writers.package import Target, ensure_editable, open_for_edit, save_workbook
path, delay, mark = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
package.LOCK_TIMEOUT = float(sys.argv[4]) if len(sys.argv) > 4 else 30
real = zipfile.ZipFile.writestr
def slow(self, *args, **kwargs):
    time.sleep(delay)
    return real(self, *args, **kwargs)
zipfile.ZipFile.writestr = slow
ensure_editable(path)
book = open_for_edit(path)
book["表2"]["P3"] = mark
print("opened", flush=True)
try:
    save_workbook(book, path, Target(path, in_place=True), overwrite=True)
except Exception as error:
    print("refused", error, flush=True)
    sys.exit(2)
print("saved", flush=True)
"""


def _child(
    path: Path, delay: float, mark: str, timeout: float | None = None
) -> subprocess.Popen[str]:
    args = [sys.executable, "-c", _CHILD, str(path), str(delay), mark]
    if timeout is not None:
        args.append(str(timeout))
    return subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_second_in_place_run_waits_then_refuses(book_file: Path) -> None:
    original = book_file.read_bytes()
    first = _child(book_file, 0.05, "第一次")
    assert first.stdout is not None and first.stdout.readline().strip() == "opened"
    second = _child(book_file, 0.0, "第二次")
    out1, _ = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert "saved" in out1
    assert second.returncode == 2 and "已被修改" in out2, out2 + err2
    assert backup_path(book_file).read_bytes() == original  # the state before any run
    import openpyxl

    assert openpyxl.load_workbook(book_file)["表2"]["P3"].value == "第一次"


def test_second_in_place_run_gives_up_after_the_lock_timeout(book_file: Path) -> None:
    first = _child(book_file, 0.6, "慢")
    assert first.stdout is not None and first.stdout.readline().strip() == "opened"
    time.sleep(0.5)  # the first run holds the lock while writing slowly
    second = _child(book_file, 0.0, "快", timeout=0.5)
    out2, _ = second.communicate(timeout=60)
    first.communicate(timeout=120)
    assert second.returncode == 2 and "另一个 wbt 正在修改" in out2, out2


def test_kill_during_in_place_write_leaves_old_or_new(book_file: Path, tmp_path: Path) -> None:
    """``kill -9`` at random points of a slowed-down write: the file is always complete."""
    import openpyxl

    original = book_file.read_bytes()
    rng = random.Random(20240101)
    outcomes = set()
    for attempt in range(6):
        book_file.write_bytes(original)
        backup_path(book_file).unlink(missing_ok=True)
        child = _child(book_file, 0.03, "新")
        assert child.stdout is not None and child.stdout.readline().strip() == "opened"
        time.sleep(rng.uniform(0.0, 0.8))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        data = book_file.read_bytes()
        if data == original:
            outcomes.add("old")
        else:
            with zipfile.ZipFile(book_file) as archive:
                assert archive.testzip() is None
            assert openpyxl.load_workbook(book_file)["表2"]["P3"].value == "新"
            outcomes.add("new")
        backup = backup_path(book_file)
        if backup.exists():
            assert backup.read_bytes() == original, attempt
        for temp in book_file.parent.glob(".wbt-*"):
            temp.unlink()  # what a killed process cannot clean up: never the workbook itself
    assert outcomes  # at least one state observed; every state observed was complete


# -- the input is never the output --------------------------------------------------------
def _alias(kind: str, path: Path) -> str:
    if kind == "symlink":
        link = path.parent / "链接.xlsx"
        link.symlink_to(path)
        return str(link)
    if kind == "hardlink":
        link = path.parent / "硬链接.xlsx"
        os.link(path, link)
        return str(link)
    if kind == "relative":
        return os.path.relpath(path)
    return str(path)


@pytest.mark.parametrize("kind", ["same", "symlink", "hardlink", "relative"])
@pytest.mark.parametrize(
    "args",
    [
        ["extract", "{input}", "-o", "{output}", "--force"],
        ["export", "{input}", "-o", "{output}", "--force", "--overwrite"],
        ["check", "{input}", "--mark", "-o", "{output}", "--force"],
        ["fill", "{input}", "-o", "{output}", "--force"],
    ],
    ids=["extract", "export", "mark", "fill"],
)
def test_output_that_is_the_input_is_refused(kind: str, args: list[str], book_file: Path) -> None:
    output = _alias(kind, book_file)
    listing = sorted(p.name for p in book_file.parent.iterdir())
    code, _, err = run_cli([a.format(input=book_file, output=output) for a in args])
    assert code == 2 and err.startswith("错误：") and "输入文件" in err, err
    assert book_file.read_bytes() == CHANGJI.read_bytes()
    assert sorted(p.name for p in book_file.parent.iterdir()) == listing


def test_resolve_target_refuses_a_hardlinked_output(book_file: Path) -> None:
    other = book_file.parent / "另一个名字.xlsx"
    os.link(book_file, other)
    with pytest.raises(OutputError, match="相同"):
        resolve_target(book_file, other, False, "已校验")


# -- the last-resort handler --------------------------------------------------------------
def test_unexpected_error_is_logged_not_shown(
    book_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbook_tools import cli

    def broken(args: object) -> int:
        raise RuntimeError("some internal bug")

    monkeypatch.setitem(cli.COMMANDS, "check", broken)
    code, out, err = run_cli(["check", str(book_file)])
    assert code == 3 and out == ""
    assert err.startswith("错误：程序内部错误") and f"「{book_file}」" in err
    assert "Traceback" not in err and "internal bug" not in err
    log = Path(err.split("日志文件：")[1].split("，")[0])
    assert "RuntimeError: some internal bug" in log.read_text(encoding="utf-8")
    log.unlink()


# -- template --year ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("year", "expected"), [(2025, "budget-2025"), (2026, "budget-2025"), (2024, "budget-2024")]
)
def test_template_year_picks_the_set(year: int, expected: str, tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    code, stdout, err = run_cli(["template", "--unit", "某局", "--year", str(year), "-o", str(out)])
    assert code == 0, err
    assert f"表套 {expected}" in stdout


def test_template_set_of_another_year_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    code, _, err = run_cli(
        ["template", "--set", "budget-2024", "--unit", "某局", "--year", "2025", "-o", str(out)]
    )
    assert code == 2 and "不一致" in err and not out.exists()


def test_lock_folder_is_outside_the_users_folder(book_file: Path) -> None:
    _in_place(book_file)
    names = sorted(p.name for p in book_file.parent.iterdir())
    assert names == sorted([book_file.name, backup_path(book_file).name])
    assert package.LOCK_TIMEOUT > 0
    assert json.dumps(names, ensure_ascii=False)
