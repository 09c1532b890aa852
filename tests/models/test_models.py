"""The reference recipe: preprocessing, the two model families, feature groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govkit.datasets import Dataset
from govkit.models import (
    MODEL_KINDS,
    feature_groups,
    fit_model,
    make_model,
    make_preprocessor,
    score_model,
)


@pytest.fixture
def small():
    rng = np.random.default_rng(0)
    n = 200
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "colour": rng.choice(["red", "green", None], n),
            "sex": rng.choice(["F", "M"], n),
            "email": [f"p{i}" for i in range(n)],
        }
    )
    frame["y"] = (frame["age"] + rng.normal(0, 10, n) > 50).astype(int)
    return Dataset(frame, target="y", positive_label=1, protected="sex", identifiers="email")


def test_identifiers_never_reach_the_model(small):
    pre = make_preprocessor(small).fit(small.X)
    names = list(pre.get_feature_names_out())
    assert not any("email" in name for name in names)
    assert "cat__colour_missing" in names  # missing is its own category


def test_feature_groups_cover_every_output_column(small):
    pre = make_preprocessor(small).fit(small.X)
    groups = feature_groups(pre)
    assert sorted(i for cols in groups.values() for i in cols) == list(range(len(pre.get_feature_names_out())))
    assert len(groups["colour"]) == 3 and len(groups["age"]) == 1


def test_drop_and_bad_kind(small):
    pre = make_preprocessor(small, drop=["sex"]).fit(small.X)
    assert "sex" not in feature_groups(pre)
    with pytest.raises(ValueError, match=r"drop: column\(s\) \['email'\] are not features"):
        make_preprocessor(small, drop=["email"])
    with pytest.raises(ValueError, match="model kind='svm' is not one of"):
        make_model("svm", small)
    with pytest.raises(TypeError, match="data must be a govkit Dataset"):
        make_preprocessor(small.frame)


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_fit_is_deterministic_and_leaves_the_data_alone(small, kind):
    before = small.frame.copy(deep=True)
    a = fit_model(kind, small, random_state=0).predict_proba(small.X)
    b = fit_model(kind, small, random_state=0).predict_proba(small.X)
    np.testing.assert_array_equal(a, b)
    pd.testing.assert_frame_equal(small.frame, before)


@pytest.mark.integration
def test_adult_reference_scores(adult_train, adult_test):
    logistic = score_model(fit_model("logistic_regression", adult_train), adult_test)
    boosting = score_model(fit_model("gradient_boosting", adult_train), adult_test)
    # Published results for these model families on Adult's official split.
    assert 0.84 <= logistic["accuracy"] <= 0.86 and 0.89 <= logistic["auc"] <= 0.92
    assert 0.86 <= boosting["accuracy"] <= 0.88 and 0.92 <= boosting["auc"] <= 0.94
