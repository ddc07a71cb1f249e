"""Checking every file of a batch, in this process or in a pool of worker processes."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from workbook_tools.batch.collect import collect
from workbook_tools.batch.outcome import SEVERITY_ORDER, FileFinding, FileOutcome
from workbook_tools.batch.roster import RosterReport, compare_roster
from workbook_tools.errors import WbtError

Progress = Callable[[FileOutcome, int, int], None]  # outcome, done, total


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _diagnosis(result: object) -> str:
    from workbook_tools.rules import CheckResult

    assert isinstance(result, CheckResult)
    if not result.diagnosis:
        return ""
    top = result.diagnosis[0]
    actual = "空白" if top.actual is None else f"{top.actual}"
    return f"{top.sheet}!{top.cell}（填的是 {actual}，应为 {top.expected}）"


def check_one(path: str | Path, marked: str | Path | None = None) -> FileOutcome:
    """Check one workbook (and write its marked copy to ``marked``); never raises: a file
    that cannot be read or marked says why in the outcome."""
    from workbook_tools.explain import is_explained, read_with_explanations
    from workbook_tools.rules import check_workbook

    started = time.perf_counter()
    outcome = FileOutcome(str(path), "unreadable")
    try:
        data, explanations = read_with_explanations(path)
        result = check_workbook(data)
        result.explanations = explanations
    except WbtError as error:
        outcome.reason = error.message
        return _timed(outcome, started)
    except Exception as error:  # one broken file never stops the others
        outcome.reason = f"程序内部错误（{type(error).__name__}），未能校验该文件"
        return _timed(outcome, started)
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for finding in result.findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    findings = []
    for f in result.findings:
        found = explanations.get(_key(f))
        explained = is_explained(f, explanations)
        findings.append(
            FileFinding(
                f.severity,
                f.sheet,
                f.cell,
                f.rule,
                f.message,
                _text(f.expected),
                _text(f.actual),
                found.text if found else "",
                explained,
            )
        )
    outcome.status = "errors" if counts["error"] else "pass"
    outcome.unit, outcome.year = data.unit, data.year
    outcome.set_id, outcome.set_name = result.spec.id, result.spec.name
    outcome.counts = counts
    outcome.explained = sum(1 for f in findings if f.explained)
    outcome.explained_errors = sum(1 for f in findings if f.explained and f.severity == "error")
    outcome.diagnosis = _diagnosis(result)
    outcome.findings = findings
    if marked is not None:
        outcome.marked, outcome.reason = _mark(path, Path(marked), result)
    return _timed(outcome, started)


def _key(finding: object) -> tuple[str, str, str, str]:
    from workbook_tools.explain import finding_key

    return finding_key(finding)  # type: ignore[arg-type]


def _mark(path: str | Path, target: Path, result: object) -> tuple[str | None, str]:
    from workbook_tools.rules import CheckResult
    from workbook_tools.writers.marks.files import mark_file

    assert isinstance(result, CheckResult)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _, _, report = mark_file(path, output=target, force=True, result=result)
    except WbtError as error:
        return None, f"未能写入标注副本：{error.message}"
    except Exception as error:
        return None, f"未能写入标注副本（程序内部错误 {type(error).__name__}）"
    return str(report.path), ""


def _timed(outcome: FileOutcome, started: float) -> FileOutcome:
    outcome.seconds = time.perf_counter() - started
    return outcome


def _check_pair(job: tuple[str, str | None]) -> FileOutcome:
    return check_one(*job)


@dataclass
class BatchResult:
    outcomes: list[FileOutcome]  # worst first
    roster: RosterReport | None = None
    seconds: float = 0.0
    jobs: int = 1
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """2: a file could not be read; 1: a file has errors; 0: all pass."""
        if any(o.status == "unreadable" for o in self.outcomes):
            return 2
        return 1 if any(o.status == "errors" for o in self.outcomes) else 0

    def strict_exit_code(self) -> int:
        """Also 1 when a warning is not explained."""
        code = self.exit_code
        if code:
            return code
        return int(
            any(
                f.severity == "warning" and not f.explained
                for o in self.outcomes
                for f in o.findings
            )
        )


def marked_targets(files: list[Path], mark_dir: Path) -> list[Path]:
    """``<name>.已校验.xlsx`` in ``mark_dir`` for each file; the same name twice (files of
    different folders) gets a number."""
    from workbook_tools.writers.marks.files import MARKED_SUFFIX

    taken: set[str] = set()
    targets = []
    for path in files:
        name, number = f"{path.stem}.{MARKED_SUFFIX}.xlsx", 1
        while name in taken:
            number += 1
            name = f"{path.stem}（{number}）.{MARKED_SUFFIX}.xlsx"
        taken.add(name)
        targets.append(mark_dir / name)
    return targets


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def check_files(
    paths: list[str | Path],
    jobs: int | None = None,
    *,
    mark_dir: str | Path | None = None,
    roster: str | Path | None = None,
    progress: Progress | None = None,
    skip: set[Path] | None = None,
) -> BatchResult:
    """Check every workbook of ``paths`` (files, and folders searched recursively): one
    outcome per file, worst first. ``jobs`` worker processes (default: the cores; 1: in
    this process). ``mark_dir``: write each file's marked copy there. ``roster``: the units
    expected (``wbt check --roster``)."""
    from workbook_tools.batch.roster import read_roster

    started = time.perf_counter()
    expected = read_roster(Path(roster)) if roster is not None else None
    files = collect(list(paths), skip)
    targets: list[str | None] = [None] * len(files)
    if mark_dir is not None:
        targets = [str(t) for t in marked_targets(files, Path(mark_dir))]
    jobs = max(1, min(jobs or default_jobs(), len(files) or 1))
    pending = [(str(f), t) for f, t in zip(files, targets, strict=True)]
    outcomes = _run(pending, jobs, progress)
    order = {path: index for index, (path, _) in enumerate(pending)}
    outcomes.sort(key=lambda o: (*o.rank(), order[o.path]))
    report = compare_roster(expected, outcomes) if expected is not None else None
    return BatchResult(outcomes, report, time.perf_counter() - started, jobs)


def _run(
    pending: list[tuple[str, str | None]], jobs: int, progress: Progress | None
) -> list[FileOutcome]:
    total = len(pending)
    outcomes: list[FileOutcome] = []
    if jobs == 1:
        for job in pending:
            outcomes.append(_check_pair(job))
            if progress:
                progress(outcomes[-1], len(outcomes), total)
        return outcomes
    with ProcessPoolExecutor(max_workers=jobs, initializer=_warm) as pool:
        futures = {pool.submit(_check_pair, job): job[0] for job in pending}
        for future in as_completed(futures):
            try:
                outcomes.append(future.result())
            except Exception as error:  # a worker died (out of memory …): only this file
                reason = f"校验进程意外退出（{type(error).__name__}），未能校验该文件"
                outcomes.append(FileOutcome(futures[future], "unreadable", reason))
            if progress:
                progress(outcomes[-1], len(outcomes), total)
    return outcomes


def _warm() -> None:
    """Each worker loads the table sets once, before its first file."""
    from workbook_tools.spec import available_sets, load_spec

    for set_id in available_sets():
        with contextlib.suppress(WbtError):
            load_spec(set_id)
