"""Command line: ``python -m govkit`` (or the ``govkit`` console script).

Subcommands
-----------
notebooks
    Execute every notebook in ``notebooks/`` on a fresh kernel into ``build/``
    (executed .ipynb + HTML); exits non-zero if any notebook fails.
run
    Run every governance stage headless on the bundled Adult data, or on a
    CSV described by ``--config my.yml``, into an output folder (report.html,
    report.md, the ledger and the anonymized release).
verify
    Verify a ledger's hash chain and name the first bad record.
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


def _cmd_run(args: argparse.Namespace) -> int:
    from govkit.pipeline import EXAMPLE_CONFIG, ConfigError, load_config, run_pipeline

    if args.example_config:
        print(EXAMPLE_CONFIG, end="")
        return 0
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"govkit run: {error}", file=sys.stderr)
        return 2
    try:
        result = run_pipeline(config, args.out, force=args.force, progress=not args.quiet)
    except (FileExistsError, ValueError) as error:
        # Refusals before any work (existing results, output inside the data folder) and
        # clear errors from the stages about the data itself.
        print(f"govkit run: {error}", file=sys.stderr)
        return 2
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
    result = verify(path, expected_head=args.expected_head)
    print(f"{path}: {result}")
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govkit", description="govkit: the AI governance workbook, headless."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    notebooks = commands.add_parser("notebooks", help="execute every notebook into a build folder")
    notebooks.add_argument("--src", default="notebooks", help="folder of notebooks (default: notebooks)")
    notebooks.add_argument("--out", default="build", help="build folder (default: build)")
    notebooks.add_argument("--only", default="", help="run only notebooks whose name contains this")
    notebooks.add_argument("--timeout", type=int, default=1200, help="seconds allowed per cell")
    notebooks.set_defaults(func=_cmd_notebooks)

    run = commands.add_parser(
        "run", help="run every stage on Adult or on your CSV and write the governance report"
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
    check.add_argument("ledger", nargs="?", help="ledger file (default: the workbook ledger)")
    check.add_argument("--expected-head", help="a head hash recorded elsewhere")
    check.set_defaults(func=_cmd_verify)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.func(args)
