"""The exercise checkers of notebook 03: right answers pass, wrong ones get a useful hint."""

from __future__ import annotations

import numpy as np
import pytest

from govkit.check import (
    equal_opportunity_threshold_exercise,
    implied_fpr_exercise,
    pareto_choice_exercise,
)
from govkit.fairness import evaluate_model, fit_mitigated_model, mitigation_sweep


@pytest.fixture(scope="module")
def model(small_train):
    return fit_mitigated_model("none", small_train, protected="sex")


def test_threshold_exercise(model, small_test):
    assert "Replace None" in equal_opportunity_threshold_exercise(model, small_test, None).message
    assert "number" in equal_opportunity_threshold_exercise(model, small_test, "low").message
    assert not equal_opportunity_threshold_exercise(model, small_test, 1.5)
    scores = model.predict_proba(small_test.X)[:, 1]
    female = (small_test.frame["sex"] == "Female").to_numpy()
    male_tpr = (scores[~female & (small_test.y == 1)] >= 0.5).mean()
    positives = np.sort(scores[female & (small_test.y == 1)])
    # the threshold that selects the same share of women's positives as of men's
    answer = positives[int(round((1 - male_tpr) * len(positives)))]
    feedback = equal_opportunity_threshold_exercise(model, small_test, float(answer))
    assert feedback, feedback.message
    assert "false positive rate" in feedback.message
    wrong = equal_opportunity_threshold_exercise(model, small_test, 0.95)
    assert not wrong and "lower threshold" in wrong.message


def test_implied_fpr_exercise(model, small_test):
    report = evaluate_model(model, small_test, protected="sex", n_boot=0)
    groups = report.groups
    p = groups.loc["Female", "base_rate"]
    ppv, tpr = groups.loc["Male", "precision"], groups.loc["Male", "tpr"]
    answer = 100 * p / (1 - p) * (1 - ppv) / ppv * tpr
    assert implied_fpr_exercise(report, round(answer, 2))
    assert "fraction" in implied_fpr_exercise(report, answer / 100).message
    hint = implied_fpr_exercise(report, answer + 5).message
    assert "p/(1-p)" in hint and f"{p:.4f}" in hint
    assert not implied_fpr_exercise(report.groups, 3.0)


def test_pareto_choice_exercise(small_train, small_test):
    sweep = mitigation_sweep(small_train, small_test, protected="sex", n_boot=50, grid_size=5,
                             configurations=[
        ("none", None, None), ("unawareness", None, None),
        ("threshold_optimizer", "demographic_parity", "strong")])
    results = sweep.results
    baseline = results.loc["no mitigation", "accuracy"]
    allowed = results[(results["accuracy"] >= baseline - 0.01)
                      & ~results["uses_sensitive_at_prediction"]].drop(index="no mitigation")
    best = allowed["demographic_parity"].idxmin()
    assert pareto_choice_exercise(sweep, best)
    assert pareto_choice_exercise(sweep, best.upper())
    wrong = pareto_choice_exercise(sweep, "ThresholdOptimizer · demographic parity · exact")
    assert not wrong and "uses the protected attribute" in wrong.message
    assert "not a configuration" in pareto_choice_exercise(sweep, "magic").message
    assert "Replace None" in pareto_choice_exercise(sweep, None).message
