"""Work the fairness stage no longer repeats: the cell sort per report, the threshold
optimizer's base fit."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from govkit.fairness import MitigatedClassifier, mitigate
from govkit.fairness._bootstrap import CellPlan, cell_counts


def test_cell_counts_with_a_plan_equal_the_counts_without():
    rng = np.random.default_rng(0)
    codes, y_true, y_pred = rng.integers(0, 4, 500), rng.integers(0, 2, 500), rng.integers(0, 2, 500)
    weights = rng.integers(0, 4, (6, 500))
    plan = CellPlan.for_rows(codes, y_true, y_pred, 4)
    with_plan = cell_counts(weights, codes, y_true, y_pred, 4, plan=plan)
    without = cell_counts(weights, codes, y_true, y_pred, 4)
    for name in ("rows", "positives", "true_positives", "false_positives"):
        np.testing.assert_array_equal(getattr(with_plan, name), getattr(without, name))
    assert with_plan.rows.sum() == weights.sum()


@pytest.fixture
def logistic_fits(monkeypatch):
    """How many times a LogisticRegression is fitted."""
    calls = []
    fit = LogisticRegression.fit

    def counting_fit(self, *args, **kwargs):
        calls.append(1)
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(LogisticRegression, "fit", counting_fit)
    return calls


def test_threshold_optimizer_reuses_the_unmitigated_fit(small_train, small_test, tmp_path,
                                                       monkeypatch, logistic_fits):
    monkeypatch.setenv("GOVKIT_CACHE_DIR", str(tmp_path / "cache"))
    result = mitigate("threshold_optimizer", small_train, small_test, constraint="equalized_odds",
                      protected="sex", random_state=5, n_boot=20)
    assert len(logistic_fits) == 1  # the unmitigated model's; the optimizer post-processes it
    # the same decisions as a threshold optimizer whose base is fitted afresh
    fresh = MitigatedClassifier(method="threshold_optimizer", constraint="equalized_odds",
                                protected="sex", random_state=5)
    fresh.fit(small_train.X, small_train.y)
    assert len(logistic_fits) == 2
    np.testing.assert_array_equal(fresh.predict_proba(small_test.X),
                                  result.model.predict_proba(small_test.X))
    np.testing.assert_array_equal(fresh.predict(small_test.X), result.model.predict(small_test.X))
