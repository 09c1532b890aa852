"""Command line: ``python -m govkit`` (or the ``govkit`` console script).

Subcommands
-----------
notebooks
    Execute every notebook in ``notebooks/`` on a fresh kernel into ``build/``
    (executed .ipynb + HTML); exits non-zero if any notebook fails.
check-data
    Load the data of ``--config my.yml`` exactly as ``run`` would and print
    the data check (roles, kinds, missing values, group sizes, likely
    identifiers): exit 0 when a run would accept it, 2 with the problems.
run
    Run every governance stage headless on the bundled Adult data, or on a
    CSV described by ``--config my.yml``, into an output folder (report.html,
    report.md, the ledger and the anonymized release). The data is checked
    first; results appear only when the whole run succeeds (a failed run
    leaves only ``<out>.failed.log``).
verify
    Verify a ledger's hash chain and name the first bad record.

Exit status: 0 success; 1 the run or the ledger failed verification, or an
unexpected error (details in the run's log); 2 the config, the data or the
command line was refused (the message names the key or column, the value and
the fix).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main"]


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from ._notebooks import execute_notebook, list_notebooks

    source = Path(args.src)
    notebooks = [p for p in list_notebooks(source) if args.only in p.name]
    if not notebooks:
        print(f"govkit notebooks: no notebooks matching {args.only!r} in {source}/", file=sys.stderr)
        return 2
    failed = 0
    total = 0.0
    for path in notebooks:
        print(f"running {path.name} ...", flush=True)
        run = execute_notebook(path, out_dir=args.out, timeout=args.timeout)
        total += run.seconds
        status = "ok" if run.ok else "FAILED"
        print(f"  {status} in {run.seconds:.1f} s -> {run.executed}", flush=True)
        for problem in run.problems:
            print(f"    {problem}", flush=True)
        failed += not run.ok
    out = Path(args.out)
    print(
        f"\n{len(notebooks) - failed}/{len(notebooks)} notebooks ran cleanly in {total:.0f} s.\n"
        f"Executed notebooks: {out / 'notebooks'}/\nHTML copies:        {out / 'html'}/"
    )
    return 1 if failed else 0


def _fail(command: str, error: BaseException) -> int:
    print(f"govkit {command}: {error}", file=sys.stderr)
    return 2


def _cmd_check_data(args: argparse.Namespace) -> int:
    from govkit.datasets import check_data
    from govkit.pipeline import ConfigError, load_config, load_data

    try:
        config = load_config(args.config)
        train, test = load_data(config)
    except (ConfigError, ValueError, TypeError, FileNotFoundError) as error:
        return _fail("check-data", error)
    check = check_data(train, test=test, min_group_size=config.min_group_size)
    print(f"Data: {config.source} ({len(train)} training rows, {len(test)} test rows)\n")
    print(check)
    if check.ok:
        print("\nNo problems: govkit run would accept this data.")
        return 0
    print(f"\n{len(check.problems)} problem(s); govkit run would refuse this data:",
          file=sys.stderr)
    for problem in check.problems:
        print(f"  - {problem}", file=sys.stderr)
    return 2


def _cmd_run(args: argparse.Namespace) -> int:
    from govkit.pipeline import (
        EXAMPLE_CONFIG,
        ConfigError,
        failure_log_path,
        load_config,
        run_pipeline,
    )

    if args.example_config:
        print(EXAMPLE_CONFIG, end="")
        return 0
    try:
        config = load_config(args.config)
    except ConfigError as error:
        return _fail("run", error)
    log = failure_log_path(args.out)
    try:
        result = run_pipeline(config, args.out, force=args.force, progress=not args.quiet)
    except FileExistsError as error:  # refused before any work: nothing was written
        return _fail("run", error)
    except (ValueError, TypeError, FileNotFoundError) as error:
        # The output folder inside the data folder, or the data itself refused (every problem
        # of the data check at once, or a stage's clear message about the data).
        where = f"\n(details: {log})" if log.exists() else ""
        print(f"govkit run: {error}{where}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - a bug: say where the traceback went
        where = (f"\nNo results were written; the traceback is in {log}." if log.exists()
                 else "")
        print(f"govkit run: failed with {type(error).__name__}: {error}{where}", file=sys.stderr)
        return 1
    print(f"\nData: {config.source}")
    for name, seconds in result.seconds.items():
        print(f"  {name:<45} {seconds:7.1f} s")
    status = "verified" if result.verified else "DOES NOT VERIFY"
    print(f"Report:  {result.report_html}\n         {result.report_md}\n"
          f"Ledger:  {result.ledger} ({status})\nRelease: {result.release}")
    return 0 if result.verified else 1


def _cmd_verify(args: argparse.Namespace) -> int:
    from govkit.ledger import verify
    from govkit.workspace import ledger_path

    path = Path(args.ledger) if args.ledger else ledger_path()
    if path.is_dir() and (path / "ledger.jsonl").is_file():  # a run's output folder
        path = path / "ledger.jsonl"
    if not path.is_file():  # also what verify() raises (FileNotFoundError) for a missing path
        return _fail("verify", FileNotFoundError(
            f"{path}: no such ledger file; pass the path of a ledger.jsonl (a run's is in its "
            "--out folder)."))
    try:
        result = verify(path, expected_head=args.expected_head)
    except (FileNotFoundError, IsADirectoryError, PermissionError, ValueError) as error:
        return _fail("verify", error)
    print(f"{path}: {result}")
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govkit", description="govkit: the AI governance workbook, headless.",
        epilog="On your own CSV: 'govkit run --example-config > my.yml', edit it, then "
        "'govkit check-data --config my.yml' and 'govkit run --config my.yml --out results'. "
        "Exit status: 0 ok; 1 a run or ledger failed verification, or an unexpected error; "
        "2 the config, data or arguments were refused (the message says what to fix).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    notebooks = commands.add_parser("notebooks", help="execute every notebook into a build folder")
    notebooks.add_argument("--src", default="notebooks", help="folder of notebooks (default: notebooks)")
    notebooks.add_argument("--out", default="build", help="build folder (default: build)")
    notebooks.add_argument("--only", default="", help="run only notebooks whose name contains this")
    notebooks.add_argument("--timeout", type=int, default=1200, help="seconds allowed per cell")
    notebooks.set_defaults(func=_cmd_notebooks)

    check_data = commands.add_parser(
        "check-data", help="check your CSV as a run would load it, before running anything",
        description="Load the data of --config exactly as 'govkit run' would and print the data "
        "check: column roles and kinds, missing values, group sizes, likely identifiers. Exit "
        "status 0 when a run would accept the data, 2 with every problem listed.",
    )
    check_data.add_argument("--config", required=True, help="YAML config describing your CSV")
    check_data.set_defaults(func=_cmd_check_data)

    run = commands.add_parser(
        "run", help="run every stage on Adult or on your CSV and write the governance report",
        description="Check the data, then run every stage and write the report, the ledger and "
        "the anonymized release into --out, all at once when the run succeeds. A failed run "
        "writes nothing there and leaves only <out>.failed.log beside it; run again after the "
        "fix (no --force needed).",
    )
    run.add_argument("--config", help="YAML config describing your CSV (default: bundled Adult)")
    run.add_argument("--out", default="results", help="output folder, created if missing "
                     "(default: results)")
    run.add_argument("--force", action="store_true", help="replace earlier results in --out")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--example-config", action="store_true",
                     help="print an annotated example config and exit")
    run.set_defaults(func=_cmd_run)

    check = commands.add_parser("verify", help="verify a ledger's hash chain")
    check.add_argument("ledger", nargs="?", help="ledger file, or a run's output folder "
                       "(default: the workbook ledger)")
    check.add_argument("--expected-head", help="a head hash recorded elsewhere")
    check.set_defaults(func=_cmd_verify)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.func(args)
