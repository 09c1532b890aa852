"""The report says when the membership-inference audit ran on a sample of a large dataset."""

from __future__ import annotations

from govkit.ledger import Ledger
from govkit.report import build_report

AUDIT_METRICS = {"models": {"dp_ebm": {"test_auc": 0.8, "loss": {"attack_auc": 0.51}}}}


def _report(tmp_path, parameters):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.append("privacy", "membership_inference_audit", parameters=parameters,
                  metrics=AUDIT_METRICS)
    markdown, _ = build_report(ledger).markdown()
    return markdown


def test_a_sampled_audit_is_reported_as_an_estimate_on_a_sample(tmp_path):
    sample = {"max_rows": 100_000, "train_rows": 700_000, "sampled_train_rows": 100_000,
              "reference_rows": 300_000, "sampled_reference_rows": 100_000,
              "how": "seeded simple random sample"}
    text = _report(tmp_path, {"epsilons": [1.0], "sample": sample})
    assert "seeded random sample (100,000 of 700,000 train rows, 100,000 of 300,000 reference" in text
    assert "at most 100,000 rows per input" in text


def test_an_audit_on_all_rows_says_nothing_about_a_sample(tmp_path):
    text = _report(tmp_path, {"epsilons": [1.0]})
    assert "random sample" not in text and "Membership-inference audit" in text
