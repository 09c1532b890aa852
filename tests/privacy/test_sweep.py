"""The privacy-utility sweep: tidy, per group, cached, validated."""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, true_positive_rate
from sklearn.metrics import accuracy_score, roc_auc_score

from govkit.datasets import Dataset
from govkit.privacy import (
    SWEEP_COLUMNS,
    _sweep,
    plot_privacy_utility,
    privacy_utility_sweep,
    sweep_summary,
)
from govkit.privacy._sweep import group_metrics

from .conftest import make_frame


@pytest.fixture(scope="module")
def adult_like():
    """A small frame with Adult's column names, so the sweep uses Adult's public domain."""
    from govkit.datasets import load_adult

    full = load_adult("train")
    sample = full.replace(frame=full.frame.sample(3000, random_state=0).reset_index(drop=True),
                          numeric=full.numeric, categorical=full.categorical, name="adult-sample")
    test = load_adult("test")
    test = test.replace(frame=test.frame.sample(1500, random_state=0).reset_index(drop=True),
                        numeric=test.numeric, categorical=test.categorical, name="adult-test-sample")
    return sample, test


@pytest.fixture(scope="module")
def small_sweep(adult_like):
    train, test = adult_like
    return privacy_utility_sweep(train, test, epsilons=(1.0, 10.0), seeds=(0, 1),
                                 models=("dp_sgd_logistic", "dp_ebm"), n_jobs=1)


def test_the_sweep_is_tidy(small_sweep, adult_like):
    sweep = small_sweep
    assert list(sweep.columns) == list(SWEEP_COLUMNS)
    keys = ["model", "epsilon", "seed", "attribute", "group"]
    assert not sweep.duplicated(keys).any()
    overall = sweep[sweep["attribute"] == "overall"]
    assert len(overall) == 2 * 2 * 2 + 2 * 2  # DP models x epsilons x seeds + baselines x seeds
    assert set(overall["model"]) == {"dp_sgd_logistic", "dp_ebm", "logistic_regression",
                                     "gradient_boosting"}
    assert (overall.loc[overall["model"] == "logistic_regression", "epsilon"] == math.inf).all()
    groups = sweep[sweep["attribute"] == "race"]
    assert set(groups["group"]) == set(adult_like[1].frame["race"].unique())
    dp = overall[np.isfinite(overall["epsilon"])]
    assert (dp["epsilon_spent"] <= dp["epsilon"] + 1e-12).all()
    assert overall["auc"].between(0.7, 1.0).all()
    assert overall["attack_auc"].between(0.4, 0.7).all()
    sizes = sweep[sweep["attribute"] == "sex"].groupby(["model", "epsilon", "seed"])["n"].sum()
    assert (sizes == len(adult_like[1])).all()


def test_more_privacy_costs_utility(small_sweep):
    summary = sweep_summary(small_sweep)
    for model in ("dp_sgd_logistic", "dp_ebm"):
        assert summary.loc[(model, 1.0), "auc_mean"] <= summary.loc[(model, 10.0), "auc_mean"] + 0.01


def test_group_metrics_equal_fairlearn_metricframe():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    score = np.clip(y * 0.3 + rng.random(500) * 0.7, 0, 1)
    pred = (score > 0.5).astype(int)
    groups = pd.Series(rng.choice(["a", "b", "c"], 500))
    ours = pd.DataFrame(group_metrics(y, pred, score, groups, "g")).set_index("group")
    frame = MetricFrame(metrics={"accuracy": accuracy_score, "tpr": true_positive_rate},
                        y_true=y, y_pred=pred, sensitive_features=groups)
    auc = MetricFrame(metrics=roc_auc_score, y_true=y, y_pred=score, sensitive_features=groups)
    np.testing.assert_allclose(ours["accuracy"], frame.by_group["accuracy"])
    np.testing.assert_allclose(ours["tpr"], frame.by_group["tpr"])
    np.testing.assert_allclose(ours["auc"], auc.by_group)


def test_the_sweep_is_cached(small_sweep, adult_like):
    train, test = adult_like
    with mock.patch.object(_sweep, "_run_sweep", side_effect=AssertionError("recomputed")):
        again = privacy_utility_sweep(train, test, epsilons=(1.0, 10.0), seeds=(0, 1),
                                      models=("dp_sgd_logistic", "dp_ebm"))
        # numpy integers are seeds too (before: "must be a non-empty list of ints")
        as_numpy = privacy_utility_sweep(train, test, epsilons=(1.0, 10.0),
                                         seeds=np.arange(2), models=("dp_sgd_logistic", "dp_ebm"))
    pd.testing.assert_frame_equal(again, small_sweep)
    pd.testing.assert_frame_equal(as_numpy, small_sweep)


def test_ledger_record(small_sweep, adult_like, ledger):
    train, test = adult_like
    privacy_utility_sweep(train, test, epsilons=(1.0, 10.0), seeds=(0, 1),
                          models=("dp_sgd_logistic", "dp_ebm"), ledger=ledger)
    record = ledger.records()[-1]
    assert record["operation"] == "privacy_utility_sweep"
    assert record["parameters"]["charged_to_budget"] is False
    results = record["metrics"]["results"]
    assert {r["model"] for r in results} >= {"dp_ebm", "logistic_regression"}
    assert all("auc_mean" in r for r in results)


def test_plot(small_sweep):
    figure = plot_privacy_utility(small_sweep, metric="accuracy")
    labels = figure.axes[0].get_legend_handles_labels()[1]
    assert "dp_ebm" in labels and "logistic_regression (not private)" in labels
    with pytest.raises(ValueError, match="metric='f1'"):
        plot_privacy_utility(small_sweep, metric="f1")


@pytest.mark.parametrize("kwargs, message", [
    ({"models": ("dp_forest",)}, r"models=.*dp_forest"),
    ({"baselines": ("svm",)}, r"baselines=.*svm"),
    ({"epsilons": ()}, "epsilons=()"),
    ({"epsilons": (1.0, -2.0)}, "epsilons=-2.0"),
    ({"seeds": ()}, r"seeds=\(\) must be a non-empty list"),
    ({"seeds": (0, -1)}, r"privacy_utility_sweep: seeds=-1 is outside \[0, inf\)"),
])
def test_bad_arguments(kwargs, message, small_train, small_test):
    with pytest.raises(ValueError, match=message):
        privacy_utility_sweep(small_train, small_test, **kwargs)


def test_seeds_are_whole_numbers(small_train, small_test):
    with pytest.raises(TypeError, match=r"privacy_utility_sweep: seeds must be a whole number, "
                                        r"got float \(0.5\)"):
        privacy_utility_sweep(small_train, small_test, seeds=(0.5,))


def test_train_and_test_must_share_roles(small_train):
    other = Dataset(make_frame(100, 3), target="hired", positive_label="yes", protected=("job",))
    with pytest.raises(ValueError, match="same target and protected columns"):
        privacy_utility_sweep(small_train, other)

