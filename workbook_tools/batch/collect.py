"""The files of a batch: every workbook named, and every workbook in the folders named."""

from __future__ import annotations

from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".xlsb", ".ods")
# what the tools write next to a workbook, and the office programs' lock files
_SKIP_SUFFIXES = (".已校验.xlsx", ".已清除标记.xlsx", ".bak.xlsx")
_SKIP_PREFIXES = ("~$", ".~lock", ".")


def _wanted(path: Path) -> bool:
    name = path.name
    return (
        path.suffix.lower() in WORKBOOK_SUFFIXES
        and not name.startswith(_SKIP_PREFIXES)
        and not name.endswith(_SKIP_SUFFIXES)
    )


def is_folder(path: str | Path) -> bool:
    """A folder (False for anything that cannot be looked at: too long a name, no access)."""
    try:
        return Path(path).is_dir()
    except OSError:
        return False


def collect(paths: list[str | Path], skip: set[Path] | None = None) -> list[Path]:
    """Files named as they are (a missing or odd one is reported as unreadable, not
    dropped); folders searched recursively for workbooks, in name order. ``skip``: files
    the batch writes itself (the summary workbook, the marked copies)."""
    skip = {p.resolve() for p in skip or set()}
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if is_folder(path):
            inside = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p))
            found += [p for p in inside if not any(s in skip for s in (p.resolve(),))]
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(_key(path), path)
    return [p for key, p in unique.items() if key not in skip]


def _key(path: Path) -> Path:
    try:
        return path.resolve() if path.exists() else path.absolute()
    except OSError:
        return path.absolute()
