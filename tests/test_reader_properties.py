"""Properties of the reader: any layout of the same data reads as the same data, and no
workbook makes it fail with anything but a Chinese ``InputError``."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.workbook.workbook import Workbook

from examples.build import load_example
from tests.conftest import EXAMPLES
from tests.test_reader_robustness import _template_data, _template_sheets
from workbook_tools.errors import InputError
from workbook_tools.io.reader import read_workbook
from workbook_tools.report import to_json as report_json
from workbook_tools.report import to_text as report_text
from workbook_tools.rules import check_workbook
from workbook_tools.writers.template import LayoutStyle, write_workbook

EXAMPLE_NAMES = ("changji-2024", "kashgar-2024")
ENGINES = ("calamine", "openpyxl")
PUBLISHED = {f"t{n}" for n in range(1, 12)}  # 表1…表11, never optional
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def _example(name: str) -> tuple[Any, ...]:
    return load_example(name)


# -- any layout ---------------------------------------------------------------------------
# Sheet names Excel accepts: no []:*?/\, not empty, at most 31 characters.
SHEET_CHARS = "表收支出总预算一般公共基金项目明细结转三公经费ABCxyz0123456789 _-()（）"
sheet_names = st.text(alphabet=SHEET_CHARS, min_size=1, max_size=31).map(str.strip).filter(bool)


@st.composite
def layout_styles(draw: st.DrawFn) -> LayoutStyle:
    """Any combination of the layout options; sheets renamed or not (tables sharing a
    template sheet share the new name)."""
    sheets = _template_sheets()
    old = sorted(set(sheets.values()))
    new = draw(
        st.none()
        | st.lists(sheet_names, min_size=len(old), max_size=len(old), unique_by=str.casefold)
    )
    renamed = dict(zip(old, new, strict=True)) if new else {}
    return LayoutStyle(
        sheet_names={tid: renamed[sheet] for tid, sheet in sheets.items()} if renamed else {},
        code_style=draw(st.sampled_from(["split", "joined", "in_name"])),
        star_row=draw(st.booleans()),
        total_first=draw(st.booleans()),
        origin=(draw(st.integers(0, 3)), draw(st.integers(0, 3))),
        split_after=draw(st.none() | st.integers(3, 15)),
        amounts_as_text=draw(st.booleans()),
        code_parts_as_numbers=draw(st.booleans()),
        letter_spaced=draw(st.booleans()),
        title_with_year=draw(st.booleans()),
        shade_derived=draw(st.booleans()),
    )


@SETTINGS
@given(style=layout_styles(), engine=st.sampled_from(ENGINES))
def test_every_layout_reads_like_the_template(style: LayoutStyle, engine: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in EXAMPLE_NAMES:
            spec, unit, year, content = _example(name)
            path = write_workbook(Path(folder) / f"{name}.xlsx", spec, unit, year, content, style)
            data = read_workbook(path, engine=engine)  # type: ignore[arg-type]
            assert data.plain() == _template_data(name), name
            if style.sheet_names:
                assert {tid: t.sheet for tid, t in data.tables.items()} == style.sheet_names


# -- never anything but InputError --------------------------------------------------------
def _spec_texts() -> list[str]:
    """Titles, header labels and line labels of the set: the texts the reader looks for."""
    spec = _example("changji-2024")[0]
    texts = ["※", "栏次", "合计", "总计", "编制部门：某单位", "单位：万元", "单位：元", "表2"]
    for table in spec.tables:
        texts += [table.title, f"2024年{table.title}", f"表{table.number}"]
        texts += [h for column in table.columns for h in [*column.header, *column.aliases]]
        texts += [line.label for line in table.lines]
        texts += [table.remark or "", table.empty_remark or ""]
    texts += [f"{c.code} {c.name}" for c in spec.function_classes]
    return [t for t in texts if t]


SPEC_TEXTS = _spec_texts()
text_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20
) | st.sampled_from(SPEC_TEXTS)
number_values = (
    st.integers(-(10**9), 10**9)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.sampled_from([0, 1, 3, 201, 2010301, 1418.72, -5.5])
)
cell_values = st.one_of(text_values, number_values, st.booleans(), st.just("=A1+1"))
positions = st.tuples(st.integers(1, 25), st.integers(1, 12))
sheets = st.dictionaries(positions, cell_values, max_size=40)


def _fill(sheet: Any, cells: dict[tuple[int, int], object]) -> None:
    for (row, col), value in cells.items():
        sheet.cell(row, col).value = value  # also None: cell(row, col, None) would not clear


def _outcome(path: Path, engine: str) -> dict[str, Any] | str:
    """The JSON data read from ``path``, or the message (without library detail) of the
    ``InputError`` raised; nothing else may be raised."""
    try:
        data = read_workbook(path, engine=engine)  # type: ignore[arg-type]
    except InputError as error:
        assert error.exit_code == 2
        assert f"文件「{path}」" in str(error)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message)
        return str(error).split("（")[0]
    spec = _example("changji-2024")[0]
    assert list(data.tables) == [t.id for t in spec.tables if t.id in data.tables]
    assert set(data.tables) >= PUBLISHED
    for table in data.tables.values():
        for row in table.rows:
            for amount in row.values.values():
                assert (amount.value is None) == (amount.problem is not None)
    # whatever the reader accepts is checked (and reported) without an exception
    result = check_workbook(data)
    assert report_text(result).endswith("条。") and report_json(result)["summary"] == result.summary
    return data.to_json()


def _assert_reads_or_rejects(path: Path) -> None:
    """Both engines read ``path`` alike or reject it alike."""
    assert _outcome(path, "calamine") == _outcome(path, "openpyxl")


@SETTINGS
@given(
    content=st.lists(sheets, min_size=1, max_size=3),
    title=st.none() | st.sampled_from(SPEC_TEXTS[:40]),
    merge=st.none() | st.tuples(st.integers(1, 20), st.integers(1, 8)),
)
def test_small_random_workbook_raises_only_input_error(
    content: list[dict[tuple[int, int], object]],
    title: str | None,
    merge: tuple[int, int] | None,
) -> None:
    book = openpyxl.Workbook()
    for i, cells in enumerate(content):
        sheet = book.active if i == 0 else book.create_sheet(f"Sheet{i + 1}")
        _fill(sheet, cells)
        if title is not None:
            sheet.cell(1 + 3 * i, 1, title)
        if merge is not None:
            row, col = merge
            sheet.merge_cells(start_row=row, start_column=col, end_row=row + 2, end_column=col + 3)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "随机.xlsx"
        book.save(path)
        _assert_reads_or_rejects(path)


@SETTINGS
@example(table=10, cells={(15, 3): 1e26})  # an amount beyond 28 digits in cents
@example(table=2, cells={(10, 5): "#DIV/0!", (11, 5): "=E10*2", (12, 1): "表3"})
@given(
    table=st.integers(1, 11),
    cells=st.dictionaries(positions, cell_values | st.none(), min_size=1, max_size=12),
)
def test_damaged_example_raises_only_input_error(
    table: int, cells: dict[tuple[int, int], object]
) -> None:
    """The changji workbook with random cells of one table overwritten or cleared."""
    book = _changji_book()
    sheet = book[f"表{table}"]
    merged = {
        (r, c)
        for rng in sheet.merged_cells.ranges
        for r in range(rng.min_row, rng.max_row + 1)
        for c in range(rng.min_col, rng.max_col + 1)
        if (r, c) != (rng.min_row, rng.min_col)
    }
    cells = {pos: value for pos, value in cells.items() if pos not in merged}
    original = {pos: sheet.cell(*pos).value for pos in cells}
    _fill(sheet, cells)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "改坏.xlsx"
            book.save(path)
            _assert_reads_or_rejects(path)
    finally:
        _fill(sheet, original)  # the book is shared by all examples


@cache
def _changji_book() -> Workbook:
    return openpyxl.load_workbook(EXAMPLES / "changji-2024.xlsx")
