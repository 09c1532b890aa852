"""The reference recipe: preprocessing, the two model families, feature groups."""

from __future__ import annotations

import re

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
    with pytest.raises(ValueError, match=r"make_model: kind=.svm. is not one of \(.logistic_regression., .gradient_boosting.\)"):
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


# --- positive_scores: the one scoring function -------------------------------------------


class _NoProba:
    def predict(self, X):
        return np.zeros(len(X))


class _FixedOutput:
    """A non-scikit-learn model whose predict_proba returns a fixed array."""

    def __init__(self, output):
        self.output = output

    def predict_proba(self, X):
        return self.output


def test_positive_scores_of_a_dataset_and_of_its_features(small):
    from govkit.models import positive_scores

    model = fit_model("logistic_regression", small)
    scores = positive_scores(model, small)
    assert scores.shape == (len(small),) and scores.dtype == np.float64
    np.testing.assert_array_equal(scores, model.predict_proba(small.X)[:, 1])
    np.testing.assert_array_equal(positive_scores(model, small.X), scores)


def test_positive_scores_refuses_what_is_not_data(small):
    from govkit.models import positive_scores

    model = fit_model("logistic_regression", small)
    with pytest.raises(TypeError, match=r"evaluate_model: data must be a govkit Dataset or a "
                                        r"pandas DataFrame.*got ndarray"):
        positive_scores(model, small.X.to_numpy(), func="evaluate_model")


def test_positive_scores_refuses_a_model_without_predict_proba(small):
    from govkit.models import positive_scores

    with pytest.raises(TypeError, match=r"explain_shap: model _NoProba has no predict_proba.*"
                                        r"fit_model.*CalibratedClassifierCV"):
        positive_scores(_NoProba(), small, func="explain_shap")


def test_positive_scores_refuses_an_unfitted_model_with_the_fix(small):
    from sklearn.exceptions import NotFittedError

    from govkit.models import positive_scores

    with pytest.raises(NotFittedError, match=r"score_model: model Pipeline is not fitted yet; "
                                             r"fit it first.*model\.fit\(data\.X, data\.y\)"):
        score_model(make_model("logistic_regression", small), small)
    # NotFittedError is a ValueError: code catching ValueError keeps working
    with pytest.raises(ValueError, match="not fitted yet"):
        positive_scores(make_model("gradient_boosting", small), small)


def test_positive_scores_refuses_more_than_two_classes(small):
    from sklearn.linear_model import LogisticRegression

    from govkit.models import positive_scores

    X = small.X[["age"]]
    model = LogisticRegression().fit(X, np.arange(len(X)) % 3)
    with pytest.raises(ValueError, match=r"f: model LogisticRegression has 3 classes \(\[0, 1, 2\]\)"
                                         r".*binary.*Binarize"):
        positive_scores(model, X, func="f")
    three_columns = _FixedOutput(np.full((len(X), 3), 1 / 3))
    with pytest.raises(ValueError, match=r"has 3 classes.*Binarize"):
        positive_scores(three_columns, X)


@pytest.mark.parametrize("shape", [(200,), (199, 2), (200, 1), (200, 2, 1)])
def test_positive_scores_refuses_output_of_the_wrong_shape(small, shape):
    from govkit.models import positive_scores

    model = _FixedOutput(np.full(shape, 0.5))
    expected = rf"g: model _FixedOutput's predict_proba returned an array of shape " \
               rf"{re.escape(str(shape))} for 200 rows; expected \(200, 2\)"
    with pytest.raises(ValueError, match=expected):
        positive_scores(model, small, func="g")


def test_random_state_follows_the_one_contract(small):
    a = fit_model("gradient_boosting", small, random_state=np.int64(3))
    b = fit_model("gradient_boosting", small, random_state=3)
    np.testing.assert_array_equal(a.predict_proba(small.X), b.predict_proba(small.X))
    model = make_model("logistic_regression", small, random_state=np.random.default_rng(0))
    assert isinstance(model.named_steps["classifier"].random_state, int)
    with pytest.raises(TypeError, match=r"fit_model: random_state=True \(bool\) is not a valid seed"):
        fit_model("logistic_regression", small, random_state=True)
    with pytest.raises(ValueError, match=r"make_model: random_state=-1"):
        make_model("logistic_regression", small, random_state=-1)
    with pytest.raises(ValueError, match=r"fit_model: kind='logistic_regresion' is not one of .*did you mean "
                                         r"'logistic_regression'"):
        fit_model("logistic_regresion", small)


def test_check_classifier_refuses_before_scoring(small):
    from govkit.models import check_classifier

    check_classifier(fit_model("logistic_regression", small))
    check_classifier(_FixedOutput(np.zeros((1, 2))))  # not scikit-learn: checked when scored
    with pytest.raises(TypeError, match=r"choose_explainer: model _NoProba has no predict_proba"):
        check_classifier(_NoProba(), func="choose_explainer")
    with pytest.raises(ValueError, match=r"check_classifier: model Pipeline is not fitted yet"):
        check_classifier(make_model("logistic_regression", small))


def test_score_model_refuses_a_frame(small):
    model = fit_model("logistic_regression", small)
    with pytest.raises(TypeError, match=r"score_model: data must be a govkit Dataset, got DataFrame"):
        score_model(model, small.frame)
