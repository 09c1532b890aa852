"""Bad input to the fairness stage fails with a message that names the problem and the fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govkit.exceptions import SmallGroupWarning
from govkit.fairness import evaluate_model, group_report

RNG = np.random.default_rng(0)
Y = RNG.integers(0, 2, 200)
PRED = RNG.integers(0, 2, 200)
SEX = pd.Series(RNG.choice(["F", "M"], 200), name="sex")


def test_length_mismatch_names_both_lengths():
    with pytest.raises(ValueError, match=r"y_pred has 199 rows but y_true has 200"):
        group_report(Y, PRED[:-1], sensitive_features=SEX)
    with pytest.raises(ValueError, match=r"sensitive_features has 150 rows but y_true has 200"):
        group_report(Y, PRED, sensitive_features=SEX[:150].reset_index(drop=True))


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.where(Y == 1, 2, 0), r"y_true: expected binary labels 0/1, got the values 0, 2"),
        (np.where(Y == 1, ">50K", "<=50K"), r"y_true: expected binary labels 0/1"),
        (np.where(Y == 1, 1.0, np.nan), rf"y_true: {int((Y == 0).sum())} value\(s\) are missing"),
    ],
)
def test_non_binary_or_missing_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        group_report(labels, PRED, sensitive_features=SEX)


def test_scores_passed_as_decisions_are_recognised():
    with pytest.raises(ValueError, match=r"look like scores or probabilities.*y_score"):
        group_report(Y, RNG.random(200), sensitive_features=SEX)


def test_bad_scores():
    scores = RNG.random(200)
    scores[5] = np.nan
    with pytest.raises(ValueError, match=r"y_score: 1 score\(s\) are missing or infinite \(first at position 5\)"):
        group_report(Y, PRED, scores, sensitive_features=SEX)
    with pytest.raises(ValueError, match=r"expected one value per row.*\[:, 1\]"):
        group_report(Y, PRED, np.c_[1 - scores, scores], sensitive_features=SEX)


def test_missing_values_in_the_sensitive_column():
    sex = SEX.copy()
    sex[[3, 7]] = None
    with pytest.raises(ValueError, match=r"column 'sex' has 2 missing value\(s\) \(first at position 3\).*fillna"):
        group_report(Y, PRED, sensitive_features=sex)


def test_one_group_only():
    with pytest.raises(ValueError, match=r"'sex' has a single group \('F'\) in these 200 rows"):
        group_report(Y, PRED, sensitive_features=pd.Series(["F"] * 200, name="sex"))


def test_a_column_name_instead_of_values():
    with pytest.raises(TypeError, match=r"'sex' looks like a column name.*evaluate_model"):
        group_report(Y, PRED, sensitive_features="sex")


def test_misaligned_pandas_indexes_are_refused():
    y = pd.Series(Y, index=range(100, 300))
    with pytest.raises(ValueError, match=r"index does not match y_true's index.*reset_index"):
        group_report(y, PRED, sensitive_features=SEX)


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"n_boot": -1}, ValueError, r"group_report: n_boot=-1 is outside \[0, inf\).*n_boot=1000"),
        ({"n_boot": 10.5}, TypeError, r"group_report: n_boot must be a whole number, got float"),
        ({"confidence": 95}, ValueError, r"group_report: confidence=95 is outside \(0, 1\)"),
        ({"min_count": 0}, ValueError, r"group_report: min_count=0 is outside \[1, inf\)"),
    ],
)
def test_bad_settings(settings, error, message):
    with pytest.raises(error, match=message):
        group_report(Y, PRED, sensitive_features=SEX, **settings)


@pytest.mark.parametrize(("random_state", "error"), [("seed", TypeError), (True, TypeError),
                                                     (-1, ValueError), (2.0, TypeError)])
def test_bad_random_state(random_state, error):
    with pytest.raises(error, match=r"group_report: random_state=.* is not a valid seed"):
        group_report(Y, PRED, sensitive_features=SEX, random_state=random_state)


def test_every_valid_random_state_is_accepted():
    """One contract: None, whole numbers (numpy's too), Generator, RandomState."""
    def lower(random_state):
        report = group_report(Y, PRED, sensitive_features=SEX, n_boot=30,
                              random_state=random_state)
        return report.lower["selection_rate"].to_numpy()

    np.testing.assert_array_equal(lower(np.int64(3)), lower(3))
    np.testing.assert_array_equal(lower(np.random.default_rng(3)), lower(np.random.default_rng(3)))
    np.testing.assert_array_equal(lower(np.random.RandomState(3)), lower(np.random.RandomState(3)))
    assert np.isfinite(lower(None)).all()
    report = group_report(Y, PRED, sensitive_features=SEX, n_boot=10, random_state=np.int64(3))
    assert report.parameters["random_state"] == 3 and type(report.parameters["random_state"]) is int


def test_small_group_warns_and_is_undefined_not_dropped():
    sex = SEX.copy()
    sex[:4] = "X"
    with pytest.warns(SmallGroupWarning, match=r"'X' \(4 rows\) has fewer than min_count=10 rows"):
        report = group_report(Y, PRED, sensitive_features=sex, n_boot=50)
    assert report.groups.loc["X", "count"] == 4  # reported, not dropped
    assert report.groups.loc["X"].drop("count").isna().all()
    reasons = report.undefined.query("group == 'X'")["reason"]
    assert (reasons == "only 4 rows (fewer than min_count=10)").all()
    assert report.disparities["groups_compared"].max() == 2
    assert int(report.overall.loc["count", "value"]) == 200


def test_evaluate_model_errors(small_test):
    class NoProba:
        def predict(self, X):
            return np.zeros(len(X))

    with pytest.raises(TypeError, match=r"evaluate_model: model NoProba has no predict_proba"):
        evaluate_model(NoProba(), small_test, protected="sex")
    with pytest.raises(ValueError, match=r"evaluate_model: protected column 'gender' is not in "
                                         r"the data; its columns are \['age', "):
        evaluate_model(NoProba(), small_test, protected="gender")
    with pytest.raises(TypeError, match=r"evaluate_model: data must be a govkit Dataset, got DataFrame"):
        evaluate_model(NoProba(), small_test.frame, protected="sex")
    with pytest.raises(ValueError, match=r"evaluate_model: threshold=1.5 is outside \[0, 1\]"):
        evaluate_model(NoProba(), small_test, protected="sex", threshold=1.5)
    undeclared = small_test.replace(protected=())
    with pytest.raises(ValueError, match=r"protected=None means the data's protected columns, "
                                         r"but data declares none"):
        evaluate_model(NoProba(), undeclared)
