"""Shared input checks: rows, models and feature lists give clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from govkit._validation import as_seed
from govkit.explain._checks import (
    align_features,
    check_feature,
    column_kinds,
    features_of,
    row_positions,
)


def test_row_positions():
    assert row_positions(None, 3).tolist() == [0, 1, 2]
    assert row_positions(slice(1, None), 3).tolist() == [1, 2]
    assert row_positions(range(2), 3).tolist() == [0, 1]
    assert row_positions(np.array([2, 0]), 3).tolist() == [2, 0]
    assert row_positions(np.int64(1), 3).tolist() == [1]
    with pytest.raises(ValueError, match="row 3 is out of range: the data has 3 rows"):
        row_positions([3], 3)
    with pytest.raises(TypeError, match="whole numbers"):
        row_positions([True, False], 3)


def test_the_model_is_checked_by_the_one_scoring_contract():
    from govkit.explain import choose_explainer, explain_shap

    X = pd.DataFrame({"a": [0.0, 1.0]})
    with pytest.raises(TypeError, match="choose_explainer: model object has no predict_proba"):
        choose_explainer(object())
    with pytest.raises(ValueError, match="explain_shap: model LogisticRegression is not fitted yet"):
        explain_shap(LogisticRegression(), X, cache=False)


def test_as_seed_follows_the_random_state_contract():
    assert as_seed(np.int64(4), func="f") == 4
    first = as_seed(np.random.default_rng(0), func="f")
    assert first == as_seed(np.random.default_rng(0), func="f") and isinstance(first, int)
    assert isinstance(as_seed(None, func="f"), int)
    with pytest.raises(TypeError, match=r"explain_lime: random_state=True \(bool\)"):
        as_seed(True, func="explain_lime")


def test_align_features_by_name_and_by_count():
    model = LogisticRegression().fit(pd.DataFrame({"a": [0, 1], "b": [1, 0]}), [0, 1])
    frame = pd.DataFrame({"b": [1], "a": [2]})
    assert list(align_features(model, frame).columns) == ["a", "b"]
    with pytest.raises(ValueError, match=r"Missing from the data: \['b'\]; not known to the model: none"):
        align_features(model, frame[["a"]])
    unnamed = LogisticRegression().fit(np.array([[0, 1], [1, 0]]), [0, 1])
    with pytest.raises(ValueError, match="expects 2 feature columns but the data has 1"):
        align_features(unnamed, frame[["a"]])


def test_features_and_kinds(people):
    assert features_of(people, func="f").equals(people.X)
    with pytest.raises(ValueError, match="f: data has no rows"):
        features_of(people.X.iloc[:0], func="f")
    with pytest.raises(TypeError, match="f: background must be a govkit Dataset or a pandas"):
        features_of([1, 2], func="f", param="background")
    numeric, categorical = column_kinds(people.X, people.X)
    assert numeric == ["age", "hours"] and categorical == ["sex", "relationship", "job"]
    with pytest.raises(ValueError, match="'Age' is not a feature.*did you mean 'age'"):
        check_feature("feature", "Age", ["age", "sex"])
