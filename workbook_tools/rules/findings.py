"""Findings: what the checks report, as structured data."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from workbook_tools.money import format_amount

Severity = Literal["error", "warning", "hint"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "hint")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "hint": "提示"}


class CellRef(NamedTuple):
    """A cell of the workbook: sheet name and A1 address (hashable, cheap)."""

    sheet: str
    cell: str

    def to_json(self) -> dict[str, str]:
        return {"sheet": self.sheet, "cell": self.cell}

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass
class Finding:
    rule: str
    severity: Severity
    table: str  # id of the table of the cell to fix (as the spec names it)
    sheet: str
    cell: str  # the cell to fix (A1 style)
    message: str  # Chinese, from the rule's template
    cells: list[CellRef] = field(default_factory=list)  # every cell involved
    expected: Decimal | str | None = None
    actual: Decimal | str | None = None
    difference: Decimal | None = None
    cause: CellRef | None = None  # the diagnosed cell whose typo explains this finding

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "table": self.table,
            "sheet": self.sheet,
            "cell": self.cell,
            "cells": [c.to_json() for c in self.cells],
            "expected": _json_value(self.expected),
            "actual": _json_value(self.actual),
            "difference": _json_value(self.difference),
            "message": self.message,
            "cause": self.cause.to_json() if self.cause is not None else None,
        }


def _json_value(value: Decimal | str | None) -> str | None:
    if isinstance(value, Decimal):
        return format_amount(value)
    return value


def summarise(findings: list[Finding]) -> dict[str, int]:
    return {severity: sum(1 for f in findings if f.severity == severity) for severity in SEVERITIES}


def summary_line(findings: list[Finding]) -> str:
    """``共 29 条：错误 0 条，警告 29 条，提示 0 条。``"""
    counts = summarise(findings)
    return (
        f"共 {len(findings)} 条：错误 {counts['error']} 条，"
        f"警告 {counts['warning']} 条，提示 {counts['hint']} 条。"
    )
