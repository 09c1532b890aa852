"""The command line: python -m govkit."""

from __future__ import annotations

import subprocess
import sys

from govkit.cli import main
from govkit.ledger import Ledger


def test_verify_reports_and_sets_the_exit_status(tmp_path, capsys):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.append("datasets", "load", metrics={"rows": 1})
    ledger.append("datasets", "load", metrics={"rows": 2})
    assert main(["verify", str(ledger.path)]) == 0
    assert "ledger verifies: 2 records" in capsys.readouterr().out
    ledger.path.write_bytes(ledger.path.read_bytes().replace(b'"rows":2', b'"rows":3'))
    assert main(["verify", str(ledger.path)]) == 1
    assert "record 2" in capsys.readouterr().out


def test_notebooks_command_refuses_an_empty_selection(tmp_path, capsys):
    assert main(["notebooks", "--src", str(tmp_path), "--out", str(tmp_path / "build")]) == 2
    assert "no notebooks matching" in capsys.readouterr().err


def test_module_entry_point_prints_help():
    result = subprocess.run([sys.executable, "-m", "govkit", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "notebooks" in result.stdout


def test_verify_of_a_missing_ledger_exits_2_and_says_so(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "nowhere.jsonl")]) == 2
    captured = capsys.readouterr()
    assert "no such ledger file" in captured.err and "verifies" not in captured.out


def test_help_documents_check_data():
    result = subprocess.run([sys.executable, "-m", "govkit", "check-data", "--help"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert "exactly as 'govkit run' would" in " ".join(result.stdout.split())
    top = subprocess.run([sys.executable, "-m", "govkit", "--help"], capture_output=True, text=True)
    assert "check-data" in top.stdout


def _chinese_case(folder, change=None):
    from tests.pipeline.conftest import chinese_loans, quick_settings, write_case

    frame = chinese_loans()
    if change is not None:
        change(frame)
    settings = quick_settings()
    settings["data"]["encoding"] = "gb18030"
    return write_case(folder, frame, settings)


def test_check_data_prints_the_table_and_exits_0_when_a_run_would_accept_the_data(tmp_path, capsys):
    config = _chinese_case(tmp_path)
    assert main(["check-data", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "年龄" in out and "性别" in out and "govkit run would accept" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yml", "loans.csv"]  # nothing written


def test_check_data_lists_every_problem_and_exits_2(tmp_path, capsys):
    def problems(frame):
        frame["性别"] = frame["性别"].astype(object)
        frame.loc[:3, "性别"] = None  # missing protected values (formerly a fairness-stage error)

    config = _chinese_case(tmp_path, problems)
    assert main(["check-data", "--config", str(config)]) == 2
    captured = capsys.readouterr()
    assert "problem(s); govkit run would refuse" in captured.err
    assert captured.err.count("missing value(s) in a protected column") == 2  # train and test
    assert "Traceback" not in captured.err + captured.out


def test_verify_accepts_a_runs_output_folder(tmp_path, capsys):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.append("datasets", "load", metrics={"rows": 1})
    assert main(["verify", str(tmp_path)]) == 0
    assert "ledger verifies: 1 records" in capsys.readouterr().out
