"""Property tests: whatever the data the reader accepts, the checks run without an exception."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from workbook_tools.io.model import Amount, Row
from workbook_tools.io.reader import read_workbook
from workbook_tools.report import to_json, to_text
from workbook_tools.rules import check_workbook
from workbook_tools.spec import load_spec

BASE = {name: read_workbook(EXAMPLES / name) for name in ("changji-2024.xlsx", "kashgar-2024.xlsx")}

amounts = st.one_of(
    st.none(),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    st.sampled_from([Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal("1e7")]),
)
kinds = st.sampled_from(["total", "lei", "kuan", "xiang", "project", "unit", "line", "unknown"])
codes = st.one_of(st.none(), st.from_regex(r"\A(2\d\d|30[1-3])(\d\d(\d\d)?)?\Z"))


@st.composite
def edits(draw: st.DrawFn) -> list[tuple]:
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(["amount", "problem", "kind", "code", "drop", "add"]),
                st.integers(0, 10_000),
                amounts,
                kinds,
                codes,
            ),
            max_size=25,
        )
    )


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(BASE)), changes=edits())
def test_any_edit_is_checked_without_exception(name: str, changes: list[tuple]) -> None:
    data = read_workbook(EXAMPLES / name)
    spec = load_spec(data.set_id)
    tables = list(data.tables.values())
    for action, index, amount, kind, code in changes:
        table = tables[index % len(tables)]
        if action == "add" or not table.rows:
            row = Row(kind, "新增行", code, sheet=table.sheet, sheet_row=100 + index % 50)
            columns = spec.table(table.id).amount_columns  # a form's grid may have just one
            key = columns[(index % 3 - 1) % len(columns)].key
            row.values[key] = Amount(amount, f"E{100 + index % 50}")
            table.rows.append(row)
            continue
        row = table.rows[index % len(table.rows)]
        keys = [c.key for c in spec.table(table.id).amount_columns]
        key = keys[index % len(keys)]
        if action == "amount":
            row.values[key] = Amount(amount, row.cell(key) or "Z99")
        elif action == "problem":
            row.values[key] = Amount(
                None, row.cell(key) or "Z99", text="约", problem="not_a_number"
            )
        elif action == "kind":
            row.kind = kind
        elif action == "code":
            row.code = code
        else:
            table.rows.remove(row)
    result = check_workbook(data)
    for finding in result.findings:
        assert finding.severity in ("error", "warning", "hint")
        assert finding.message
    to_text(result)
    to_json(result)
