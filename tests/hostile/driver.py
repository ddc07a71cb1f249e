"""Run the real CLI on one input, capturing exit code and output (in-process or in a child).

``python -m tests.hostile.driver <case-id> <folder>`` builds the case in ``folder``, runs
every command on it and prints one JSON line per run: what the corpus test checks for the
cases that could crash or hang the interpreter.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

# (label, arguments before/after the workbook)
COMMANDS: list[tuple[str, list[str], list[str]]] = [
    ("check", ["check"], []),
    ("check --mark", ["check"], ["--mark"]),
    ("check --mark --in-place", ["check"], ["--mark", "--in-place"]),
    ("clear", ["clear"], []),
    ("fill", ["fill"], []),
    ("extract", ["extract"], []),
    ("export", ["export"], []),
    ("narrative", ["narrative"], []),
]
READ_COMMANDS = [c for c in COMMANDS if c[0] in ("check", "extract")]


@dataclass
class Run:
    command: str
    code: int
    out: str
    err: str


def run_cli(args: list[str]) -> tuple[int, str, str]:
    from workbook_tools.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exit_:  # argparse
            code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def run_all(path: Path, commands: list[tuple[str, list[str], list[str]]]) -> list[Run]:
    runs = []
    for label, before, after in commands:
        code, out, err = run_cli([*before, str(path), *after])
        runs.append(Run(label, code, out, err))
    return runs


def main() -> None:
    from tests.hostile.corpus import by_id

    case_id, folder, which = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    path = Path(sys.argv[4]) if len(sys.argv) > 4 else by_id(case_id).build(folder)
    commands = COMMANDS if which == "all" else READ_COMMANDS
    print(json.dumps({"path": str(path)}, ensure_ascii=False), flush=True)
    for run in run_all(path, commands):
        print(json.dumps(asdict(run), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
