"""The reference model trained on a release and scored on raw records."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from govkit.anonymization import (
    AnonymizedClassifier,
    compare_utility,
    fit_anonymized_model,
    plot_utility,
)
from govkit.datasets import Dataset
from govkit.workspace import cache_dir


def synthetic(n: int, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n)
    sex = rng.choice(["F", "M"], n)
    hours = rng.integers(10, 60, n)
    score = 0.05 * (age - 45) + 0.08 * (hours - 35) + (sex == "M") * 0.5
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-score)), "yes", "no")
    frame = pd.DataFrame({"age": age, "sex": sex, "hours": hours, "outcome": y})
    return Dataset(frame, target="outcome", positive_label="yes", quasi_identifiers=("age", "sex"))


@pytest.fixture(scope="module")
def train():
    return synthetic(600, 0)


@pytest.fixture(scope="module")
def test(train):
    return synthetic(300, 1)


def test_classifier_scores_raw_records(train, test):
    model = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=20).fit(train.X, train.y)
    assert model.result_.achieved_k >= 20
    proba = model.predict_proba(test.X)
    assert proba.shape == (len(test), 2) and np.allclose(proba.sum(axis=1), 1)
    assert set(model.predict(test.X)) <= {0, 1}
    assert list(model.classes_) == [0, 1]
    # raw records are generalized the release's way before the model sees them
    generalized = model._generalized(test.X)
    assert generalized["age"].dtype == float and generalized["hours"].equals(test.X["hours"])


def test_classifier_with_sensitive_values_and_global_method(train, test):
    model = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=10, method="global", l=2)
    model.fit(train.X, train.y, sensitive_values=train.frame["sex"].map({"F": "a", "M": "b"}).where(
        train.frame["age"] > 0))
    assert model.result_.achieved_l >= 2
    assert model.predict_proba(test.X).shape == (len(test), 2)


@pytest.mark.parametrize(
    "make, call, error, message",
    [
        (lambda: AnonymizedClassifier(quasi_identifiers=["age"], k=5), "fit_array", TypeError, "DataFrame"),
        (lambda: AnonymizedClassifier(quasi_identifiers=["age"], k=5, kind="svm"), "fit", ValueError,
         "kind='svm'"),
        (lambda: AnonymizedClassifier(quasi_identifiers=["age"], k=5), "fit_three", ValueError,
         "3 distinct value"),
    ],
)
def test_classifier_errors(train, make, call, error, message):
    model = make()
    with pytest.raises(error, match=message):
        if call == "fit_array":
            model.fit(train.X.to_numpy(), train.y)
        elif call == "fit":
            model.fit(train.X, train.y)
        else:
            model.fit(train.X, np.arange(len(train)) % 3)


def test_predict_needs_the_training_columns(train):
    model = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=5).fit(train.X, train.y)
    with pytest.raises(ValueError, match="lacks column"):
        model.predict_proba(train.X.drop(columns=["hours"]))


def test_fit_anonymized_model_is_cached_and_recorded(train, test, ledger):
    first = fit_anonymized_model(train, k=15, ledger=ledger)
    files = list(cache_dir().glob("anonymized-model-*.joblib"))
    second = fit_anonymized_model(train, k=15, numeric_release="midpoint", ledger=ledger)
    assert files and len(list(cache_dir().glob("anonymized-model-*.joblib"))) == len(files)
    np.testing.assert_allclose(first.predict_proba(test.X), second.predict_proba(test.X))
    records = [r for r in ledger.records() if r["operation"] == "fit_anonymized_model"]
    assert len(records) == 2 and records[0]["metrics"]["k"] >= 15
    assert records[0]["parameters"]["numeric_release"] == "midpoint"


def test_fit_anonymized_model_errors(train):
    with pytest.raises(TypeError, match="Dataset"):
        fit_anonymized_model(train.frame, k=5)
    with pytest.raises(TypeError, match="unexpected option"):
        fit_anonymized_model(train, k=5, colour="red")


def test_compare_utility_table_plot_and_ledger(train, test, ledger):
    table = compare_utility(train, test, ks=(5, 50), methods=("mondrian", "global"), ledger=ledger)
    assert table["method"].tolist() == ["raw", "mondrian", "mondrian", "global", "global"]
    assert table["k"].tolist() == [1, 5, 50, 5, 50]
    assert table["auc"].between(0.5, 1).all()
    record = ledger.records()[-1]
    assert record["operation"] == "utility" and len(record["metrics"]["models"]) == 4
    assert isinstance(plot_utility(table), Figure)
    with pytest.raises(ValueError, match="ks="):
        compare_utility(train, test, ks=(1,))
    with pytest.raises(ValueError, match="compare_utility's output"):
        plot_utility(pd.DataFrame({"k": [1]}))
