"""Large releases: the utility model learns from a recorded sample; scoring runs in blocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govkit.anonymization._model as model_module
from govkit.anonymization import AnonymizedClassifier, compare_utility, fit_anonymized_model
from govkit.models import fit_model

from .test_model import synthetic  # the same small synthetic population, larger here


@pytest.fixture(scope="module")
def train():
    return synthetic(1500, 0)


@pytest.fixture(scope="module")
def test(train):
    return synthetic(400, 1)


@pytest.fixture
def fitted_rows(monkeypatch):
    """Rows of every Dataset the utility model is fitted on (fit_model as the module calls it)."""
    seen = []

    def recording_fit_model(kind, data, **kwargs):
        seen.append(len(data.frame))
        return fit_model(kind, data, **kwargs)

    monkeypatch.setattr(model_module, "fit_model", recording_fit_model)
    return seen


def test_above_max_rows_the_model_learns_from_a_seeded_sample(train, fitted_rows):
    model = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=5, max_rows=1000)
    model.fit(train.X, train.y)
    assert fitted_rows == [1000]
    assert model.sampled_rows_ == 1000
    assert model.release_rows_ == 1500 - model.result_.suppressed
    # the release itself (and its guarantee) still covers every row
    assert model.result_.rows == 1500 and model.result_.achieved_k >= 5
    again = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=5, max_rows=1000)
    np.testing.assert_array_equal(again.fit(train.X, train.y).predict_proba(train.X),
                                  model.predict_proba(train.X))


def test_at_or_below_max_rows_nothing_is_sampled(train, fitted_rows):
    capped = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=5, max_rows=2000)
    uncapped = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=5, max_rows=None)
    capped.fit(train.X, train.y)
    uncapped.fit(train.X, train.y)
    assert fitted_rows == [capped.release_rows_, uncapped.release_rows_]
    assert capped.sampled_rows_ is None and uncapped.sampled_rows_ is None
    np.testing.assert_array_equal(capped.predict_proba(train.X), uncapped.predict_proba(train.X))


def test_the_default_cap_is_far_above_adult():
    assert AnonymizedClassifier().max_rows == 100_000 > 48_842


def test_predict_proba_in_blocks_equals_one_call(train, test, monkeypatch):
    model = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=5).fit(train.X, train.y)
    whole = model.model_.predict_proba(model._generalized(test.X))
    monkeypatch.setattr(model_module, "_PREDICT_BLOCK", 64)  # 400 rows: 7 blocks
    np.testing.assert_array_equal(model.predict_proba(test.X), whole)


def test_compare_utility_records_the_sample(train, test, ledger):
    table = compare_utility(train, test, ks=(5,), max_rows=1000, ledger=ledger)
    assert table["sampled_rows"].tolist()[1] == 1000
    assert pd.isna(table["sampled_rows"].iloc[0])  # the raw model is not sampled
    record = ledger.records()[-1]
    assert record["parameters"]["max_rows"] == 1000
    assert record["metrics"]["models"][0]["sampled_rows"] == 1000
    assert record["metrics"]["models"][0]["release_rows"] == int(table["release_rows"].iloc[1])
    model = fit_anonymized_model(train, k=5, max_rows=1000, ledger=ledger)
    assert ledger.records()[-1]["metrics"]["sampled_rows"] == model.sampled_rows_ == 1000


def test_compare_utility_without_sampling_keeps_its_columns(train, test, ledger):
    table = compare_utility(train, test, ks=(5,), ledger=ledger)
    assert list(table.columns) == ["method", "k", "accuracy", "auc", "information_loss",
                                   "suppressed_share"]
    record = ledger.records()[-1]
    assert "max_rows" not in record["parameters"]
    assert "sampled_rows" not in record["metrics"]["models"][0]


def test_max_rows_is_part_of_the_cache_key_when_it_applies(train, test):
    sampled = fit_anonymized_model(train, k=7, max_rows=1000)
    whole = fit_anonymized_model(train, k=7, max_rows=None)
    assert sampled.sampled_rows_ == 1000 and whole.sampled_rows_ is None


def test_compare_utility_scores_a_given_reference_model(train, test):
    class Constant:
        def predict_proba(self, X):
            return np.tile([0.9, 0.1], (len(X), 1))

    table = compare_utility(train, test, ks=(5,), reference_model=Constant())
    assert table.loc[0, "auc"] == 0.5
    assert table.loc[0, "accuracy"] == float((test.y == 0).mean())


@pytest.mark.parametrize("value, error", [(10, ValueError), (2.5, TypeError), (True, TypeError)])
def test_bad_max_rows(train, test, value, error):
    with pytest.raises(error, match="max_rows"):
        AnonymizedClassifier(quasi_identifiers=["age"], k=5, max_rows=value).fit(train.X, train.y)
    with pytest.raises(error, match="max_rows"):
        fit_anonymized_model(train, k=5, max_rows=value)
    with pytest.raises(error, match="max_rows"):
        compare_utility(train, test, ks=(5,), max_rows=value)


def test_a_model_pickled_before_max_rows_existed_still_works(train, test):
    import pickle

    model = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=5).fit(train.X, train.y)
    state = dict(model.__dict__)
    for name in ("max_rows", "release_rows_", "sampled_rows_"):
        del state[name]
    old = AnonymizedClassifier.__new__(AnonymizedClassifier)
    old.__setstate__(state)
    restored = pickle.loads(pickle.dumps(old))
    assert restored.get_params()["max_rows"] == 100_000
    assert restored.release_rows_ == model.release_rows_ and restored.sampled_rows_ is None
    np.testing.assert_array_equal(restored.predict_proba(test.X), model.predict_proba(test.X))
