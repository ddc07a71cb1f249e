"""Every hostile input through the real CLI: a Chinese refusal, or a correct read.

For each case of ``tests/hostile/corpus.py`` and each command (check, check --mark,
check --mark --in-place, clear, fill, extract, export, narrative):

* refused cases: exit code 2, stderr ``错误：…`` naming the file (and the sheet), no
  traceback, no English sentence, nothing on stdout, no new file in the folder, the input
  byte-for-byte and mode unchanged;
* legitimate cases: read exactly like the changji example (and marked into a copy);
* cell errors: the check reports the cell, nothing crashes.

Cases that could crash the interpreter (python-calamine aborts on a huge dense range) or
hang it (a FIFO) run in a child process with a timeout.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.corpus import CASES, CHANGJI, ROOT, Case
from tests.hostile.driver import COMMANDS, READ_COMMANDS, Run, run_all, run_cli

ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}")
CHILD_TIMEOUT = 120


def _ids(cases: list[Case]) -> list[Any]:
    return [pytest.param(c, id=c.id) for c in cases]


REFUSED = [c for c in CASES if c.outcome == "refused"]
READ = [c for c in CASES if c.outcome == "read"]
CELL_ERRORS = [c for c in CASES if c.outcome == "cell_error"]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 100, len(CASES)
    assert len({c.id for c in CASES}) == len(CASES)


# -- helpers ------------------------------------------------------------------------------
def _snapshot(path: Path) -> tuple[Any, ...] | None:
    """Mode, size, mtime and content hash of a regular file (None: not a regular file)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return (info.st_mode,)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = None
    return (info.st_mode, info.st_size, info.st_mtime_ns, digest)


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p != folder)


def _in_child(case: Case, folder: Path, path: Path, commands: str) -> list[Run]:
    """Run the commands in a child process: a crash or hang fails the test, not pytest."""
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.hostile.driver",
                case.id,
                str(folder),
                commands,
                str(path),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case.id}: hung for more than {CHILD_TIMEOUT} s")
    assert done.returncode == 0, f"{case.id}: child died ({done.returncode})\n{done.stderr[-3000:]}"
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return [Run(**line) for line in lines[1:]]


def _runs(case: Case, folder: Path, path: Path, commands: str = "all") -> list[Run]:
    if case.subprocess:
        return _in_child(case, folder, path, commands)
    return run_all(path, COMMANDS if commands == "all" else READ_COMMANDS)


def _no_english(text: str, path: Path) -> None:
    cleaned = text.replace(str(path), "").replace(str(path.parent), "")
    match = ENGLISH_SENTENCE.search(cleaned)
    assert match is None, f"English in the output: {match.group(0)!r}\n{text}"


# -- refused ------------------------------------------------------------------------------
@pytest.mark.parametrize("case", _ids(REFUSED))
def test_hostile_input_is_refused_in_chinese(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "公开表 2024"  # CJK and a space, as users' folders have them
    folder.mkdir()
    path = case.build(folder)
    if case.id == "no-read-permission" and os.geteuid() == 0:
        real_access = os.access

        def access(target: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
            if Path(target) == path and mode & os.R_OK:
                return False
            return real_access(target, mode, *args, **kwargs)

        monkeypatch.setattr(os, "access", access)  # root reads everything: fake the denial
    before, listing = _snapshot(path), _listing(folder)
    runs = _runs(case, folder, path, "all" if case.write_commands else "read")
    assert runs, case.id
    for run in runs:
        where = f"{case.id} / wbt {run.command}"
        assert run.code == 2, f"{where}: exit {run.code}\n{run.err}{run.out[:500]}"
        assert run.err.startswith("错误："), f"{where}: {run.err}"
        assert f"文件「{path}」" in run.err, f"{where}: {run.err}"
        for fragment in case.expect:
            assert fragment in run.err, f"{where}: {fragment!r} not in {run.err}"
        if case.sheet:
            assert f"工作表「{case.sheet}」" in run.err, f"{where}: {run.err}"
        assert "Traceback" not in run.err + run.out, where
        assert "程序内部错误" not in run.err, where
        assert run.out == "", f"{where}: partial output {run.out[:300]}"
        _no_english(run.err, path)
        assert _listing(folder) == listing, f"{where}: files appeared or vanished"
        assert _snapshot(path) == before, f"{where}: the input changed"


# -- legitimate ---------------------------------------------------------------------------
@cache
def _reference() -> tuple[dict[str, Any], str]:
    """The changji example's extracted data (without the file name) and check report."""
    code, out, _ = run_cli(["extract", str(CHANGJI)])
    assert code == 0
    data = json.loads(out)
    code, report, _ = run_cli(["check", str(CHANGJI)])
    return _comparable(data), report.split("\n", 1)[1]


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("file", "notices")}


@pytest.mark.parametrize("case", _ids(READ))
def test_legitimate_unusual_workbook_is_read(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "公开表"
    folder.mkdir()
    path = case.build(folder)
    before = _snapshot(path)
    runs = {run.command: run for run in _runs(case, folder, path, "read")}
    data, report = _reference()
    extract = runs["extract"]
    assert extract.code == 0, f"{case.id}: {extract.err}"
    assert _comparable(json.loads(extract.out)) == data
    check = runs["check"]
    assert check.code == 0, f"{case.id}: {check.err}"
    assert check.out.split("\n", 1)[1] == report
    assert _snapshot(path) == before
    if case.write_commands:
        code, _, err = run_cli(["check", str(path), "--mark"])
        assert code == 0, f"{case.id}: {err}"
        assert "已标注" in err
        marked = [p for p in folder.iterdir() if "已校验" in p.name]
        assert len(marked) == 1, marked
        if case.id in (
            "real-xls",
            "xls-renamed-xlsx",
            "xls-named-et",
            "real-ods",
            "ods-renamed-xlsx",
        ):
            assert marked[0].suffix == ".xlsx"  # another format: the marked copy is .xlsx
        code, out, err = run_cli(["extract", str(marked[0])])
        assert code == 0, err
        assert _comparable(json.loads(out))["tables"] == data["tables"]
        assert _snapshot(path) == before


# -- one bad cell -------------------------------------------------------------------------
@pytest.mark.parametrize("case", _ids(CELL_ERRORS))
def test_unusable_amount_is_one_error_at_its_cell(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    code, out, err = run_cli(["check", str(path), "--format", "json"])
    assert code == 1, f"{case.id}: {err}"
    findings = json.loads(out)["findings"]
    at_cell = [
        f
        for f in findings
        if f["severity"] == "error" and f["sheet"] == case.sheet and f["cell"] == case.cell
    ]
    assert at_cell, f"{case.id}: no error at {case.sheet}!{case.cell}"
    assert any(f["rule"] in ("s.not_a_number", "s.formula_without_value") for f in at_cell)
    code, out, err = run_cli(["extract", str(path)])
    assert code == 0, err
    cells = [
        amount
        for table in json.loads(out)["tables"]
        for row in table["rows"]
        for amount in row["values"].values()
        if amount["cell"] == case.cell and table["sheet"] == case.sheet
    ]
    assert cells and cells[0]["value"] is None and cells[0]["problem"], cells
    assert "Traceback" not in err
