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
