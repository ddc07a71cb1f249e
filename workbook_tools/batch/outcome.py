"""What the batch check found in one file: plain, picklable data (it crosses processes)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["pass", "errors", "unreadable"]
STATUS_NAMES: dict[str, str] = {"pass": "通过", "errors": "有错误", "unreadable": "无法读取"}
SEVERITY_ORDER = ("error", "warning", "hint")


@dataclass(frozen=True)
class FileFinding:
    severity: str
    sheet: str
    cell: str
    rule: str
    message: str
    expected: str
    actual: str
    note: str = ""  # what the unit typed in 说明
    explained: bool = False  # 状态 is 已说明


@dataclass
class FileOutcome:
    path: str
    status: Status
    reason: str = ""  # why it could not be read (or a note on the marked copy)
    unit: str | None = None
    set_id: str | None = None
    set_name: str | None = None
    year: int | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITY_ORDER, 0))
    explained: int = 0  # findings the unit explained (已说明)
    explained_errors: int = 0
    diagnosis: str = ""  # the likeliest wrong cell, e.g. 表3!F12（填的是 178.72，应为 177.72）
    marked: str | None = None  # the marked copy, when --mark-dir
    findings: list[FileFinding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def unexplained(self) -> int:
        return sum(self.counts.values()) - self.explained

    def rank(self) -> tuple[int, int, int, int, int]:
        """Worst first: unreadable, then most unexplained errors, errors, warnings, hints."""
        order = {"unreadable": 0, "errors": 1, "pass": 2}[self.status]
        errors = self.counts.get("error", 0)
        return (
            order,
            -(errors - self.explained_errors),
            -errors,
            -self.counts.get("warning", 0),
            -self.counts.get("hint", 0),
        )

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["status_name"] = self.status_name
        out.pop("seconds")
        return out
