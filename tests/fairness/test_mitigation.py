"""MitigatedClassifier and the cached mitigation functions."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from govkit.fairness import (
    MITIGATORS,
    MitigatedClassifier,
    evaluate_model,
    fit_mitigated_model,
    mitigate,
)

METHODS = [
    ("none", None),
    ("unawareness", None),
    ("correlation_remover", None),
    ("exponentiated_gradient", "demographic_parity"),
    ("exponentiated_gradient", "equalized_odds"),
    ("grid_search", "demographic_parity"),
    ("threshold_optimizer", "demographic_parity"),
    ("threshold_optimizer", "equalized_odds"),
]


@pytest.mark.parametrize(("method", "constraint"), METHODS)
def test_every_method_fits_and_predicts_on_raw_records(method, constraint, small_train, small_test):
    X = small_train.X
    before = X.copy()
    model = MitigatedClassifier(method=method, constraint=constraint, strength="strong",
                                protected="sex").fit(X, small_train.y)
    pd.testing.assert_frame_equal(X, before)  # the input is not modified
    proba = model.predict_proba(small_test.X)
    assert proba.shape == (len(small_test), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    decisions = model.predict(small_test.X)
    assert set(np.unique(decisions)) <= {0, 1}
    np.testing.assert_array_equal(decisions, model.predict(small_test.X))  # reproducible
    assert model.uses_sensitive_at_prediction_ == (method in ("correlation_remover",
                                                              "threshold_optimizer"))
    assert model.describe().startswith(MITIGATORS[method].name)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(small_test.X), proba)


def test_unawareness_never_looks_at_the_attribute(small_train, small_test):
    model = MitigatedClassifier(method="unawareness", protected="sex").fit(
        small_train.X, small_train.y)
    flipped = small_test.X.assign(sex=np.where(small_test.X["sex"] == "Male", "Female", "Male"))
    np.testing.assert_array_equal(model.predict_proba(flipped), model.predict_proba(small_test.X))


def test_fairlearn_training_rows_are_not_kept(small_train):
    model = MitigatedClassifier(method="exponentiated_gradient", protected="sex").fit(
        small_train.X, small_train.y)
    assert getattr(model.mitigator_.constraints_, "X", None) is None


def test_sklearn_conventions(small_train):
    estimator = MitigatedClassifier(method="grid_search", strength=0.3, grid_size=5,
                                    protected="sex")
    assert clone(estimator).get_params() == estimator.get_params()
    assert not hasattr(estimator, "preprocess_")  # __init__ only stores the parameters
    assert estimator.fit(small_train.X, small_train.y) is estimator
    assert estimator.strength_ == 0.3


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ({"method": "reweighing"}, ValueError, r"fit: method='reweighing' is not one of"),
        ({"constraint": "parity"}, ValueError,
         r"constraint='parity' is not one of .*only 'none', 'unawareness' and 'correlation_remover'"),
        ({"constraint": None}, TypeError, r"constraint must be a string, got NoneType"),
        ({"strength": "maximal"}, ValueError, r"strength='maximal' is not one of"),
        ({"method": "correlation_remover", "strength": 1.5}, ValueError, r"strength=1.5"),
        ({"kind": "svm"}, ValueError, r"kind='svm' is not one of"),
        ({"protected": "gender"}, ValueError, r"the protected column\(s\) \['gender'\] are not in X"),
        ({"protected": None}, ValueError, r"MitigatedClassifier: protected=None; name the column"),
        ({"random_state": True}, TypeError, r"MitigatedClassifier.fit: random_state=True \(bool\)"),
    ],
)
def test_bad_settings_are_named(params, error, message, small_train):
    with pytest.raises(error, match=message):
        MitigatedClassifier(**{"protected": "sex", **params}).fit(small_train.X, small_train.y)


def test_bad_data(small_train):
    with pytest.raises(TypeError, match=r"X: expected a pandas DataFrame of raw records"):
        MitigatedClassifier(protected="sex").fit(small_train.X.to_numpy(), small_train.y)
    X = small_train.X
    X.loc[X.index[:3], "sex"] = None
    with pytest.raises(ValueError, match=r"protected column 'sex' has 3 missing value"):
        MitigatedClassifier(protected="sex").fit(X, small_train.y)
    with pytest.raises(TypeError, match=r"fit_mitigated_model: train must be a govkit Dataset"):
        fit_mitigated_model("none", small_train.frame)
    with pytest.raises(ValueError, match=r"fit_mitigated_model: protected column 'gender' is not "
                                         r"a feature of the data"):
        fit_mitigated_model("none", small_train, protected="gender")


def test_fit_mitigated_model_is_cached_and_recorded(small_train, ledger):
    first = fit_mitigated_model("threshold_optimizer", small_train, constraint="equalized_odds",
                                protected="sex", ledger=ledger)
    second = fit_mitigated_model("threshold_optimizer", small_train, constraint="equalized_odds",
                                 protected="sex")
    assert second.fit_seconds_ == first.fit_seconds_  # the cold fit's time, read back
    np.testing.assert_array_equal(first.predict_proba(small_train.X),
                                  second.predict_proba(small_train.X))
    (record,) = ledger.records()
    assert record["operation"] == "fit_mitigated_model"
    assert record["parameters"]["description"] == "ThresholdOptimizer · equalized odds · exact"
    assert record["metrics"]["uses_sensitive_at_prediction"] is True


def test_mitigate_reports_before_after_with_paired_changes(small_train, small_test, ledger):
    result = mitigate("threshold_optimizer", small_train, small_test,
                      constraint="demographic_parity", strength="strong", protected="sex",
                      n_boot=200, ledger=ledger)
    changes = result.changes
    row = changes.loc["demographic_parity difference"]
    assert row["change"] == pytest.approx(row["after"] - row["before"])
    assert row["change_lower"] <= row["change"] <= row["change_upper"]
    assert result.baseline.parameters["random_state"] == result.mitigated.parameters["random_state"]
    (record,) = ledger.records()
    assert record["operation"] == "mitigate"
    metrics = record["metrics"]
    assert set(metrics) == {"fit_seconds", "before", "after", "changes"}
    assert set(metrics["before"]["groups"]) == {"Male", "Female"}
    assert metrics["after"]["groups"]["Female"]["selection_rate"]["lower"] is not None
    assert "demographic_parity difference" in metrics["changes"]
    assert record["parameters"]["uses_sensitive_at_prediction"] is True


@pytest.mark.integration
def test_adult_mitigation_moves_the_disparity_it_targets(adult_train, adult_test):
    baseline = evaluate_model(fit_mitigated_model("none", adult_train), adult_test,
                              protected="sex", n_boot=200)
    optimizer = mitigate("threshold_optimizer", adult_train, adult_test,
                         constraint="equalized_odds", protected="sex", n_boot=200)
    eo = optimizer.changes.loc["equalized_odds difference"]
    assert eo["after"] < 0.03 < baseline.disparities.loc["equalized_odds", "difference"]
    assert eo["change_upper"] < 0
    gradient = mitigate("exponentiated_gradient", adult_train, adult_test,
                        constraint="demographic_parity", strength="strong", protected="sex",
                        n_boot=200)
    dp = gradient.changes.loc["demographic_parity difference"]
    assert dp["after"] < 0.05 and dp["change_upper"] < 0
    accuracy = gradient.changes.loc["accuracy"]
    assert -0.04 < accuracy["change"] < 0  # fairness costs some accuracy, not much
