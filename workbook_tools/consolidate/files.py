"""``wbt consolidate``: read the units' workbooks, write the consolidated workbook with its
汇总明细 sheet, check it; ``--verify``: a received consolidated workbook against its units."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from workbook_tools.consolidate.core import (
    BLOCK_KINDS,
    Consolidated,
    Contribution,
    consolidate_data,
    row_id,
)
from workbook_tools.errors import InputError
from workbook_tools.io.model import Row, Table, WorkbookData
from workbook_tools.io.reader import read_workbook
from workbook_tools.money import money
from workbook_tools.rules import CheckResult, check_workbook
from workbook_tools.writers.atomic import atomic_write

DETAIL_SHEET = "汇总明细"
DETAIL_HEADER = ["表", "汇总单元格", "行", "栏目", "汇总数", "单位", "单位的单元格", "金额"]
TAIL = Decimal("0.005")  # half a cent: one rounded 万元 figure's tail


@dataclass
class ConsolidateReport:
    path: Path
    result: Consolidated
    check: CheckResult

    @property
    def tails(self) -> list[str]:
        return [
            f"{f.sheet}!{f.cell}　{f.message}" for f in self.check.findings if _is_tail(f.message)
        ]

    @property
    def errors(self) -> list[str]:
        return [
            f"{f.sheet}!{f.cell}　{f.message}" for f in self.check.findings if f.severity == "error"
        ]


def _is_tail(message: str) -> bool:
    return "尾差" in message


def read_units(paths: list[str | Path]) -> list[WorkbookData]:
    if not paths:
        raise InputError("请给出要汇总的单位工作簿")
    seen: set[Path] = set()
    units = []
    for path in paths:
        resolved = Path(path).resolve()
        if resolved in seen:
            raise InputError("同一个文件给出了两次", file=path)
        seen.add(resolved)
        units.append(read_workbook(path))
    return units


def _label(row: Row) -> str:
    parts = [p for p in (row.code, row.name.strip() or row.key, row.project) if p]
    return " ".join(dict.fromkeys(parts))


def _column_titles(result: Consolidated, table: str) -> dict[str, str]:
    spec = next(t for t in result.spec.tables if t.id == table)
    return {c.key: "".join(c.header[-1:]) or c.key for c in spec.columns}


def consolidate_files(
    paths: list[str | Path], output: str | Path, unit: str, *, overwrite: bool = False
) -> ConsolidateReport:
    """Consolidate the workbooks ``paths`` into ``output`` as ``unit``; check the result."""
    from workbook_tools.writers.template import TableContent, write_workbook

    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputError("汇总工作簿只能写成 .xlsx 文件", file=output)
    if any(Path(p).resolve() == output.resolve() for p in paths):
        raise InputError("输出文件就是某个单位的工作簿，不能覆盖", file=output)
    result = consolidate_data(read_units(paths), unit)
    data, spec = result.data, result.spec
    content = {
        tid: TableContent(t.rows, [r.text for r in t.remarks]) for tid, t in data.tables.items()
    }
    tables = [t for t in spec.tables if t.id in content]

    def write(tmp: Path) -> None:
        write_workbook(tmp, spec, unit, data.year or 0, content, tables=tables)
        _add_details(tmp, result, read_workbook(tmp))

    atomic_write(output, write, overwrite=overwrite)
    return ConsolidateReport(output, result, check_workbook(read_workbook(output)))


def _add_details(path: Path, result: Consolidated, written: WorkbookData) -> None:
    """The 汇总明细 sheet: every unit's amount in every consolidated cell, with links to the
    consolidated cell and to the unit's cell."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet(DETAIL_SHEET)
    sheet.append(DETAIL_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    link_font = Font(color="0563C1", underline="single")
    for (table, position, column), parts in sorted(
        result.contributions.items(), key=lambda item: _order(result, item[0])
    ):
        out_table = written.tables.get(table)
        consolidated = result.data.tables[table].rows[position]
        row = out_table.rows[position] if out_table and position < len(out_table.rows) else None
        cell = row.cell(column) if row is not None else None
        titles = _column_titles(result, table)
        total = consolidated.values[column].value if column in consolidated.values else None
        for part in parts:
            sheet.append(
                [
                    f"表{result.data.tables[table].number}",
                    f"{row.sheet}!{cell}" if row is not None and cell else "",
                    _label(consolidated),
                    titles.get(column, column),
                    float(total) if total is not None else None,
                    part.unit,
                    f"{part.sheet}!{part.cell}",
                    float(part.value),
                ]
            )
            line = sheet.max_row
            if row is not None and cell:
                target = sheet.cell(line, 2)
                target.hyperlink = Hyperlink(
                    ref=target.coordinate, location=f"'{row.sheet}'!{cell}"
                )
                target.font = link_font
            source = sheet.cell(line, 7)
            source.hyperlink = _external(path.parent, part)
            source.font = link_font
            for col in (5, 8):
                sheet.cell(line, col).number_format = "#,##0.00"
    for col, width in zip("ABCDEFGH", (8, 14, 40, 18, 14, 36, 16, 14), strict=True):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:H{max(sheet.max_row, 2)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    for line in sheet.iter_rows(min_row=2, max_col=3):
        line[2].alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)


def _order(result: Consolidated, key: tuple[str, int, str]) -> tuple[int, int, str]:
    order = {t.id: i for i, t in enumerate(result.spec.tables)}
    return (order[key[0]], key[1], key[2])


def _external(base: Path, part: Contribution) -> str:
    import os

    try:
        where = os.path.relpath(Path(part.file).resolve(), base.resolve())
    except ValueError:
        where = str(Path(part.file).resolve())
    return where.replace("\\", "/") + f"#'{part.sheet}'!{part.cell}"


# -- verify -------------------------------------------------------------------------------
@dataclass
class Difference:
    table: str
    sheet: str
    cell: str
    row: str
    column: str
    received: Decimal | None
    expected: Decimal
    units: list[str] = field(default_factory=list)
    tail: bool = False

    def line(self) -> str:
        got = "空白" if self.received is None else money(self.received)
        kind = "尾差" if self.tail else "不一致"
        where = f"{self.sheet}!{self.cell}" if self.cell else f"{self.table}（汇总表中没有这一行）"
        who = "、".join(self.units) if self.units else "（各单位都没有这个数）"
        return (
            f"【{kind}】{where}「{self.row}」「{self.column}」：汇总表为 {got}，"
            f"各单位之和为 {money(self.expected)}，相差 {money((self.received or 0) - self.expected)}；"
            f"涉及单位：{who}"
        )


def _match_key(row: Row) -> tuple[object, ...]:
    ident = row_id(row)
    if row.kind in BLOCK_KINDS or row.project:
        return (*ident[:4], row.name.strip(), row.project)
    return ident


def _matched(received: Table, expected: Table) -> list[tuple[Row | None, Row | None]]:
    """Rows of the two tables paired by what they are (the n-th of equal ones in order)."""
    seen: Counter[tuple[object, ...]] = Counter()
    got: dict[tuple[object, ...], Row] = {}
    for row in received.rows:
        key = _match_key(row)
        seen[key] += 1
        got[(*key, seen[key])] = row
    pairs: list[tuple[Row | None, Row | None]] = []
    seen.clear()
    for row in expected.rows:
        key = _match_key(row)
        seen[key] += 1
        pairs.append((got.pop((*key, seen[key]), None), row))
    pairs += [(row, None) for row in got.values()]
    return pairs


def verify_files(
    received_path: str | Path, paths: list[str | Path]
) -> tuple[WorkbookData, list[Difference]]:
    """Every cell of the received consolidated workbook that is not the sum of its units."""
    received = read_workbook(received_path)
    units = read_units(paths)
    result = consolidate_data(units, received.unit)
    if received.set_id != result.data.set_id or received.year != result.data.year:
        raise InputError(
            f"汇总工作簿是 {received.set_id}（{received.year} 年），各单位是 "
            f"{result.data.set_id}（{result.data.year} 年），不能核对",
            file=received_path,
        )
    differences = []
    for table_id, expected in result.data.tables.items():
        table = received.tables.get(table_id)
        if table is None:
            continue
        titles = _column_titles(result, table_id)
        positions = {id(r): i for i, r in enumerate(expected.rows)}
        for got, want in _matched(table, expected):
            ref = got or want
            assert ref is not None
            columns = set(got.values if got else ()) | set(want.values if want else ())
            for column in sorted(columns):
                have = got.values[column].value if got and column in got.values else None
                should = want.values[column].value if want and column in want.values else None
                scaled = have * table.scale if have is not None else None
                if (scaled or 0) == (should or 0):
                    continue
                parts = (
                    result.contributions.get((table_id, positions[id(want)], column), [])
                    if want is not None
                    else []
                )
                diff = abs((scaled or 0) - (should or 0))
                differences.append(
                    Difference(
                        f"表{table.number}",
                        got.sheet if got else table.sheet,
                        got.cell(column) or "" if got else "",
                        _label(ref),
                        titles.get(column, column),
                        scaled,
                        should or Decimal(0),
                        [p.unit for p in parts],
                        tail=bool(parts) and diff <= TAIL * len(parts),
                    )
                )
    return received, differences
