"""The ``wbt`` command line: a thin layer over the library calls.

Every message is Chinese; errors name the file, sheet and cell and exit with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from workbook_tools.errors import WbtError

# argparse's own messages (usage, errors) in Chinese: argparse looks each one up through its
# module-level gettext function ``_`` when it prints, so a lookup table replaces it.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个参数值",
    "ambiguous option: %(option)s could match %(matches)s": "参数 %(option)s 不明确，可能是：%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
}


def _chinese(message: str) -> str:
    return _ARGPARSE_ZH.get(message, message)


argparse._ = _chinese  # type: ignore[attr-defined]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wbt",
        description="部门预算、决算公开表工具：生成模板、读取、校验、标注、导出、生成说明。",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    template = sub.add_parser("template", help="生成空白模板工作簿")
    template.add_argument(
        "--set",
        help="表套，如 budget-2024、budget-2025（默认按 --year 选用不晚于该年度的最近表套）",
    )
    template.add_argument("--unit", required=True, help="编制部门（单位名称）")
    template.add_argument("--year", type=int, required=True, help="预算年度，如 2025")
    template.add_argument("-o", "--output", required=True, help="输出文件（.xlsx）")
    template.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")

    extract = sub.add_parser("extract", help="读取已填写的工作簿，输出 JSON 数据")
    extract.add_argument("workbook", help="已填写的工作簿（.xlsx/.xlsm）")
    extract.add_argument("-o", "--output", help="输出 JSON 文件；省略则输出到屏幕")
    extract.add_argument("--set", dest="set_id", help="指定表套（默认按表名和年度自动识别）")
    extract.add_argument("--engine", choices=["calamine", "openpyxl"], default="calamine")
    extract.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")

    check = sub.add_parser("check", help="校验工作簿：重算合计与表间勾稽关系（可批量）")
    check.add_argument(
        "workbooks",
        nargs="+",
        metavar="workbook",
        help="已填写的工作簿（.xlsx/.xlsm）；多个文件或文件夹时批量校验",
    )
    check.add_argument("--format", choices=["text", "json"], default="text", help="报告格式")
    check.add_argument("--strict", action="store_true", help="警告也视为不通过（退出码 1）")
    check.add_argument("--set", dest="set_id", help="指定表套（默认自动识别）")
    check.add_argument("--engine", choices=["calamine", "openpyxl"], default="calamine")
    check.add_argument("--mark", action="store_true", help="在工作簿中标注问题单元格（另存副本）")
    _write_options(check, "标注")
    check.add_argument(
        "--mark-dir", metavar="文件夹", help="批量校验：把每个文件的标注副本写到该文件夹"
    )
    check.add_argument(
        "--roster", metavar="单位名单", help="批量校验：单位名单（.xlsx 或每行一个单位的 .txt）"
    )
    check.add_argument(
        "--jobs", type=int, metavar="N", help="批量校验：同时校验的进程数（默认：CPU 核数）"
    )

    clear = sub.add_parser("clear", help="清除校验标注，恢复原有底色、字体和批注")
    clear.add_argument("workbook", help="已标注的工作簿")
    _write_options(clear, "清除标注")

    fill = sub.add_parser("fill", help="填充合计：把重算的合计、小计填入空白的计算单元格")
    fill.add_argument("workbook", help="已填写明细的工作簿")
    fill.add_argument("--overwrite", action="store_true", help="计算单元格已有不同数值时也替换")
    fill.add_argument("--set", dest="set_id", help="指定表套（默认自动识别）")
    _write_options(fill, "填充")

    export = sub.add_parser("export", help="导出可公开的公开表（仅数值，官方格式）")
    export.add_argument("workbook", help="已填写并校验通过的工作簿")
    export.add_argument(
        "-o",
        "--output",
        help="输出文件（默认：<年度>年<单位>部门预算公开表.xlsx，决算为部门决算公开表）",
    )
    export.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 生成 PDF")
    export.add_argument("--force", action="store_true", help="校验有错误时仍然导出")
    export.add_argument("--overwrite", action="store_true", help="输出文件已存在时覆盖")
    export.add_argument("--set", dest="set_id", help="指定表套（默认自动识别）")

    addin = sub.add_parser("addin", help="Excel 加载项「预算公开」：生成 .xlam 或设置所用 Python")
    addin.add_argument(
        "action",
        choices=["build", "config"],
        help="build：生成 macros/workbook_tools.xlam；config：让加载项使用当前的 Python",
    )
    addin.add_argument(
        "-o", "--output", help="build 输出的 .xlam（默认 macros/workbook_tools.xlam）"
    )
    addin.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")

    narrative = sub.add_parser(
        "narrative", help="生成情况说明（第三部分）草稿，或用 --check 核对已写好的情况说明"
    )
    narrative.add_argument("workbook", help="已填写的工作簿（含「上年数及说明」表）")
    narrative.add_argument("-o", "--output", help="草稿输出文件（.docx 或 .md）")
    narrative.add_argument("--check", metavar="情况说明", help="要核对的情况说明（.docx/.txt/.md）")
    narrative.add_argument(
        "--format",
        choices=["docx", "md", "text", "json"],
        help="草稿：docx|md；核对报告：text|json",
    )
    narrative.add_argument("--strict", action="store_true", help="核对时警告也视为不通过")
    narrative.add_argument(
        "--forms", action="store_true", help="草稿末尾附上工作簿中的绩效目标表（每个项目一页）"
    )
    narrative.add_argument("--set", dest="set_id", help="指定表套（默认自动识别）")

    consolidate = sub.add_parser(
        "consolidate", help="汇总：把各单位的工作簿逐格相加成部门汇总表，或用 --verify 核对汇总表"
    )
    consolidate.add_argument("units", nargs="+", metavar="单位工作簿", help="各单位的工作簿")
    consolidate.add_argument("-o", "--output", help="汇总工作簿（.xlsx）")
    consolidate.add_argument("--unit", help="汇总表的编制部门，如「某某局（汇总）」")
    consolidate.add_argument(
        "--verify", metavar="汇总工作簿", help="核对收到的汇总工作簿是否等于各单位之和"
    )
    consolidate.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")

    sub.add_parser("rules", help="输出校验规则目录（Markdown）")
    sub.add_parser("sets", help="列出可用的表套")
    return parser


def _write_options(parser: argparse.ArgumentParser, action: str) -> None:
    parser.add_argument("-o", "--output", help=f"{action}后另存的文件（默认在原文件旁另存）")
    parser.add_argument(
        "--in-place", action="store_true", help=f"直接在原文件上{action}（保留一份 .bak 备份）"
    )
    parser.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")


def _report_write(action: str, report: object) -> None:
    from workbook_tools.writers.fill import FillReport
    from workbook_tools.writers.marks.files import WriteReport

    assert isinstance(report, WriteReport | FillReport)
    where = "原文件（备份为 .bak）" if report.in_place else f"{report.path}"
    print(f"{action}，写入：{where}", file=sys.stderr)
    if report.lost:
        print(
            "注意：原文件含有本工具无法完整保留的内容（" + "、".join(report.lost) + "），"
            "已另存副本，原文件未改动；副本中这些内容可能缺失或变形。",
            file=sys.stderr,
        )


def _cmd_template(args: argparse.Namespace) -> int:
    from workbook_tools.spec import load_spec
    from workbook_tools.writers.atomic import atomic_write
    from workbook_tools.writers.template import write_workbook

    spec = load_spec(args.set) if args.set else load_spec(_set_for_year(args.year))
    if args.set and spec.year != args.year:
        from workbook_tools.errors import InputError

        raise InputError(
            f"表套「{spec.id}」是 {spec.year} 年口径，与 --year {args.year} 不一致；"
            f"请去掉 --set 由工具按年度选用表套，或改用 --year {spec.year}"
        )
    output = Path(args.output)
    atomic_write(
        output,
        lambda tmp: write_workbook(tmp, spec, args.unit, args.year),
        overwrite=args.force,
    )
    print(f"已生成模板：{output}（表套 {spec.id}，{len(spec.tables)} 张表）")
    return 0


def _set_for_year(year: int) -> str:
    """The bundled budget set of ``year``: the closest one whose year is not later."""
    from workbook_tools.errors import InputError
    from workbook_tools.spec import available_sets, load_spec

    candidates = []
    for set_id in available_sets():
        spec = load_spec(set_id)
        if spec.kind == "budget" and spec.year <= year:
            candidates.append((spec.year, set_id == f"budget-{spec.year}", set_id))
    if not candidates:
        raise InputError(f"没有 {year} 年或更早年度的预算表套；可用 wbt sets 查看可用的表套")
    return max(candidates)[2]


def _refuse_input_as_output(source: str, output: str | None) -> None:
    """``-o`` naming the input itself (also via a symlink, hard link or relative path)."""
    import os

    from workbook_tools.errors import OutputError

    if output is None:
        return
    try:
        same = os.path.samefile(source, output)
    except OSError:
        same = os.path.abspath(source) == os.path.abspath(output)
    if same:
        raise OutputError(
            "输出文件就是输入文件本身（可能经由快捷方式或硬链接），不能覆盖输入的工作簿；"
            "请用 -o 指定另一个文件",
            file=output,
        )


def _cmd_extract(args: argparse.Namespace) -> int:
    from workbook_tools.io.reader import read_workbook
    from workbook_tools.writers.atomic import atomic_write

    _refuse_input_as_output(args.workbook, args.output)
    data = read_workbook(args.workbook, set_id=args.set_id, engine=args.engine)
    text = json.dumps(data.to_json(), ensure_ascii=False, indent=2)
    if args.output is None:
        sys.stdout.write(text + "\n")
        return 0
    atomic_write(
        args.output,
        lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"),
        overwrite=args.force,
    )
    print(f"已读取 {len(data.tables)} 张表，数据写入：{args.output}")
    return 0


def _is_batch(args: argparse.Namespace) -> bool:
    """Several workbooks, a folder, a batch option, or ``-o`` without ``--mark`` (the
    summary workbook)."""
    from workbook_tools.batch.collect import is_folder

    return (
        len(args.workbooks) > 1
        or any(is_folder(p) for p in args.workbooks)
        or any(v is not None for v in (args.mark_dir, args.roster, args.jobs))
        or (args.output is not None and not args.mark)
    )


def _cmd_check(args: argparse.Namespace) -> int:
    if _is_batch(args):
        return _cmd_batch(args)
    args.workbook = args.workbooks[0]
    return _check_one(args)


def _has_rich() -> bool:
    import importlib.util

    return importlib.util.find_spec("rich") is not None


def _cmd_batch(args: argparse.Namespace) -> int:
    from workbook_tools.batch import check_files
    from workbook_tools.batch.report import RichProgress, plain_progress, to_json, to_text
    from workbook_tools.batch.summary import write_summary
    from workbook_tools.errors import InputError
    from workbook_tools.writers.atomic import atomic_write

    if args.mark or args.in_place:
        raise InputError(
            "批量校验时请用 --mark-dir <文件夹> 写标注副本（--mark、--in-place 只用于单个文件）",
            file="、".join(args.workbooks),
        )
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs 至少为 1")
    output = Path(args.output) if args.output else None
    if output is not None and output.suffix.lower() != ".xlsx":
        raise InputError("汇总校验结果只能写成 .xlsx 文件", file=output)
    skip = {output} if output is not None else set()
    kwargs = {"mark_dir": args.mark_dir, "roster": args.roster, "skip": skip}
    if sys.stderr.isatty() and _has_rich():
        with RichProgress() as progress:
            result = check_files(args.workbooks, args.jobs, progress=progress, **kwargs)
    else:
        result = check_files(args.workbooks, args.jobs, progress=plain_progress(), **kwargs)
    if not result.outcomes:
        raise InputError(
            "没有找到任何工作簿（文件夹中没有 .xlsx/.xlsm/.xls/.et/.xlsb/.ods 文件）",
            file="、".join(args.workbooks),
        )
    if output is not None:
        atomic_write(
            output, lambda tmp: write_summary(result, tmp, output.parent), overwrite=args.force
        )
        result.notes.append(f"汇总校验结果已写入：{output}")
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(to_text(result) + "\n")
    return result.strict_exit_code() if args.strict else result.exit_code


def _check_one(args: argparse.Namespace) -> int:
    from workbook_tools.explain import read_with_explanations
    from workbook_tools.report import to_json, to_text
    from workbook_tools.rules import check_workbook

    if not args.mark and (args.output or args.in_place):
        from workbook_tools.errors import InputError

        raise InputError("-o 和 --in-place 需与 --mark 一起使用", file=args.workbook)
    data, explanations = read_with_explanations(
        args.workbook, set_id=args.set_id, engine=args.engine
    )
    result = check_workbook(data)
    result.explanations = explanations
    if args.mark:
        from workbook_tools.writers.marks.files import mark_file

        _, summary, report = mark_file(
            args.workbook,
            output=args.output,
            in_place=args.in_place,
            force=args.force,
            result=result,
        )
        _report_write(f"已标注 {summary.marked_cells} 个单元格", report)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(to_text(result) + "\n")
    return result.exit_code(strict=args.strict)


def _cmd_clear(args: argparse.Namespace) -> int:
    from workbook_tools.writers.marks.files import clear_file

    restored, report = clear_file(
        args.workbook, output=args.output, in_place=args.in_place, force=args.force
    )
    if restored == 0 and not report.notes:
        print("该工作簿没有本工具的校验标注。", file=sys.stderr)
    for note in report.notes:
        print(f"注意：{note}", file=sys.stderr)
    _report_write(f"已清除 {restored} 个单元格的标注", report)
    return 0


def _cmd_fill(args: argparse.Namespace) -> int:
    from workbook_tools.writers.fill import fill_file

    report = fill_file(
        args.workbook,
        output=args.output,
        in_place=args.in_place,
        overwrite=args.overwrite,
        force=args.force,
        set_id=args.set_id,
    )
    for change in report.changes:
        print(change.describe())
    kept = sum(1 for c in report.changes if c.kind in ("conflict", "blocked"))
    if report.path is None:
        why = f"；{kept} 个单元格未改动，见上" if kept else ""
        print(f"没有需要填充的单元格，未写入任何文件{why}。", file=sys.stderr)
        return 0
    _report_write(f"已填充 {len(report.written)} 个单元格，{kept} 个单元格未改动（见上）", report)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from workbook_tools.writers.export import export_file
    from workbook_tools.writers.export.publish import blocking_errors

    _refuse_input_as_output(args.workbook, args.output)
    report = export_file(
        args.workbook,
        output=args.output,
        force=args.force,
        overwrite=args.overwrite,
        pdf=args.pdf,
        set_id=args.set_id,
    )
    if report.forced:
        errors = blocking_errors(report.result)
        print(f"注意：校验发现 {len(errors)} 处错误，已按 --force 强制导出：", file=sys.stderr)
        for line in errors:
            print("  " + line, file=sys.stderr)
    for text in report.generated_remarks:
        print(f"已补充空表说明：{text}")
    print(f"已导出：{report.path}")
    if report.pdf is not None:
        print(f"已生成 PDF：{report.pdf}")
    return 0


def _cmd_addin(args: argparse.Namespace) -> int:
    from workbook_tools.addin.build import run_command

    return run_command(args.action, output=args.output, force=args.force)


def _cmd_narrative(args: argparse.Namespace) -> int:
    from workbook_tools.io.reader import read_workbook

    data = read_workbook(args.workbook, set_id=args.set_id)
    if args.check:
        return _narrative_check(args, data)
    from workbook_tools.narrative import write_draft
    from workbook_tools.narrative.draft import build_draft
    from workbook_tools.narrative.figures import compute_figures

    fmt = args.format or ("md" if args.output and args.output.endswith(".md") else "docx")
    if fmt not in ("docx", "md"):
        from workbook_tools.errors import InputError

        raise InputError("生成草稿时 --format 只能是 docx 或 md", file=args.workbook)
    output = Path(args.output or Path(args.workbook).with_name(f"{data.year}年情况说明.{fmt}"))
    write_draft(data, output, fmt, forms=args.forms)
    _, notices = build_draft(compute_figures(data))
    for notice in notices:
        print(f"提示：{notice.message()}", file=sys.stderr)
    print(f"已生成情况说明草稿：{output}（黄色底纹的【请填写】处需要补充）")
    return 0


def _narrative_check(args: argparse.Namespace, data: object) -> int:
    from workbook_tools.io.model import WorkbookData
    from workbook_tools.narrative.figures import compute_figures
    from workbook_tools.narrative.report import to_json, to_text
    from workbook_tools.narrative.textcheck import check_text, read_text

    assert isinstance(data, WorkbookData)
    text = read_text(Path(args.check))
    result = check_text(text, compute_figures(data))
    if args.format == "json":
        report = to_json(result, data, args.check)
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(to_text(result, data, args.check) + "\n")
    failing = ("error", "warning") if args.strict else ("error",)
    return 1 if any(f.severity in failing for f in result.findings) else 0


def _cmd_consolidate(args: argparse.Namespace) -> int:
    from workbook_tools.consolidate import consolidate_files, verify_files
    from workbook_tools.errors import InputError

    args.workbook = args.verify or args.units[0]
    if args.verify:
        if args.output or args.unit:
            raise InputError("--verify 只核对，不写文件；请去掉 -o 和 --unit")
        received, differences = verify_files(args.verify, args.units)
        tails = [d for d in differences if d.tail]
        wrong = [d for d in differences if not d.tail]
        print(f"核对汇总工作簿：{args.verify}（{received.unit}，{len(args.units)} 个单位）")
        for difference in wrong + tails:
            print("  " + difference.line())
        if not wrong:
            print(
                "汇总表的每个数都等于各单位之和"
                + (f"（另有尾差 {len(tails)} 处）。" if tails else "。")
            )
        else:
            print(f"共 {len(wrong)} 处不一致，尾差 {len(tails)} 处。")
        return 1 if wrong else 0
    if not args.output or not args.unit:
        raise InputError('汇总需要 -o <汇总.xlsx> 和 --unit "<部门>（汇总）"')
    report = consolidate_files(args.units, args.output, args.unit, overwrite=args.force)
    units = report.result.units
    print(
        f"已汇总 {len(units)} 个单位（{report.result.spec.name}，{report.result.data.year} 年）："
        + "、".join(u.unit for u in units)
    )
    if report.result.skipped:
        print("未汇总（文字表，由各单位分别公开）：" + "、".join(report.result.skipped))
    counts = report.check.summary
    tails = report.tails
    print(
        f"校验汇总结果：错误 {counts['error']} 条，警告 {counts['warning']} 条，"
        f"提示 {counts['hint']} 条"
        + (f"；其中 {len(tails)} 处是万元四舍五入累积的尾差，不是错误" if tails else "")
    )
    for line in report.errors:
        print("  【错误】" + line)
    print(f"已写入：{report.path}（「汇总明细」表列出每个数由哪些单位的哪一格相加而来）")
    return 1 if report.errors else 0


def _cmd_rules(args: argparse.Namespace) -> int:
    from workbook_tools.rules.catalogue import render_markdown

    sys.stdout.write(render_markdown())
    return 0


def _cmd_sets(args: argparse.Namespace) -> int:
    from workbook_tools.spec.loader import set_names

    for set_id, name in set_names():
        print(f"{set_id}\t{name}")
    return 0


def _tell_skipped_specs() -> None:
    """Spec files that did not load were skipped; the user (or their IT) should know."""
    from workbook_tools.spec.loader import SKIPPED

    for set_id, error in sorted(SKIPPED.items()):
        print(f"注意：表套「{set_id}」的定义文件有误，已跳过：{error}", file=sys.stderr)


COMMANDS = {
    "template": _cmd_template,
    "extract": _cmd_extract,
    "check": _cmd_check,
    "clear": _cmd_clear,
    "fill": _cmd_fill,
    "export": _cmd_export,
    "narrative": _cmd_narrative,
    "consolidate": _cmd_consolidate,
    "addin": _cmd_addin,
    "rules": _cmd_rules,
    "sets": _cmd_sets,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except WbtError as error:
        print(f"错误：{error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except Exception:  # last resort: a bug, never a traceback on the user's screen
        return _internal_error(args)


def _internal_error(args: argparse.Namespace) -> int:
    """Write the traceback to a log file in the temp folder and say where, in Chinese."""
    import tempfile
    import traceback
    from datetime import datetime

    workbook = getattr(args, "workbook", None) or getattr(args, "output", None)
    if workbook is None and getattr(args, "workbooks", None):
        workbook = "、".join(args.workbooks[:3])
    where = f"处理文件「{workbook}」时" if workbook else "运行时"
    try:
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            prefix=f"wbt-错误-{datetime.now():%Y%m%d-%H%M%S}-",
            suffix=".log",
            delete=False,
        ) as handle:
            handle.write(f"wbt {args.command} {workbook or ''}\n")
            traceback.print_exc(file=handle)
        log = f"详细信息已写入日志文件：{handle.name}，请把它发给维护人员"
    except OSError:
        log = "（无法写入日志文件）"
    print(
        f"错误：程序内部错误，{where}出现了意外的问题，未完成本次操作。{log}。",
        file=sys.stderr,
    )
    return 3
