"""Build the example workbooks from the tables transcribed from the seeds.

    python examples/build.py              # rewrites examples/*.xlsx
    python examples/build.py --expected   # rewrites examples/*.expected.json (review the diff)

``data/<name>/tN.tsv`` hold each published table's rows exactly as printed (see
``data/README.md``). They are mapped onto the spec by position (the TSV columns are the
published columns in order), independently of the reader, so that reading the built
workbooks back is a real test of the reader.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workbook_tools.codes import code_level, split_code_and_name  # noqa: E402
from workbook_tools.io.model import Amount, Row  # noqa: E402
from workbook_tools.money import parse_amount  # noqa: E402
from workbook_tools.spec import TableSetSpec, TableSpec, load_spec  # noqa: E402
from workbook_tools.writers.template import LayoutStyle, TableContent, write_workbook  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = {
    "changji-2024": "budget-2024",
    "kashgar-2024": "budget-2024",
    "bazhou-2022": "budget-2022",
}
TOTALS = {"总计", "合计"}

# The budget system's export style: other sheet names, codes in one column, totals at the
# bottom, no ※ row, amounts as text, letter-spaced labels, tables split by a repeated header.
SYSTEM_STYLE = LayoutStyle(
    sheet_names={
        "t1": "收支总表",
        "t2": "收入总表",
        "t3": "支出总表",
        "t4": "财拨收支总表",
        "t5": "一般公共预算支出",
        "t6": "基本支出",
        "t7": "项目支出",
        "t8": "政府性基金",
        "t9": "国有资本经营",
        "t10": "三公经费",
        "t11": "结转结余",
    },
    code_style="joined",
    star_row=False,
    total_first=False,
    origin=(1, 1),
    split_after=9,
    amounts_as_text=True,
    letter_spaced=True,
    shade_derived=False,
)


def _read_tsv(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle, delimiter="\t") if any(c.strip() for c in row)]


def _amounts(table: TableSpec, cells: list[str], panel: str | None = None) -> dict[str, Amount]:
    columns = [c for c in table.amount_columns if panel is None or c.panel == panel]
    values = {}
    for column, text in zip(columns, cells, strict=False):
        value = parse_amount(text)
        if value is not None:
            values[column.key] = Amount(value)
    return values


def _code_rows(table: TableSpec, lines: list[list[str]]) -> list[Row]:
    parts = len([c for c in table.columns if c.role in ("lei", "kuan", "xiang")])
    has_project = any(c.role == "project" for c in table.columns)
    has_name = any(c.role == "name" for c in table.columns)
    rows = []
    for line in lines:
        code = "".join(p.strip() for p in line[:parts]) or None
        at = parts
        name = line[at].strip() if has_name else ""
        at += 1 if has_name else 0
        project = line[at].strip() if has_project else None
        at += 1 if has_project else 0
        row = Row("unknown", name, code, project or None, values=_amounts(table, line[at:]))
        if project in TOTALS or (not code and name in TOTALS):
            row.kind, row.name, row.project = "total", project if project in TOTALS else name, None
        elif project:
            row.kind = "project"
        elif code:
            row.kind = code_level(code)  # type: ignore[assignment]
        elif name and has_project:
            row.kind = "unit"
        rows.append(row)
    return rows


def _two_panel_rows(spec: TableSetSpec, table: TableSpec, lines: list[list[str]]) -> list[Row]:
    body = [line for line in table.lines if line.level > 0]
    total_line = next(line for line in table.lines if line.level == 0)
    assert table.right_total is not None
    rows = []
    width = len([c for c in table.columns if c.panel == "left"])
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        left = body[i] if i < len(body) else None
        if last:
            left = total_line
        if left is not None:
            values = _amounts(table, line[1:width], "left")
            rows.append(Row("line", left.label, key=left.key, panel="left", values=values))
        label = line[width].strip()
        if not label:
            continue
        values = _amounts(table, line[width + 1 :], "right")
        if last:
            right = table.right_total
            rows.append(Row("total", label, key=right.key, panel="right", values=values))
            continue
        code, name = split_code_and_name(label)
        assert code is not None, label
        rows.append(Row("lei", name, code, panel="right", values=values))
    return rows


def _fixed_rows(spec: TableSetSpec, table: TableSpec, lines: list[list[str]]) -> list[Row]:
    rows = []
    for spec_line, line in zip(table.lines, lines, strict=True):
        kind = "total" if spec_line.level == 0 else "line"
        rows.append(Row(kind, spec_line.label, key=spec_line.key, values=_amounts(table, line[1:])))
    return rows


def _one_row(spec: TableSetSpec, table: TableSpec, lines: list[list[str]]) -> list[Row]:
    return [Row("total", table.total_label, values=_amounts(table, line)) for line in lines]


# printed rows → typed rows, per layout (the examples' own mapping, independent of the reader)
ROW_MAPPERS = {
    "two_panel": _two_panel_rows,
    "fixed": _fixed_rows,
    "one_row": _one_row,
    "code": lambda spec, table, lines: _code_rows(table, lines),
    "project": lambda spec, table, lines: _code_rows(table, lines),
}


def _supplement_lines(table: TableSpec, lines: list[list[str]]) -> list[Row]:
    """s1.tsv: key, this_year, last_year, reason — one line per fixed line of 补充资料."""
    by_key = {line[0]: line for line in lines}
    rows = []
    for spec_line in table.lines:
        _, this_year, last_year, reason = (by_key.get(spec_line.key, []) + [""] * 4)[:4]
        row = Row("line", spec_line.label, key=spec_line.key)
        row.values = _amounts(table, [this_year, last_year])
        if reason.strip():
            row.texts["reason"] = reason.strip()
        rows.append(row)
    return rows


def _supplement_codes(table: TableSpec, lines: list[list[str]]) -> list[Row]:
    """s2.tsv: 类, 款, 项, 名称, this_year, last_year, reason."""
    rows = []
    for lei, kuan, xiang, name, this_year, last_year, reason in (
        (line + [""] * 7)[:7] for line in lines
    ):
        code = lei.strip() + kuan.strip() + xiang.strip()
        row = Row(
            code_level(code), name.strip(), code, values=_amounts(table, [this_year, last_year])
        )  # type: ignore[arg-type]
        if reason.strip():
            row.texts["reason"] = reason.strip()
        rows.append(row)
    return rows


def load_example(name: str) -> tuple[TableSetSpec, str, int, dict[str, TableContent]]:
    """The transcribed example ``name``: its spec, unit, year and table contents.

    ``t<N>.tsv`` is the table the set prints as 表N (its id may differ: the 2022 set prints
    its 三公 table, id t10, as 表8); the supplement tables are named by id (``s1.tsv``).
    """
    spec = load_spec(EXAMPLES[name])
    folder = DATA / name
    meta = dict(_read_tsv(folder / "meta.tsv"))  # type: ignore[arg-type]
    remarks: dict[str, list[str]] = {}
    for file_name, text in _read_tsv(folder / "remarks.tsv"):
        remarks.setdefault(file_name, []).append(text)
    content = {}
    for table in spec.tables:
        file_name = f"t{table.number}" if table.publish else table.id
        path = folder / f"{file_name}.tsv"
        if not path.exists():
            continue
        lines = _read_tsv(path)
        if not table.publish:
            reader = _supplement_lines if table.layout == "fixed" else _supplement_codes
            content[table.id] = TableContent(reader(table, lines), [])
            continue
        rows = ROW_MAPPERS[table.layout](spec, table, lines)
        content[table.id] = TableContent(rows, remarks.get(file_name, []))
    return spec, meta["unit"], int(meta["year"]), content


def build(out: Path | None = None) -> list[Path]:
    out = out or Path(__file__).resolve().parent
    written = []
    for name in EXAMPLES:
        spec, unit, year, content = load_example(name)
        tables = [t for t in spec.tables if t.id in content]
        written.append(
            write_workbook(out / f"{name}.xlsx", spec, unit, year, content, tables=tables)
        )
    spec, unit, year, content = load_example("changji-2024")
    written.append(
        write_workbook(out / "changji-2024-system.xlsx", spec, unit, year, content, SYSTEM_STYLE)
    )
    return written


def expected_findings(workbook: Path) -> dict:
    """What ``wbt check --format json`` reports for ``workbook``, without the file path."""
    from workbook_tools.io.reader import read_workbook
    from workbook_tools.report import to_json
    from workbook_tools.rules import check_workbook

    report = to_json(check_workbook(read_workbook(workbook)))
    report.pop("file")
    return report


def write_expected(out: Path | None = None) -> list[Path]:
    """Rewrite ``*.expected.json``; review the diff: these files are the examples' truth."""
    out = out or Path(__file__).resolve().parent
    written = []
    for workbook in sorted(out.glob("*.xlsx")):
        target = workbook.with_suffix(".expected.json")
        text = json.dumps(expected_findings(workbook), ensure_ascii=False, indent=2)
        target.write_text(text + "\n", encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    paths = write_expected() if "--expected" in sys.argv else build()
    for path in paths:
        print(f"已生成：{path.relative_to(ROOT)}")
