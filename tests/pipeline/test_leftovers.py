"""A failed run leaves nothing but its log; the rerun after the fix needs no --force.

Small Chinese-named data (tests/pipeline/conftest.py) keeps each run to a few seconds.
"""

from __future__ import annotations

import hashlib

import pytest

import govkit.pipeline._run as pipeline_run
from govkit.cli import main
from govkit.exceptions import DataCheckError
from govkit.pipeline import failure_log_path, load_config, run_pipeline
from govkit.pipeline._run import OUTPUT_FILES

from .conftest import chinese_loans, quick_settings, write_case


@pytest.fixture
def config_path(tmp_path):
    settings = quick_settings()
    settings["data"]["encoding"] = "gb18030"
    return write_case(tmp_path / "data", settings=settings)


def _explode(*args, **kwargs):
    raise RuntimeError("the explanation stage broke")


def _digests(folder):
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in OUTPUT_FILES}


def _siblings(out):
    return sorted(p.name for p in out.parent.iterdir() if p.name != "data")


def test_a_late_failure_leaves_only_its_log_and_the_rerun_needs_no_force(
        config_path, tmp_path, monkeypatch):
    out = tmp_path / "results"
    monkeypatch.setattr(pipeline_run, "_explanations", _explode)  # the fifth of six steps
    with pytest.raises(RuntimeError, match="explanation stage broke"):
        run_pipeline(load_config(config_path), out, progress=False)
    assert not out.exists()  # no ledger.jsonl, no release, no report
    assert _siblings(out) == ["results.failed.log"]  # and no temporary folder
    log = failure_log_path(out).read_text(encoding="utf-8")
    assert "step: explanations: SHAP and LIME" in log and "RuntimeError" in log
    assert "fairness: evaluate and mitigate:" in log  # the steps that did complete

    monkeypatch.undo()  # the cause is fixed: run again, without force
    result = run_pipeline(load_config(config_path), out, progress=False)
    assert result.verified and all((out / name).stat().st_size > 0 for name in OUTPUT_FILES)
    assert _siblings(out) == ["results"]  # the stale failure log is gone


def test_forced_results_are_replaced_only_after_success(config_path, tmp_path, monkeypatch):
    out = tmp_path / "results"
    run_pipeline(load_config(config_path), out, progress=False)
    (out / "notes.txt").write_text("the analyst's own file")
    before = _digests(out)
    monkeypatch.setattr(pipeline_run, "_explanations", _explode)
    with pytest.raises(RuntimeError):
        run_pipeline(load_config(config_path), out, force=True, progress=False)
    assert _digests(out) == before  # the old results survive a failed forced run
    monkeypatch.undo()
    run_pipeline(load_config(config_path), out, force=True, progress=False)
    assert _digests(out)["ledger.jsonl"] != before["ledger.jsonl"]
    assert (out / "notes.txt").read_text() == "the analyst's own file"  # other files stay
    assert _siblings(out) == ["results"]


def test_the_command_line_names_the_log_and_prints_no_traceback(config_path, tmp_path,
                                                                monkeypatch, capsys):
    out = tmp_path / "results"
    monkeypatch.setattr(pipeline_run, "_explanations", _explode)
    assert main(["run", "--config", str(config_path), "--out", str(out), "--quiet"]) == 1
    error = capsys.readouterr().err
    assert "explanation stage broke" in error and str(failure_log_path(out)) in error
    assert "Traceback" not in error and not out.exists()


def test_a_data_problem_is_refused_before_any_work_with_every_problem(tmp_path):
    frame = chinese_loans()
    frame["性别"] = frame["性别"].astype(object)
    frame.loc[:2, "性别"] = None  # a protected attribute with missing values
    settings = quick_settings()
    settings["data"]["encoding"] = "gb18030"
    config = write_case(tmp_path / "data", frame, settings)
    out = tmp_path / "results"
    with pytest.raises(DataCheckError, match="性别"):
        run_pipeline(load_config(config), out, progress=False)
    assert not out.exists()
    log = failure_log_path(out).read_text(encoding="utf-8")
    assert "step: load the data" in log and "anonymize" not in log.split("Traceback")[0]
