"""The headless pipeline on a dataset it was not written for: the shipped synthetic credit CSV.

The pipeline runs once (module fixture, about half a minute) and every test
reads what it wrote: the release, the ledger and the report.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from govkit.anonymization import assess
from govkit.cli import main
from govkit.datasets import make_credit
from govkit.exceptions import DataQualityWarning, GovkitWarning, PrivacyLeakWarning
from govkit.ledger import verify
from govkit.models import feature_groups, fit_model
from govkit.pipeline import load_config, load_data, run_pipeline
from govkit.pipeline._run import OUTPUT_FILES
from govkit.report import build_report

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "credit"
QIS = ["age", "sex", "nationality", "marital_status", "postcode"]

pytestmark = pytest.mark.integration


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    before = _sha256(EXAMPLE / "credit.csv")
    out = tmp_path_factory.mktemp("credit") / "results"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_pipeline(load_config(EXAMPLE / "config.yml"), out, progress=False)
    raised = {(w.category.__name__, str(w.message)[:60]) for w in caught}
    # The config's bounds are public: nothing may warn of a privacy leak. The one expected
    # warning is about the 3% of employment_years left empty in the CSV.
    assert not any(issubclass(w.category, PrivacyLeakWarning) for w in caught), raised
    ours = [w for w in caught if issubclass(w.category, GovkitWarning)]
    assert ours and all(issubclass(w.category, DataQualityWarning)
                        and "employment_years" in str(w.message) for w in ours), raised
    assert _sha256(EXAMPLE / "credit.csv") == before, "the pipeline changed the raw data file"
    return result


@pytest.fixture(scope="module")
def records(run):
    return [json.loads(line) for line in run.ledger.read_text().splitlines()]


def _one(records, stage, operation):
    found = [r for r in records if r["stage"] == stage and r["operation"] == operation]
    assert found, f"no {stage}/{operation} record"
    return found


def test_the_shipped_csv_is_exactly_what_the_generator_makes(tmp_path):
    make_credit(6000, random_state=0).to_csv(tmp_path / "credit.csv", index=False)
    assert _sha256(tmp_path / "credit.csv") == _sha256(EXAMPLE / "credit.csv")


def test_every_output_is_written_and_the_ledger_verifies(run):
    for name in OUTPUT_FILES:
        assert (run.out_dir / name).stat().st_size > 0, name
    assert run.verified and verify(run.ledger).ok
    assert set(run.seconds) >= {"load the data", "render the report"}


def test_the_model_uses_every_declared_feature_and_the_report_lists_them(run, records):
    """categorical: [postcode] once made the model drop sex, nationality, ... silently."""
    config = load_config(EXAMPLE / "config.yml")
    header = pd.read_csv(EXAMPLE / "credit.csv", nrows=0).columns
    declared = [c for c in header
                if c != config.target and c not in config.identifiers and c not in config.exclude]
    assert len(declared) == 13
    train, _ = load_data(config)
    model = fit_model(config.model_kind, train, random_state=config.random_state)
    assert sorted(feature_groups(model.named_steps["preprocess"])) == sorted(declared)
    (record,) = _one(records, "pipeline", "model_features")
    assert record["parameters"]["features"] == declared and record["parameters"]["not_used"] == []
    assert record["metrics"]["features_used"] == 13
    markdown = (run.out_dir / "report.md").read_text(encoding="utf-8")
    listed = markdown.split("Features the raw data model used (13, ")[1].split("\n")[0]
    assert all(column in listed for column in declared)


def test_no_direct_identifier_reaches_any_output(run):
    raw = pd.read_csv(EXAMPLE / "credit.csv")
    secrets = set(raw["applicant_name"]) | set(raw["email"])
    for name in (*OUTPUT_FILES, *(p.name for p in (run.out_dir / "report_files").iterdir())):
        path = run.out_dir / name if (run.out_dir / name).exists() else run.out_dir / "report_files" / name
        if path.suffix == ".png":
            continue
        text = path.read_text(encoding="utf-8")
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{name} holds identifiers, e.g. {leaked[:2]}"


def test_the_release_is_k_anonymous_and_no_row_is_lost_silently(run, records):
    release = pd.read_csv(run.release, dtype=str)
    assert {"applicant_name", "email"}.isdisjoint(release.columns)
    k = load_config(EXAMPLE / "config.yml").k
    assert release.groupby(QIS, dropna=False).size().min() >= k
    assert assess(release, quasi_identifiers=QIS).k >= k
    anonymized = _one(records, "anonymization", "anonymize")[-1]["metrics"]
    split = _one(records, "datasets", "split")[-1]["metrics"]
    assert anonymized["rows_released"] == len(release)
    assert anonymized["rows_released"] + anonymized["suppressed_rows"] == split["train_rows"]


def test_the_privacy_budget_holds_and_the_accountant_beats_the_plain_sum(records):
    charges = [r for r in records if r["stage"] == "privacy" and "budget_spent_epsilon" in r["metrics"]]
    assert len(charges) == 4  # count, mean, histogram, the DP model
    last = charges[-1]["metrics"]
    assert last["budget_spent_epsilon"] <= 3.0 + 1e-9
    assert last["budget_spent_epsilon"] < last["budget_naive_sum_epsilon"]
    assert not any(r["parameters"].get("derived_from_data") for r in charges)


def test_fairness_and_explanations_are_recorded_for_the_configured_groups(records):
    report = _one(records, "fairness", "group_report")[-1]
    assert report["parameters"]["sensitive_features"] == ["sex", "nationality"]
    assert _one(records, "fairness", "mitigate")[-1]["parameters"]["method"] == "threshold_optimizer"
    compared = _one(records, "fairness", "compare_models")[-1]
    assert "raw data" in json.dumps(compared)
    shap_runs = _one(records, "explain", "shap")
    assert all(r["metrics"]["max_additivity_error"] < 1e-6 for r in shap_runs)


def test_the_runs_warnings_are_in_the_ledger_and_on_the_reports_first_section(run, records):
    listed = _one(records, "pipeline", "warnings")[-1]["parameters"]["warnings"]
    assert listed and all(w["category"] == "DataQualityWarning" for w in listed)
    markdown = (run.out_dir / "report.md").read_text(encoding="utf-8")
    intended_use = markdown.split("## Intended use")[1].split("## ")[0]
    assert "warning(s) were raised" in intended_use and "employment_years" in intended_use


def test_the_report_is_read_from_the_ledger(run, records):
    html = (run.out_dir / "report.html").read_text(encoding="utf-8")
    markdown = (run.out_dir / "report.md").read_text(encoding="utf-8")
    head = verify(run.ledger).head_hash
    for text in (html, markdown):
        assert "Ledger verified" in text and head in text
        assert "credit-demo" in text and "Intended use" in text
        assert "MIT (generated by govkit" in text  # the data licence from the config
    for figure in (run.out_dir / "report_files").iterdir():
        assert f"report_files/{figure.name}" in markdown
    assert "http://" not in html.replace("http://www.w3.org", "") and "<script src" not in html
    spent = _one(records, "privacy", "train_private_model")[-1]["metrics"]["budget_spent_epsilon"]
    assert f"{spent:.3f}" in markdown


def test_existing_results_are_never_overwritten_without_force(run):
    before = {name: _sha256(run.out_dir / name) for name in OUTPUT_FILES}
    with pytest.raises(FileExistsError, match="--force"):
        run_pipeline(load_config(EXAMPLE / "config.yml"), run.out_dir, progress=False)
    assert {name: _sha256(run.out_dir / name) for name in OUTPUT_FILES} == before


def test_results_never_go_into_the_data_folder(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "credit")
    with pytest.raises(ValueError, match="inside the data folder"):
        run_pipeline(load_config(tmp_path / "credit" / "config.yml"), tmp_path / "credit" / "out",
                     progress=False)
    assert not (tmp_path / "credit" / "out").exists()


def test_the_command_line_fails_fast_on_a_bad_config(tmp_path, capsys):
    shutil.copy(EXAMPLE / "credit.csv", tmp_path / "credit.csv")
    text = (EXAMPLE / "config.yml").read_text().replace("k: 5", "k: 1")
    (tmp_path / "config.yml").write_text(text)
    assert main(["run", "--config", str(tmp_path / "config.yml"), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "anonymization.k" in error and "got 1" in error
    assert not (tmp_path / "out").exists()


def test_the_command_line_prints_an_example_config(capsys):
    assert main(["run", "--example-config"]) == 0
    assert "quasi_identifiers" in capsys.readouterr().out


def test_a_tampered_ledger_is_announced_on_the_reports_first_screen(run, tmp_path):
    copy = tmp_path / "ledger.jsonl"
    lines = run.ledger.read_text().splitlines()
    record = json.loads(lines[4])
    record["metrics"]["k"] = 50  # someone "improves" the achieved k after the fact
    lines[4] = json.dumps(record)
    copy.write_text("\n".join(lines) + "\n")
    report = build_report(copy)
    assert not report.verification.ok
    html = report.html()
    warning = html.find("THE LEDGER DOES NOT VERIFY")
    assert 0 <= warning < html.find("<h2")  # before the first section
    assert "record 5" in html or "record 4" in html
