"""The accountability views on a real pipeline ledger (the synthetic credit example, ~30 s)."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from govkit.check import budget_spent_exercise, head_hash_exercise, tampered_record_exercise
from govkit.ledger import Ledger
from govkit.pipeline import load_config, run_pipeline
from govkit.report import (
    budget_over_time,
    build_report,
    plot_budget_over_time,
    plot_timeline,
    stage_summary,
    tamper_copy,
    tamper_table,
    timeline_frame,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "credit"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Ledger:
    out = tmp_path_factory.mktemp("credit") / "results"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the CSV's empty employment_years cells; tested elsewhere
        result = run_pipeline(load_config(EXAMPLE / "config.yml"), out, progress=False)
    assert result.verified
    return Ledger(result.ledger)


def test_timeline_covers_every_stage_in_order(ledger):
    frame = timeline_frame(ledger)
    assert len(frame) == len(ledger) and frame["timestamp"].is_monotonic_increasing
    summary = stage_summary(ledger)
    assert {"datasets", "anonymization", "privacy", "fairness", "explain", "pipeline",
            "report"} <= set(summary.index)
    assert summary["records"].sum() == len(ledger)
    for x in ("time", "record"):
        plt.close(plot_timeline(ledger, x=x))


def test_one_budget_whose_totals_match_the_report(ledger):
    frame = budget_over_time(ledger)
    assert frame["budget"].nunique() == 1 and frame["budget"].iloc[0] == "credit-demo budget"
    assert frame["operation"].tolist()[-1] == "train_private_model"
    assert frame["naive_sum"].iloc[-1] == pytest.approx(3.0)
    assert frame["spent"].iloc[-1] < frame["naive_sum"].iloc[-1] <= frame["budget_epsilon"].iloc[-1]
    assert frame["spent"].is_monotonic_increasing and frame["naive_sum"].is_monotonic_increasing
    report = build_report(ledger)
    privacy = next(s for s in report.sections if s.anchor == "privacy")
    text = " ".join(b.text for b in privacy.blocks)
    assert f"ε {frame['spent'].iloc[-1]:.3f} spent" in text
    plt.close(plot_budget_over_time(ledger))
    assert budget_spent_exercise(ledger, (frame["spent"].iloc[-1], frame["naive_sum"].iloc[-1]))


def test_tampering_with_the_dp_model_record(ledger, tmp_path):
    number = int(budget_over_time(ledger)["record"].iloc[-1])
    copy = tamper_copy(ledger, tmp_path / "copy", record=number, key="budget_spent_epsilon")
    assert copy.verification.bad_record == number
    assert tampered_record_exercise(copy.path, number)
    report = build_report(copy.path)
    assert not report.verification.ok and f"record {number}" in report.banner[1]
    assert ledger.verify().ok


def test_which_check_catches_what_on_a_real_ledger(ledger, tmp_path):
    table = tamper_table(ledger, tmp_path / "cases", record=5)
    assert table["caught with the kept head hash"].all()
    assert table["caught by the file alone"].tolist() == [True, True, False, True, True, False, False]
    assert head_hash_exercise(ledger, ledger.head_hash)
