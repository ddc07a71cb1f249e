"""The roster (单位名单): the units expected to submit, against the files that came in."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from workbook_tools.batch.outcome import FileOutcome
from workbook_tools.errors import InputError

_HEADERS = ("单位名称", "单位", "预算单位", "部门名称", "部门")
_SPACE = re.compile(r"\s+")


def unit_key(name: str) -> str:
    """A unit name as compared: full-width forms folded (（）→()), spaces dropped."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


def read_roster(path: Path) -> list[str]:
    """The unit names of a roster: a text file (one unit a line; blank lines and lines
    starting with # ignored) or a workbook (the column headed 单位名称/单位…, else the first
    column of the first sheet)."""
    if not path.is_file():
        raise InputError("单位名单文件不存在", file=path)
    if path.suffix.lower() in (".txt", ".csv", ".tsv", ""):
        return _from_text(path)
    return _from_workbook(path)


def _from_text(path: Path) -> list[str]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("单位名单不是 UTF-8 或 GBK 编码的文本", file=path)
    names = []
    for line in text.splitlines():
        name = line.split("\t")[0].split(",")[0].strip()
        if name and not name.startswith("#"):
            names.append(name)
    return _unique(names, path)


def _from_workbook(path: Path) -> list[str]:
    from workbook_tools.io.sources import read_grids

    grids = [g for g in read_grids(path) if g.cells]
    if not grids:
        raise InputError("单位名单工作簿是空的", file=path)
    grid = grids[0]
    column, first = 1, 1
    for (row, col), value in sorted(grid.cells.items()):
        if isinstance(value, str) and unit_key(value) in _HEADERS:
            column, first = col, row + 1
            break
    names = []
    for row in range(first, grid.max_row + 1):
        value = grid.cells.get((row, column))
        text = "" if value is None else str(value).strip()
        if text and not (first == 1 and unit_key(text) in _HEADERS):
            names.append(text)
    return _unique(names, path)


def _unique(names: list[str], path: Path) -> list[str]:
    if not names:
        raise InputError("单位名单中没有任何单位名称", file=path)
    return list(dict.fromkeys(names))


@dataclass
class RosterReport:
    expected: list[str]
    missing: list[str] = field(default_factory=list)  # on the roster, no file
    unlisted: list[tuple[str, str]] = field(default_factory=list)  # (unit, file) not on it
    duplicates: list[tuple[str, list[str]]] = field(default_factory=list)  # unit, its files

    @property
    def clean(self) -> bool:
        return not (self.missing or self.unlisted or self.duplicates)

    def to_json(self) -> dict[str, object]:
        return {
            "expected": len(self.expected),
            "missing": self.missing,
            "unlisted": [{"unit": u, "file": f} for u, f in self.unlisted],
            "duplicates": [{"unit": u, "files": f} for u, f in self.duplicates],
        }

    def lines(self) -> list[str]:
        out = [f"单位名单 {len(self.expected)} 个单位："]
        if self.missing:
            out.append(f"  未报送（{len(self.missing)} 个）：" + "、".join(self.missing))
        for unit, file in self.unlisted:
            out.append(f"  不在名单中：{unit}（{file}）")
        for unit, files in self.duplicates:
            out.append(f"  同一单位有 {len(files)} 个文件：{unit}（" + "、".join(files) + "）")
        if self.clean:
            out.append("  全部报送，没有名单外或重复的文件。")
        return out


def compare_roster(expected: list[str], outcomes: list[FileOutcome]) -> RosterReport:
    by_unit: dict[str, list[FileOutcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.unit:
            by_unit[unit_key(outcome.unit)].append(outcome)
    keys = {unit_key(name): name for name in expected}
    report = RosterReport(list(expected))
    report.missing = [name for key, name in keys.items() if key not in by_unit]
    for key, found in by_unit.items():
        unit = found[0].unit or ""
        if key not in keys:
            report.unlisted += [(unit, Path(o.path).name) for o in found]
        if len(found) > 1:
            report.duplicates.append(
                (keys.get(key, unit), sorted(Path(o.path).name for o in found))
            )
    report.duplicates.sort()
    return report
