"""Which ledger notebook 05 reviews: the workbook's, or a headless pipeline run's."""

from __future__ import annotations

import warnings
from pathlib import Path

import govkit.pipeline._review as review_module
from govkit.exceptions import GovkitWarning
from govkit.ledger import Ledger
from govkit.pipeline import ledger_to_review


def test_a_workbook_ledger_with_a_governance_step_is_reviewed(ledger, tmp_path):
    ledger.append("datasets", "load")
    ledger.append("privacy", "dp_count")
    review = ledger_to_review(ledger, pipeline_dir=tmp_path / "pipeline")
    assert review.source == "workbook" and review.ledger is ledger and not review.ran_pipeline
    assert "stages privacy" in review.message and str(ledger.path) in str(review)
    assert not (tmp_path / "pipeline").exists()


def test_an_earlier_finished_pipeline_run_is_reused(ledger, tmp_path):
    ledger.append("datasets", "load")  # data loads alone are not worth reviewing
    folder = tmp_path / "pipeline"
    earlier = Ledger(folder / "ledger.jsonl")
    earlier.append("anonymization", "anonymize")
    (folder / "report.html").write_text("<html></html>")
    review = ledger_to_review(ledger, pipeline_dir=folder)
    assert review.source == "pipeline" and review.ledger.path == earlier.path
    assert not review.ran_pipeline
    assert "records no governance step yet (1 records)" in review.message
    assert "earlier headless pipeline run" in review.message


def test_otherwise_the_pipeline_runs_and_its_warnings_are_summarised(ledger, tmp_path, monkeypatch,
                                                                    capsys):
    calls = []

    def fake_run(config, out_dir, *, force, progress):
        calls.append((config.is_adult, Path(out_dir), force, progress))
        run = Ledger(Path(out_dir) / "ledger.jsonl")
        run.append("fairness", "group_report")
        warnings.warn("a tiny group", GovkitWarning, stacklevel=2)
        warnings.warn("a tiny group", GovkitWarning, stacklevel=2)
        return type("Result", (), {"ledger": run.path})()

    monkeypatch.setattr(review_module, "run_pipeline", fake_run)
    folder = tmp_path / "pipeline"
    Ledger(folder / "ledger.jsonl").append("explain", "shap")  # unfinished: no report.html
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may escape to the notebook's stderr
        review = ledger_to_review(ledger, pipeline_dir=folder, verbose=True)
    assert calls == [(True, folder, True, False)]
    assert "Running the headless pipeline" in capsys.readouterr().out
    assert review.ran_pipeline and review.source == "pipeline"
    assert review.warnings == ("GovkitWarning: a tiny group",)
    assert "It raised 1 govkit warning(s)" in review.message
    assert "other warning" not in review.message
    assert "<p>" in review._repr_html_()


def test_rerun_ignores_an_earlier_run(ledger, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "pipeline"
    Ledger(folder / "ledger.jsonl").append("anonymization", "anonymize")
    (folder / "report.html").write_text("")
    ran = []
    monkeypatch.setattr(review_module, "run_pipeline",
                        lambda config, out_dir, **kw: ran.append(1) or type(
                            "R", (), {"ledger": Path(out_dir) / "ledger.jsonl"})())
    ledger_to_review(ledger, pipeline_dir=folder, rerun=True)
    assert ran == [1]
    assert capsys.readouterr().out == ""  # quiet unless asked


def test_a_damaged_workbook_ledger_is_still_reviewed(ledger, tmp_path):
    ledger.append("datasets", "load")
    with ledger.path.open("a") as handle:
        handle.write("{not json}\n")
    assert ledger_to_review(ledger, pipeline_dir=tmp_path / "p").source == "workbook"


def test_report_no_longer_offers_ledger_to_review():
    # it runs the pipeline, which renders the report: kept in govkit.report it was an import cycle
    import govkit.report

    for name in ("ledger_to_review", "LedgerToReview", "GOVERNANCE_STAGES", "report_preview"):
        assert (name == "report_preview") is hasattr(govkit.report, name)
