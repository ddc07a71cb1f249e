"""Build the example workbooks from the tables transcribed from the seeds.

    python examples/build.py              # rewrites examples/*.xlsx
    python examples/build.py --expected   # rewrites examples/*.expected.json (review the diff)
    python examples/build.py urumqi-2023  # only the examples named (both commands)

``data/<name>/tN.tsv`` hold each published table's rows exactly as printed (see
``data/README.md``). They are mapped onto the spec by position (the TSV columns are the
published columns in order), independently of the reader, so that reading the built
workbooks back is a real test of the reader.
"""

from __future__ import annotations

import csv
import json
import re
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
    "urumqi-2023": "final-2023",
}
OUTPUTS = {"urumqi-2023": "urumqi-2023-final"}  # example → workbook name, when they differ
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
        "perf_dept": "部门整体绩效",
        "perf_proj": "项目绩效",
    },
    code_style="joined",
    star_row=False,
    total_first=False,
    origin=(1, 1),
    split_after=9,
    amounts_as_text=True,
    letter_spaced=True,
    shade_derived=False,
    block_sheets=True,  # each project's 绩效目标表 on a sheet of its own
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
    parts = parts or len([c for c in table.columns if c.role == "code"])  # one code column
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


def _plain_label(text: str) -> str:
    """A printed label without its ordinal and spaces: "一、一般公共服务支出" → "一般公共服务支出"."""
    return re.sub(r"^[一二三四五六七八九十]+、", "", "".join(text.split()))


def _footer_panel_rows(spec: TableSetSpec, table: TableSpec, lines: list[list[str]]) -> list[Row]:
    """决算 总表: left lines and right classes (一、…) side by side, then the footer rows."""
    width = len([c for c in table.columns if c.panel == "left"])
    classes = {c.name: c.code for c in spec.function_classes}
    sides: dict[str, list] = {p: list(table.panel_lines(p)) for p in ("left", "right")}
    assert table.right_total is not None
    sides["right"].insert(0, table.right_total)
    rows = []
    for line in lines:
        for panel, label, cells in (
            ("left", line[0], line[1:width]),
            ("right", line[width], line[width + 1 :]),
        ):
            if not label.strip():
                continue
            values = _amounts(table, cells, panel)
            name = _plain_label(label)
            if panel == "right" and name in classes:
                rows.append(Row("lei", name, classes[name], panel="right", values=values))
                continue
            spec_line = next(s for s in sides[panel] if _plain_label(s.label) == name)
            sides[panel].remove(spec_line)
            kind = "total" if spec_line is table.right_total else "line"
            rows.append(Row(kind, label, key=spec_line.key, panel=panel, values=values))  # type: ignore[arg-type]
    return rows


def _lane_rows(spec: TableSetSpec, table: TableSpec, lines: list[list[str]]) -> list[Row]:
    """决算 基本支出表: (code, name, amount) lanes side by side; a lane's 合计 without a code.
    Rows come out as the template prints them: each lane's code rows (the declared ones,
    blank where the TSV has none) in code order, side by side, then the lanes' 合计 lines."""
    panels = ("left", "right")
    totals = {line.label: line for line in table.lines if not line.code}
    declared = {line.code: line for line in table.lines if line.code}
    codes: dict[str, list[Row]] = {panel: [] for panel in panels}
    footers: dict[str, list[Row]] = {panel: [] for panel in panels}
    for line in lines:
        for panel, (code, name, amount) in zip(panels, (line[0:3], line[3:6]), strict=True):
            if not code.strip() and not name.strip():
                continue
            value = parse_amount(amount)
            values = {"amount": Amount(value)} if value is not None else {}
            if code.strip():
                spec_line = declared.pop(code.strip(), None)
                key = spec_line.key if spec_line is not None else None
                kind = code_level(code.strip())
                row = Row(kind, name.strip(), code.strip(), key=key, panel=panel, values=values)  # type: ignore[arg-type]
                codes[panel].append(row)
            else:
                key = totals[name.strip()].key
                footers[panel].append(
                    Row("line", name.strip(), key=key, panel=panel, values=values)  # type: ignore[arg-type]
                )
    for code, spec_line in declared.items():  # the template's own code rows, printed blank
        panel = spec_line.panel or panels[-1]
        codes[panel].append(
            Row(code_level(code), spec_line.label, code, key=spec_line.key, panel=panel)
        )  # type: ignore[arg-type]
    rows = []
    for group in (codes, footers):
        lanes = [sorted(group[p], key=lambda r: r.code or "") for p in panels]
        for i in range(max(len(lane) for lane in lanes)):
            rows += [lane[i] for lane in lanes if i < len(lane)]
    return rows


# printed rows → typed rows, per layout (the examples' own mapping, independent of the reader)
ROW_MAPPERS = {
    "two_panel": _two_panel_rows,
    "fixed": _fixed_rows,
    "one_row": _one_row,
    "code": lambda spec, table, lines: _code_rows(table, lines),
    "project": lambda spec, table, lines: _code_rows(table, lines),
    "two_panel_footer": _footer_panel_rows,
    "lanes": _lane_rows,
}


def _form_rows(spec: TableSetSpec, table: TableSpec, lines: list[list[str]]) -> list[Row]:
    """A form's TSV: ``#`` starts a block, ``@<field key><TAB>value`` is a field, any other
    line an indicator row (the grid's columns in order; a blank 一级/二级 continues the one
    above, as a merged cell does)."""
    blocks: list[tuple[list[list[str]], list[list[str]]]] = []
    for line in lines:
        if line[0].startswith("#") or not blocks:
            blocks.append(([], []))
        if line[0].startswith("#"):
            continue
        fields, grid = blocks[-1]
        (fields if line[0].startswith("@") else grid).append(line)
    rows = []
    for number, (fields, grid) in enumerate(blocks):
        rows += _form_fields(table, fields, number)
        rows += _indicators(table, grid, number)
    return rows


def _form_fields(table: TableSpec, lines: list[list[str]], block: int) -> list[Row]:
    assert table.form is not None
    given = {line[0][1:]: [*line, ""][1].strip() for line in lines}
    rows = []
    for spec in table.form.fields:
        row = Row("field", spec.label, key=spec.key, block=block)
        text = given.get(spec.key, "")
        value = parse_amount(text) if spec.role == "amount" else None
        if value is not None:
            row.values = {"value": Amount(value)}
        elif spec.role != "amount" and text:
            row.texts = {"value": text}
        rows.append(row)
    return rows


def _indicators(table: TableSpec, lines: list[list[str]], block: int) -> list[Row]:
    assert table.form is not None
    levels, last = table.form.levels, {}
    rows = []
    for line in lines:
        cells = dict(zip([c.key for c in table.columns], [c.strip() for c in line], strict=False))
        texts = {
            c.key: cells[c.key] for c in table.columns if c.role != "amount" and cells.get(c.key)
        }
        values = {}
        for column in table.amount_columns:
            value = parse_amount(cells.get(column.key, ""))
            if value is not None:
                values[column.key] = Amount(value)
        first = texts.get(table.columns[0].key, "")
        if first and first in {table.total_label, *table.total_aliases}:  # 总分
            rows.append(Row("total", first, values=values, texts=texts, block=block))
            continue
        for i, key in enumerate(levels):  # a blank level continues the one above
            if texts.get(key):
                if last.get(key) != texts[key]:
                    last = {k: v for k, v in last.items() if k not in levels[i + 1 :]}
                last[key] = texts[key]
            elif key in last:
                texts[key] = last[key]
        first = texts.get(table.columns[0].key, "")
        name = texts.get(table.form.row_name or "", "") or first
        rows.append(Row("indicator", name, values=values, texts=texts, block=block))
    return rows


ROW_MAPPERS["form"] = _form_rows


def _texts(table: TableSpec, cells: list[str]) -> dict[str, str]:
    """The text columns (原因、说明) of a supplement line, in the table's order."""
    keys = [c.key for c in table.columns if c.role == "text"]
    return {key: text.strip() for key, text in zip(keys, cells, strict=False) if text.strip()}


def _supplement_lines(table: TableSpec, lines: list[list[str]]) -> list[Row]:
    """s1.tsv: key, this_year, last_year (, budget), reason (, budget reason) — one line per
    fixed line of 补充资料 (as many amounts and texts as the table has such columns)."""
    by_key = {line[0]: line for line in lines}
    width = len(table.amount_columns)
    rows = []
    for spec_line in table.lines:
        fields = by_key.get(spec_line.key, []) + [""] * (width + 1)
        row = Row("line", spec_line.label, key=spec_line.key)
        row.values = _amounts(table, fields[1 : width + 1])
        row.texts = _texts(table, fields[width + 1 :])
        rows.append(row)
    return rows


def _supplement_codes(table: TableSpec, lines: list[list[str]]) -> list[Row]:
    """s2.tsv: 类, 款, 项, 名称, this_year, last_year (, budget), reason (, budget reason)."""
    width = len(table.amount_columns)
    rows = []
    for fields in (line + [""] * (width + 5) for line in lines):
        lei, kuan, xiang, name = fields[:4]
        amounts = fields[4 : 4 + width]
        code = lei.strip() + kuan.strip() + xiang.strip()
        row = Row(code_level(code), name.strip(), code, values=_amounts(table, amounts))  # type: ignore[arg-type]
        row.texts = _texts(table, fields[4 + width :])
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


def build(out: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """Write the example workbooks (``only``: just these examples, by folder name)."""
    out = out or Path(__file__).resolve().parent
    written = []
    for name in EXAMPLES:
        if only and name not in only:
            continue
        spec, unit, year, content = load_example(name)
        tables = [t for t in spec.tables if t.id in content]
        target = out / f"{OUTPUTS.get(name, name)}.xlsx"
        written.append(write_workbook(target, spec, unit, year, content, tables=tables))
    if only and "changji-2024" not in only:
        return written
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


def write_expected(out: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """Rewrite ``*.expected.json``; review the diff: these files are the examples' truth."""
    out = out or Path(__file__).resolve().parent
    written = []
    for workbook in sorted(out.glob("*.xlsx")):
        if only and not any(workbook.stem.startswith(name) for name in only):
            continue
        target = workbook.with_suffix(".expected.json")
        text = json.dumps(expected_findings(workbook), ensure_ascii=False, indent=2)
        target.write_text(text + "\n", encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        sys.exit(0)
    names = [arg for arg in sys.argv[1:] if not arg.startswith("--")] or None  # e.g. urumqi-2023
    paths = write_expected(only=names) if "--expected" in sys.argv else build(only=names)
    for path in paths:
        print(f"已生成：{path.relative_to(ROOT)}")
