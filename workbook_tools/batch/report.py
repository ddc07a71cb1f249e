"""The batch check's report on the screen (text) and as JSON, and its progress display."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from workbook_tools.batch.outcome import FileOutcome
from workbook_tools.batch.run import BatchResult, Progress
from workbook_tools.batch.summary import counts_line


def outcome_line(outcome: FileOutcome) -> str:
    name = Path(outcome.path).name
    if outcome.status == "unreadable":
        return f"  {outcome.status_name}  {name}：{outcome.reason}"
    c = outcome.counts
    text = f"  {outcome.status_name}  {name}（{outcome.unit or '未注明单位'}）　"
    text += f"错误 {c['error']} 条，警告 {c['warning']} 条，提示 {c['hint']} 条"
    if outcome.explained:
        text += f"（已说明 {outcome.explained} 条，未说明 {outcome.unexplained} 条）"
    if outcome.diagnosis:
        text += f"；最可能填错：{outcome.diagnosis}"
    if outcome.reason:
        text += f"；{outcome.reason}"
    return text


def to_text(result: BatchResult) -> str:
    lines = [
        f"批量校验 {len(result.outcomes)} 个文件（{result.jobs} 个进程，用时 {result.seconds:.1f} 秒）："
    ]
    lines += [outcome_line(o) for o in result.outcomes]
    if not result.outcomes:
        lines.append("  （没有找到工作簿）")
    lines.append(counts_line(result) + "。")
    if result.roster is not None:
        lines += result.roster.lines()
    lines += result.notes
    return "\n".join(lines)


def to_json(result: BatchResult) -> dict[str, Any]:
    by = {"pass": 0, "errors": 0, "unreadable": 0}
    for outcome in result.outcomes:
        by[outcome.status] += 1
    return {
        "files": [o.to_json() for o in result.outcomes],
        "summary": {"files": len(result.outcomes), **by},
        "roster": result.roster.to_json() if result.roster is not None else None,
    }


def plain_progress(stream: TextIO | None = None) -> Progress:
    """One line a file (not a terminal: a log, a pipe); ``stream`` default: stderr."""

    def show(outcome: FileOutcome, done: int, total: int) -> None:
        line = f"[{done}/{total}] {outcome.status_name}  {Path(outcome.path).name}"
        print(line, file=stream or sys.stderr)

    return show


class RichProgress:
    """A progress bar on a terminal (rich), closed with the ``with`` block."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("校验中"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("剩余"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[name]}"),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("", total=None, name="")

    def __enter__(self) -> Progress:
        self.bar.start()

        def show(outcome: FileOutcome, done: int, total: int) -> None:
            self.bar.update(self.task, completed=done, total=total, name=Path(outcome.path).name)

        return show

    def __exit__(self, *args: object) -> None:
        self.bar.stop()
