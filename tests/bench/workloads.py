"""Workbooks the benchmarks measure, generated from the changji example.

``projects_workbook(path, n)`` writes the changji example with its project table grown to
``n`` projects: every published project is split into equal pieces (the cents shared out so
the pieces add up exactly), so every relation still holds and the check does the same work
per project as on a real file. ``code_rows=True`` adds the 项 row above each code's
projects, as budget systems print it.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from examples.build import load_example  # noqa: E402
from workbook_tools.io.model import Amount, Row  # noqa: E402
from workbook_tools.writers.template import TableContent, write_workbook  # noqa: E402

CENT = Decimal("0.01")


def _split(value: Decimal, pieces: int) -> list[Decimal]:
    cents = int(value / CENT)
    share, extra = divmod(cents, pieces)
    return [(share + (1 if i < extra else 0)) * CENT for i in range(pieces)]


def _split_project(row: Row, pieces: int) -> list[Row]:
    columns = {key: _split(a.value, pieces) for key, a in row.values.items() if a.value is not None}
    parts = []
    for i in range(pieces):
        values = {key: Amount(split[i]) for key, split in columns.items()}
        parts.append(Row("project", row.name, row.code, f"{row.project}（{i + 1}）", values=values))
    return parts


def _xiang_row(code: str, name: str, projects: list[Row]) -> Row:
    totals: dict[str, Decimal] = {}
    for project in projects:
        for key, amount in project.values.items():
            totals[key] = totals.get(key, Decimal(0)) + (amount.value or Decimal(0))
    return Row("xiang", name, code, values={k: Amount(v) for k, v in totals.items()})


def grown_projects(rows: list[Row], n: int, code_rows: bool) -> list[Row]:
    """``rows`` of a project table with about ``n`` projects (each split the same number of times)."""
    projects = [r for r in rows if r.kind == "project"]
    pieces = max(1, -(-n // max(1, len(projects))))
    grown: list[Row] = []
    pending: list[Row] = []
    for row in rows:
        if row.kind != "project":
            grown.extend(_flush(pending, code_rows))
            pending = []
            grown.append(row)
            continue
        if pending and pending[-1].code != row.code:
            grown.extend(_flush(pending, code_rows))
            pending = []
        pending.extend(_split_project(row, pieces))
    grown.extend(_flush(pending, code_rows))
    return grown


def _flush(projects: list[Row], code_rows: bool) -> list[Row]:
    if not projects or not code_rows or not projects[0].code:
        return projects
    return [_xiang_row(projects[0].code, projects[0].name, projects), *projects]


def project_table_id(content: dict[str, TableContent]) -> str:
    """The table that lists projects (found by its rows, not by its id)."""
    return next(tid for tid, c in content.items() if any(r.kind == "project" for r in c.rows))


def projects_workbook(path: Path, n: int, code_rows: bool = False) -> Path:
    spec, unit, year, content = load_example("changji-2024")
    tid = project_table_id(content)
    table = content[tid]
    content[tid] = TableContent(grown_projects(table.rows, n, code_rows), table.remarks)
    tables = [t for t in spec.tables if t.id in content]
    return write_workbook(path, spec, unit, year, content, tables=tables)


def project_count(path: Path) -> int:
    from workbook_tools.io.reader import read_workbook

    data = read_workbook(path)
    return sum(1 for t in data.tables.values() for r in t.rows if r.kind == "project")


def blank_derived_workbook(source: Path, target: Path) -> int:
    """``source`` with every derived cell that holds a figure made blank (what staff send
    when they type only the details); returns how many cells were blanked."""
    import openpyxl

    from workbook_tools.io.reader import read_workbook
    from workbook_tools.rules.context import Context
    from workbook_tools.rules.evaluate import derivation, equations, unknown_cells
    from workbook_tools.spec import load_spec

    data = read_workbook(source)
    ctx = Context(data, load_spec(data.set_id))
    found = equations(ctx, ctx.spec.relations_for(data.tables))
    derived = derivation(ctx, found, unknown_cells(ctx))
    refs = [ref for ref, d in derived.definitions.items() if d[0].target.published]
    book = openpyxl.load_workbook(source)
    for ref in refs:
        book[ref.sheet][ref.cell].value = None
    book.save(target)
    return len(refs)
